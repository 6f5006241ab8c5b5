//! Tests of `gpu/vi`, the launcher that runs a bundled vi against the
//! torch of the machine's Python, with a stand-in Python (printing what the
//! real one's probe prints) and a stand-in vi (printing its environment).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A bundle, a torch lib/ folder and a Python that reports `version`.
struct Stage {
    dir: tempfile::TempDir,
}

impl Stage {
    fn new(version: &str, with_cuda: bool) -> Self {
        let stage = Self {
            dir: tempfile::tempdir().expect("temporary folder"),
        };
        let lib = stage.lib();
        fs::create_dir_all(&lib).expect("lib folder");
        if with_cuda {
            fs::write(lib.join("libtorch_cuda.so"), "").expect("library");
        }
        fs::create_dir_all(stage.path("bundle")).expect("bundle folder");
        fs::write(
            stage.path("bundle/bundle.json"),
            r#"{"libtorch": "2.11.0"}"#,
        )
        .expect("bundle.json");
        script(
            &stage.path("bundle/vi"),
            "echo \"LD_LIBRARY_PATH=$LD_LIBRARY_PATH\"\necho \"LD_PRELOAD=$LD_PRELOAD\"\n\
             echo \"ARGS=$*\"",
        );
        script(
            &stage.path("python"),
            &format!(
                "printf '%s\\t%s\\t%s\\t%s\\n' '{version}' 2.11.0 '{}' '{}'",
                lib.display(),
                stage.path("nvidia/cu13/lib").display()
            ),
        );
        stage
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn lib(&self) -> PathBuf {
        self.path("torch/lib")
    }

    fn launch(&self, args: &[&str]) -> Output {
        Command::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../gpu/vi"))
            .args(args)
            .env("VI_BUNDLE", self.path("bundle"))
            .env("VI_PYTHON", self.path("python"))
            .env_remove("LD_LIBRARY_PATH")
            .env_remove("LD_PRELOAD")
            .output()
            .expect("gpu/vi runs")
    }
}

fn script(path: &Path, body: &str) {
    fs::write(path, format!("#!/bin/sh\n{body}\n")).expect("script");
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).expect("executable");
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn vi_runs_with_torchs_libraries_and_its_cuda_library_preloaded() {
    let stage = Stage::new("2.11.0+cu130", true);
    let output = stage.launch(&["vae-mlp", "--device", "cuda"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    let lib = stage.lib().display().to_string();
    let nvidia = stage.path("nvidia/cu13/lib").display().to_string();
    assert!(
        stdout.contains(&format!("LD_LIBRARY_PATH={lib}:{nvidia}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("LD_PRELOAD={lib}/libtorch_cuda.so\n")),
        "{stdout}"
    );
    assert!(stdout.contains("ARGS=vae-mlp --device cuda\n"), "{stdout}");
}

#[test]
fn a_cpu_torch_is_used_without_preloading_and_a_lost_executable_bit_restored() {
    let stage = Stage::new("2.11.0", false);
    fs::set_permissions(stage.path("bundle/vi"), fs::Permissions::from_mode(0o644))
        .expect("permissions");
    let output = stage.launch(&["info"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    assert!(stdout.contains("LD_PRELOAD=\n"), "{stdout}");
}

#[test]
fn another_torch_version_is_refused_naming_both() {
    let stage = Stage::new("2.13.0+cu130", true);
    let output = stage.launch(&["info"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("built against libtorch 2.11.0"), "{stderr}");
    assert!(stderr.contains("torch 2.13.0+cu130"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn a_python_without_torch_or_a_missing_bundle_is_a_clear_error() {
    let stage = Stage::new("2.11.0", true);
    script(
        &stage.path("python"),
        "echo 'No module named torch' >&2; exit 1",
    );
    let output = stage.launch(&["info"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("cannot import torch"));

    fs::remove_file(stage.path("bundle/vi")).expect("removed");
    let output = stage.launch(&["info"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("cargo xtask compat bundle"));
}
