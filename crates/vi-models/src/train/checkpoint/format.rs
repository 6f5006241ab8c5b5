//! The checkpoint file format: one safetensors file holding the model's
//! variables under their own names (the tutorial's `state_dict` keys, so
//! `safetensors.torch.load_file` then `model.load_state_dict(...,
//! strict=False)` reads them in PyTorch), Adam's moments as
//! `optimizer.exp_avg.<name>` and `optimizer.exp_avg_sq.<name>`, and string
//! entries in the header's `__metadata__`: `format`, `version`,
//! `architecture`, `model_config` and `train_config` (JSON), `epoch`,
//! `history` (JSON), `optimizer_steps`. [`encode`] makes the bytes,
//! [`decode`] reads and checks them.

use std::collections::HashMap;
use std::path::Path;

use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use tch::{Device, Kind, Tensor};

use crate::error::{Error, Result};
use crate::train::config::TrainConfig;
use crate::train::history::History;

/// Value of the `format` entry that marks a vi-models checkpoint.
const FORMAT: &str = "vi-models checkpoint";
/// Version of the layout of the module docs; a checkpoint of another version is refused.
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
    pub(super) tensors: HashMap<String, Tensor>,
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
        tensors,
    })
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
