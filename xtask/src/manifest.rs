//! `results/manifest.json`: what produced the results — versions, machine,
//! settings, and when each experiment ran and for how long.

use std::fs;
use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// The file name under the results folder.
pub const FILE: &str = "manifest.json";

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// `full` (the tutorials' settings) or `quick` (tiny settings).
    pub mode: String,
    /// The command line of the latest `cargo xtask reproduce`.
    pub command_line: String,
    /// Versions the latest run used.
    pub versions: Versions,
    /// The machine of the latest run.
    pub machine: Machine,
    /// One entry per experiment, in the tutorials' order; entries of
    /// experiments that the latest run skipped (`--only`) are kept.
    pub experiments: Vec<Run>,
}

/// Versions of the pieces that determine the numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Versions {
    pub vi: String,
    pub tch: String,
    pub libtorch: String,
    pub rustc: String,
}

/// The machine the experiments ran on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub os: String,
    pub arch: String,
    /// Logical CPUs available to the process.
    pub cpus: usize,
    /// Whether libtorch saw a CUDA device.
    pub cuda_available: bool,
}

/// One experiment's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    pub name: String,
    /// The tutorial it reproduces; absent for an extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tutorial: Option<u8>,
    /// The `vi` arguments, as run.
    pub command: Vec<String>,
    pub seed: u64,
    pub threads: usize,
    /// `cpu`, `cuda`, … as the experiment reported it (`cpu` for those that
    /// only run on the CPU).
    pub device: String,
    pub versions: Versions,
    /// RFC 3339, UTC, to the second.
    pub started: String,
    pub finished: String,
    pub duration_s: f64,
}

/// RFC 3339 UTC time of `time`, to the second.
pub fn timestamp(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

impl Manifest {
    /// The manifest in `results`, if there is a readable one.
    pub fn load(results: &Path) -> Option<Self> {
        let text = fs::read_to_string(results.join(FILE)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Puts `run` in place of an entry of the same name, or adds it; keeps
    /// the order of `order` (the experiment names in the tutorials' order).
    pub fn record(&mut self, run: Run, order: &[&str]) {
        self.experiments.retain(|r| r.name != run.name);
        self.experiments.push(run);
        let rank = |name: &str| order.iter().position(|n| *n == name).unwrap_or(order.len());
        self.experiments.sort_by_key(|r| rank(&r.name));
    }

    /// Writes `results/manifest.json` atomically.
    pub fn save(&self, results: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).context("formatting the manifest")?;
        Ok(vi_fs::write(
            results.join(FILE),
            format!("{text}\n").as_bytes(),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    fn run(name: &str) -> Run {
        let versions = Versions {
            vi: "0.1.0".into(),
            tch: "0.26.0".into(),
            libtorch: "2.13.0".into(),
            rustc: "rustc 1.95.0".into(),
        };
        Run {
            name: name.into(),
            tutorial: Some(1),
            command: vec!["linreg".into()],
            seed: 0,
            threads: 2,
            device: "cpu".into(),
            versions,
            started: timestamp(UNIX_EPOCH),
            finished: timestamp(UNIX_EPOCH + Duration::from_secs(90)),
            duration_s: 90.0,
        }
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        // 2026-11-23T05:24:50Z is 1_795_411_490 s after the epoch (date -d).
        let time = UNIX_EPOCH + Duration::from_secs(1_795_411_490);
        assert_eq!(timestamp(time), "2026-11-23T05:24:50Z");
    }

    #[test]
    fn record_replaces_by_name_and_keeps_the_tutorial_order() {
        let mut manifest = Manifest {
            mode: "full".into(),
            command_line: "cargo xtask reproduce".into(),
            versions: run("a").versions,
            machine: Machine {
                os: "linux".into(),
                arch: "x86_64".into(),
                cpus: 2,
                cuda_available: false,
            },
            experiments: vec![run("b")],
        };
        let order = ["a", "b", "c"];
        manifest.record(run("c"), &order);
        manifest.record(run("a"), &order);
        let mut again = run("b");
        again.seed = 7;
        manifest.record(again, &order);
        let names: Vec<_> = manifest
            .experiments
            .iter()
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(manifest.experiments[1].seed, 7);

        let dir = tempfile::tempdir().expect("temporary folder");
        manifest.save(dir.path()).expect("saved");
        assert_eq!(Manifest::load(dir.path()), Some(manifest));
    }
}
