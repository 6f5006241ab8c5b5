//! The VAE commands' objectives, data sets and model choices end to end:
//! `--objective`/`--k`/`--alpha` recorded in `summary.json`, `history.csv`
//! and the checkpoint, a resumed run refusing another objective; the MLP
//! VAE's IAF posterior, Gaussian decoder and Burda et al.'s architecture;
//! `--dataset fashion-mnist`; `vae-binary` with VIMCO and relaxed; the
//! t-SNE figure, the same for the same seed; and the flags that do not go
//! together refused as usage errors.

use std::fs;
use std::path::Path;
use std::process::Output;

use super::vae_mlp::{assert_fails, tiny_run};
use crate::{assert_all_finite, assert_success, csv_shape, read_json, vi};

/// One quick epoch of `vae-mlp` on 200 training and 100 test images.
const TINY: &[(&str, &str)] = &[
    ("--epochs", "1"),
    ("--train-limit", "200"),
    ("--test-limit", "100"),
    ("--iwae-samples", "5"),
    ("--threads", "1"),
];

fn mlp(extra: &[&str], out: &Path) -> Output {
    tiny_run("vae-mlp", TINY, extra, out)
}

fn binary(extra: &[&str], out: &Path) -> Output {
    tiny_run("vae-binary", TINY, extra, out)
}

#[test]
fn the_objective_is_recorded_and_a_resumed_run_keeps_it() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("iwae");
    let output = mlp(&["--objective", "iwae", "--k", "3"], &out);
    assert_success(&output);
    let summary = read_json(&out.join("summary.json"));
    assert_all_finite(&summary, "summary");
    assert_eq!(
        summary["training"]["objective"],
        serde_json::json!({"kind": "iwae", "k": 3})
    );
    assert_eq!(
        csv_shape(&out.join("history.csv")),
        ("epoch,train_neg_iwae_bound,test_neg_elbo".to_owned(), 1)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("trained on iwae (k = 3)"), "{stdout}");

    for extra in [
        &[
            "--resume",
            "--epochs",
            "2",
            "--objective",
            "dreg",
            "--k",
            "3",
        ][..],
        &["--resume", "--epochs", "2", "--k", "5"][..],
    ] {
        assert_fails(
            &mlp(extra, &out),
            1,
            &["--objective/--k/--alpha", "iwae (k = 3)"],
        );
    }
    assert_success(&mlp(
        &[
            "--resume",
            "--epochs",
            "2",
            "--objective",
            "iwae",
            "--k",
            "3",
        ],
        &out,
    ));
    assert_eq!(csv_shape(&out.join("history.csv")).1, 2);

    // Rényi with its order, and the default k of a multi-sample objective.
    let renyi = dir.path().join("renyi");
    assert_success(&mlp(&["--objective", "renyi", "--alpha", "-0.5"], &renyi));
    assert_eq!(
        read_json(&renyi.join("summary.json"))["training"]["objective"],
        serde_json::json!({"kind": "renyi", "alpha": -0.5, "k": 5})
    );
}

#[test]
fn the_mlp_vae_takes_a_flow_a_gaussian_decoder_and_another_data_set() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("iaf");
    assert_success(&mlp(
        &[
            "--posterior",
            "iaf",
            "--flow-steps",
            "1",
            "--latent-dim",
            "3",
            "--objective",
            "dreg",
            "--tsne",
        ],
        &out,
    ));
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(
        summary["model"]["posterior"],
        serde_json::json!({"kind": "iaf", "steps": 1, "hidden_dims": [64, 64]})
    );
    for figure in ["latent.png", "latent_tsne.png", "samples.png"] {
        assert!(out.join(figure).is_file(), "{figure}");
    }

    let gaussian = dir.path().join("gaussian");
    assert_success(&mlp(
        &[
            "--likelihood",
            "gaussian",
            "--sigma",
            "0.2",
            "--dataset",
            "fashion-mnist",
        ],
        &gaussian,
    ));
    let summary = read_json(&gaussian.join("summary.json"));
    assert_all_finite(&summary, "summary");
    assert_eq!(summary["training"]["binarization"], "none");
    assert_eq!(summary["data"]["collection"], "fashion-mnist");
    assert_eq!(
        summary["model"]["likelihood"],
        serde_json::json!({"kind": "gaussian", "variance": {"kind": "fixed", "sigma": 0.2}})
    );
    let units = summary["log_likelihood"]["units"]
        .as_str()
        .expect("a string");
    assert!(
        units.contains("density") && units.contains("not comparable"),
        "{units}"
    );

    let burda = dir.path().join("burda");
    assert_success(&mlp(
        &[
            "--hidden-dims",
            "200,200",
            "--latent-dim",
            "50",
            "--activation",
            "tanh",
            "--iwae-samples",
            "0",
        ],
        &burda,
    ));
    assert!(
        !burda.join("latent_tsne.png").exists(),
        "t-SNE is drawn only with --tsne"
    );
    let model = &read_json(&burda.join("summary.json"))["model"];
    assert_eq!(model["hidden_dims"], serde_json::json!([200, 200]));
    assert_eq!(model["activation"], "tanh");
}

/// The t-SNE figure of a 3-dimensional latent space is drawn again to the
/// byte by a run with the same seed.
#[test]
fn latent_tsne_is_reproducible() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let figures: Vec<Vec<u8>> = ["first", "second"]
        .iter()
        .map(|name| {
            let out = dir.path().join(name);
            assert_success(&mlp(
                &["--latent-dim", "3", "--iwae-samples", "0", "--tsne"],
                &out,
            ));
            fs::read(out.join("latent_tsne.png")).expect("drawn")
        })
        .collect();
    assert!(figures[0] == figures[1], "latent_tsne.png differs");
}

#[test]
fn vae_binary_trains_by_vimco_and_through_the_relaxation() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("vimco");
    let output = binary(&["--k", "3", "--tsne"], &out);
    assert_success(&output);
    let summary = read_json(&out.join("summary.json"));
    assert_all_finite(&summary, "summary");
    assert_eq!(summary["command"], "vae-binary");
    assert_eq!(summary["architecture"], "binary-vae");
    assert_eq!(
        summary["training"]["objective"],
        serde_json::json!({"kind": "vimco", "k": 3})
    );
    assert!(summary["model"]["relaxation"].is_null());
    for figure in [
        "reconstructions.png",
        "samples.png",
        "latent.png",
        "latent_tsne.png",
    ] {
        assert!(out.join(figure).is_file(), "{figure}");
    }

    let relaxed = dir.path().join("relaxed");
    assert_success(&binary(&["--relaxed", "--temperature", "0.5"], &relaxed));
    let summary = read_json(&relaxed.join("summary.json"));
    assert_eq!(
        summary["training"]["objective"],
        serde_json::json!({"kind": "iwae", "k": 5})
    );
    assert_eq!(summary["model"]["relaxation"]["posterior_temperature"], 0.5);
    assert!(
        summary["final_test_neg_elbo"]
            .as_f64()
            .is_some_and(f64::is_finite)
    );
}

#[test]
fn flags_that_do_not_go_together_are_usage_errors() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("never");
    let out = out.to_str().expect("UTF-8");
    let cases: &[(&[&str], &str)] = &[
        (&["vae-mlp", "--alpha", "0.5"], "--objective renyi"),
        (
            &["vae-mlp", "--objective", "iwae", "--alpha", "0.5"],
            "--alpha",
        ),
        (
            &["vae-mlp", "--objective", "vimco", "--k", "1"],
            "at least 2",
        ),
        (
            &["vae-mlp", "--objective", "score-function", "--k", "1"],
            "at least 2",
        ),
        (&["vae-mlp", "--k", "0"], "at least 1"),
        (&["vae-mlp", "--objective", "reinforce"], "reinforce"),
        (&["vae-mlp", "--flow-steps", "2"], "--posterior iaf"),
        (&["vae-mlp", "--sigma", "0.1"], "--likelihood gaussian"),
        (
            &["vae-mlp", "--likelihood", "gaussian", "--sigma", "0"],
            "--sigma",
        ),
        (&["vae-mlp", "--hidden-dims", "200,0"], "--hidden-dims"),
        (&["vae-mlp", "--dataset", "cifar"], "cifar"),
        (&["vae-binary", "--objective", "dreg"], "--relaxed"),
        (&["vae-binary", "--temperature", "0.5"], "--relaxed"),
        (&["cvae", "--objective", "stl", "--alpha", "1"], "--alpha"),
    ];
    for (args, expected) in cases {
        let mut all = args.to_vec();
        all.extend(["--out", out]);
        assert_fails(&vi(&all), 2, &["error:", expected]);
    }
}

#[test]
fn help_shows_the_objective_defaults() {
    for (command, expected) in [
        (
            "vae-mlp",
            &[
                "[default: elbo]",
                "[default: mnist]",
                "--flow-steps",
                "learned-shared",
            ][..],
        ),
        (
            "vae-binary",
            &["[default: vimco]", "--relaxed", "[default: 0.5]"][..],
        ),
        ("cvae", &["[default: elbo]", "--dataset"][..]),
    ] {
        let output = vi(&[command, "--help"]);
        assert_success(&output);
        let help = String::from_utf8_lossy(&output.stdout);
        for part in expected {
            assert!(
                help.contains(part),
                "{command}: {part:?} missing from:\n{help}"
            );
        }
    }
}
