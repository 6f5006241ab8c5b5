//! PNG output: encode a rendered image, then write it atomically with
//! vi-fs (a temporary sibling, flushed, renamed over the final name), so a
//! crash never leaves a truncated PNG under the final name.

use std::path::Path;

use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, RgbImage};

use crate::error::{Error, Result};

/// Writes `image` as a PNG file at `path` so that `path` only ever holds a
/// complete file. The parent directory must exist; on error nothing is left
/// behind but what `path` held before.
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
    Ok(vi_fs::write(path, &bytes)?)
}
