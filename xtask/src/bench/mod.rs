//! `cargo xtask bench vae-mlp|vae-conv|cvae`: seconds per training step and
//! per epoch of a tutorial's VAE at the tutorial's settings, and the
//! floating-point rate that makes, next to the machine's
//! large-matrix-product rate measured in the same run (`vi bench-matmul`),
//! on one thread and on every core. The convolutional VAEs train on part of
//! an epoch (a fixed number of steps), and their full epoch is extrapolated
//! from the seconds per step.
//!
//! With a Python whose torch is 2.13 (`--torch-python` or `VI_BENCH_PYTHON`), vi
//! and the tutorial's own PyTorch loop run side by side: same settings,
//! same thread counts, several rounds with the two sides alternating, and a
//! Markdown table of both sides' seconds and vi's speed-up.

mod machine;
mod report;
mod stats;
mod targets;
mod torch;
mod vi_side;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use vi_fs::{out, outln};

use self::machine::Machine;
use self::report::{Comparison, Measurement, Setting};
use self::stats::{Spread, after_warm_up};
use self::targets::{Spec, Target};
use self::torch::Torch;
use crate::data;
use crate::setup::{SetupArgs, build_vi};

/// Arguments of `cargo xtask bench`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to measure.
    #[arg(value_enum)]
    pub target: Target,
    /// Epochs trained per run. The first is a warm-up, left out when there
    /// are more.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub epochs: u32,
    /// Thread counts to measure, comma-separated [default: 1 and the
    /// machine's core count].
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..))]
    pub threads: Vec<u32>,
    /// Side n of the n × n matrices of the matrix-product yardstick.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub matmul_size: u32,
    /// A Python whose torch is 2.13: runs the tutorial's PyTorch loop beside
    /// vi. Without one (none is guessed), vi runs alone and the benchmark
    /// says how to get one. (`--python` is pip's interpreter for the
    /// libtorch step.)
    #[arg(long, env = "VI_BENCH_PYTHON", value_name = "PATH")]
    pub torch_python: Option<PathBuf>,
    /// Rounds of the side-by-side comparison per thread count, each
    /// training vi and PyTorch once, the two alternating which goes first.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub rounds: u32,
    #[command(flatten)]
    pub setup: SetupArgs,
}

pub fn run(root: &Path, args: &Args) -> Result<()> {
    let spec = args.target.spec();
    // Checked first: a wrong interpreter is reported before the long build.
    let torch = torch::find(args.torch_python.as_deref(), spec.command);
    if let Torch::Unavailable(note) = &torch {
        outln!("{note}");
    }
    args.setup.prepare(root, data::Which::Mnist)?;
    let vi = build_vi(root, true)?;
    let threads = if args.threads.is_empty() {
        default_threads()
    } else {
        args.threads.clone()
    };
    let load = machine::load_average();
    machine::warn_if_busy(load);
    let machine = Machine::here();
    match torch {
        Torch::Ready { python, version } => {
            let side_by_side = SideBySide {
                root,
                vi: &vi,
                python: &python,
                spec: &spec,
                args,
            };
            let (rows, steps, batch_size) = side_by_side.run(&threads)?;
            let setting = Setting {
                spec: &spec,
                machine: &machine,
                torch_version: &version,
                load: (load, machine::load_average()),
                rounds: args.rounds,
                epochs: args.epochs,
                steps,
                batch_size,
                matmul_size: args.matmul_size,
            };
            out!("{}", report::side_by_side_table(&setting, &rows));
        }
        Torch::Unavailable(_) => {
            let measurements = vi_alone(root, &vi, &spec, args, &threads)?;
            out!(
                "{}",
                report::vi_table(&spec, &machine, &measurements, args.matmul_size)
            );
        }
    }
    Ok(())
}

/// 1 and the machine's core count.
fn default_threads() -> Vec<u32> {
    let cores = std::thread::available_parallelism()
        .map_or(1, |cores| u32::try_from(cores.get()).unwrap_or(u32::MAX));
    if cores > 1 { vec![1, cores] } else { vec![1] }
}

/// Where a thread count's `vi` run writes its output.
fn vi_out(root: &Path, spec: &Spec, threads: u32) -> PathBuf {
    root.join("target")
        .join("bench")
        .join(format!("{}-threads-{threads}", spec.command))
}

/// vi alone: per thread count, the matrix product, then one training run.
fn vi_alone(
    root: &Path,
    vi: &Path,
    spec: &Spec,
    args: &Args,
    threads: &[u32],
) -> Result<Vec<Measurement>> {
    let mut measurements = Vec::new();
    for &count in threads {
        outln!(
            "==> {count} thread(s): matrix product, then {} epochs",
            args.epochs
        );
        let matmul_gflops = vi_side::matmul_rate(vi, count, args.matmul_size)?;
        let out = vi_out(root, spec, count);
        let timing = vi_side::train(vi, root, spec, &out, count, args.epochs)?;
        let epoch_seconds =
            Spread::of(after_warm_up(&timing.seconds)).context("vi timed no epoch")?;
        measurements.push(Measurement {
            threads: count,
            matmul_gflops,
            epoch_seconds,
            examples_per_epoch: timing.examples,
            batch_size: timing.batch_size,
        });
    }
    Ok(measurements)
}

/// vi and PyTorch trained in turns, interleaved so that a change in the
/// machine's load falls on both sides alike.
struct SideBySide<'a> {
    root: &'a Path,
    vi: &'a Path,
    python: &'a Path,
    spec: &'a Spec,
    args: &'a Args,
}

impl SideBySide<'_> {
    /// Per thread count: the matrix product, then `rounds` rounds of one
    /// run of each side, vi first in even rounds and PyTorch first in odd
    /// ones. Returns the rows (seconds per epoch or per step, over every
    /// round's timed epochs), the steps per epoch and the batch size.
    fn run(&self, threads: &[u32]) -> Result<(Vec<Comparison>, f64, u64)> {
        let (spec, args) = (self.spec, self.args);
        let mut rows = Vec::new();
        let (mut steps, mut batch_size) = (1.0, 0);
        for &count in threads {
            outln!(
                "==> {count} thread(s): matrix product, then {} rounds of {} epochs of vi and \
                 of PyTorch",
                args.rounds,
                args.epochs
            );
            let matmul_gflops = vi_side::matmul_rate(self.vi, count, args.matmul_size)?;
            let (mut vi_seconds, mut torch_seconds) = (Vec::new(), Vec::new());
            for round in 0..args.rounds {
                let vi_first = round % 2 == 0;
                for vi_turn in [vi_first, !vi_first] {
                    if vi_turn {
                        outln!("    round {}: vi", round + 1);
                        let out = vi_out(self.root, spec, count);
                        let timing =
                            vi_side::train(self.vi, self.root, spec, &out, count, args.epochs)?;
                        outln!("      vi: {}", seconds_list(&timing.seconds));
                        vi_seconds.extend_from_slice(after_warm_up(&timing.seconds));
                        (steps, batch_size) = (timing.steps(), timing.batch_size);
                    } else {
                        outln!("    round {}: PyTorch", round + 1);
                        let seconds =
                            torch::train(self.python, self.root, spec, count, args.epochs)?;
                        outln!("      PyTorch: {}", seconds_list(&seconds));
                        torch_seconds.extend_from_slice(after_warm_up(&seconds));
                    }
                }
            }
            let divisor = if spec.per_step { steps } else { 1.0 };
            rows.push(Comparison {
                threads: count,
                matmul_gflops,
                vi: Spread::of(&vi_seconds)
                    .context("vi timed no epoch")?
                    .per(divisor),
                torch: Spread::of(&torch_seconds)
                    .context("PyTorch timed no epoch")?
                    .per(divisor),
            });
        }
        Ok((rows, steps, batch_size))
    }
}

/// `4.21 s, 3.98 s per epoch`: a run's epochs as they went, for the progress
/// lines.
fn seconds_list(epoch_seconds: &[f64]) -> String {
    let list: Vec<String> = epoch_seconds
        .iter()
        .map(|seconds| format!("{seconds:.2} s"))
        .collect();
    format!("{} per epoch", list.join(", "))
}
