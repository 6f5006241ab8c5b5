//! `cargo xtask bench vae-mlp`: seconds per training epoch of tutorial 3's
//! VAE at the tutorial's settings, and the floating-point rate that makes,
//! next to the machine's large-matrix-product rate measured in the same run
//! (`vi bench-matmul`), on one thread and on every core.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use serde_json::Value;

use crate::data;
use crate::setup::{SetupArgs, build_vi};

/// Arguments of `cargo xtask bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to measure.
    #[arg(value_enum)]
    pub target: Target,
    /// Epochs trained per thread count. The first is a warm-up, left out
    /// when there are more.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub epochs: u32,
    /// Thread counts to measure, comma-separated [default: 1 and the
    /// machine's core count].
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Vec<u32>,
    /// Side n of the n × n matrices of the matrix-product yardstick.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub matmul_size: u32,
    #[command(flatten)]
    pub setup: SetupArgs,
}

/// The benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// Tutorial 3's MLP VAE (784-256-128-2) at batch size 100, plain SGD.
    VaeMlp,
}

/// Tutorial 3's VAE as `(inputs, outputs)` of each linear layer: encoder
/// 784→256→128, the μ and log σ² heads 128→2 each, decoder 2→128→256→784.
const MLP_VAE_LAYERS: [(u64, u64); 7] = [
    (784, 256),
    (256, 128),
    (128, 2),
    (128, 2),
    (2, 128),
    (128, 256),
    (256, 784),
];

/// Floating-point operations of the matrix products per example and
/// training step. A layer's forward product takes `in · out`
/// multiply-adds, 2 FLOP each; its backward pass takes two products of the
/// same size (the gradients with respect to its input and to its weights),
/// so a step costs 3 × forward:
///
/// ```text
/// forward  2 · (784·256 + 256·128 + 128·4 + 2·128 + 128·256 + 256·784)
///        = 2 · 467 712 = 935 424 FLOP
/// step     3 · 935 424 = 2 806 272 FLOP ≈ 2.8 MFLOP
/// ```
///
/// Biases, activations, the loss, the sampling and the update are left
/// out: they are linear in the sizes, not products.
fn flop_per_example(layers: &[(u64, u64)]) -> f64 {
    let multiply_adds: u64 = layers
        .iter()
        .map(|(inputs, outputs)| inputs * outputs)
        .sum();
    3.0 * 2.0 * multiply_adds as f64
}

/// One thread count's measurements.
#[derive(Debug, Clone, PartialEq)]
struct Measurement {
    threads: u32,
    /// The matrix-product yardstick, 10⁹ FLOP/s.
    matmul_gflops: f64,
    /// Median training seconds per epoch (warm-up left out).
    seconds_per_epoch: f64,
    /// The fastest epoch's training seconds.
    best_seconds: f64,
    /// Examples per epoch (whole batches only, as the tutorial drops the
    /// last one).
    examples_per_epoch: u64,
}

impl Measurement {
    /// The training loop's rate of matrix-product FLOP, 10⁹ FLOP/s.
    fn training_gflops(&self, flop_per_example: f64) -> f64 {
        flop_per_example * self.examples_per_epoch as f64 / self.seconds_per_epoch / 1e9
    }
}

pub fn run(root: &Path, args: &Args) -> Result<()> {
    let Target::VaeMlp = args.target;
    args.setup.prepare(root, data::Which::Mnist)?;
    let vi = build_vi(root, true)?;
    let threads = if args.threads.is_empty() {
        default_threads()
    } else {
        args.threads.clone()
    };
    warn_if_busy();
    let bench_dir = root.join("target").join("bench");
    let mut measurements = Vec::new();
    for &count in &threads {
        println!(
            "==> {count} thread(s): matrix product, then {} epochs",
            args.epochs
        );
        let matmul_gflops = matmul_rate(&vi, count, args.matmul_size)?;
        let out = bench_dir.join(format!("vae-mlp-threads-{count}"));
        let summary = train(&vi, root, &out, count, args.epochs)?;
        let timing = epoch_timing(&summary)
            .with_context(|| format!("reading {}", out.join("summary.json").display()))?;
        measurements.push(Measurement {
            threads: count,
            matmul_gflops,
            seconds_per_epoch: timing.median,
            best_seconds: timing.best,
            examples_per_epoch: timing.examples,
        });
    }
    print!(
        "{}",
        table(
            &measurements,
            flop_per_example(&MLP_VAE_LAYERS),
            args.matmul_size
        )
    );
    Ok(())
}

/// Says so when other processes already keep the CPU busy (Linux's load
/// average), since they slow the epochs down unevenly.
fn warn_if_busy() {
    let load = fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<f64>().ok());
    if let Some(load) = load.filter(|&load| load > 0.5) {
        println!(
            "warning: the load average is {load:.2} before the benchmark starts; other \
             processes share the CPU, so the timings will be slower and noisier than the \
             machine allows"
        );
    }
}

/// 1 and the machine's core count.
fn default_threads() -> Vec<u32> {
    let cores = std::thread::available_parallelism()
        .map_or(1, |cores| u32::try_from(cores.get()).unwrap_or(u32::MAX));
    if cores > 1 { vec![1, cores] } else { vec![1] }
}

/// `vi bench-matmul`'s rate, 10⁹ FLOP/s.
fn matmul_rate(vi: &Path, threads: u32, size: u32) -> Result<f64> {
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

/// Trains tutorial 3's VAE for `epochs` on the CPU into `out` (no
/// log-likelihood estimate) and returns its `summary.json`.
fn train(vi: &Path, root: &Path, out: &Path, threads: u32, epochs: u32) -> Result<Value> {
    let checkpoint = PathBuf::from(format!("{}.checkpoint.safetensors", out.display()));
    let status = Command::new(vi)
        .current_dir(root)
        .args(["vae-mlp", "--device", "cpu", "--iwae-samples", "0"])
        .args(["--threads", &threads.to_string()])
        .args(["--epochs", &epochs.to_string()])
        .arg("--out")
        .arg(out)
        .arg("--checkpoint")
        .arg(&checkpoint)
        .stdout(Stdio::null())
        .status()
        .with_context(|| format!("running {} vae-mlp", vi.display()))?;
    if !status.success() {
        bail!("vi vae-mlp failed ({status})");
    }
    let path = out.join("summary.json");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Epoch timings read from a `vi vae-mlp` summary.
#[derive(Debug, Clone, Copy, PartialEq)]
struct EpochTiming {
    /// Median training seconds of the timed epochs (the first, a warm-up,
    /// left out when there are more): robust to another process taking
    /// the CPU for a while.
    median: f64,
    /// The fastest timed epoch.
    best: f64,
    /// Examples per epoch.
    examples: u64,
}

fn epoch_timing(summary: &Value) -> Result<EpochTiming> {
    let mut seconds: Vec<f64> = summary["timing"]["epochs"]
        .as_array()
        .context("no timing.epochs")?
        .iter()
        .map(|epoch| epoch["train_seconds"].as_f64())
        .collect::<Option<_>>()
        .context("an epoch without train_seconds")?;
    if seconds.len() > 1 {
        seconds.remove(0);
    }
    if seconds.is_empty() {
        bail!("no epoch was timed");
    }
    seconds.sort_by(f64::total_cmp);
    let middle = seconds.len() / 2;
    let median = if seconds.len() % 2 == 1 {
        seconds[middle]
    } else {
        (seconds[middle - 1] + seconds[middle]) / 2.0
    };
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
        median,
        best: seconds[0],
        examples,
    })
}

/// The report: one row per thread count.
fn table(measurements: &[Measurement], flop_per_example: f64, matmul_size: u32) -> String {
    let mut text = String::new();
    let examples = measurements.first().map_or(0, |m| m.examples_per_epoch);
    text += &format!(
        "\ntutorial 3's MLP VAE: {examples} images per epoch × {:.2} MFLOP per image and step \
         = {:.1} GFLOP of matrix products per epoch\n",
        flop_per_example / 1e6,
        flop_per_example * examples as f64 / 1e9
    );
    text += &format!(
        "yardstick: float32 {matmul_size}×{matmul_size} matrix product through libtorch\n\n"
    );
    text += "threads  matmul GFLOP/s  s/epoch  best s/epoch  VAE GFLOP/s  VAE/matmul\n";
    for m in measurements {
        let achieved = m.training_gflops(flop_per_example);
        text += &format!(
            "{:>7}  {:>14.1}  {:>7.2}  {:>12.2}  {:>11.1}  {:>8.0} %\n",
            m.threads,
            m.matmul_gflops,
            m.seconds_per_epoch,
            m.best_seconds,
            achieved,
            100.0 * achieved / m.matmul_gflops
        );
    }
    text += "(s/epoch: the median of the timed epochs, from which the GFLOP/s follow)\n";
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_mlp_vae_step_costs_about_2_8_mflop() {
        assert_eq!(flop_per_example(&MLP_VAE_LAYERS), 2_806_272.0);
    }

    #[test]
    fn epoch_timing_takes_the_median_after_the_warm_up() {
        let summary = json!({
            "data": { "train_images": 60_050 },
            "training": { "batch_size": 100, "drop_last": true },
            "timing": { "epochs": [
                { "train_seconds": 9.0 }, { "train_seconds": 2.0 }, { "train_seconds": 4.0 }
            ] }
        });
        let expected = EpochTiming {
            median: 3.0,
            best: 2.0,
            examples: 60_000,
        };
        assert_eq!(epoch_timing(&summary).ok(), Some(expected));
        let one = json!({
            "data": { "train_images": 200 },
            "training": { "batch_size": 100, "drop_last": false },
            "timing": { "epochs": [ { "train_seconds": 1.5 } ] }
        });
        let expected = EpochTiming {
            median: 1.5,
            best: 1.5,
            examples: 200,
        };
        assert_eq!(epoch_timing(&one).ok(), Some(expected));
        assert!(epoch_timing(&json!({})).is_err());
    }

    #[test]
    fn table_reports_the_fraction_of_the_matmul_rate() {
        let measurement = Measurement {
            threads: 2,
            matmul_gflops: 100.0,
            seconds_per_epoch: 2.0,
            best_seconds: 1.9,
            examples_per_epoch: 60_000,
        };
        // 2.806272 MFLOP × 60 000 / 2 s = 84.2 GFLOP/s, 84 % of 100.
        let text = table(&[measurement], flop_per_example(&MLP_VAE_LAYERS), 1024);
        assert!(text.contains("168.4 GFLOP"), "{text}");
        let row = text
            .lines()
            .find(|line| line.trim_start().starts_with("2 "))
            .expect("the row of 2 threads");
        assert!(row.contains("84.2") && row.contains("84 %"), "{row}");
    }
}
