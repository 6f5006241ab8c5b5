//! The names of what is in flight beside a destination, and the listing
//! that finds them again: `.<name>.tmp-<pid>` while it is being written,
//! `.<name>.old-<pid>` for a previous version moved aside while a folder is
//! replaced. The process id says whose they are, so that what a process
//! that died left behind can be told from what a running one is writing.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, Operation, Result};

/// What a leftover name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftoverKind {
    /// `.<name>.tmp-<pid>`: content being written; never finished content.
    Temporary,
    /// `.<name>.old-<pid>`: the previous version of `<name>`, moved aside
    /// while a new one moves in.
    Previous,
}

impl LeftoverKind {
    fn tag(self) -> &'static str {
        match self {
            Self::Temporary => "tmp",
            Self::Previous => "old",
        }
    }
}

/// An entry of a folder named by [`temporary_sibling`] or
/// [`previous_sibling`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leftover {
    /// The entry.
    pub path: PathBuf,
    /// The name of the destination it belongs to.
    pub name: String,
    /// Which of the two it is.
    pub kind: LeftoverKind,
    /// The id of the process that made it.
    pub pid: u32,
}

impl Leftover {
    /// Reads a leftover name, `None` for any other name.
    pub fn parse(path: &Path) -> Option<Self> {
        let file_name = path.file_name()?.to_str()?;
        let rest = file_name.strip_prefix('.')?;
        let (stem, pid) = rest.rsplit_once('-')?;
        let pid: u32 = pid.parse().ok()?;
        let (name, tag) = stem.rsplit_once('.')?;
        let kind = [LeftoverKind::Temporary, LeftoverKind::Previous]
            .into_iter()
            .find(|kind| kind.tag() == tag)?;
        if name.is_empty() {
            return None;
        }
        Some(Self {
            path: path.to_path_buf(),
            name: name.to_owned(),
            kind,
            pid,
        })
    }
}

/// `dir/name` → `dir/.name.tmp-<pid of this process>`: where this process
/// writes `name` (a file or a folder) before renaming it into place. Same
/// folder, so the rename stays on one file system and is atomic.
pub fn temporary_sibling(path: &Path) -> PathBuf {
    sibling(path, LeftoverKind::Temporary)
}

/// `dir/name` → `dir/.name.old-<pid of this process>`: where this process
/// moves the previous `name` aside while a new one takes its place.
pub fn previous_sibling(path: &Path) -> PathBuf {
    sibling(path, LeftoverKind::Previous)
}

fn sibling(path: &Path, kind: LeftoverKind) -> PathBuf {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}-{}", kind.tag(), std::process::id()))
}

/// The longest file name the common file systems take (ext4, XFS, Btrfs,
/// tmpfs, APFS, NTFS): 255 bytes.
pub const NAME_LIMIT: usize = 255;

/// The longest path Linux takes in one system call (`PATH_MAX` less its
/// final zero byte): 4095 bytes.
pub const PATH_LIMIT: usize = 4095;

/// Bytes that [`temporary_sibling`] and [`previous_sibling`] add to a name
/// at most: `.` before it and `.tmp-<pid>` after it, with a pid of up to
/// ten digits.
pub const SIBLING_EXTRA: usize = 1 + ".tmp-".len() + 10;

/// Checks that the names derived from `path` while it is written — its
/// [`temporary_sibling`] and [`previous_sibling`] — fit the limits of
/// [`NAME_LIMIT`] bytes per name and [`PATH_LIMIT`] per path, so that a
/// caller can refuse a name before work whose result could not be saved.
///
/// # Errors
/// [`Operation::Create`] naming `path`, with an
/// [`io::ErrorKind::InvalidFilename`] error that says how long the name is
/// and how long it may be.
pub fn check_name_length(path: &Path) -> Result<()> {
    let name = path.file_name().map_or(0, |name| name.len());
    let whole = path.as_os_str().len();
    let reason = if name + SIBLING_EXTRA > NAME_LIMIT {
        format!(
            "its name is {name} bytes long, and with the `.tmp-<pid>` added while it is \
             written (up to {SIBLING_EXTRA} bytes) it would pass the {NAME_LIMIT}-byte limit \
             of file names; choose a name of at most {} bytes",
            NAME_LIMIT - SIBLING_EXTRA
        )
    } else if whole + SIBLING_EXTRA > PATH_LIMIT {
        format!(
            "the path is {whole} bytes long, and with the `.tmp-<pid>` added while it is \
             written (up to {SIBLING_EXTRA} bytes) it would pass the {PATH_LIMIT}-byte limit \
             of paths; choose a shorter path"
        )
    } else {
        return Ok(());
    };
    Err(Error::new(
        Operation::Create,
        path,
        io::Error::new(io::ErrorKind::InvalidFilename, reason),
    ))
}

/// The leftover entries of `dir`, in name order; none if `dir` does not
/// exist.
///
/// # Errors
/// [`Operation::List`] if `dir` exists but cannot be read.
pub fn leftovers(dir: &Path) -> Result<Vec<Leftover>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(Error::new(Operation::List, dir, error)),
    };
    let mut found: Vec<Leftover> = entries
        .flatten()
        .filter_map(|entry| Leftover::parse(&entry.path()))
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// Removes a file, a symbolic link (not its target) or a whole folder;
/// absent is fine.
///
/// # Errors
/// [`Operation::Remove`] naming `path`.
pub fn remove_any(path: &Path) -> Result<()> {
    let removed = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error),
    };
    removed.map_err(|error| Error::new(Operation::Remove, path, error))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_names_round_trip() {
        let path = Path::new("results/vae-mlp.checkpoint.safetensors");
        let pid = std::process::id();
        let temporary = temporary_sibling(path);
        assert_eq!(
            temporary,
            PathBuf::from(format!("results/.vae-mlp.checkpoint.safetensors.tmp-{pid}"))
        );
        let parsed = Leftover::parse(&temporary).unwrap();
        assert_eq!(
            (parsed.name.as_str(), parsed.kind, parsed.pid),
            (
                "vae-mlp.checkpoint.safetensors",
                LeftoverKind::Temporary,
                pid
            )
        );
        let previous = Leftover::parse(&previous_sibling(Path::new("out/cvae"))).unwrap();
        assert_eq!(
            (previous.name.as_str(), previous.kind),
            ("cvae", LeftoverKind::Previous)
        );
    }

    #[test]
    fn other_names_are_not_leftovers() {
        for name in [
            "cvae",
            ".cvae",
            ".cvae.tmp",
            ".cvae.tmp-",
            ".cvae.tmp-12x",
            ".cvae.new-12",
            "cvae.tmp-12",
            "..tmp-12",
        ] {
            assert_eq!(Leftover::parse(Path::new(name)), None, "{name}");
        }
    }

    #[test]
    fn names_are_checked_with_their_longest_suffix() {
        let fits = "n".repeat(NAME_LIMIT - SIBLING_EXTRA);
        check_name_length(&Path::new("results").join(&fits)).unwrap();
        let longest = temporary_sibling(&Path::new("results").join(&fits));
        assert!(longest.file_name().unwrap().len() <= NAME_LIMIT);

        let too_long = format!("{fits}n");
        let error = check_name_length(&Path::new("results").join(&too_long)).unwrap_err();
        assert_eq!(error.operation(), Operation::Create);
        assert_eq!(error.io_error().kind(), io::ErrorKind::InvalidFilename);
        let message = error.to_string();
        assert!(message.contains("240 bytes"), "{message}");
        assert!(message.contains("at most 239 bytes"), "{message}");

        let deep = "d/".repeat(PATH_LIMIT / 2);
        let error = check_name_length(&Path::new(&deep).join("out")).unwrap_err();
        assert!(error.to_string().contains("limit of paths"), "{error}");
    }

    #[test]
    fn leftovers_are_listed_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join(".cpu-2.13.0.tmp-42")).unwrap();
        fs::write(dir.path().join(".manifest.json.tmp-7"), b"x").unwrap();
        fs::create_dir(dir.path().join(".cvae.old-9")).unwrap();
        fs::create_dir(dir.path().join("cpu-2.13.0")).unwrap();
        let found = leftovers(dir.path()).unwrap();
        let names: Vec<(&str, LeftoverKind, u32)> = found
            .iter()
            .map(|l| (l.name.as_str(), l.kind, l.pid))
            .collect();
        assert_eq!(
            names,
            [
                ("cpu-2.13.0", LeftoverKind::Temporary, 42),
                ("cvae", LeftoverKind::Previous, 9),
                ("manifest.json", LeftoverKind::Temporary, 7),
            ]
        );
        for leftover in &found {
            remove_any(&leftover.path).unwrap();
        }
        remove_any(&dir.path().join("absent")).unwrap();
        let rest: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(rest, ["cpu-2.13.0"]);
        assert!(leftovers(&dir.path().join("absent")).unwrap().is_empty());
    }
}
