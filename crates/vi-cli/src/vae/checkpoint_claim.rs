//! The checkpoint of a VAE run, claimed before any work: its place (not
//! inside the output folder, which is replaced as a whole), its name (short
//! enough with the temporary suffix), its folder (created, writable), its
//! lock (held for the run's lifetime, so a second run on the same
//! checkpoint is refused at once) and its owner: a run writes over a file
//! only if it is a vi checkpoint and the user said so — `--resume` to
//! continue it, `--restart` to start afresh and replace it. A file that is
//! not a vi checkpoint is never written over.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use vi_fs::RunLock;
use vi_models::{Checkpoint, CheckpointProbe};

use super::args::TrainingPlan;
use crate::ownership;

/// The checkpoint, claimed for this run until dropped.
#[derive(Debug)]
pub struct CheckpointClaim {
    _lock: RunLock,
}

impl CheckpointClaim {
    /// Claims `plan.checkpoint` for a run writing into `out`, with the
    /// `companions` the subcommand keeps beside it.
    ///
    /// # Errors
    /// A checkpoint inside `out`; a name too long; a folder that cannot be
    /// created or written; another run holding it; a folder or a file that
    /// is not a vi checkpoint under its name; a vi checkpoint of an earlier
    /// run without `--resume` or `--restart`.
    pub fn new(out: &Path, plan: &TrainingPlan, companions: &[PathBuf]) -> Result<Self> {
        let path = &plan.checkpoint;
        if lexical(path).starts_with(lexical(out)) {
            bail!(
                "--checkpoint {} lies inside --out {}, which is replaced as a whole when the run \
                 ends, so the checkpoint would be lost; put it beside the folder (by default it \
                 is {})",
                path.display(),
                out.display(),
                super::args::default_checkpoint(out)
                    .map_or_else(|message| message, |default| default.display().to_string())
            );
        }
        let lock = ownership::claim(path, "--checkpoint", companions)?;
        check_owner(path, plan.resume, plan.restart)?;
        Ok(Self { _lock: lock })
    }
}

/// Whether this run may write `path`: absent, or a vi checkpoint that the
/// user asked to continue or to replace.
fn check_owner(path: &Path, resume: bool, restart: bool) -> Result<()> {
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        // A missing checkpoint with --resume is reported when it is read.
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => {
            return Err(error)
                .with_context(|| format!("cannot read --checkpoint {}", path.display()));
        }
    };
    if metadata.is_dir() {
        bail!(
            "--checkpoint {} is a folder; name a file, such as {}",
            path.display(),
            path.join("run.checkpoint.safetensors").display()
        );
    }
    let probe = Checkpoint::probe(path)
        .with_context(|| format!("cannot read --checkpoint {}", path.display()))?;
    match probe {
        CheckpointProbe::Checkpoint { .. } if resume || restart => Ok(()),
        CheckpointProbe::Checkpoint {
            architecture,
            epoch,
        } => bail!(
            "--checkpoint {} holds an earlier run ({architecture}, {epoch} epochs); pass --resume \
             to continue it, or --restart to start afresh and replace it after this run's first \
             epoch",
            path.display()
        ),
        CheckpointProbe::Other { reason } => bail!(
            "--checkpoint {} is not a vi checkpoint ({reason}); vi never writes over a file it \
             did not write, so choose another --checkpoint",
            path.display()
        ),
        _ => bail!(
            "--checkpoint {} is of a kind this vi does not know; choose another --checkpoint",
            path.display()
        ),
    }
}

/// `path` made absolute (against the current folder) with `.` and `..`
/// resolved by name, for comparing where two paths point without touching
/// the file system.
fn lexical(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            other => resolved.push(other),
        }
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_compared_by_where_they_point() {
        assert!(
            lexical(Path::new("results/x/../x/ck")).starts_with(lexical(Path::new("results/x")))
        );
        assert!(
            !lexical(Path::new("results/x.checkpoint.safetensors"))
                .starts_with(lexical(Path::new("results/x")))
        );
        assert!(!lexical(Path::new("results/x/../y")).starts_with(lexical(Path::new("results/x"))));
    }

    #[test]
    fn only_vi_checkpoints_are_written_over_and_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let notes = dir.path().join("notes.txt");
        fs::write(&notes, "precious").unwrap();
        for (resume, restart) in [(false, false), (true, false), (false, true)] {
            let message = check_owner(&notes, resume, restart)
                .unwrap_err()
                .to_string();
            assert!(message.contains("is not a vi checkpoint"), "{message}");
        }
        let message = check_owner(dir.path(), false, false)
            .unwrap_err()
            .to_string();
        assert!(message.contains("is a folder"), "{message}");
        check_owner(&dir.path().join("absent"), false, false).unwrap();
        assert_eq!(fs::read_to_string(&notes).unwrap(), "precious");
    }
}
