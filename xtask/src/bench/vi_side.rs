//! vi's side of a benchmark: the release binary's matrix-product yardstick
//! (`vi bench-matmul`) and a training run, timed by `vi` itself and read
//! back from its `summary.json`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::targets::Spec;

/// `vi bench-matmul`'s rate, 10⁹ FLOP/s.
pub fn matmul_rate(vi: &Path, threads: u32, size: u32) -> Result<f64> {
    let output = Command::new(vi)
        .args(["bench-matmul", "--seconds", "2"])
        .args(["--threads", &threads.to_string()])
        .args(["--size", &size.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running {} bench-matmul", vi.display()))?;
    if !output.status.success() {
        bail!("vi bench-matmul failed ({})", output.status);
    }
    let line = String::from_utf8_lossy(&output.stdout);
    let json: Value = serde_json::from_str(line.trim())
        .with_context(|| format!("vi bench-matmul printed {line:?}, not JSON"))?;
    json["gflops"]
        .as_f64()
        .with_context(|| format!("vi bench-matmul printed no `gflops`: {line}"))
}

/// Trains the target's VAE for `epochs` on the CPU into `out` (no
/// log-likelihood estimate) and returns the epochs' timings from its
/// `summary.json`.
pub fn train(
    vi: &Path,
    root: &Path,
    spec: &Spec,
    out: &Path,
    threads: u32,
    epochs: u32,
) -> Result<EpochTiming> {
    let checkpoint = PathBuf::from(format!("{}.checkpoint.safetensors", out.display()));
    let status = Command::new(vi)
        .current_dir(root)
        .args([spec.command, "--device", "cpu"])
        .args(spec.args)
        .args(["--threads", &threads.to_string()])
        .args(["--epochs", &epochs.to_string()])
        .arg("--out")
        .arg(out)
        .arg("--checkpoint")
        .arg(&checkpoint)
        // The previous benchmark's checkpoint, replaced.
        .arg("--restart")
        .stdout(Stdio::null())
        .status()
        .with_context(|| format!("running {} {}", vi.display(), spec.command))?;
    if !status.success() {
        bail!("vi {} failed ({status})", spec.command);
    }
    let path = out.join("summary.json");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let summary: Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    epoch_timing(&summary).with_context(|| format!("reading {}", path.display()))
}

/// Epoch timings read from a VAE subcommand's summary.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochTiming {
    /// Training seconds of every epoch, the warm-up included.
    pub seconds: Vec<f64>,
    /// Examples per epoch (whole batches only where the tutorial drops the
    /// last one).
    pub examples: u64,
    /// Examples per step.
    pub batch_size: u64,
}

impl EpochTiming {
    /// Optimizer steps per epoch (a last, partial batch counts as one).
    pub fn steps(&self) -> f64 {
        (self.examples as f64 / self.batch_size as f64)
            .ceil()
            .max(1.0)
    }
}

pub fn epoch_timing(summary: &Value) -> Result<EpochTiming> {
    let seconds: Vec<f64> = summary["timing"]["epochs"]
        .as_array()
        .context("no timing.epochs")?
        .iter()
        .map(|epoch| epoch["train_seconds"].as_f64())
        .collect::<Option<_>>()
        .context("an epoch without train_seconds")?;
    if seconds.is_empty() {
        bail!("no epoch was timed");
    }
    let images = summary["data"]["train_images"]
        .as_u64()
        .context("no data.train_images")?;
    let batch = summary["training"]["batch_size"]
        .as_u64()
        .filter(|&batch| batch > 0)
        .context("no training.batch_size")?;
    let examples = if summary["training"]["drop_last"].as_bool() == Some(false) {
        images
    } else {
        images / batch * batch
    };
    Ok(EpochTiming {
        seconds,
        examples,
        batch_size: batch,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn epoch_timing_reads_every_epoch_and_counts_whole_batches() {
        let summary = json!({
            "data": { "train_images": 60_050 },
            "training": { "batch_size": 100, "drop_last": true },
            "timing": { "epochs": [
                { "train_seconds": 9.0 }, { "train_seconds": 2.0 }, { "train_seconds": 4.0 }
            ] }
        });
        let timing = epoch_timing(&summary).expect("a valid summary");
        assert_eq!(timing.seconds, [9.0, 2.0, 4.0]);
        assert_eq!((timing.examples, timing.batch_size), (60_000, 100));
        assert_eq!(timing.steps(), 600.0);
        let one = json!({
            "data": { "train_images": 250 },
            "training": { "batch_size": 100, "drop_last": false },
            "timing": { "epochs": [ { "train_seconds": 1.5 } ] }
        });
        let timing = epoch_timing(&one).expect("a valid summary");
        assert_eq!((timing.examples, timing.steps()), (250, 3.0));
        assert!(epoch_timing(&json!({})).is_err());
        let untimed = json!({
            "data": { "train_images": 250 },
            "training": { "batch_size": 100 },
            "timing": { "epochs": [] }
        });
        assert!(epoch_timing(&untimed).is_err());
    }
}
