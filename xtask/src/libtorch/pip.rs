//! libtorch from PyPI, fetched with `python3 -m pip`.
//!
//! CPU: three wheels, pinned by SHA-256, from which a CPU-only libtorch is
//! assembled (the torch wheel's CPU libraries and headers, plus the two CUDA
//! runtime libraries `libtorch_cpu.so` names as NEEDED; they load fine
//! without a GPU). The torch wheel is the release's (2.13.0, or an older one
//! for `cargo xtask compat`); the two runtime wheels serve every CUDA 13
//! build. CUDA: the full `torch==<version>` installed with its dependencies
//! into a virtual environment, whose `torch/` folder is a libtorch root.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::layout::Install;
use super::release::Release;
use crate::digest::sha256_file;

/// One wheel and what is taken from it.
struct Wheel {
    requirement: String,
    file: &'static str,
    sha256: &'static str,
    /// (path prefix in the wheel, destination folder in the install). A
    /// prefix ending in `/` takes the whole folder.
    members: &'static [(&'static str, &'static str)],
}

/// A wheel whose requirement is `<name>==<version>` of its file name.
struct PinnedWheel {
    file: &'static str,
    sha256: &'static str,
    members: &'static [(&'static str, &'static str)],
}

/// What a CPU libtorch takes from the torch wheel.
const TORCH_MEMBERS: &[(&str, &str)] = &[
    ("torch/lib/libc10.so", "lib"),
    ("torch/lib/libtorch_cpu.so", "lib"),
    ("torch/lib/libtorch.so", "lib"),
    ("torch/lib/libgomp.so.1", "lib"),
    ("torch/lib/libshm.so", "lib"),
    ("torch/include/", "include"),
];

/// The CUDA runtime libraries that `libtorch_cpu.so` of a CUDA 13 build
/// names as NEEDED.
const RUNTIME_WHEELS: [PinnedWheel; 2] = [
    PinnedWheel {
        file: "nvidia_cuda_runtime-13.0.96-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl",
        sha256: "7f82250d7782aa23b6cfe765ecc7db554bd3c2870c43f3d1821f1d18aebf0548",
        members: &[("nvidia/cu13/lib/libcudart.so.13", "lib")],
    },
    PinnedWheel {
        file: "nvidia_cuda_cupti-13.0.85-py3-none-manylinux_2_25_x86_64.whl",
        sha256: "4eb01c08e859bf924d222250d2e8f8b8ff6d3db4721288cf35d14252a4d933c8",
        members: &[("nvidia/cu13/lib/libcupti.so.13", "lib")],
    },
];

/// The three wheels of a CPU libtorch of `release`.
fn cpu_wheels(release: &Release) -> Vec<Wheel> {
    let torch = Wheel {
        requirement: format!("torch=={}", release.torch),
        file: release.wheel,
        sha256: release.wheel_sha256,
        members: TORCH_MEMBERS,
    };
    let runtimes = RUNTIME_WHEELS.iter().map(|wheel| {
        // `nvidia_cuda_runtime-13.0.96-…` → `nvidia-cuda-runtime==13.0.96`.
        let mut parts = wheel.file.splitn(3, '-');
        let name = parts.next().unwrap_or_default().replace('_', "-");
        let version = parts.next().unwrap_or_default();
        Wheel {
            requirement: format!("{name}=={version}"),
            file: wheel.file,
            sha256: wheel.sha256,
            members: wheel.members,
        }
    });
    std::iter::once(torch).chain(runtimes).collect()
}

/// Downloads the pinned CPU wheels of `release` with pip and assembles
/// libtorch in `dir`.
pub fn install_cpu(python: &str, dir: &Path, release: &Release) -> Result<Install> {
    if !cfg!(all(target_os = "linux", target_arch = "x86_64")) {
        bail!("the PyPI wheels are assembled for Linux x86-64 only");
    }
    let selected = cpu_wheels(release);
    let wheels = dir.join("wheels");
    let mut pip = Command::new(python);
    pip.args(["-m", "pip", "download", "--no-deps", "--only-binary=:all:"])
        // The libraries don't depend on the Python version, so the same
        // pinned cp311 wheel serves every interpreter.
        .args([
            "--python-version",
            "3.11",
            "--implementation",
            "cp",
            "--abi",
            "cp311",
        ])
        .args([
            "--platform",
            "manylinux_2_28_x86_64",
            "--platform",
            "manylinux_2_25_x86_64",
        ])
        .args([
            "--platform",
            "manylinux_2_17_x86_64",
            "--platform",
            "manylinux2014_x86_64",
        ])
        .arg("--dest")
        .arg(&wheels)
        .args(selected.iter().map(|wheel| &wheel.requirement));
    run(&mut pip)?;
    for wheel in &selected {
        let path = wheels.join(wheel.file);
        let found = sha256_file(&path).with_context(|| format!("reading {}", path.display()))?;
        if found != wheel.sha256 {
            bail!(
                "{} has SHA-256 {found}, expected {}",
                path.display(),
                wheel.sha256
            );
        }
        extract(&path, wheel.members, dir)?;
    }
    fs::remove_dir_all(&wheels).with_context(|| format!("removing {}", wheels.display()))?;
    fs::write(dir.join("build-version"), format!("{}\n", release.torch))?;
    Ok(Install {
        dir: dir.to_owned(),
        libtorch: PathBuf::from("."),
        source: "PyPI wheels (pip download)".to_owned(),
    })
}

/// Copies the selected members of a wheel (a zip file) into `dir`.
fn extract(wheel: &Path, members: &[(&str, &str)], dir: &Path) -> Result<()> {
    let file = File::open(wheel).with_context(|| format!("opening {}", wheel.display()))?;
    let mut archive =
        zip::ZipArchive::new(file).with_context(|| format!("reading {}", wheel.display()))?;
    let mut taken = vec![false; members.len()];
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name()?.into_owned();
        for (i, (prefix, dest)) in members.iter().enumerate() {
            let target = if prefix.ends_with('/') {
                let Some(inner) = name.strip_prefix(prefix) else {
                    continue;
                };
                // Reject names that would escape the install folder.
                if inner.split('/').any(|part| part == ".." || part.is_empty()) {
                    bail!("{} has an unsafe member name {name}", wheel.display());
                }
                dir.join(dest).join(inner)
            } else if name == *prefix {
                let file_name = name.rsplit('/').next().unwrap_or(&name);
                dir.join(dest).join(file_name)
            } else {
                continue;
            };
            if let Some(parent) = target.parent() {
                fs::create_dir_all(parent)?;
            }
            let mut out =
                File::create(&target).with_context(|| format!("creating {}", target.display()))?;
            io::copy(&mut entry, &mut out)
                .with_context(|| format!("extracting {name} from {}", wheel.display()))?;
            taken[i] = true;
            break;
        }
    }
    if let Some(i) = taken.iter().position(|taken| !taken) {
        bail!("{} has no {}", wheel.display(), members[i].0);
    }
    Ok(())
}

/// Installs the full CUDA build of torch `release` into a virtual
/// environment in `dir` and returns the install rooted at its `torch/`
/// package.
pub fn install_cuda(python: &str, dir: &Path, release: &Release) -> Result<Install> {
    let venv = dir.join("venv");
    run(Command::new(python).args(["-m", "venv"]).arg(&venv))?;
    let venv_python = venv.join("bin").join("python");
    run(Command::new(&venv_python).args([
        "-m",
        "pip",
        "install",
        "--no-input",
        &format!("torch=={}", release.torch),
    ]))?;
    let output = Command::new(&venv_python)
        .args([
            "-c",
            "import os, torch; print(os.path.dirname(torch.__file__))",
        ])
        .output()
        .with_context(|| format!("running {}", venv_python.display()))?;
    if !output.status.success() {
        bail!(
            "importing torch in the new environment failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let torch = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    let libtorch = torch
        .strip_prefix(dir)
        .with_context(|| format!("torch was installed outside {}", dir.display()))?
        .to_owned();
    Ok(Install {
        dir: dir.to_owned(),
        libtorch,
        source: "PyPI torch with CUDA (pip install in a virtual environment)".to_owned(),
    })
}

fn run(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::libtorch::release::{OLDER, PINNED};

    #[test]
    fn each_release_gets_its_torch_wheel_and_the_shared_runtimes() {
        for release in std::iter::once(&PINNED).chain(OLDER) {
            let wheels = cpu_wheels(release);
            let requirements: Vec<&str> = wheels.iter().map(|w| w.requirement.as_str()).collect();
            assert_eq!(
                requirements,
                [
                    format!("torch=={}", release.torch).as_str(),
                    "nvidia-cuda-runtime==13.0.96",
                    "nvidia-cuda-cupti==13.0.85"
                ]
            );
            assert_eq!(wheels[0].sha256, release.wheel_sha256);
        }
    }
}
