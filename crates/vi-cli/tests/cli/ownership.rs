//! Who may write what: a second run on an output folder or a checkpoint
//! that a live run holds is refused at once, naming that run, and leaves
//! its files alone; what dead runs left is cleaned up (a previous results
//! folder moved aside is put back); a checkpoint is written only over a vi
//! checkpoint the user asked to continue or replace; a resumed run refuses
//! other data; paths that are not UTF-8 work, names too long for the file
//! system are refused before any work.

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::process::{Command, Stdio};

use super::streams::{complete_epochs, send, spawn_vi, tiny_args, wait_for};
use super::vae_mlp::{TINY, assert_fails, checkpoint_of, data_dir, tiny_run};
use crate::{EXPONENTIAL_SMALL, LINREG_SMALL, assert_success, debris, read_json, stderr, vi_into};

fn tiny(extra: &[&str], out: &Path) -> std::process::Output {
    tiny_run("vae-mlp", TINY, extra, out)
}

/// What a refused VAE run must not have done: train.
#[track_caller]
fn assert_not_trained(output: &std::process::Output) {
    let message = stderr(output);
    assert!(
        !message.lines().any(|line| line.starts_with("epoch ")),
        "it trained: {message}"
    );
}

/// While a run trains into `vae-mlp/`, a second run into the same folder,
/// and a third into another folder but the same checkpoint, are refused at
/// once, naming the first; the first run's staging folder is left alone.
#[test]
fn a_second_run_on_a_live_runs_output_or_checkpoint_is_refused() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("vae-mlp");
    let mut first = spawn_vi(&tiny_args(&["--epochs", "2000"], &out), false);
    let staging = dir.path().join(format!(".vae-mlp.tmp-{}", first.id()));
    wait_for("the first run's first checkpoint", || {
        complete_epochs(&checkpoint_of(&out)).is_some()
    });

    let second = tiny(&[], &out);
    let holder = format!("is in use by process {} (`vi vae-mlp --out", first.id());
    assert_fails(
        &second,
        1,
        &[&holder, "two runs must not write the same --out"],
    );
    assert_not_trained(&second);

    let elsewhere = dir.path().join("elsewhere");
    let shared = checkpoint_of(&out);
    let third = tiny(
        &["--checkpoint", shared.to_str().expect("UTF-8"), "--resume"],
        &elsewhere,
    );
    assert_fails(&third, 1, &[&holder, "the same --checkpoint"]);
    assert_not_trained(&third);

    assert!(
        staging.is_dir(),
        "the live run's staging folder was removed"
    );
    assert!(
        first.try_wait().expect("pollable").is_none(),
        "the first run stopped"
    );
    send("TERM", &first);
    first.wait().expect("vi ends");
    assert!(!elsewhere.exists());
}

/// A lock held by another process (here, this test) refuses `vi
/// linear-regression` naming it; once released, the next run removes the
/// staging and backup folders of dead processes, keeps a live process's,
/// and puts back a previous results folder that a dead run had moved aside.
#[test]
fn dead_runs_leftovers_are_cleaned_and_live_ones_kept() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("linear-regression");
    let lock = vi_fs::RunLock::acquire(&out, "a run of this test").expect("lockable");
    let refused = vi_into(LINREG_SMALL, &out);
    assert_fails(
        &refused,
        1,
        &[&format!(
            "is in use by process {} (`a run of this test`)",
            std::process::id()
        )],
    );
    drop(lock);

    assert_success(&vi_into(LINREG_SMALL, &out));
    let mut live = Command::new("sleep")
        .arg("60")
        .stdin(Stdio::null())
        .spawn()
        .expect("sleep runs");
    let dead = {
        let mut child = Command::new("true").spawn().expect("true runs");
        let pid = child.id();
        child.wait().expect("true ends");
        pid
    };
    let dead_staging = dir.path().join(format!(".linear-regression.tmp-{dead}"));
    let dead_backup = dir.path().join(format!(".linear-regression.old-{dead}"));
    let live_staging = dir
        .path()
        .join(format!(".linear-regression.tmp-{}", live.id()));
    for folder in [&dead_staging, &dead_backup, &live_staging] {
        fs::create_dir(folder).expect("writable");
    }
    let rerun = vi_into(LINREG_SMALL, &out);
    assert_success(&rerun);
    assert!(
        !dead_staging.exists() && !dead_backup.exists(),
        "{}",
        stderr(&rerun)
    );
    assert!(live_staging.is_dir(), "a live process's folder was removed");
    assert!(
        stderr(&rerun).contains("which has ended"),
        "{}",
        stderr(&rerun)
    );
    live.kill().expect("killable");
    live.wait().expect("sleep ends");
    fs::remove_dir(&live_staging).expect("removable");

    // Killed between moving the results aside and moving the new ones in:
    // the next run puts them back, so a failing run leaves them in place.
    let exponential = dir.path().join("exponential-posterior");
    assert_success(&vi_into(EXPONENTIAL_SMALL, &exponential));
    let previous = fs::read(exponential.join("summary.json")).expect("written");
    fs::rename(
        &exponential,
        dir.path()
            .join(format!(".exponential-posterior.old-{dead}")),
    )
    .expect("movable");
    let mut failing = EXPONENTIAL_SMALL.to_vec();
    failing.extend(["--lr", "10"]);
    let failed = vi_into(&failing, &exponential);
    assert_fails(&failed, 1, &["note: put", "SGD fit failed"]);
    assert_eq!(
        fs::read(exponential.join("summary.json")).expect("restored"),
        previous
    );
    assert_eq!(
        debris(dir.path(), &["linear-regression", "exponential-posterior"]),
        Vec::<String>::new()
    );
}

/// `--checkpoint` never writes over a file that is not a vi checkpoint —
/// notes, a data file, a folder —, nor inside the output folder; an
/// earlier run's checkpoint is replaced only with `--restart`.
#[test]
fn checkpoints_are_written_only_over_vi_checkpoints_when_asked() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("vae-mlp");
    let notes = dir.path().join("notes.txt");
    fs::write(&notes, "two years of notes").expect("writable");
    let data_file = dir.path().join("t10k-labels-idx1-ubyte");
    fs::copy(
        Path::new(&data_dir()).join("mnist/t10k-labels-idx1-ubyte"),
        &data_file,
    )
    .expect("the workspace's MNIST");
    let data_bytes = fs::read(&data_file).expect("readable");
    for foreign in [&notes, &data_file] {
        let path = foreign.to_str().expect("UTF-8");
        for mode in [&[][..], &["--resume"], &["--restart"]] {
            let mut extra = vec!["--checkpoint", path];
            extra.extend(mode);
            let output = tiny(&extra, &out);
            assert_fails(
                &output,
                1,
                &["is not a vi checkpoint", "choose another --checkpoint"],
            );
            assert_not_trained(&output);
        }
    }
    assert_eq!(
        fs::read_to_string(&notes).expect("kept"),
        "two years of notes"
    );
    assert_eq!(fs::read(&data_file).expect("kept"), data_bytes);

    // A checkpoint whose folder cannot be created: refused before training.
    let under_a_file = notes.join("run.safetensors");
    let output = tiny(
        &["--checkpoint", under_a_file.to_str().expect("UTF-8")],
        &out,
    );
    assert_fails(
        &output,
        1,
        &["cannot create", "the folder that is to hold --checkpoint"],
    );
    assert_not_trained(&output);

    let folder = dir.path().join("folder");
    fs::create_dir(&folder).expect("writable");
    let folder = folder.to_str().expect("UTF-8");
    assert_fails(&tiny(&["--checkpoint", folder], &out), 1, &["is a folder"]);
    let inside = out.join("run.safetensors");
    assert_fails(
        &tiny(&["--checkpoint", inside.to_str().expect("UTF-8")], &out),
        1,
        &["lies inside --out", "vae-mlp.checkpoint.safetensors"],
    );

    // An earlier run's checkpoint: refused without --resume or --restart.
    assert_success(&tiny(&[], &out));
    let earlier = fs::read(checkpoint_of(&out)).expect("written");
    let again = tiny(&["--seed", "5"], &out);
    assert_fails(
        &again,
        1,
        &[
            "holds an earlier run (mlp-vae, 1 epochs)",
            "--resume",
            "--restart",
        ],
    );
    assert_not_trained(&again);
    assert_eq!(fs::read(checkpoint_of(&out)).expect("kept"), earlier);
    assert_success(&tiny(&["--seed", "5", "--restart"], &out));
    assert_eq!(read_json(&out.join("summary.json"))["seed"], 5);
    assert_ne!(fs::read(checkpoint_of(&out)).expect("replaced"), earlier);
    assert_eq!(
        debris(
            dir.path(),
            &[
                "vae-mlp",
                "vae-mlp.checkpoint.safetensors",
                "notes.txt",
                "t10k-labels-idx1-ubyte",
                "folder"
            ]
        ),
        Vec::<String>::new()
    );
}

/// A resumed run refuses other limits and other images than its
/// checkpoint's, and resumes with the same ones.
#[test]
fn a_resumed_run_refuses_other_data() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("vae-mlp");
    assert_success(&tiny(&["--iwae-samples", "0"], &out));
    assert_fails(
        &tiny(&["--resume", "--epochs", "2", "--train-limit", "300"], &out),
        1,
        &[
            "it used the first 200 training images (--train-limit 200), \
             this run the first 300 training images (--train-limit 300)",
        ],
    );

    // The same limits on other images: a copy of MNIST whose first
    // training image differs.
    let other = dir.path().join("other-data");
    let mnist = other.join("mnist");
    fs::create_dir_all(&mnist).expect("writable");
    let source = Path::new(&data_dir()).join("mnist");
    for name in [
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ] {
        std::os::unix::fs::symlink(source.join(name), mnist.join(name)).expect("linkable");
    }
    let mut images = fs::read(source.join("train-images-idx3-ubyte")).expect("readable");
    images[16 + 400] ^= 0xff;
    fs::write(mnist.join("train-images-idx3-ubyte"), images).expect("writable");
    let output = tiny(
        &[
            "--resume",
            "--epochs",
            "2",
            "--data-dir",
            other.to_str().expect("UTF-8"),
        ],
        &out,
    );
    assert_fails(
        &output,
        1,
        &["its 200 training images differ", "--data-dir"],
    );
    assert_not_trained(&output);

    assert_success(&tiny(&["--resume", "--epochs", "2"], &out));
}

/// A data folder, checkpoint and output folder whose names are not UTF-8:
/// the run trains and writes its summary (the paths with U+FFFD where their
/// bytes do not decode) and the checkpoint under its exact name.
#[test]
fn paths_that_are_not_utf8_work() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let name = |stem: &[u8]| {
        let mut bytes = stem.to_vec();
        bytes.push(0xff);
        dir.path().join(OsString::from_vec(bytes))
    };
    let data = name(b"data-");
    std::os::unix::fs::symlink(data_dir(), &data).expect("linkable");
    let checkpoint = name(b"run-");
    let out = name(b"out-");
    let mut args: Vec<OsString> = ["vae-mlp", "--iwae-samples", "0"]
        .iter()
        .map(OsString::from)
        .collect();
    for (flag, value) in TINY {
        if *flag != "--iwae-samples" {
            args.extend([OsString::from(flag), OsString::from(value)]);
        }
    }
    args.extend([
        "--data-dir".into(),
        data.into_os_string(),
        "--checkpoint".into(),
        checkpoint.clone().into_os_string(),
        "--out".into(),
        out.clone().into_os_string(),
    ]);
    let output = Command::new(env!("CARGO_BIN_EXE_vi"))
        .args(&args)
        .output()
        .expect("vi runs");
    assert_success(&output);
    let summary = read_json(&out.join("summary.json"));
    let recorded = summary["data"]["data_dir"].as_str().expect("a string");
    assert!(recorded.ends_with("data-\u{fffd}"), "{recorded}");
    assert!(checkpoint.is_file());
}

/// A name that the file system would refuse once `.tmp-<pid>` is added is
/// refused before any work, for the output folder and the checkpoint.
#[test]
fn names_too_long_are_refused_before_any_work() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let long = dir.path().join("n".repeat(245));
    let output = vi_into(LINREG_SMALL, &long);
    assert_fails(&output, 1, &["--out", "245 bytes", "at most 239 bytes"]);
    let out = dir.path().join("vae-mlp");
    let output = tiny(&["--checkpoint", long.to_str().expect("UTF-8")], &out);
    assert_fails(&output, 1, &["--checkpoint", "at most 239 bytes"]);
    assert_not_trained(&output);
    assert_eq!(debris(dir.path(), &[]), Vec::<String>::new());
}
