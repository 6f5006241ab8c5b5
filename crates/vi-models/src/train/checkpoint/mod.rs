//! Checkpoints: a model's parameters, the optimizer's state, the training
//! configuration, history and data in one safetensors file, written
//! atomically and checked against the model when read back. [`Checkpoint`]
//! is the public side; `format.rs` holds the file's layout (and
//! [`CheckpointProbe`], which tells a checkpoint from another file by its
//! header), `write.rs` the atomic write.

mod format;
mod write;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use tch::{Device, Tensor, nn};

use crate::error::{Error, Result};
use crate::train::config::TrainConfig;
use crate::train::data_selection::DataSelection;
use crate::train::history::History;
use crate::train::optimizer::{Optimizer, STATE_PREFIX};
use crate::vae::{Architecture, Vae};

pub(crate) use format::CheckpointContents;
pub use format::CheckpointProbe;
pub(crate) use write::write;

/// A checkpoint read from disk: the header's entries, checked, and the
/// tensors on the CPU.
///
/// ```no_run
/// use std::path::Path;
/// use tch::Device;
/// use vi_models::{Checkpoint, MlpVae, Vae};
///
/// let checkpoint = Checkpoint::load(Path::new("results/vae-mlp.checkpoint.safetensors"))?;
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
    data: Option<DataSelection>,
    tensors: HashMap<String, Tensor>,
}

impl Checkpoint {
    /// Reads only the header of the file at `path` and says whether it is
    /// a vi-models checkpoint, and if so of which architecture and epoch:
    /// what a caller checks before it writes a checkpoint over a file, so
    /// that a file of anything else is never replaced. Cheap for a file of
    /// any size.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be opened or read (absent, a
    /// folder, not readable).
    pub fn probe(path: &Path) -> Result<CheckpointProbe> {
        format::probe(path)
    }

    /// Reads and checks the checkpoint at `path`.
    ///
    /// # Errors
    /// [`Error::Io`] if the file cannot be read; [`Error::CorruptCheckpoint`]
    /// if it is not a safetensors file, lacks an entry of the layout
    /// (`format.rs`),
    /// or holds entries that do not parse or agree (an epoch that differs
    /// from the history's length); [`Error::CheckpointMismatch`] for a
    /// layout version other than this crate's.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = fs::read(path).map_err(|source| Error::Io {
            action: "read",
            path: path.to_path_buf(),
            source,
        })?;
        let decoded = format::decode(path, &bytes)?;
        Ok(Self {
            path: path.to_path_buf(),
            architecture: decoded.architecture,
            model_config: decoded.model_config,
            train_config: decoded.train_config,
            history: decoded.history,
            optimizer_steps: decoded.optimizer_steps,
            data: decoded.data,
            tensors: decoded.tensors,
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

    /// The data the run trained and was tested on, as its trainer was told
    /// ([`Trainer::set_data_selection`](crate::Trainer::set_data_selection));
    /// `None` for a checkpoint written without it.
    pub fn data_selection(&self) -> Option<&DataSelection> {
        self.data.as_ref()
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
                    &format::kind_name(target.kind()),
                    &format::kind_name(source.kind()),
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
