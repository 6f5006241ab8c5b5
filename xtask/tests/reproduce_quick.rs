//! `cargo xtask reproduce --quick` end to end: builds `vi`, runs every
//! tutorial experiment with tiny settings into a temporary folder, and
//! leaves every expected file, a manifest and a report.
//!
//! It finds MNIST as `cargo xtask test` leaves it: in `data/`, or fetched
//! from `VI_DATA_MIRROR`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Each experiment's folder and the files it must hold, written out here
/// independently of xtask's own table.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "linear-regression",
        &[
            "linear.png",
            "data.csv",
            "predictive.csv",
            "mle_loss.csv",
            "vi_loss.csv",
        ],
    ),
    (
        "exponential-posterior",
        &[
            "posterior.png",
            "kl_vs_theta.png",
            "sgd_theta.png",
            "posterior.csv",
            "kl_vs_theta.csv",
            "sgd_theta.csv",
        ],
    ),
    ("vae-conv", &["overfit.png", "elbo.png", "history.csv"]),
    (
        "vae-mlp",
        &[
            "elbo.png",
            "reconstructions.png",
            "samples.png",
            "manifold.png",
            "latent.png",
            "history.csv",
        ],
    ),
    (
        "cvae",
        &[
            "elbo.png",
            "reconstructions.png",
            "samples.png",
            "samples_8x8.png",
            "latent.png",
            "history.csv",
        ],
    ),
    (
        "estimator-study",
        &[
            "table.md",
            "table.csv",
            "ll_vs_k.png",
            "snr_vs_k.png",
            "history.csv",
        ],
    ),
];

/// Fails on a `null` (what JSON writers make of NaN) or a non-finite
/// number anywhere in `value`.
#[track_caller]
fn assert_finite(value: &Value, at: &str) {
    match value {
        Value::Null => panic!("{at} is null"),
        Value::Number(n) => assert!(
            n.as_f64().is_some_and(f64::is_finite),
            "{at} = {n} is not finite"
        ),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                assert_finite(item, &format!("{at}/{i}"));
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                assert_finite(item, &format!("{at}/{key}"));
            }
        }
        _ => {}
    }
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `vi` that a workspace test build (`cargo xtask test`, `cargo nextest
/// run --workspace`) has just built beside this test, if there is one and
/// it is newer than every source file of the crates: reusing it spares the
/// test a second build of vi with other features. Otherwise reproduce
/// builds vi itself.
fn prebuilt_vi() -> Option<PathBuf> {
    let test_binary = std::env::current_exe().ok()?;
    // <target>/debug/deps/reproduce_quick-<hash> → <target>/debug/vi
    let vi = test_binary.parent()?.parent()?.join("vi");
    let built = fs::metadata(&vi).and_then(|m| m.modified()).ok()?;
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates");
    let newest = newest_modification(&crates)?;
    (built > newest).then_some(vi)
}

/// The latest modification time of any file under `dir`.
fn newest_modification(dir: &Path) -> Option<std::time::SystemTime> {
    let mut newest = fs::metadata(dir).ok()?.modified().ok()?;
    for entry in fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let time = if path.is_dir() {
            newest_modification(&path)?
        } else {
            entry.metadata().ok()?.modified().ok()?
        };
        newest = newest.max(time);
    }
    Some(newest)
}

#[test]
fn quick_reproduction_writes_every_result_manifest_and_report() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let results = dir.path().join("results");
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .args(["reproduce", "--quick", "--threads", "1", "--results"])
        .arg(&results);
    if let Some(vi) = prebuilt_vi() {
        command.arg("--vi").arg(vi);
    }
    let output = command.output().expect("xtask runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "reproduce --quick failed ({:?})\nstdout:\n{stdout}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );

    for (name, files) in EXPECTED {
        let folder = results.join(name);
        for file in *files {
            let path = folder.join(file);
            let size = fs::metadata(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .len();
            assert!(size > 0, "{} is empty", path.display());
        }
        let summary = read_json(&folder.join("summary.json"));
        assert_finite(&summary, &format!("{name}/summary.json"));
        assert!(
            stdout.contains(name),
            "{name} missing from the table:\n{stdout}"
        );
    }

    let manifest = read_json(&results.join("manifest.json"));
    assert_eq!(manifest["mode"], "quick");
    assert_eq!(manifest["versions"]["tch"], "0.26.0");
    let runs = manifest["experiments"].as_array().expect("a list of runs");
    let names: Vec<&str> = runs.iter().filter_map(|r| r["name"].as_str()).collect();
    let expected: Vec<&str> = EXPECTED.iter().map(|(name, _)| *name).collect();
    assert_eq!(names, expected);
    for run in runs {
        assert_eq!(run["threads"], 1, "{run}");
        assert_eq!(run["seed"], 0, "{run}");
        assert!(run["duration_s"].as_f64().is_some_and(|s| s > 0.0), "{run}");
        assert!(
            run["started"].as_str().is_some_and(|t| t.ends_with('Z')),
            "{run}"
        );
    }

    let report = fs::read_to_string(results.join("REPORT.md")).expect("REPORT.md");
    let page = fs::read_to_string(results.join("index.html")).expect("index.html");
    for (name, files) in EXPECTED {
        for figure in files.iter().filter(|f| f.ends_with(".png")) {
            let path = format!("{name}/{figure}");
            assert!(
                report.contains(&format!("]({path})")),
                "{path} not in REPORT.md"
            );
            assert!(
                page.contains(&format!("src=\"{path}\"")),
                "{path} not in index.html"
            );
        }
    }
    assert!(!report.contains("Not reproduced yet"), "{report}");
}
