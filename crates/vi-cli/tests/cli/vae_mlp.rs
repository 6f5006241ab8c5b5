//! `vi vae-mlp` on a few hundred MNIST images (from the workspace's `data/`,
//! which `cargo xtask test` fills): every file written, determinism, exact
//! resume, divergence, and the errors for bad data folders, devices and
//! checkpoints.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use safetensors::SafeTensors;

use crate::{assert_all_finite, assert_success, csv_shape, debris, read_json, stderr, vi, vi_into};

/// One quick epoch: 200 training and 100 test images, 5 importance
/// samples, one thread (so that equal seeds give equal numbers).
pub(crate) const TINY: &[(&str, &str)] = &[
    ("--epochs", "1"),
    ("--train-limit", "200"),
    ("--test-limit", "100"),
    ("--iwae-samples", "5"),
    ("--threads", "1"),
];

/// The workspace's data folder.
pub(crate) fn data_dir() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    dir.to_str().expect("UTF-8 path").to_owned()
}

/// `vi vae-mlp` with `extra` flags and [`TINY`]'s settings for the others,
/// reading MNIST from the workspace, writing into `out`.
fn tiny(extra: &[&str], out: &Path) -> Output {
    tiny_run("vae-mlp", TINY, extra, out)
}

/// `vi <command>` with `extra` flags and `settings` for the others, reading
/// MNIST from the workspace, writing into `out`.
pub(crate) fn tiny_run(
    command: &str,
    settings: &[(&str, &str)],
    extra: &[&str],
    out: &Path,
) -> Output {
    let data = data_dir();
    let mut args = vec![command];
    args.extend(extra);
    for &(flag, value) in settings.iter().chain([&("--data-dir", data.as_str())]) {
        if !extra.contains(&flag) {
            args.extend([flag, value]);
        }
    }
    vi_into(&args, out)
}

/// The checkpoint beside `out` (`<out>.checkpoint.safetensors`).
pub(crate) fn checkpoint_of(out: &Path) -> PathBuf {
    let name = out.file_name().expect("a folder name").to_string_lossy();
    out.with_file_name(format!("{name}.checkpoint.safetensors"))
}

#[track_caller]
pub(crate) fn assert_fails(output: &Output, code: i32, expected: &[&str]) {
    let message = stderr(output);
    assert_eq!(output.status.code(), Some(code), "{message}");
    for part in expected {
        assert!(message.contains(part), "{part:?} missing from: {message}");
    }
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn tiny_run_writes_every_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("vae-mlp");
    let output = tiny(&[], &out);
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("test log p(x)"), "{stdout}");

    let summary = read_json(&out.join("summary.json"));
    assert_all_finite(&summary, "summary");
    assert_eq!(summary["command"], "vae-mlp");
    assert_eq!(summary["architecture"], "mlp-vae");
    assert_eq!(summary["model"]["latent_dim"], 2);
    assert_eq!(summary["seed"], 0);
    assert_eq!(summary["threads"], 1);
    assert_eq!(summary["device"], "cpu");
    assert_eq!(summary["data"]["train_images"], 200);
    assert_eq!(summary["data"]["test_images"], 100);
    assert_eq!(summary["training"]["epochs"], 1);
    assert_eq!(summary["training"]["optimizer"]["kind"], "sgd");
    assert_eq!(summary["training"]["optimizer"]["learning_rate"], 5e-3);
    assert_eq!(summary["log_likelihood"]["num_samples"], 5);
    assert_eq!(summary["log_likelihood"]["chunk_size"], 100);
    assert_eq!(summary["notes"], serde_json::json!([]));
    for key in ["final_train_neg_elbo", "final_test_neg_elbo"] {
        let loss = summary[key].as_f64().expect("a number");
        assert!(loss > 0.0, "{key} = {loss}");
    }
    let log_likelihood = summary["log_likelihood"]["test_log_likelihood"]
        .as_f64()
        .expect("a number");
    assert!(log_likelihood < 0.0, "{log_likelihood}");
    assert!(summary["timing"]["seconds_per_epoch"].as_f64() > Some(0.0));
    assert!(summary["versions"]["libtorch"].is_string());

    assert_eq!(
        csv_shape(&out.join("history.csv")),
        ("epoch,train_neg_elbo,test_neg_elbo".to_owned(), 1)
    );
    for (figure, size) in [
        ("elbo.png", Some((640, 480))),
        ("latent.png", Some((640, 480))),
        ("reconstructions.png", None),
        ("samples.png", None),
        ("manifold.png", None),
    ] {
        let path = out.join(figure);
        let image = image::open(&path)
            .unwrap_or_else(|error| panic!("{} does not decode: {error}", path.display()));
        if let Some(size) = size {
            assert_eq!((image.width(), image.height()), size, "{figure}");
        }
    }
    // The checkpoint lies beside the output folder, not in it.
    assert!(checkpoint_of(&out).is_file());
    assert_eq!(
        debris(dir.path(), &["vae-mlp", "vae-mlp.checkpoint.safetensors"]),
        Vec::<String>::new()
    );
}

#[test]
fn latent_dimensions_other_than_two_leave_the_manifold_out() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("vae-mlp");
    assert_success(&tiny(&["--latent-dim", "3", "--iwae-samples", "0"], &out));
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["model"]["latent_dim"], 3);
    assert!(summary["log_likelihood"].is_null(), "skipped with k = 0");
    let notes = summary["notes"].to_string();
    assert!(notes.contains("manifold.png"), "{notes}");
    assert!(!out.join("manifold.png").exists());
    assert!(out.join("latent.png").exists());
}

/// Same seed on one thread: the same history and the same figures.
#[test]
fn same_seed_gives_identical_history_and_figures() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let runs: Vec<PathBuf> = ["first", "second"]
        .iter()
        .map(|name| {
            let out = dir.path().join(name);
            assert_success(&tiny(&["--epochs", "2", "--seed", "7"], &out));
            out
        })
        .collect();
    for file in [
        "history.csv",
        "reconstructions.png",
        "samples.png",
        "latent.png",
    ] {
        let first = fs::read(runs[0].join(file)).expect("written");
        let second = fs::read(runs[1].join(file)).expect("written");
        assert!(first == second, "{file} differs between runs");
    }
    assert_eq!(csv_shape(&runs[0].join("history.csv")).1, 2);
    assert_eq!(read_json(&runs[0].join("summary.json"))["seed"], 7);
}

/// One epoch, then `--resume --epochs 2`: the history of a straight
/// two-epoch run, row for row, without duplicates.
#[test]
fn resume_continues_the_run_exactly() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let straight = dir.path().join("straight");
    assert_success(&tiny(&["--epochs", "2"], &straight));

    let resumed = dir.path().join("resumed");
    assert_success(&tiny(&[], &resumed));
    assert_eq!(csv_shape(&resumed.join("history.csv")).1, 1);
    assert_success(&tiny(&["--resume", "--epochs", "2"], &resumed));

    let history = |out: &Path| fs::read_to_string(out.join("history.csv")).expect("written");
    assert_eq!(history(&resumed), history(&straight));
    let summary = read_json(&resumed.join("summary.json"));
    assert_eq!(summary["resumed_from_epoch"], 1);
    assert_eq!(summary["training"]["epochs"], 2);
    assert_eq!(
        summary["timing"]["epochs"].as_array().map(Vec::len),
        Some(2)
    );

    // Nothing left to train: the outputs are written again, the history kept.
    assert_success(&tiny(&["--resume", "--epochs", "2"], &resumed));
    assert_eq!(history(&resumed), history(&straight));
}

#[test]
fn resume_refuses_what_does_not_fit() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("vae-mlp");
    let checkpoint = checkpoint_of(&out);

    // No checkpoint yet.
    assert_fails(
        &tiny(&["--resume"], &out),
        1,
        &["cannot resume from", "vae-mlp.checkpoint.safetensors"],
    );

    assert_success(&tiny(&["--epochs", "2"], &out));
    let good = fs::read(&checkpoint).expect("written");
    let cases: &[(&[&str], &[&str])] = &[
        (&["--resume", "--latent-dim", "3"], &["model configuration"]),
        (&["--resume", "--lr", "0.01"], &["--lr 0.01", "0.005"]),
        (&["--resume", "--seed", "4"], &["--seed 4"]),
        (&["--resume", "--epochs", "1"], &["holds 2 epochs"]),
    ];
    for (extra, expected) in cases {
        assert_fails(&tiny(extra, &out), 1, expected);
    }

    // Another architecture: the same file, relabelled.
    let other = dir.path().join("conv.safetensors");
    fs::write(&other, relabelled(&good, "conv-vae")).expect("writable");
    let other_arg = other.to_str().expect("UTF-8");
    assert_fails(
        &tiny(&["--resume", "--checkpoint", other_arg], &out),
        1,
        &["architecture is conv-vae, expected mlp-vae"],
    );

    // Truncated and garbage files: the first is a checkpoint whose tensors
    // are cut off, the second is no checkpoint at all.
    let broken = dir.path().join("broken.safetensors");
    for (bytes, expected) in [
        (&good[..good.len() / 2], "is corrupt"),
        (
            b"not a checkpoint at all".as_slice(),
            "is not a vi checkpoint",
        ),
    ] {
        fs::write(&broken, bytes).expect("writable");
        assert_fails(
            &tiny(
                &["--resume", "--checkpoint", broken.to_str().expect("UTF-8")],
                &out,
            ),
            1,
            &[expected],
        );
    }
    assert_eq!(fs::read(&checkpoint).expect("kept"), good);
}

/// `bytes`, a checkpoint, with its `architecture` entry set to `name`.
pub(crate) fn relabelled(bytes: &[u8], name: &str) -> Vec<u8> {
    let tensors = SafeTensors::deserialize(bytes).expect("a checkpoint");
    let (_, header) = SafeTensors::read_metadata(bytes).expect("a checkpoint");
    let mut metadata: HashMap<String, String> =
        header.metadata().clone().expect("a header with metadata");
    metadata.insert("architecture".to_owned(), name.to_owned());
    safetensors::serialize(tensors.tensors(), Some(metadata)).expect("serializable")
}

/// A learning rate that blows the weights up: the run stops naming the
/// epoch and batch, and the previous results and checkpoint stay as they
/// were.
#[test]
fn divergence_stops_with_the_epoch_and_batch() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("vae-mlp");
    assert_success(&tiny(&[], &out));
    let summary = fs::read(out.join("summary.json")).expect("written");
    let checkpoint = fs::read(checkpoint_of(&out)).expect("written");

    assert_fails(
        &tiny(&["--lr", "1e9", "--restart"], &out),
        1,
        &["diverged", "non-finite training loss", "epoch 1, batch 2"],
    );
    assert_eq!(fs::read(out.join("summary.json")).expect("kept"), summary);
    assert_eq!(fs::read(checkpoint_of(&out)).expect("kept"), checkpoint);
    assert_eq!(
        debris(dir.path(), &["vae-mlp", "vae-mlp.checkpoint.safetensors"]),
        Vec::<String>::new()
    );
}

#[test]
fn bad_data_and_devices_are_runtime_errors() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("vae-mlp");
    let missing = dir.path().join("no-data");
    let missing = missing.to_str().expect("UTF-8");
    assert_fails(
        &tiny(&["--data-dir", missing], &out),
        1,
        &["cargo xtask data", "--data-dir"],
    );
    // Fewer images than one batch: an epoch would train on nothing.
    assert_fails(
        &tiny(&["--train-limit", "50"], &out),
        1,
        &["fewer than one batch of 100", "--train-limit"],
    );
    assert_fails(
        &tiny(&["--test-limit", "70000"], &out),
        1,
        &["--test-limit 70000", "10000"],
    );
    if !tch::Cuda::is_available() {
        assert_fails(&tiny(&["--device", "cuda"], &out), 1, &["--device cuda"]);
    }
    assert!(!out.exists(), "a failed run created {}", out.display());
    assert_eq!(debris(dir.path(), &[]), Vec::<String>::new());
}

#[test]
fn bad_flags_are_usage_errors() {
    let cases: &[&[&str]] = &[
        &["--epochs", "0"],
        &["--batch-size", "0"],
        &["--lr", "0"],
        &["--lr", "-1"],
        &["--optimizer", "rmsprop"],
        &["--device", "gpu"],
        &["--iwae-samples", "-1"],
        &["--iwae-chunk", "0"],
        &["--train-limit", "0"],
        &["--latent-dim", "0"],
        &["--threads", "0"],
        &["--out", "/"],
    ];
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("never");
    for extra in cases {
        let mut args = vec!["vae-mlp", "--out", out.to_str().expect("UTF-8")];
        args.extend(*extra);
        let output = vi(&args);
        assert_fails(&output, 2, &["error:", "--help"]);
    }
    assert_eq!(debris(dir.path(), &[]), Vec::<String>::new());
}
