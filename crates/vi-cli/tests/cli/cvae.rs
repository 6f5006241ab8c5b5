//! `vi cvae` on a few hundred MNIST images: every file written with finite
//! numbers, the IWAE subset recorded, equal seeds giving equal histories,
//! resume, and bad flags and checkpoints refused.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use super::vae_mlp::{assert_fails, checkpoint_of, relabelled, tiny_run};
use crate::{assert_all_finite, assert_success, csv_shape, read_json, vi};

/// One quick epoch: 128 training and 64 test images, 5 importance samples
/// over 16 test images, one thread.
const TINY: &[(&str, &str)] = &[
    ("--epochs", "1"),
    ("--train-limit", "128"),
    ("--test-limit", "64"),
    ("--iwae-samples", "5"),
    ("--iwae-images", "16"),
    ("--threads", "1"),
];

fn tiny(extra: &[&str], out: &Path) -> Output {
    tiny_run("cvae", TINY, extra, out)
}

#[test]
fn tiny_run_writes_every_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("cvae");
    assert_success(&tiny(&[], &out));
    let summary = read_json(&out.join("summary.json"));
    assert_all_finite(&summary, "summary");
    assert_eq!(summary["command"], "cvae");
    assert_eq!(summary["architecture"], "cvae");
    assert_eq!(summary["model"]["latent_dim"], 10);
    assert_eq!(summary["model"]["estimator"], "monte_carlo");
    assert_eq!(summary["training"]["batch_size"], 32);
    assert_eq!(summary["training"]["optimizer"]["kind"], "adam");
    assert_eq!(summary["training"]["optimizer"]["eps"], 1e-7);
    assert_eq!(summary["log_likelihood"]["num_samples"], 5);
    assert_eq!(summary["log_likelihood"]["num_images"], 16);
    assert!(summary["final_test_neg_elbo"].as_f64() > Some(0.0));
    assert!(summary["log_likelihood"]["test_log_likelihood"].as_f64() < Some(0.0));
    assert_eq!(
        csv_shape(&out.join("history.csv")),
        ("epoch,train_neg_elbo,test_neg_elbo".to_owned(), 1)
    );
    for figure in [
        "elbo.png",
        "reconstructions.png",
        "samples.png",
        "samples_8x8.png",
        "latent.png",
    ] {
        let path = out.join(figure);
        image::open(&path)
            .unwrap_or_else(|error| panic!("{} does not decode: {error}", path.display()));
    }
    assert!(checkpoint_of(&out).is_file());

    // More IWAE images than test images: all of the test images (a new
    // run over the first one's checkpoint, so --restart).
    assert_success(&tiny(
        &[
            "--iwae-images",
            "5000",
            "--estimator",
            "analytic-kl",
            "--restart",
        ],
        &out,
    ));
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["log_likelihood"]["num_images"], 64);
    assert_eq!(summary["model"]["estimator"], "analytic_kl");
}

/// Same seed on one thread: the same history; one epoch then `--resume
/// --epochs 2` gives the two-epoch history.
#[test]
fn same_seed_and_resume_give_identical_histories() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let runs: Vec<PathBuf> = ["first", "second"]
        .iter()
        .map(|name| {
            let out = dir.path().join(name);
            assert_success(&tiny(&["--epochs", "2", "--iwae-samples", "0"], &out));
            out
        })
        .collect();
    let history = |out: &Path| fs::read_to_string(out.join("history.csv")).expect("written");
    assert_eq!(history(&runs[0]), history(&runs[1]));

    let resumed = dir.path().join("resumed");
    assert_success(&tiny(&["--iwae-samples", "0"], &resumed));
    assert_success(&tiny(
        &["--resume", "--epochs", "2", "--iwae-samples", "0"],
        &resumed,
    ));
    assert_eq!(history(&resumed), history(&runs[0]));
    assert_eq!(
        read_json(&resumed.join("summary.json"))["resumed_from_epoch"],
        1
    );

    // The checkpoint of another model is refused, naming both.
    let good = fs::read(checkpoint_of(&resumed)).expect("written");
    let other = dir.path().join("mlp.safetensors");
    fs::write(&other, relabelled(&good, "mlp-vae")).expect("writable");
    assert_fails(
        &tiny(
            &["--resume", "--checkpoint", other.to_str().expect("UTF-8")],
            &resumed,
        ),
        1,
        &["architecture is mlp-vae, expected cvae"],
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let cases: &[&[&str]] = &[
        &["--iwae-images", "0"],
        &["--latent-dim", "0"],
        &["--estimator", "exact"],
        &["--batch-size", "0"],
    ];
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("never");
    for extra in cases {
        let mut args = vec!["cvae", "--out", out.to_str().expect("UTF-8")];
        args.extend(*extra);
        assert_fails(&vi(&args), 2, &["error:", "--help"]);
    }
    assert!(!out.exists());
}
