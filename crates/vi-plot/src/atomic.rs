//! Atomic PNG output: encode, write `<name>.part`, sync, then rename over the final name.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};

use crate::error::{Error, Result};

/// Writes `image` as a PNG file at `path` so that `path` only ever holds a complete file.
///
/// The bytes go to `<path>.part` in the same directory (so the final `rename` stays on one
/// file system); that file is removed again if anything fails. The parent directory must
/// exist.
pub(crate) fn write_png(image: &RgbImage, path: &Path) -> Result<()> {
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            ExtendedColorType::Rgb8,
        )
        .map_err(|source| Error::Encode {
            path: path.to_path_buf(),
            source,
        })?;
    let part = part_path(path);
    let written = write_and_sync(&part, &bytes).and_then(|()| fs::rename(&part, path));
    written.map_err(|source| {
        // Best effort: the `.part` file may not exist if creating it was what failed.
        let _ = fs::remove_file(&part);
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// `dir/name.png` → `dir/name.png.part`.
fn part_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".part");
    PathBuf::from(name)
}

fn write_and_sync(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_path_appends_suffix() {
        assert_eq!(
            part_path(Path::new("out/fig.png")),
            PathBuf::from("out/fig.png.part")
        );
    }

    #[test]
    fn rename_failure_removes_part_file() {
        let dir = tempfile::tempdir().unwrap();
        // A non-empty directory under the final name makes the rename fail.
        let target = dir.path().join("fig.png");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("keep"), b"x").unwrap();
        let error = write_png(&RgbImage::new(2, 2), &target).unwrap_err();
        assert!(matches!(error, Error::Io { ref path, .. } if path == &target));
        assert!(!part_path(&target).exists());
        assert!(target.join("keep").exists());
    }
}
