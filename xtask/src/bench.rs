//! `cargo xtask bench vae-mlp|vae-conv|cvae`: seconds per training step and
//! per epoch of a tutorial's VAE at the tutorial's settings, and the
//! floating-point rate that makes, next to the machine's
//! large-matrix-product rate measured in the same run (`vi bench-matmul`),
//! on one thread and on every core. The convolutional VAEs train on part of
//! an epoch (a fixed number of steps), and their full epoch is extrapolated
//! from the seconds per step.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use serde_json::Value;
use vi_fs::{out, outln};

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
    /// Tutorial 2's convolutional VAE at batch size 256, plain SGD, on 20
    /// batches of the repeated image per epoch.
    VaeConv,
    /// Tutorial 4's CVAE at batch size 32, Adam, on 100 batches per epoch.
    Cvae,
}

/// How one target is run and counted.
#[derive(Debug, Clone, Copy)]
struct Spec {
    /// The `vi` subcommand.
    command: &'static str,
    /// Its flags besides device, threads, epochs and output.
    args: &'static [&'static str],
    /// For the report.
    description: &'static str,
    /// Multiply-adds of one example's forward pass.
    multiply_adds: u64,
    /// Training examples of one epoch at the tutorial's settings.
    tutorial_epoch_examples: u64,
}

impl Target {
    fn spec(self) -> Spec {
        match self {
            Self::VaeMlp => Spec {
                command: "vae-mlp",
                args: &["--iwae-samples", "0"],
                description: "tutorial 3's MLP VAE",
                multiply_adds: dense_multiply_adds(&MLP_VAE_LAYERS),
                tutorial_epoch_examples: 60_000,
            },
            Self::VaeConv => Spec {
                command: "vae-conv",
                args: &["--repeats", "5120"],
                description: "tutorial 2's convolutional VAE",
                multiply_adds: CONV_VAE_MULTIPLY_ADDS.iter().sum(),
                tutorial_epoch_examples: 25_600,
            },
            Self::Cvae => Spec {
                command: "cvae",
                args: &[
                    "--train-limit",
                    "3200",
                    "--test-limit",
                    "32",
                    "--iwae-samples",
                    "0",
                ],
                description: "tutorial 4's CVAE",
                multiply_adds: CVAE_MULTIPLY_ADDS.iter().sum(),
                tutorial_epoch_examples: 60_000,
            },
        }
    }
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

/// Tutorial 2's convolutional VAE (32 latent dimensions): each layer's
/// forward multiply-adds per example, `C_out · H_out · W_out · C_in · k²`
/// for a convolution (pooling, upsampling and activations left out).
const CONV_VAE_MULTIPLY_ADDS: [u64; 13] = [
    8 * 26 * 26 * 9,      // Conv(1→8, 3): 28 → 26
    8 * 24 * 24 * 8 * 9,  // Conv(8→8, 3): 26 → 24, then pool → 12
    16 * 10 * 10 * 8 * 9, // Conv(8→16, 3): 12 → 10
    16 * 8 * 8 * 16 * 9,  // Conv(16→16, 3): 10 → 8, then pool → 4
    32 * 3 * 3 * 16 * 4,  // Conv(16→32, 2): 4 → 3
    32 * 2 * 2 * 32 * 4,  // Conv(32→32, 2): 3 → 2, then pool → 1
    2 * 32 * 32,          // the μ and log σ heads, 32 → 32 each
    32 * 32,              // Conv(32→32, 1) on 1×1, then upsample → 2
    16 * 4 * 4 * 32 * 9,  // Conv(32→16, 3, pad 2): 2 → 4
    16 * 6 * 6 * 16 * 9,  // Conv(16→16, 3, pad 2): 4 → 6, then upsample → 12
    8 * 14 * 14 * 16 * 9, // Conv(16→8, 3, pad 2): 12 → 14
    8 * 14 * 14 * 8 * 9,  // Conv(8→8, 3, pad 1): 14 → 14, then upsample → 28
    28 * 28 * 8 * 9,      // Conv(8→1, 3, pad 1): 28 → 28
];

/// Tutorial 4's CVAE (10 latent dimensions), as above; a transposed
/// convolution costs `C_in · H_in · W_in · C_out · k²` (each input pixel
/// scatters a `k × k × C_out` patch).
const CVAE_MULTIPLY_ADDS: [u64; 7] = [
    32 * 13 * 13 * 9,      // Conv(1→32, 3, stride 2): 28 → 13
    64 * 6 * 6 * 32 * 9,   // Conv(32→64, 3, stride 2): 13 → 6
    2304 * 20,             // Dense(2304 → 2·10)
    10 * 7 * 7 * 32,       // Dense(10 → 7·7·32)
    32 * 7 * 7 * 64 * 9,   // ConvTranspose(32→64, 3, stride 2): 7 → 14
    64 * 14 * 14 * 32 * 9, // ConvTranspose(64→32, 3, stride 2): 14 → 28
    32 * 28 * 28 * 9,      // ConvTranspose(32→1, 3): 28 → 28
];

/// Multiply-adds of dense layers `(inputs, outputs)`.
fn dense_multiply_adds(layers: &[(u64, u64)]) -> u64 {
    layers
        .iter()
        .map(|(inputs, outputs)| inputs * outputs)
        .sum()
}

/// Floating-point operations of the matrix products (and convolutions) per
/// example and training step. A forward multiply-add is 2 FLOP; the
/// backward pass takes two products of the same size per layer (the
/// gradients with respect to its input and to its weights), so a step costs
/// 3 × forward. For tutorial 3's VAE:
///
/// ```text
/// forward  2 · (784·256 + 256·128 + 128·4 + 2·128 + 128·256 + 256·784)
///        = 2 · 467 712 = 935 424 FLOP
/// step     3 · 935 424 = 2 806 272 FLOP ≈ 2.8 MFLOP
/// ```
///
/// and likewise 6 · 1 232 800 ≈ 7.4 MFLOP for tutorial 2's convolutional
/// VAE and 6 · 5 515 616 ≈ 33.1 MFLOP for tutorial 4's CVAE. Biases,
/// activations, pooling, upsampling, the loss, the sampling and the update
/// are left out: they are linear in the sizes, not products.
fn flop_per_example(multiply_adds: u64) -> f64 {
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
    /// Batch size, for the seconds per step.
    batch_size: u64,
}

impl Measurement {
    /// The training loop's rate of matrix-product FLOP, 10⁹ FLOP/s.
    fn training_gflops(&self, flop_per_example: f64) -> f64 {
        flop_per_example * self.examples_per_epoch as f64 / self.seconds_per_epoch / 1e9
    }
}

pub fn run(root: &Path, args: &Args) -> Result<()> {
    let spec = args.target.spec();
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
        outln!(
            "==> {count} thread(s): matrix product, then {} epochs",
            args.epochs
        );
        let matmul_gflops = matmul_rate(&vi, count, args.matmul_size)?;
        let out = bench_dir.join(format!("{}-threads-{count}", spec.command));
        let summary = train(&vi, root, &spec, &out, count, args.epochs)?;
        let timing = epoch_timing(&summary)
            .with_context(|| format!("reading {}", out.join("summary.json").display()))?;
        measurements.push(Measurement {
            threads: count,
            matmul_gflops,
            seconds_per_epoch: timing.median,
            best_seconds: timing.best,
            examples_per_epoch: timing.examples,
            batch_size: timing.batch_size,
        });
    }
    out!("{}", table(&spec, &measurements, args.matmul_size));
    Ok(())
}

/// Says so when other processes already keep the CPU busy (Linux's load
/// average), since they slow the epochs down unevenly.
fn warn_if_busy() {
    let load = fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<f64>().ok());
    if let Some(load) = load.filter(|&load| load > 0.5) {
        outln!(
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

/// Trains the target's VAE for `epochs` on the CPU into `out` (no
/// log-likelihood estimate) and returns its `summary.json`.
fn train(
    vi: &Path,
    root: &Path,
    spec: &Spec,
    out: &Path,
    threads: u32,
    epochs: u32,
) -> Result<Value> {
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
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// Epoch timings read from a VAE subcommand's summary.
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
    /// Examples per step.
    batch_size: u64,
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
        batch_size: batch,
    })
}

/// The report: one row per thread count.
fn table(spec: &Spec, measurements: &[Measurement], matmul_size: u32) -> String {
    let flop = flop_per_example(spec.multiply_adds);
    let mut text = String::new();
    let examples = measurements.first().map_or(0, |m| m.examples_per_epoch);
    text += &format!(
        "\n{}: {examples} images per timed epoch × {:.2} MFLOP per image and step \
         = {:.1} GFLOP of matrix products and convolutions per epoch\n",
        spec.description,
        flop / 1e6,
        flop * examples as f64 / 1e9
    );
    text += &format!(
        "yardstick: float32 {matmul_size}×{matmul_size} matrix product through libtorch\n\n"
    );
    text += "threads  matmul GFLOP/s  s/step  s/epoch  best s/epoch  tutorial s/epoch  \
             VAE GFLOP/s  VAE/matmul\n";
    for m in measurements {
        let achieved = m.training_gflops(flop);
        let steps = (m.examples_per_epoch as f64 / m.batch_size as f64)
            .ceil()
            .max(1.0);
        let per_step = m.seconds_per_epoch / steps;
        let tutorial_steps = (spec.tutorial_epoch_examples as f64 / m.batch_size as f64).ceil();
        text += &format!(
            "{:>7}  {:>14.1}  {:>6.4}  {:>7.2}  {:>12.2}  {:>16.1}  {:>11.1}  {:>8.0} %\n",
            m.threads,
            m.matmul_gflops,
            per_step,
            m.seconds_per_epoch,
            m.best_seconds,
            per_step * tutorial_steps,
            achieved,
            100.0 * achieved / m.matmul_gflops
        );
    }
    text += &format!(
        "(s/epoch: the median of the timed epochs, from which the GFLOP/s follow; tutorial \
         s/epoch: s/step × the steps of an epoch of {} images)\n",
        spec.tutorial_epoch_examples
    );
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_mlp_vae_step_costs_about_2_8_mflop() {
        assert_eq!(
            flop_per_example(dense_multiply_adds(&MLP_VAE_LAYERS)),
            2_806_272.0
        );
    }

    #[test]
    fn the_conv_vaes_multiply_adds_add_up_to_the_documented_totals() {
        assert_eq!(CONV_VAE_MULTIPLY_ADDS.iter().sum::<u64>(), 1_232_800);
        assert_eq!(CVAE_MULTIPLY_ADDS.iter().sum::<u64>(), 5_515_616);
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
            batch_size: 100,
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
            batch_size: 100,
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
            batch_size: 100,
        };
        // 2.806272 MFLOP × 60 000 / 2 s = 84.2 GFLOP/s, 84 % of 100.
        let text = table(&Target::VaeMlp.spec(), &[measurement], 1024);
        assert!(text.contains("168.4 GFLOP"), "{text}");
        let row = text
            .lines()
            .find(|line| line.trim_start().starts_with("2 "))
            .expect("the row of 2 threads");
        assert!(row.contains("84.2") && row.contains("84 %"), "{row}");
    }
}
