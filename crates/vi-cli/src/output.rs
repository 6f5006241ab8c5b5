//! The output folder of an experiment, replaced as a whole: every file is
//! written into a temporary sibling folder (vi-fs's `.<name>.tmp-<pid>`),
//! each file itself atomically and flushed to disk, and the folder takes
//! the final name only once everything is written. An interrupted or
//! failed run leaves the previous results untouched and nothing
//! half-written under the final name. The run holds the folder's lock
//! (`ownership::claim`) from before it looks at the folder until the swap
//! is done, so two runs never write one folder.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Serialize, Serializer};
use vi_fs::{AtomicFile, RunLock};
use vi_plot::{Chart, Figure, ImageGrid};

use crate::ownership;

/// The file every experiment writes, and whose `command` field marks a
/// folder as vi's to replace.
pub const SUMMARY_FILE: &str = "summary.json";

/// A folder being filled, to be swapped into place with [`Staging::commit`].
/// Dropped without committing, it deletes itself.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    staging: PathBuf,
    /// Where the previous results wait while the new ones move in.
    previous: PathBuf,
    written: Vec<String>,
    committed: bool,
    /// Held until the staging folder is swapped in or removed (fields drop
    /// after `Drop::drop`).
    _lock: RunLock,
}

impl Staging {
    /// Prepares to replace `target`, which must be absent, empty, or a
    /// previous output of `command` (its `summary.json` says so): anything
    /// else is refused rather than deleted. Creates `target`'s parent if
    /// needed, claims `target` for this run (refused if another run has
    /// it; dead runs' leftovers beside it are removed) and creates an empty
    /// staging folder beside it.
    pub fn new(target: &Path, command: &str) -> Result<Self> {
        let Some(name) = target.file_name() else {
            bail!(
                "the output folder {} has no name of its own; give a folder such as results/{command}",
                target.display()
            );
        };
        let target_in_parent = ownership::folder_of(target).join(name);
        let lock = ownership::claim(&target_in_parent, "--out", &[])?;
        check_replaceable(target, command)?;
        let staging = vi_fs::temporary_sibling(&target_in_parent);
        let previous = vi_fs::previous_sibling(&target_in_parent);
        fs::create_dir(&staging).with_context(|| {
            format!(
                "cannot write the output folder {} (creating {} failed)",
                target.display(),
                staging.display()
            )
        })?;
        Ok(Self {
            target: target.to_path_buf(),
            staging,
            previous,
            written: Vec::new(),
            committed: false,
            _lock: lock,
        })
    }

    fn file(&mut self, name: &str) -> PathBuf {
        self.written.push(name.to_owned());
        self.staging.join(name)
    }

    /// Writes a CSV file with a header row and one row of numbers per item
    /// (see [`number`] for their form).
    pub fn write_csv<R>(&mut self, name: &str, header: &[&str], rows: R) -> Result<()>
    where
        R: IntoIterator<Item = Vec<f64>>,
    {
        let path = self.file(name);
        let context = || format!("cannot write {}", self.target.join(name).display());
        let mut writer = csv::Writer::from_writer(AtomicFile::create(&path)?);
        writer.write_record(header).with_context(context)?;
        for row in rows {
            writer
                .write_record(row.iter().map(|&value| number(value)))
                .with_context(context)?;
        }
        let file = writer.into_inner().map_err(|error| error.into_error());
        file.with_context(context)?.commit()?;
        Ok(())
    }

    /// Writes `text` as it is (a Markdown table, a CSV file with text
    /// columns).
    pub fn write_text(&mut self, name: &str, text: &str) -> Result<()> {
        let path = self.file(name);
        let context = || format!("cannot write {}", self.target.join(name).display());
        let mut file = AtomicFile::create(&path)?;
        file.write_all(text.as_bytes()).with_context(context)?;
        file.commit()?;
        Ok(())
    }

    /// Writes `value` as pretty-printed JSON with a final newline.
    pub fn write_json<T: Serialize>(&mut self, name: &str, value: &T) -> Result<()> {
        let path = self.file(name);
        let context = || format!("cannot write {}", self.target.join(name).display());
        let mut file = AtomicFile::create(&path)?;
        serde_json::to_writer_pretty(&mut file, value).with_context(context)?;
        file.write_all(b"\n").with_context(context)?;
        file.commit()?;
        Ok(())
    }

    /// Renders `chart` into a PNG file.
    pub fn save_chart(&mut self, name: &str, chart: &Chart) -> Result<()> {
        let path = self.file(name);
        chart
            .save_png(&path)
            .with_context(|| format!("cannot draw {}", self.target.join(name).display()))
    }

    /// Renders `figure` (several panels) into a PNG file.
    pub fn save_figure(&mut self, name: &str, figure: &Figure) -> Result<()> {
        let path = self.file(name);
        figure
            .save_png(&path)
            .with_context(|| format!("cannot draw {}", self.target.join(name).display()))
    }

    /// Renders `grid` into a PNG file.
    pub fn save_grid(&mut self, name: &str, grid: &ImageGrid) -> Result<()> {
        let path = self.file(name);
        grid.save_png(&path)
            .with_context(|| format!("cannot draw {}", self.target.join(name).display()))
    }

    /// Puts the staging folder in place of the target: the previous target,
    /// if any, is moved aside, the new folder renamed into place, and the
    /// previous one deleted.
    pub fn commit(mut self) -> Result<Written> {
        let previous = self.previous.clone();
        let had_previous = self.target.exists();
        if had_previous {
            fs::rename(&self.target, &previous).with_context(|| {
                format!("cannot move the previous {} aside", self.target.display())
            })?;
        }
        if let Err(error) = fs::rename(&self.staging, &self.target) {
            if had_previous {
                // Put the previous results back; the new ones are dropped.
                let _ = fs::rename(&previous, &self.target);
            }
            return Err(error).with_context(|| {
                format!("cannot move the results into {}", self.target.display())
            });
        }
        self.committed = true;
        vi_fs::sync_folder(&self.target)?;
        if had_previous {
            fs::remove_dir_all(&previous).with_context(|| {
                format!(
                    "wrote {}, but cannot delete the previous results at {}",
                    self.target.display(),
                    previous.display()
                )
            })?;
        }
        Ok(Written {
            folder: self.target.clone(),
            files: std::mem::take(&mut self.written),
        })
    }
}

/// What a committed [`Staging`] holds; displayed as `wrote <folder>: <files>`.
#[derive(Debug)]
pub struct Written {
    folder: PathBuf,
    files: Vec<String>,
}

impl fmt::Display for Written {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "wrote {}: {}",
            self.folder.display(),
            self.files.join(", ")
        )
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// A number as CSV text: the shortest decimal that reads back as the same
/// `f64` (so the text is deterministic), in exponent form for magnitudes
/// below 1e-4 or from 1e16 on (`7.385331618352922e-16`, not 31 digits).
fn number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude != 0.0 && magnitude.is_finite() && !(1e-4..1e16).contains(&magnitude) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// Refuses to replace anything but an absent or empty folder or a previous
/// output of `command`.
fn check_replaceable(target: &Path, command: &str) -> Result<()> {
    let Ok(metadata) = fs::symlink_metadata(target) else {
        return Ok(());
    };
    if !metadata.is_dir() {
        bail!(
            "the output folder {} exists and is not a folder",
            target.display()
        );
    }
    let mut entries = fs::read_dir(target)
        .with_context(|| format!("cannot read the output folder {}", target.display()))?;
    if entries.next().is_none() {
        return Ok(());
    }
    let summary = target.join(SUMMARY_FILE);
    let written_by = fs::read_to_string(&summary)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|json| json.get("command")?.as_str().map(str::to_owned));
    match written_by {
        Some(found) if found == command => Ok(()),
        Some(found) => bail!(
            "the output folder {} holds results of `vi {found}`, not of `vi {command}`; \
             choose another --out or remove it",
            target.display()
        ),
        None => bail!(
            "the output folder {} is not empty and holds no vi {SUMMARY_FILE}; \
             vi replaces its output folder as a whole, so choose another --out or remove it",
            target.display()
        ),
    }
}

/// Writes a path as JSON text: UTF-8 as it is, any other path with its
/// undecodable bytes replaced by U+FFFD, so that a summary can be written
/// whatever the paths a run was given (serde refuses non-UTF-8 paths).
///
/// # Errors
/// The serializer's.
pub fn path_text<S: Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_round_trip_in_a_compact_form() {
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(0.605_203_449_686_676_7), "0.6052034496866767");
        assert_eq!(number(7.385_331_618_352_922e-16), "7.385331618352922e-16");
        assert_eq!(number(2.5e20), "2.5e20");
        assert_eq!(number(f64::NAN), "NaN");
        for value in [1e-300, 1.234_567_890_123_456_7e-5, 123_456.789, -9.87e-12] {
            assert_eq!(number(value).parse::<f64>(), Ok(value));
        }
    }
}
