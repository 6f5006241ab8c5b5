//! The checkpoint file format: one safetensors file holding the model's
//! variables under their own names (the tutorial's `state_dict` keys, so
//! `safetensors.torch.load_file` then `model.load_state_dict(...,
//! strict=False)` reads them in PyTorch), Adam's moments as
//! `optimizer.exp_avg.<name>` and `optimizer.exp_avg_sq.<name>`, and string
//! entries in the header's `__metadata__`: `format`, `version`,
//! `architecture`, `model_config` and `train_config` (JSON), `epoch`,
//! `history` (JSON), `optimizer_steps`, and `data` (JSON, the
//! [`DataSelection`]; absent when the trainer was given none). [`encode`]
//! makes the bytes, [`decode`] reads and checks them, [`probe`] reads only
//! the header, to tell a checkpoint from any other file.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use tch::{Device, Kind, Tensor};

use crate::error::{Error, Result};
use crate::train::config::TrainConfig;
use crate::train::data_selection::DataSelection;
use crate::train::history::History;

/// Value of the `format` entry that marks a vi-models checkpoint.
const FORMAT: &str = "vi-models checkpoint";
/// Version of the layout of the module docs; a checkpoint of another version is refused.
const VERSION: &str = "1";
/// The largest header safetensors reads (its `MAX_HEADER_SIZE`).
const MAX_HEADER_LEN: u64 = 100_000_000;

/// What a trainer writes after an epoch.
pub(crate) struct CheckpointContents<'a> {
    pub(crate) architecture: &'static str,
    pub(crate) model_config: String,
    pub(crate) train_config: &'a TrainConfig,
    pub(crate) history: &'a History,
    pub(crate) optimizer_steps: u64,
    /// The run's data, if the trainer was told.
    pub(crate) data: Option<&'a DataSelection>,
    /// Model variables, then optimizer state.
    pub(crate) tensors: Vec<(String, Tensor)>,
}

/// What a checkpoint file holds, checked: the header's entries and the
/// tensors on the CPU.
pub(super) struct Decoded {
    pub(super) architecture: String,
    /// The model's configuration as JSON text (parsed by the caller, who
    /// knows its type).
    pub(super) model_config: String,
    pub(super) train_config: TrainConfig,
    pub(super) history: History,
    pub(super) optimizer_steps: u64,
    pub(super) data: Option<DataSelection>,
    pub(super) tensors: HashMap<String, Tensor>,
}

/// What a file is, as far as its header tells: a vi-models checkpoint, or
/// something else.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckpointProbe {
    /// A vi-models checkpoint (its header says so; its tensors are not
    /// read).
    Checkpoint {
        /// Its architecture's name, e.g. `"mlp-vae"`.
        architecture: String,
        /// Epochs completed when it was written.
        epoch: usize,
    },
    /// Any other file: not a safetensors file, or one without the `format`
    /// entry of a vi-models checkpoint.
    Other {
        /// Why it is not a checkpoint, in words.
        reason: String,
    },
}

/// The file's bytes for `contents`.
///
/// # Errors
/// [`Error::InvalidConfig`] for values JSON cannot hold (non-finite
/// numbers) or tensors of a dtype the format does not store.
pub(super) fn encode(contents: &CheckpointContents<'_>) -> Result<Vec<u8>> {
    let json = |what: &str, value: serde_json::Result<String>| {
        value.map_err(|error| Error::InvalidConfig {
            model: "Checkpoint",
            name: "checkpoint header",
            expected: "values representable in JSON (finite numbers)",
            found: format!("{what}: {error}"),
        })
    };
    let mut metadata: HashMap<String, String> = [
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
    if let Some(data) = contents.data {
        metadata.insert(
            "data".to_owned(),
            json("data", serde_json::to_string(data))?,
        );
    }

    let mut buffers = Vec::with_capacity(contents.tensors.len());
    for (name, tensor) in &contents.tensors {
        let tensor = tensor.f_to_device(Device::Cpu)?.f_contiguous()?;
        let dtype = dtype_of(tensor.kind()).ok_or_else(|| Error::InvalidConfig {
            model: "Checkpoint",
            name: "checkpoint tensor",
            expected: "float32, float64, float16, bfloat16 or int64",
            found: format!("{name}: {}", kind_name(tensor.kind())),
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

/// Reads and checks the bytes of the checkpoint at `path` (named in errors).
///
/// # Errors
/// [`Error::CorruptCheckpoint`] if they are not a safetensors file, lack an
/// entry of the layout, or hold entries that do not parse or agree (an
/// epoch that differs from the history's length);
/// [`Error::CheckpointMismatch`] for a layout version other than this
/// crate's.
pub(super) fn decode(path: &Path, bytes: &[u8]) -> Result<Decoded> {
    let corrupt = |reason: String| Error::CorruptCheckpoint {
        path: path.to_path_buf(),
        reason,
    };
    let (_, header) = SafeTensors::read_metadata(bytes)
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
    let data = match metadata.get("data") {
        None => None,
        Some(text) => Some(
            serde_json::from_str(text)
                .map_err(|error| corrupt(format!("`data` does not parse ({error})")))?,
        ),
    };

    let safetensors = SafeTensors::deserialize(bytes)
        .map_err(|error| corrupt(format!("its tensors do not parse ({error})")))?;
    let mut tensors = HashMap::new();
    for (name, view) in safetensors.tensors() {
        let kind = kind_of(view.dtype())
            .ok_or_else(|| corrupt(format!("`{name}` has unsupported dtype {:?}", view.dtype())))?;
        let shape: Vec<i64> = view.shape().iter().map(|&d| d as i64).collect();
        let tensor = Tensor::f_from_data_size(view.data(), &shape, kind)?;
        tensors.insert(name, tensor);
    }
    Ok(Decoded {
        architecture: entry("architecture")?,
        model_config,
        train_config,
        history,
        optimizer_steps,
        data,
        tensors,
    })
}

/// Reads the header of the file at `path` — no more than its first bytes —
/// and says whether it is a vi-models checkpoint.
///
/// # Errors
/// [`Error::Io`] if the file cannot be opened or read.
pub(super) fn probe(path: &Path) -> Result<CheckpointProbe> {
    let io_error = |source| Error::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    };
    let other = |reason: &str| {
        Ok(CheckpointProbe::Other {
            reason: reason.to_owned(),
        })
    };
    let mut file = File::open(path).map_err(io_error)?;
    let length = file.metadata().map_err(io_error)?.len();
    let mut prefix = [0u8; 8];
    if length < 8 {
        return other("it is shorter than a safetensors header");
    }
    file.read_exact(&mut prefix).map_err(io_error)?;
    let header_len = u64::from_le_bytes(prefix);
    if header_len > MAX_HEADER_LEN || header_len > length - 8 {
        return other("it does not start with a safetensors header");
    }
    let mut header = Vec::new();
    file.take(header_len)
        .read_to_end(&mut header)
        .map_err(io_error)?;
    let Ok(header) = serde_json::from_slice::<serde_json::Value>(&header) else {
        return other("it does not start with a safetensors header");
    };
    let metadata = &header["__metadata__"];
    if metadata["format"].as_str() != Some(FORMAT) {
        return other("it is not a vi-models checkpoint (its header has no `format` entry of one)");
    }
    let architecture = metadata["architecture"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let epoch = metadata["epoch"]
        .as_str()
        .and_then(|text| text.parse().ok())
        .unwrap_or_default();
    Ok(CheckpointProbe::Checkpoint {
        architecture,
        epoch,
    })
}

/// The dtype's name as PyTorch prints it (`float32`), for messages.
pub(super) fn kind_name(kind: Kind) -> String {
    match kind {
        Kind::Float => "float32".to_owned(),
        Kind::Double => "float64".to_owned(),
        Kind::Half => "float16".to_owned(),
        Kind::BFloat16 => "bfloat16".to_owned(),
        Kind::Int64 => "int64".to_owned(),
        Kind::Int => "int32".to_owned(),
        Kind::Uint8 => "uint8".to_owned(),
        Kind::Bool => "bool".to_owned(),
        other => format!("{other:?}").to_lowercase(),
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
