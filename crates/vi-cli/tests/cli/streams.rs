//! Standard streams and signals. A reader that goes away — `vi … | head
//! -1`, a pager quit early — never stops a run: it finishes, exit code 0,
//! with its results and checkpoint. SIGINT and SIGTERM stop a run but leave
//! the last complete checkpoint and the previous results, and the next run
//! of the same target cleans up what the killed one left.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use safetensors::SafeTensors;

use super::vae_mlp::{TINY, checkpoint_of, data_dir};
use crate::{LINREG_SMALL, assert_success, csv_shape, debris, stderr};

/// `vi vae-mlp` with [`TINY`]'s settings (`extra` wins), into `out`.
pub(crate) fn tiny_args(extra: &[&str], out: &Path) -> Vec<String> {
    let mut args: Vec<String> = ["vae-mlp", "--out", out.to_str().expect("UTF-8 path")]
        .iter()
        .chain(extra)
        .map(|word| (*word).to_owned())
        .collect();
    let data = data_dir();
    for &(flag, value) in TINY.iter().chain([&("--data-dir", data.as_str())]) {
        if !extra.contains(&flag) {
            args.extend([flag.to_owned(), value.to_owned()]);
        }
    }
    args
}

/// Starts `vi args` with stdout and stderr piped to this test, or
/// discarded.
pub(crate) fn spawn_vi(args: &[String], piped: bool) -> Child {
    let stream = || if piped { Stdio::piped() } else { Stdio::null() };
    Command::new(env!("CARGO_BIN_EXE_vi"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(stream())
        .stderr(stream())
        .spawn()
        .expect("the vi binary starts")
}

/// Epochs the checkpoint at `path` holds, if it is complete (its tensors
/// parse too), `None` while there is none.
pub(crate) fn complete_epochs(path: &Path) -> Option<usize> {
    let bytes = fs::read(path).ok()?;
    SafeTensors::deserialize(&bytes).ok()?;
    let (_, header) = SafeTensors::read_metadata(&bytes).ok()?;
    header.metadata().as_ref()?.get("epoch")?.parse().ok()
}

/// Waits until `ready()` holds, at most a minute.
#[track_caller]
pub(crate) fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// Sends `signal` (`INT`, `TERM`) to the child.
pub(crate) fn send(signal: &str, child: &Child) {
    let status = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{signal} failed");
}

/// The reader of stdout and stderr quits after the first line, as `vi … 2>&1
/// | head -1` does: the run still ends with exit code 0, every result file
/// and a checkpoint of all its epochs. (Before, the next line panicked with
/// a broken pipe, exit code 101, and the run was lost.)
#[test]
fn a_closed_pipe_never_stops_a_run() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("vae-mlp");
    let mut child = spawn_vi(&tiny_args(&["--epochs", "4"], &out), true);
    let mut errors = BufReader::new(child.stderr.take().expect("piped"));
    let mut first = String::new();
    errors.read_line(&mut first).expect("a first line");
    assert!(first.starts_with("epoch   1/4"), "{first}");
    drop(errors);
    drop(child.stdout.take());

    let status = child.wait().expect("vi ends");
    assert_eq!(status.code(), Some(0), "{status}");
    assert_eq!(csv_shape(&out.join("history.csv")).1, 4);
    assert!(out.join("summary.json").is_file());
    assert!(out.join("latent.png").is_file());
    assert_eq!(complete_epochs(&checkpoint_of(&out)), Some(4));
    assert_eq!(
        debris(dir.path(), &["vae-mlp", "vae-mlp.checkpoint.safetensors"]),
        Vec::<String>::new()
    );
}

/// Commands that print everything at the end, with stdout closed before
/// they start: `vi linear-regression` still writes its results, `vi info`
/// still succeeds.
#[test]
fn a_closed_stdout_never_fails_a_command() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("linear-regression");
    let mut args: Vec<String> = LINREG_SMALL.iter().map(|word| (*word).to_owned()).collect();
    args.extend(["--out".to_owned(), out.to_str().expect("UTF-8").to_owned()]);
    for args in [args, vec!["info".to_owned()]] {
        let mut child = spawn_vi(&args, true);
        drop(child.stdout.take());
        let status = child.wait().expect("vi ends");
        let mut message = String::new();
        let _ =
            std::io::Read::read_to_string(&mut child.stderr.take().expect("piped"), &mut message);
        assert_eq!(status.code(), Some(0), "{args:?}: {message}");
        assert!(!message.contains("panicked"), "{message}");
    }
    assert!(out.join("summary.json").is_file());
}

/// One signal's test: a resumed run killed after its third epoch.
fn interrupted_by(signal: &str, number: i32) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("vae-mlp");
    let checkpoint = checkpoint_of(&out);
    let first = Command::new(env!("CARGO_BIN_EXE_vi"))
        .args(tiny_args(&["--iwae-samples", "0"], &out))
        .output()
        .expect("vi runs");
    assert_success(&first);
    let previous = fs::read(out.join("summary.json")).expect("written");

    let mut child = spawn_vi(&tiny_args(&["--resume", "--epochs", "2000"], &out), false);
    wait_for("the third epoch's checkpoint", || {
        complete_epochs(&checkpoint).is_some_and(|epochs| epochs >= 3)
    });
    send(signal, &child);
    let status = child.wait().expect("vi ends");
    assert_eq!(status.signal(), Some(number), "{status}");

    // The previous results, untouched; a complete checkpoint.
    assert_eq!(fs::read(out.join("summary.json")).expect("kept"), previous);
    let epochs = complete_epochs(&checkpoint).expect("a complete checkpoint");
    assert!(epochs >= 3, "{epochs}");
    let staging = format!(".vae-mlp.tmp-{}", child.id());
    assert!(
        dir.path().join(&staging).is_dir(),
        "the killed run's staging folder: {:?}",
        debris(dir.path(), &[])
    );

    // A checkpoint write that a killed run left half done looks like this.
    let dead = {
        let mut child = Command::new("true").spawn().expect("true runs");
        let pid = child.id();
        child.wait().expect("true ends");
        pid
    };
    let half_written = dir
        .path()
        .join(format!(".vae-mlp.checkpoint.safetensors.tmp-{dead}"));
    fs::write(&half_written, b"half a checkpoint").expect("writable");

    // The next run continues from there and removes what the killed ones left.
    let next = Command::new(env!("CARGO_BIN_EXE_vi"))
        .args(tiny_args(
            &["--resume", "--epochs", &(epochs + 1).to_string()],
            &out,
        ))
        .output()
        .expect("vi runs");
    assert_success(&next);
    assert!(
        stderr(&next).contains(&format!(
            "note: removed {}",
            dir.path().join(&staging).display()
        )),
        "{}",
        stderr(&next)
    );
    assert!(!half_written.exists(), "{}", stderr(&next));
    assert_eq!(csv_shape(&out.join("history.csv")).1, epochs + 1);
    assert_eq!(
        debris(dir.path(), &["vae-mlp", "vae-mlp.checkpoint.safetensors"]),
        Vec::<String>::new()
    );
}

#[test]
fn sigint_keeps_the_last_checkpoint_and_the_previous_results() {
    interrupted_by("INT", 2);
}

#[test]
fn sigterm_keeps_the_last_checkpoint_and_the_previous_results() {
    interrupted_by("TERM", 15);
}
