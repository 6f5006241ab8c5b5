//! `cargo xtask reproduce`: fetch libtorch and the data, build `vi` in
//! release mode, and regenerate every tutorial result under `results/`.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::data;
use crate::setup::{SetupArgs, build_vi};

/// Arguments of `cargo xtask reproduce`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub setup: SetupArgs,
    /// Run only this experiment (by its folder name under results/).
    #[arg(long, value_name = "EXPERIMENT")]
    pub only: Option<String>,
}

/// One tutorial experiment: a `vi` subcommand and its output folder.
struct Experiment {
    /// The folder under `results/`, also the name `--only` takes.
    name: &'static str,
    /// What it reproduces.
    title: &'static str,
    /// The `vi` subcommand and its arguments (the tutorial's settings are
    /// the defaults).
    command: &'static [&'static str],
}

/// Every experiment, in the tutorials' order.
const EXPERIMENTS: &[Experiment] = &[
    Experiment {
        name: "linear-regression",
        title: "tutorial 1: MLE vs Bayesian linear regression",
        command: &["linreg"],
    },
    Experiment {
        name: "exponential-posterior",
        title: "tutorial 2: exponential posterior, KL curve and SGD fit",
        command: &["exponential"],
    },
    Experiment {
        name: "vae-mlp",
        title: "tutorial 3: MLP VAE on binarized MNIST",
        command: &["vae-mlp"],
    },
];

pub fn run(root: &Path, args: &Args) -> Result<()> {
    let selected: Vec<&Experiment> = match &args.only {
        Some(only) => {
            let found: Vec<_> = EXPERIMENTS.iter().filter(|e| e.name == only).collect();
            if found.is_empty() {
                let names: Vec<_> = EXPERIMENTS.iter().map(|e| e.name).collect();
                bail!(
                    "no experiment named {only:?}; choose one of: {}",
                    names.join(", ")
                );
            }
            found
        }
        None => EXPERIMENTS.iter().collect(),
    };
    args.setup.prepare(root, data::Which::Mnist)?;
    let vi = build_vi(root)?;
    // Relative to the workspace, where vi runs: summaries record the paths
    // they were given, and committed results should not name this machine's.
    let results = Path::new("results");
    let mut done = Vec::new();
    for (index, experiment) in selected.iter().enumerate() {
        println!(
            "==> [{}/{}] {} ({})",
            index + 1,
            selected.len(),
            experiment.name,
            experiment.title
        );
        let out = results.join(experiment.name);
        let start = Instant::now();
        let status = Command::new(&vi)
            .current_dir(root)
            .args(experiment.command)
            .arg("--out")
            .arg(&out)
            .status()
            .with_context(|| format!("running {}", vi.display()))?;
        if !status.success() {
            bail!(
                "{} failed ({status}); earlier results are left as they were",
                experiment.name
            );
        }
        done.push((experiment, start.elapsed(), out));
    }
    println!("\nreproduced:");
    for (experiment, elapsed, out) in done {
        let figures = png_files(&root.join(&out))?;
        println!(
            "  {:<24} {:>7.1} s  {}  figures: {}",
            experiment.name,
            elapsed.as_secs_f64(),
            out.display(),
            figures.join(", ")
        );
    }
    Ok(())
}

/// The PNG files in `dir`, sorted.
fn png_files(dir: &Path) -> Result<Vec<String>> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".png"))
        .collect();
    names.sort();
    Ok(names)
}
