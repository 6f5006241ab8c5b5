//! `vi estimator-study` end to end with tiny settings: its files, finite
//! numbers, the log-likelihood above the ELBO for every model, Burda et
//! al.'s numbers beside the runs, and bad flags refused as usage errors.

use super::vae_mlp::{assert_fails, tiny_run};
use crate::{assert_all_finite, assert_png, assert_success, read_json};

/// 4 steps on 64 images, k ≤ 5, 20 importance samples over 16 test
/// images, 2 SNR repeats.
const TINY: &[(&str, &str)] = &[
    ("--epochs", "1"),
    ("--train-limit", "64"),
    ("--test-images", "16"),
    ("--ll-samples", "20"),
    ("--ks", "1,5"),
    ("--snr-repeats", "2"),
    ("--snr-images", "8"),
    ("--batch-size", "16"),
    ("--threads", "1"),
];

#[test]
fn estimator_study_tiny_run_writes_its_table_and_figures() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("estimator-study");
    let output = tiny_run("estimator-study", TINY, &[], &out);
    assert_success(&output);

    assert_png(&out.join("ll_vs_k.png"));
    // Two panels side by side.
    let snr = image::open(out.join("snr_vs_k.png")).expect("snr_vs_k.png decodes");
    assert_eq!((snr.width(), snr.height()), (1400, 560));
    let summary = read_json(&out.join("summary.json"));
    assert_all_finite(&summary, "summary");
    assert_eq!(summary["command"], "estimator-study");
    assert_eq!(
        summary["model"]["hidden_dims"],
        serde_json::json!([200, 200])
    );
    assert_eq!(summary["model"]["latent_dim"], 50);
    assert_eq!(summary["plan"]["schedule"], "short");
    let runs = summary["runs"].as_array().expect("runs");
    let names: Vec<String> = runs
        .iter()
        .map(|run| {
            format!(
                "{}{}",
                run["objective"]["kind"].as_str().unwrap_or("?"),
                run["k"]
            )
        })
        .collect();
    assert_eq!(names, ["elbo1", "elbo5", "iwae5", "dreg5", "stl1"]);
    for run in runs {
        let log_likelihood = run["log_likelihood"]["mean"].as_f64().expect("a number");
        let elbo = run["test_elbo"].as_f64().expect("a number");
        // E[log p̂_k] ≥ ELBO (Burda et al. 2015, Theorem 1); 16 images and
        // one ELBO draw each leave a Monte Carlo error of about a nat.
        assert!(
            log_likelihood >= elbo - 3.0,
            "{}: log p̂ {log_likelihood} below the ELBO {elbo}",
            run["objective"]
        );
        assert_eq!(run["log_likelihood"]["images"], 16);
        assert_eq!(run["log_likelihood"]["samples"], 20);
    }
    assert_eq!(runs[0]["published_log_likelihood"], -86.76);
    assert_eq!(runs[2]["published_log_likelihood"], -85.54);
    assert!(runs[3].get("published_log_likelihood").is_none());
    assert!(runs[1]["versus_elbo"][1].as_f64().is_some_and(|e| e >= 0.0));
    let points = summary["snr"]["points"].as_array().expect("SNR points");
    assert_eq!(points.len(), 6, "ELBO, IWAE and DReG at k = 1 and 5");

    let table = std::fs::read_to_string(out.join("table.md")).expect("table.md");
    assert!(table.contains("| IWAE | 5 |"), "{table}");
    assert!(table.contains("| -85.54 |"), "{table}");
    assert!(table.contains("4 gradient steps"), "{table}");
    let csv = std::fs::read_to_string(out.join("table.csv")).expect("table.csv");
    assert_eq!(csv.lines().count(), 6, "{csv}");
    let history = std::fs::read_to_string(out.join("history.csv")).expect("history.csv");
    assert_eq!(
        history.lines().count(),
        6,
        "a header and one epoch per run:\n{history}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("| STL | 1 |"),
        "the table is printed:\n{stdout}"
    );
}

#[test]
fn estimator_study_bad_flags_are_usage_errors() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("refused");
    for (extra, expected) in [
        (
            &["--schedule", "paper", "--epochs", "3"][..],
            &["--epochs", "--schedule paper"][..],
        ),
        (&["--ks", "5,50"][..], &["--ks must include 1"][..]),
        (
            &["--snr-repeats", "1"][..],
            &["--snr-repeats", "at least 2"][..],
        ),
        (
            &["--train-limit", "60001"][..],
            &["--train-limit 60001", "60000"][..],
        ),
        (&["--ll-samples", "0"][..], &["--ll-samples"][..]),
        (
            &["--schedule", "weekly"][..],
            &["--schedule", "short", "paper"][..],
        ),
    ] {
        assert_fails(&tiny_run("estimator-study", TINY, extra, &out), 2, expected);
        assert!(!out.exists(), "{extra:?} wrote {}", out.display());
    }
}
