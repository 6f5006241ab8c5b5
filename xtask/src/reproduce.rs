//! `cargo xtask reproduce`: fetch libtorch and the data, build `vi`, run
//! every experiment (the tutorials', then the extensions) into `results/`, then record
//! `results/manifest.json` and render `results/REPORT.md` and
//! `results/index.html`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use anyhow::{Context, Result, bail};
use serde_json::Value;
use vi_fs::outln;

use crate::experiments::{EXPERIMENTS, Experiment};
use crate::manifest::{self, Machine, Manifest, Run, Versions};
use crate::setup::{SetupArgs, build_vi, target_dir};
use crate::{data, report};

/// Arguments of `cargo xtask reproduce`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub setup: SetupArgs,
    /// Run only this experiment (by its folder name under results/).
    #[arg(long, value_name = "EXPERIMENT")]
    pub only: Option<String>,
    /// Tiny settings (a few batches, one epoch) that check the whole
    /// pipeline in about a minute; builds `vi` without optimisations and
    /// writes to target/reproduce-quick/ unless --results is given.
    #[arg(long)]
    pub quick: bool,
    /// The folder to write into [default: results, or target/reproduce-quick
    /// with --quick].
    #[arg(long, value_name = "DIR")]
    pub results: Option<PathBuf>,
    /// Seed of every experiment.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// libtorch threads of every experiment [default: the logical CPUs].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Device of the experiments that train networks (the others run on the
    /// CPU) [default: each command's own, auto].
    #[arg(long, value_parser = ["cpu", "cuda", "auto"])]
    pub device: Option<String>,
    /// Run this `vi` binary instead of building one (for example the one a
    /// test build just made).
    #[arg(long, value_name = "PATH")]
    pub vi: Option<PathBuf>,
}

pub fn run(root: &Path, args: &Args) -> Result<()> {
    let selected = select(args.only.as_deref())?;
    let results = match &args.results {
        Some(dir) => crate::absolute(dir.clone()),
        None if args.quick => target_dir(root).join("reproduce-quick"),
        None => root.join("results"),
    };
    let threads = args.threads.map_or_else(cpus, usize::from);
    if args.vi.is_some() {
        // A given vi is built already: it needs the data, not libtorch.
        args.setup.prepare_data(root, data::Which::Mnist)?;
    } else {
        args.setup.prepare(root, data::Which::Mnist)?;
    }
    let vi = match &args.vi {
        Some(vi) if vi.is_file() => crate::absolute(vi.clone()),
        Some(vi) => bail!(
            "--vi {}: no such file; build it with `cargo build -p vi-cli` or leave out --vi",
            vi.display()
        ),
        None => build_vi(root, !args.quick)?,
    };
    let info = vi_info(&vi)?;
    let versions = Versions {
        vi: string_at(&info, "/vi"),
        tch: string_at(&info, "/tch"),
        libtorch: string_at(&info, "/libtorch"),
        rustc: rustc_version(),
    };
    let mut manifest = Manifest::load(&results)
        .filter(|m| m.mode == mode(args.quick))
        .unwrap_or_else(|| Manifest {
            mode: String::new(),
            command_line: String::new(),
            versions: versions.clone(),
            machine: machine(&info),
            experiments: Vec::new(),
        });
    manifest.mode = mode(args.quick).to_string();
    manifest.command_line = command_line();
    manifest.versions = versions.clone();
    manifest.machine = machine(&info);
    fs::create_dir_all(&results)
        .with_context(|| format!("creating the results folder {}", results.display()))?;
    let order: Vec<&str> = EXPERIMENTS.iter().map(|e| e.name).collect();

    for (index, experiment) in selected.iter().enumerate() {
        outln!(
            "==> [{}/{}] {}: {} ({})",
            index + 1,
            selected.len(),
            experiment.part.label(),
            experiment.title,
            experiment.name
        );
        let out = results.join(experiment.name);
        // vi runs in the workspace and summaries record the paths they are
        // given: inside the workspace, a relative one keeps committed
        // results free of this machine's paths.
        let out_arg = out.strip_prefix(root).unwrap_or(&out);
        let vi_args = vi_arguments(experiment, args, threads);
        let started = SystemTime::now();
        let clock = Instant::now();
        let status = Command::new(&vi)
            .current_dir(root)
            .args(&vi_args)
            .arg("--out")
            .arg(out_arg)
            .status()
            .with_context(|| format!("running {}", vi.display()))?;
        if !status.success() {
            bail!(
                "{} failed ({status}); its earlier results are left as they were",
                experiment.name
            );
        }
        let summary = check_output(experiment, &out)?;
        let run = Run {
            name: experiment.name.to_string(),
            tutorial: experiment.part.tutorial(),
            command: vi_args,
            seed: args.seed,
            threads,
            device: summary
                .get("device")
                .and_then(Value::as_str)
                .unwrap_or("cpu")
                .to_string(),
            versions: versions.clone(),
            started: manifest::timestamp(started),
            finished: manifest::timestamp(SystemTime::now()),
            duration_s: clock.elapsed().as_secs_f64(),
        };
        outln!("    done in {:.1} s", run.duration_s);
        manifest.record(run, &order);
        // Saved after each experiment, so an interrupted reproduction still
        // records what finished.
        manifest.save(&results)?;
    }
    report::write(&results)?;
    print_table(root, &results, &selected, &manifest)?;
    Ok(())
}

fn mode(quick: bool) -> &'static str {
    if quick { "quick" } else { "full" }
}

fn select(only: Option<&str>) -> Result<Vec<&'static Experiment>> {
    let Some(only) = only else {
        return Ok(EXPERIMENTS.iter().collect());
    };
    let found: Vec<_> = EXPERIMENTS.iter().filter(|e| e.name == only).collect();
    if found.is_empty() {
        let names: Vec<_> = EXPERIMENTS.iter().map(|e| e.name).collect();
        bail!(
            "no experiment named {only:?}; choose one of: {}",
            names.join(", ")
        );
    }
    Ok(found)
}

/// The `vi` arguments of one experiment (without `--out`).
fn vi_arguments(experiment: &Experiment, args: &Args, threads: usize) -> Vec<String> {
    let mut all: Vec<String> = experiment.command.iter().map(|s| s.to_string()).collect();
    if args.quick {
        all.extend(experiment.quick.iter().map(|s| s.to_string()));
    }
    all.extend([
        "--seed".to_string(),
        args.seed.to_string(),
        "--threads".to_string(),
        threads.to_string(),
    ]);
    if let (Some(device), true) = (&args.device, experiment.takes_device) {
        all.extend(["--device".to_string(), device.clone()]);
    }
    if experiment.checkpointed {
        all.push("--restart".to_string());
    }
    all
}

/// `vi info --json`.
pub fn vi_info(vi: &Path) -> Result<Value> {
    let output = Command::new(vi)
        .args(["info", "--json"])
        .output()
        .with_context(|| format!("running {} info --json", vi.display()))?;
    if !output.status.success() {
        bail!(
            "{} info --json failed ({}): {}",
            vi.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    serde_json::from_slice(&output.stdout).context("reading the output of vi info --json")
}

fn string_at(value: &Value, pointer: &str) -> String {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string()
}

fn rustc_version() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or_else(
            || "unknown".to_string(),
            |o| String::from_utf8_lossy(&o.stdout).trim().to_string(),
        )
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn machine(info: &Value) -> Machine {
    Machine {
        os: std::env::consts::OS.to_string(),
        arch: std::env::consts::ARCH.to_string(),
        cpus: cpus(),
        cuda_available: info
            .pointer("/cuda/available")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

/// `cargo xtask reproduce …` as typed (cargo passes the arguments after
/// the alias through).
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("cargo xtask {}", args.join(" "))
}

/// Checks that a run left every expected file and a `summary.json` whose
/// numbers are all finite (JSON writers turn NaN into `null`, so a `null`
/// counts as a failure too); returns the summary.
pub fn check_output(experiment: &Experiment, out: &Path) -> Result<Value> {
    for file in experiment.files {
        let path = out.join(file);
        if !path.is_file() {
            bail!(
                "{} finished without writing {}",
                experiment.name,
                path.display()
            );
        }
    }
    let path = out.join("summary.json");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let summary: Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    if let Some(bad) = first_non_finite(&summary, String::new()) {
        bail!("{}: {bad} is not a finite number", path.display());
    }
    Ok(summary)
}

/// The JSON pointer of the first `null` or non-finite number in `value`.
fn first_non_finite(value: &Value, at: String) -> Option<String> {
    match value {
        Value::Null => Some(if at.is_empty() { "/".into() } else { at }),
        Value::Number(n) if !n.as_f64().is_some_and(f64::is_finite) => Some(at),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| first_non_finite(item, format!("{at}/{i}"))),
        Value::Object(map) => map
            .iter()
            .find_map(|(key, item)| first_non_finite(item, format!("{at}/{key}"))),
        _ => None,
    }
}

fn print_table(
    root: &Path,
    results: &Path,
    selected: &[&Experiment],
    manifest: &Manifest,
) -> Result<()> {
    let shown = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    outln!("\nreproduced ({} mode):", manifest.mode);
    for experiment in selected {
        let out = results.join(experiment.name);
        let seconds = manifest
            .experiments
            .iter()
            .find(|r| r.name == experiment.name)
            .map_or(0.0, |r| r.duration_s);
        outln!(
            "\n  {} · {} · {:.1} s · {}/",
            experiment.part.label(),
            experiment.name,
            seconds,
            shown(&out)
        );
        outln!("    figures: {}", png_files(&out)?.join(", "));
        let summary = check_output(experiment, &out)?;
        for row in (experiment.numbers)(&summary) {
            outln!(
                "    {:<52} {:<22} ({})",
                row.quantity,
                row.ours,
                row.expected
            );
        }
    }
    outln!(
        "\nreport: {} and {}",
        shown(&results.join("REPORT.md")),
        shown(&results.join("index.html"))
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_values_are_found_by_pointer() {
        let ok = serde_json::json!({"a": 1.5, "b": [1, 2, {"c": "text"}]});
        assert_eq!(first_non_finite(&ok, String::new()), None);
        let bad = serde_json::json!({"a": 1.5, "b": [1, 2, {"c": null}]});
        assert_eq!(
            first_non_finite(&bad, String::new()).as_deref(),
            Some("/b/2/c")
        );
    }

    #[test]
    fn only_names_an_experiment() {
        assert_eq!(select(Some("linear-regression")).expect("known").len(), 1);
        let error = select(Some("nope")).expect_err("unknown");
        assert!(error.to_string().contains("linear-regression"), "{error}");
        assert_eq!(select(None).expect("all").len(), EXPERIMENTS.len());
    }
}
