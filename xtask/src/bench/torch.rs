//! PyTorch's side of a benchmark: the Python the user names (`--torch-python` or
//! `VI_BENCH_PYTHON`; none is guessed, since the comparison takes several
//! times as long as vi alone), the check that its torch is 2.13 (the
//! libtorch vi links, so that the two sides run the same kernels), and the
//! tutorial's reference script run with the same settings as `vi`, read
//! back from its `epoch E seconds …` lines.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use super::targets::Spec;
use crate::data;

/// The torch version the comparison needs: tch 0.26's libtorch.
pub const REQUIRED_TORCH: &str = "2.13";

/// Whether PyTorch can run beside vi.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Torch {
    /// A Python whose torch is 2.13.
    Ready {
        /// The interpreter, as named.
        python: PathBuf,
        /// `torch.__version__`, e.g. `2.13.0+cpu`.
        version: String,
    },
    /// Why not, and how to get a Python that can: printed before vi runs
    /// alone.
    Unavailable(String),
}

/// Checks the named Python (if any) for torch 2.13. `target` is the
/// benchmark's name, for the command the advice ends with.
pub fn find(python: Option<&Path>, target: &str) -> Torch {
    let Some(python) = python else {
        return Torch::Unavailable(format!(
            "note: no Python named, so vi runs alone.\n{}",
            how_to_get_torch(target)
        ));
    };
    let python = &resolved(python);
    let why_not = match torch_version(python) {
        Ok(version) if is_required_version(&version) => {
            return Torch::Ready {
                python: python.clone(),
                version,
            };
        }
        Ok(version) => format!(
            "{} has torch {version}, not {REQUIRED_TORCH} (the libtorch vi links; across \
             versions the comparison would time two libtorch builds, not vi against PyTorch)",
            python.display()
        ),
        Err(why) => why,
    };
    Torch::Unavailable(format!(
        "note: {why_not}, so vi runs alone.\n{}",
        how_to_get_torch(target)
    ))
}

/// A path with a folder in it made absolute against the current folder,
/// so that it names the same file when the script runs from the project
/// root; a bare name (`python3`) stays, for `PATH` to resolve.
fn resolved(python: &Path) -> PathBuf {
    if python.components().count() > 1 {
        std::path::absolute(python).unwrap_or_else(|_| python.to_path_buf())
    } else {
        python.to_path_buf()
    }
}

/// How to get a Python with torch 2.13 and hand it to the benchmark.
pub fn how_to_get_torch(target: &str) -> String {
    format!(
        "To time the tutorials' PyTorch loops beside vi, name a Python whose torch is \
         {REQUIRED_TORCH} with --torch-python PATH or VI_BENCH_PYTHON. A CPU-only one in a virtual \
         environment:\n    \
         python3 -m venv .venv && .venv/bin/pip install torch==2.13.0 \
         --index-url https://download.pytorch.org/whl/cpu\n\
         (or PyPI's torch==2.13.0, which brings CUDA's libraries along), then\n    \
         cargo xtask bench {target} --torch-python .venv/bin/python"
    )
}

/// `torch.__version__` as the interpreter prints it, or why it printed none.
fn torch_version(python: &Path) -> Result<String, String> {
    let output = Command::new(python)
        .args(["-c", "import torch; print(torch.__version__)"])
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("could not run {} ({error})", python.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = last_line(&stderr).unwrap_or("no message");
        return Err(format!(
            "{} could not import torch ({}: {last})",
            python.display(),
            output.status
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    last_line(&stdout)
        .map(str::to_owned)
        .ok_or_else(|| format!("{} printed no torch version", python.display()))
}

/// The last line with something on it, trimmed.
fn last_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).rfind(|line| !line.is_empty())
}

/// `2.13`, `2.13.0`, `2.13.0+cpu`, `2.13.1+cu130`, not `2.130` nor `2.12.1`.
pub fn is_required_version(version: &str) -> bool {
    version
        .strip_prefix(REQUIRED_TORCH)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '+']))
}

/// Runs the target's reference script on the CPU with `threads` threads for
/// `epochs` epochs, its batches cut from the tensors in memory (the fastest
/// eager form of its loop), and returns each epoch's training seconds.
pub fn train(
    python: &Path,
    root: &Path,
    spec: &Spec,
    threads: u32,
    epochs: u32,
) -> Result<Vec<f64>> {
    let script = reference_dir(root).join(spec.torch_script);
    let output = Command::new(python)
        .current_dir(root)
        .arg(&script)
        .arg(data::default_dir(root).join("mnist"))
        .args(spec.torch_args)
        .args(["--threads", &threads.to_string()])
        .args(["--epochs", &epochs.to_string()])
        .args(["--device", "cpu", "--in-memory", "--timing"])
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running {} {}", python.display(), script.display()))?;
    if !output.status.success() {
        bail!("{} failed ({})", spec.torch_script, output.status);
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let seconds = epoch_seconds(&text)
        .with_context(|| format!("reading the timings {} printed", spec.torch_script))?;
    if seconds.len() != epochs as usize {
        bail!(
            "{} timed {} epochs, not the {epochs} asked for",
            spec.torch_script,
            seconds.len()
        );
    }
    Ok(seconds)
}

/// Where the tutorials' PyTorch scripts live.
pub fn reference_dir(root: &Path) -> PathBuf {
    root.join("crates/vi-models/tests/reference")
}

/// Each epoch's training seconds from a reference script's `--timing`
/// lines, in order: `epoch E seconds S` (tutorial 2's script) or
/// `epoch E seconds train S test T` (tutorials 3 and 4). Other lines are
/// passed over, tutorial 3's loss line (`epoch  1  train … train 3.1 s …`)
/// among them.
pub fn epoch_seconds(output: &str) -> Result<Vec<f64>> {
    let mut seconds = Vec::new();
    for line in output.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("epoch") {
            continue;
        }
        let Some(epoch) = words.next().and_then(|word| word.parse::<usize>().ok()) else {
            continue;
        };
        if words.next() != Some("seconds") {
            continue;
        }
        let value = match words.next() {
            Some("train") => words.next(),
            other => other,
        };
        let value = value
            .and_then(|word| word.parse::<f64>().ok())
            .filter(|value| value.is_finite() && *value >= 0.0)
            .with_context(|| format!("no seconds in {line:?}"))?;
        if epoch != seconds.len() + 1 {
            bail!(
                "epoch {epoch}'s timing came after {} epochs' ({line:?})",
                seconds.len()
            );
        }
        seconds.push(value);
    }
    if seconds.is_empty() {
        bail!("no `epoch E seconds S` line");
    }
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn epoch_seconds_reads_every_scripts_timing_line() {
        // tutorial2_conv_vae.py --timing
        let conv = "parameters 35105\nstep 1 loss 1234.5\n\
                    epoch 1 train 1200.25 l1 3.5 sigma 0.9\nepoch 1 seconds 1.912\n\
                    epoch 2 train 1100.5 l1 3.4 sigma 0.8\nepoch 2 seconds 1.875\n";
        assert_eq!(epoch_seconds(conv).ok(), Some(vec![1.912, 1.875]));
        // tutorial3_mlp_vae.py --timing: its loss line also carries the
        // seconds, in another layout, and is passed over.
        let mlp = "epoch  1  train 201.55  test 189.01  train  21.04 s  test  2.21 s\n\
                   epoch 1 seconds train 21.044 test 2.214\n\
                   epoch  2  train 181.56  test 174.26  train  23.55 s  test  2.15 s\n\
                   epoch 2 seconds train 23.552 test 2.149\n";
        assert_eq!(epoch_seconds(mlp).ok(), Some(vec![21.044, 23.552]));
        // tutorial4_cvae.py --timing
        let cvae = "epoch 1 train 543.54 test 541.77\nepoch 1 seconds train 3.105 test 0.012\n";
        assert_eq!(epoch_seconds(cvae).ok(), Some(vec![3.105]));
    }

    #[test]
    fn epoch_seconds_refuses_missing_unreadable_or_skipped_epochs() {
        let none = "epoch  1  train 201.55  test 189.01  train  21.04 s  test  2.21 s\n";
        let error = epoch_seconds(none).expect_err("no timing line");
        assert!(error.to_string().contains("epoch E seconds S"), "{error}");
        assert!(epoch_seconds("epoch 1 seconds train soon\n").is_err());
        assert!(epoch_seconds("epoch 1 seconds -1.0\n").is_err());
        let skipped = epoch_seconds("epoch 1 seconds 1.0\nepoch 3 seconds 1.0\n");
        assert!(skipped.is_err());
    }

    #[test]
    fn a_relative_python_is_made_absolute_and_a_bare_name_left_to_path() {
        assert_eq!(resolved(Path::new("python3")), Path::new("python3"));
        let relative = resolved(Path::new(".venv/bin/python"));
        assert!(relative.is_absolute(), "{}", relative.display());
        assert!(relative.ends_with(".venv/bin/python"));
    }

    #[test]
    fn only_torch_2_13_is_accepted() {
        for version in ["2.13", "2.13.0", "2.13.0+cpu", "2.13.1+cu130"] {
            assert!(is_required_version(version), "{version}");
        }
        for version in ["2.12.1", "2.130", "2.1", "1.13.0", ""] {
            assert!(!is_required_version(version), "{version}");
        }
    }

    /// An executable shell script standing in for a Python interpreter.
    fn fake_python(dir: &Path, name: &str, body: &str) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write the script");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod");
        path
    }

    #[test]
    fn a_python_with_torch_2_13_is_ready() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let python = fake_python(dir.path(), "python", "echo 2.13.0+cpu");
        assert_eq!(
            find(Some(&python), "vae-mlp"),
            Torch::Ready {
                python,
                version: "2.13.0+cpu".into()
            }
        );
    }

    #[test]
    fn another_torch_version_is_named_and_vi_runs_alone() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let python = fake_python(dir.path(), "python", "echo 2.12.1+cpu");
        let Torch::Unavailable(note) = find(Some(&python), "vae-mlp") else {
            panic!("torch 2.12.1 accepted");
        };
        assert!(note.contains("has torch 2.12.1+cpu, not 2.13"), "{note}");
        assert!(note.contains("vi runs alone"), "{note}");
        assert!(note.contains("torch==2.13.0"), "{note}");
    }

    #[test]
    fn a_python_without_torch_says_why_and_how_to_get_it() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let python = fake_python(
            dir.path(),
            "python",
            "echo \"ModuleNotFoundError: No module named 'torch'\" >&2; exit 1",
        );
        let Torch::Unavailable(note) = find(Some(&python), "cvae") else {
            panic!("a Python without torch accepted");
        };
        assert!(note.contains("could not import torch"), "{note}");
        assert!(note.contains("No module named 'torch'"), "{note}");
        assert!(note.contains("--torch-python .venv/bin/python"), "{note}");
        let missing = dir.path().join("no-such-python");
        let Torch::Unavailable(note) = find(Some(&missing), "cvae") else {
            panic!("a missing Python accepted");
        };
        assert!(note.contains("could not run"), "{note}");
    }

    #[test]
    fn without_a_python_the_note_says_how_to_get_torch() {
        let Torch::Unavailable(note) = find(None, "vae-conv") else {
            panic!("no Python, yet ready");
        };
        assert!(note.contains("vi runs alone"), "{note}");
        assert!(
            note.contains("--torch-python PATH or VI_BENCH_PYTHON"),
            "{note}"
        );
        assert!(
            note.contains(
                "python3 -m venv .venv && .venv/bin/pip install torch==2.13.0 \
                 --index-url https://download.pytorch.org/whl/cpu"
            ),
            "{note}"
        );
        assert!(note.contains("PyPI's torch==2.13.0"), "{note}");
        assert!(
            note.contains("cargo xtask bench vae-conv --torch-python .venv/bin/python"),
            "{note}"
        );
    }
}
