//! `vi vae-conv` with the first training image repeated a few hundred
//! times: every file and the per-epoch posterior summaries written,
//! determinism, resume continuing the curves, and bad flags and checkpoints
//! refused.

use std::fs;
use std::path::Path;
use std::process::Output;

use super::vae_mlp::{assert_fails, checkpoint_of, tiny_run};
use crate::{assert_all_finite, assert_success, csv_shape, read_json, vi};

/// Two quick epochs of the image repeated 512 times (2 batches), one
/// thread.
const TINY: &[(&str, &str)] = &[("--epochs", "2"), ("--repeats", "512"), ("--threads", "1")];

fn tiny(extra: &[&str], out: &Path) -> Output {
    tiny_run("vae-conv", TINY, extra, out)
}

#[test]
fn tiny_run_writes_every_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("vae-conv");
    assert_success(&tiny(&[], &out));
    let summary = read_json(&out.join("summary.json"));
    assert_all_finite(&summary, "summary");
    assert_eq!(summary["command"], "vae-conv");
    assert_eq!(summary["architecture"], "conv-vae");
    assert_eq!(summary["model"]["latent_dim"], 32);
    assert_eq!(summary["train_set"]["kind"], "repeated_image");
    assert_eq!(summary["train_set"]["repeats"], 512);
    assert_eq!(summary["data"]["train_images"], 512);
    assert_eq!(summary["training"]["batch_size"], 256);
    assert_eq!(summary["training"]["optimizer"]["learning_rate"], 1e-4);
    assert_eq!(summary["posterior"].as_array().map(Vec::len), Some(3));
    assert!(summary["final_mean_l1_norm"].as_f64() > Some(0.0));
    assert!(summary["final_average_sigma"].as_f64() > Some(0.0));
    assert!(summary["log_likelihood"].is_null(), "skipped by default");
    assert_eq!(
        csv_shape(&out.join("history.csv")),
        (
            "epoch,train_neg_elbo,test_neg_elbo,mean_l1_norm,average_sigma".to_owned(),
            2
        )
    );
    for figure in ["overfit.png", "elbo.png"] {
        let path = out.join(figure);
        image::open(&path)
            .unwrap_or_else(|error| panic!("{} does not decode: {error}", path.display()));
    }
}

/// Same seed: the same history; two epochs in one run equal one epoch and
/// a resumed second, posterior columns included.
#[test]
fn same_seed_and_resume_give_identical_histories() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let history = |out: &Path| fs::read_to_string(out.join("history.csv")).expect("written");
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    assert_success(&tiny(&[], &first));
    assert_success(&tiny(&[], &second));
    assert_eq!(history(&first), history(&second));

    let resumed = dir.path().join("resumed");
    assert_success(&tiny(&["--epochs", "1"], &resumed));
    assert_success(&tiny(&["--resume"], &resumed));
    assert_eq!(history(&resumed), history(&first));
    let summary = read_json(&resumed.join("summary.json"));
    assert_eq!(summary["resumed_from_epoch"], 1);
    assert_eq!(summary["posterior"].as_array().map(Vec::len), Some(3));

    // Another training set than the checkpoint's run.
    assert_fails(
        &tiny(&["--resume", "--epochs", "3", "--repeats", "256"], &resumed),
        1,
        &["--repeats"],
    );
}

#[test]
fn checkpoint_of_another_model_is_refused() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let cvae = dir.path().join("cvae");
    assert_success(&tiny_run(
        "cvae",
        &[
            ("--epochs", "1"),
            ("--train-limit", "64"),
            ("--test-limit", "32"),
            ("--iwae-samples", "0"),
            ("--threads", "1"),
        ],
        &[],
        &cvae,
    ));
    let other = checkpoint_of(&cvae);
    let out = dir.path().join("vae-conv");
    assert_fails(
        &tiny(
            &["--resume", "--checkpoint", other.to_str().expect("UTF-8")],
            &out,
        ),
        1,
        &["architecture is cvae, expected conv-vae"],
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let cases: &[&[&str]] = &[
        &["--repeats", "0"],
        &["--repeats", "10", "--full-train-set"],
        &["--latent-dim", "0"],
        &["--lr", "0"],
    ];
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("never");
    for extra in cases {
        let mut args = vec!["vae-conv", "--out", out.to_str().expect("UTF-8")];
        args.extend(*extra);
        assert_fails(&vi(&args), 2, &["error:", "--help"]);
    }
    assert!(!out.exists());
}
