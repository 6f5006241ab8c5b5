//! Checkpoints: a model's parameters, the optimizer's state, the training
//! configuration and history in one safetensors file, written atomically
//! and checked against the model when read back.
//!
//! Layout: the model's variables under their own names (the tutorial's
//! `state_dict` keys, so `safetensors.torch.load_file` then
//! `model.load_state_dict(..., strict=False)` reads them in PyTorch), Adam's
//! moments as `optimizer.exp_avg.<name>` and `optimizer.exp_avg_sq.<name>`,
//! and string entries in the header's `__metadata__`: `format`, `version`,
//! `architecture`, `model_config` and `train_config` (JSON), `epoch`,
//! `history` (JSON), `optimizer_steps`.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use tch::{Device, Kind, Tensor, nn};

use crate::error::{Error, Result};
use crate::train::config::TrainConfig;
use crate::train::history::History;
use crate::train::optimizer::{Optimizer, STATE_PREFIX};
use crate::vae::{Architecture, Vae};

/// Value of the `format` entry that marks a vi-models checkpoint.
const FORMAT: &str = "vi-models checkpoint";
/// Version of the layout above; a checkpoint of another version is refused.
const VERSION: &str = "1";

/// What a trainer writes after an epoch.
pub(crate) struct CheckpointContents<'a> {
    pub(crate) architecture: &'static str,
    pub(crate) model_config: String,
    pub(crate) train_config: &'a TrainConfig,
    pub(crate) history: &'a History,
    pub(crate) optimizer_steps: u64,
    /// Model variables, then optimizer state.
    pub(crate) tensors: Vec<(String, Tensor)>,
}

/// Writes `contents` to `path` atomically: to a temporary file in the same
/// folder (named `*.tmp-<pid>.safetensors`), flushed to disk, then renamed
/// over `path`. An interrupted write leaves the previous file intact.
pub(crate) fn write(path: &Path, contents: &CheckpointContents<'_>) -> Result<()> {
    let bytes = serialize(contents)?;
    let temporary = temporary_path(path);
    let written = write_synced(&temporary, &bytes).and_then(|()| {
        fs::rename(&temporary, path).map_err(|source| Error::Io {
            action: "rename a temporary checkpoint to",
            path: path.to_path_buf(),
            source,
        })
    });
    if written.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    written?;
    sync_parent(path);
    Ok(())
}

fn serialize(contents: &CheckpointContents<'_>) -> Result<Vec<u8>> {
    let json = |what: &str, value: serde_json::Result<String>| {
        value.map_err(|error| Error::InvalidConfig {
            model: "Checkpoint",
            name: "checkpoint header",
            expected: "values representable in JSON (finite numbers)",
            found: format!("{what}: {error}"),
        })
    };
    let metadata: HashMap<String, String> = [
        ("format", FORMAT.to_string()),
        ("version", VERSION.to_string()),
        ("architecture", contents.architecture.to_string()),
        ("model_config", contents.model_config.clone()),
        (
            "train_config",
            json("train_config", serde_json::to_string(contents.train_config))?,
        ),
        ("epoch", contents.history.len().to_string()),
        (
            "history",
            json("history", serde_json::to_string(contents.history))?,
        ),
        ("optimizer_steps", contents.optimizer_steps.to_string()),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_string(), value))
    .collect();

    let mut buffers = Vec::with_capacity(contents.tensors.len());
    for (name, tensor) in &contents.tensors {
        let tensor = tensor.f_to_device(Device::Cpu)?.f_contiguous()?;
        let dtype = dtype_of(tensor.kind()).ok_or_else(|| Error::InvalidConfig {
            model: "Checkpoint",
            name: "checkpoint tensor",
            expected: "float32, float64, float16, bfloat16 or int64",
            found: format!("{name}: {:?}", tensor.kind()),
        })?;
        let numel = tensor.numel();
        let mut bytes = vec![0u8; numel * tensor.kind().elt_size_in_bytes()];
        tensor.f_copy_data_u8(&mut bytes, numel)?;
        let shape: Vec<usize> = tensor.size().iter().map(|&d| d as usize).collect();
        buffers.push((name.clone(), dtype, shape, bytes));
    }
    let views = buffers
        .iter()
        .map(|(name, dtype, shape, bytes)| {
            TensorView::new(*dtype, shape.clone(), bytes).map(|view| (name.clone(), view))
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|error| Error::InvalidConfig {
            model: "Checkpoint",
            name: "checkpoint tensor",
            expected: "a tensor whose bytes match its shape",
            found: error.to_string(),
        })?;
    safetensors::serialize(views, Some(metadata)).map_err(|error| Error::InvalidConfig {
        model: "Checkpoint",
        name: "checkpoint",
        expected: "a header that fits safetensors' limits",
        found: error.to_string(),
    })
}

/// `dir/name.safetensors` → `dir/name.tmp-<pid>.safetensors`: same folder
/// (so the rename is atomic), and still a `.safetensors` name.
fn temporary_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(|| "checkpoint".into(), |s| s.to_string_lossy());
    path.with_file_name(format!("{stem}.tmp-{}.safetensors", std::process::id()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let io_error = |source| Error::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    };
    let mut file = fs::File::create(path).map_err(io_error)?;
    file.write_all(bytes).map_err(io_error)?;
    file.sync_all().map_err(io_error)
}

/// Makes the rename durable where the platform allows; failing to is not an
/// error (the file itself is complete either way).
fn sync_parent(path: &Path) {
    #[cfg(unix)]
    if let Some(parent) = path.parent() {
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if let Ok(dir) = fs::File::open(parent) {
            let _ = dir.sync_all();
        }
    }
}

fn dtype_of(kind: Kind) -> Option<Dtype> {
    Some(match kind {
        Kind::Float => Dtype::F32,
        Kind::Double => Dtype::F64,
        Kind::Half => Dtype::F16,
        Kind::BFloat16 => Dtype::BF16,
        Kind::Int64 => Dtype::I64,
        _ => return None,
    })
}

fn kind_of(dtype: Dtype) -> Option<Kind> {
    Some(match dtype {
        Dtype::F32 => Kind::Float,
        Dtype::F64 => Kind::Double,
        Dtype::F16 => Kind::Half,
        Dtype::BF16 => Kind::BFloat16,
        Dtype::I64 => Kind::Int64,
        _ => return None,
    })
}

/// A checkpoint read from disk: the header's entries, checked, and the
/// tensors on the CPU.
///
/// ```no_run
/// use std::path::Path;
/// use tch::Device;
/// use vi_models::{Checkpoint, MlpVae, Vae};
///
/// let checkpoint = Checkpoint::load(Path::new("results/mlp-vae.safetensors"))?;
/// let (_var_store, model) = checkpoint.restore_model::<MlpVae>(Device::Cpu)?;
/// let digits = model.sample_images(64)?; // [64, 784] probabilities
/// # Ok::<(), vi_models::Error>(())
/// ```
#[derive(Debug)]
pub struct Checkpoint {
    path: PathBuf,
    architecture: String,
    model_config: String,
    train_config: TrainConfig,
    history: History,
    optimizer_steps: u64,
    tensors: HashMap<String, Tensor>,
}

impl Checkpoint {
    /// Reads and checks the checkpoint at `path`.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; [`Error::CorruptCheckpoint`]
    /// if it is not a safetensors file, lacks an entry of the layout above,
    /// or holds entries that do not parse or agree (an epoch that differs
    /// from the history's length); [`Error::CheckpointMismatch`] for a
    /// layout version other than this crate's.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = fs::read(path).map_err(|source| Error::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        })?;
        let corrupt = |reason: String| Error::CorruptCheckpoint {
            path: path.to_path_buf(),
            reason,
        };
        let (_, header) = SafeTensors::read_metadata(&bytes)
            .map_err(|error| corrupt(format!("not a safetensors file ({error})")))?;
        let metadata = header.metadata().clone().unwrap_or_default();
        let entry = |key: &str| {
            metadata
                .get(key)
                .cloned()
                .ok_or_else(|| corrupt(format!("its header has no `{key}` entry")))
        };
        let format = entry("format")
            .map_err(|_| corrupt("not a vi-models checkpoint (no `format` entry)".into()))?;
        if format != FORMAT {
            return Err(corrupt(format!(
                "`format` is {format:?}, expected {FORMAT:?}"
            )));
        }
        let version = entry("version")?;
        if version != VERSION {
            return Err(Error::CheckpointMismatch {
                path: path.to_path_buf(),
                what: "layout version".into(),
                expected: VERSION.into(),
                found: version,
            });
        }
        let parse_json = |key: &str| -> Result<serde_json::Value> {
            serde_json::from_str(&entry(key)?)
                .map_err(|error| corrupt(format!("`{key}` is not valid JSON ({error})")))
        };
        let train_config: TrainConfig = serde_json::from_value(parse_json("train_config")?)
            .map_err(|error| corrupt(format!("`train_config` does not parse ({error})")))?;
        let history: History = serde_json::from_value(parse_json("history")?)
            .map_err(|error| corrupt(format!("`history` does not parse ({error})")))?;
        let parse_count = |key: &str| -> Result<u64> {
            let text = entry(key)?;
            text.parse()
                .map_err(|_| corrupt(format!("`{key}` is {text:?}, not a count")))
        };
        let epoch = parse_count("epoch")?;
        if epoch != history.len() as u64 || !history.is_consecutive() {
            return Err(corrupt(format!(
                "`epoch` is {epoch} but the history holds epochs {:?}",
                history
                    .records()
                    .iter()
                    .map(|r| r.epoch)
                    .collect::<Vec<_>>()
            )));
        }
        let optimizer_steps = parse_count("optimizer_steps")?;
        let model_config = entry("model_config")?;
        parse_json("model_config")?;

        let safetensors = SafeTensors::deserialize(&bytes)
            .map_err(|error| corrupt(format!("its tensors do not parse ({error})")))?;
        let mut tensors = HashMap::new();
        for (name, view) in safetensors.tensors() {
            let kind = kind_of(view.dtype()).ok_or_else(|| {
                corrupt(format!("`{name}` has unsupported dtype {:?}", view.dtype()))
            })?;
            let shape: Vec<i64> = view.shape().iter().map(|&d| d as i64).collect();
            let tensor = Tensor::f_from_data_size(view.data(), &shape, kind)?;
            tensors.insert(name, tensor);
        }
        Ok(Self {
            path: path.to_path_buf(),
            architecture: entry("architecture")?,
            model_config,
            train_config,
            history,
            optimizer_steps,
            tensors,
        })
    }

    /// The file it was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The architecture's name, e.g. `"mlp-vae"`.
    pub fn architecture(&self) -> &str {
        &self.architecture
    }

    /// The model's configuration.
    ///
    /// # Errors
    /// [`Error::CheckpointMismatch`] if the checkpoint holds another
    /// architecture than `C`; [`Error::CorruptCheckpoint`] if its
    /// configuration does not parse as a `C`.
    pub fn model_config<C: Architecture>(&self) -> Result<C> {
        if self.architecture != C::NAME {
            return Err(self.mismatch("architecture", C::NAME, &self.architecture));
        }
        serde_json::from_str(&self.model_config).map_err(|error| Error::CorruptCheckpoint {
            path: self.path.clone(),
            reason: format!(
                "`model_config` is not a {} configuration ({error})",
                C::NAME
            ),
        })
    }

    /// Checks that the checkpoint holds a model configured as `expected`
    /// (for a caller that was given a configuration and a checkpoint to
    /// resume).
    ///
    /// # Errors
    /// [`Error::CheckpointMismatch`] naming both configurations, or the
    /// errors of [`model_config`](Self::model_config).
    pub fn expect_model_config<C: Architecture>(&self, expected: &C) -> Result<()> {
        let found: C = self.model_config()?;
        if &found == expected {
            return Ok(());
        }
        let show =
            |config: &C| serde_json::to_string(config).unwrap_or_else(|_| format!("{config:?}"));
        Err(self.mismatch("model configuration", &show(expected), &show(&found)))
    }

    /// The training configuration of the run.
    pub fn train_config(&self) -> &TrainConfig {
        &self.train_config
    }

    /// Epochs completed when it was written.
    pub fn epoch(&self) -> usize {
        self.history.len()
    }

    /// The history of those epochs.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// Builds the model of the stored configuration on `device` and loads
    /// its parameters. Building draws a throw-away initialization from
    /// libtorch's generator: seed it afterwards for reproducible draws.
    ///
    /// # Errors
    /// As [`model_config`](Self::model_config); [`Error::CheckpointMismatch`]
    /// if a parameter is missing, extra, or of another shape or dtype.
    pub fn restore_model<M: Vae>(&self, device: Device) -> Result<(nn::VarStore, M)> {
        let config: M::Config = self.model_config()?;
        let var_store = nn::VarStore::new(device);
        let model = M::build(&var_store.root(), &config)?;
        let mut variables: Vec<(String, Tensor)> = var_store.variables().into_iter().collect();
        // In name order, so that the first mismatch reported does not vary.
        variables.sort_by(|a, b| a.0.cmp(&b.0));
        let mut stored: Vec<&String> = self
            .tensors
            .keys()
            .filter(|name| !name.starts_with(STATE_PREFIX))
            .collect();
        stored.sort();
        if let Some(extra) = stored
            .iter()
            .find(|name| !variables.iter().any(|(known, _)| known == **name))
        {
            return Err(self.mismatch(
                &format!("parameter `{extra}`"),
                "absent (not in the model)",
                "present",
            ));
        }
        self.copy_into(&variables)?;
        Ok((var_store, model))
    }

    /// Restores the optimizer's step count and state tensors.
    pub(crate) fn restore_optimizer(&self, optimizer: &mut Optimizer) -> Result<()> {
        let state = optimizer.state();
        let stored = self
            .tensors
            .keys()
            .filter(|name| name.starts_with(STATE_PREFIX))
            .count();
        if stored != state.len() {
            return Err(self.mismatch(
                "number of optimizer state tensors",
                &state.len().to_string(),
                &stored.to_string(),
            ));
        }
        self.copy_into(&state)?;
        optimizer.set_steps(self.optimizer_steps);
        Ok(())
    }

    /// Copies the stored tensor of each name into `targets`, after checking
    /// that each exists with the target's shape and dtype.
    fn copy_into(&self, targets: &[(String, Tensor)]) -> Result<()> {
        for (name, target) in targets {
            let source = self.tensors.get(name).ok_or_else(|| {
                self.mismatch(&format!("parameter `{name}`"), "present", "absent")
            })?;
            if source.size() != target.size() {
                return Err(self.mismatch(
                    &format!("shape of `{name}`"),
                    &format!("{:?}", target.size()),
                    &format!("{:?}", source.size()),
                ));
            }
            if source.kind() != target.kind() {
                return Err(self.mismatch(
                    &format!("dtype of `{name}`"),
                    &format!("{:?}", target.kind()),
                    &format!("{:?}", source.kind()),
                ));
            }
        }
        tch::no_grad(|| -> Result<()> {
            for (name, target) in targets {
                let mut target = target.shallow_clone();
                // Presence was checked above.
                if let Some(source) = self.tensors.get(name) {
                    target.f_copy_(source)?;
                }
            }
            Ok(())
        })
    }

    fn mismatch(&self, what: &str, expected: &str, found: &str) -> Error {
        Error::CheckpointMismatch {
            path: self.path.clone(),
            what: what.to_string(),
            expected: expected.to_string(),
            found: found.to_string(),
        }
    }
}
