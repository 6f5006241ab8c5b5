//! The IDX file format of MNIST and Fashion-MNIST, read and validated in pure
//! Rust from any byte stream, raw or gzip-compressed.
//!
//! An IDX file is a big-endian header followed by unsigned bytes
//! (<http://yann.lecun.com/exdb/mnist/>):
//!
//! | file   | magic        | header after the magic            | data              |
//! |--------|--------------|-----------------------------------|-------------------|
//! | images | `0x00000803` | count, rows (28), columns (28)    | count·28·28 bytes |
//! | labels | `0x00000801` | count                             | count bytes, 0–9  |
//!
//! The readers check everything the header claims before trusting it: the
//! magic number, the image size, the item count against [`MAX_ITEMS`] (so a
//! forged header cannot make them allocate gigabytes), that exactly the
//! implied number of bytes follows and nothing after it, and that labels are
//! classes 0–9. A stream that starts with the gzip magic bytes `1f 8b` is
//! decompressed on the fly, whatever the file is called.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use crate::DataError;

/// Magic number of an IDX images file: unsigned bytes, three dimensions.
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX labels file: unsigned bytes, one dimension.
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// Pixel rows per image.
pub const IMAGE_ROWS: usize = 28;
/// Pixel columns per image.
pub const IMAGE_COLS: usize = 28;
/// Pixels per image, `IMAGE_ROWS · IMAGE_COLS` = 784.
pub const IMAGE_PIXELS: usize = IMAGE_ROWS * IMAGE_COLS;
/// Number of classes; labels are `0..NUM_CLASSES`.
pub const NUM_CLASSES: u8 = 10;
/// The largest item count a header may declare: 2²⁰ = 1,048,576 images
/// (822 MB of pixels), well above the 60,000 of MNIST's training split.
pub const MAX_ITEMS: u32 = 1 << 20;

const IMAGES_HEADER_LEN: usize = 16;
const LABELS_HEADER_LEN: usize = 8;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// The body buffer starts at most this large and grows only as bytes
/// arrive, so a truncated file never costs what its header promised.
const INITIAL_BODY_CAPACITY: usize = 1 << 20;

/// The images of an IDX images file: `len()` grey-scale images of 28×28
/// pixels, 0 (background) to 255 (ink).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxImages {
    path: PathBuf,
    pixels: Vec<u8>,
}

impl IdxImages {
    /// The file the images were read from (as named to the reader).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.pixels.len() / IMAGE_PIXELS
    }

    /// Whether there are no images.
    pub fn is_empty(&self) -> bool {
        self.pixels.is_empty()
    }

    /// All pixels, row-major `[len, 28, 28]`.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }

    /// The pixels of image `index`, row-major `[28, 28]`, or `None` past the
    /// end.
    pub fn image(&self, index: usize) -> Option<&[u8]> {
        self.pixels.chunks_exact(IMAGE_PIXELS).nth(index)
    }
}

/// The labels of an IDX labels file: one class 0–9 per image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxLabels {
    path: PathBuf,
    labels: Vec<u8>,
}

impl IdxLabels {
    /// The file the labels were read from (as named to the reader).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no labels.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The labels, `[len]`, each in `0..10`.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }
}

/// Reads an IDX images file (magic `0x00000803`, 28×28 images) from
/// `reader`, raw or gzip-compressed, and checks it is exactly what its header
/// says.
///
/// `path` names the source in errors and in [`IdxImages::path`]; nothing is
/// opened. Reads to the end of the stream.
///
/// # Errors
///
/// [`DataError::Magic`], [`DataError::ImageSize`],
/// [`DataError::TooManyItems`], [`DataError::Truncated`],
/// [`DataError::TrailingBytes`], [`DataError::Gzip`] or [`DataError::Io`].
///
/// # Example
///
/// ```
/// # use std::path::Path;
/// let mut file = vec![0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28];
/// file.extend([0u8; 784]);
/// let images = vi_data::read_images(&file[..], Path::new("one-image"))?;
/// assert_eq!(images.len(), 1);
/// # Ok::<(), vi_data::DataError>(())
/// ```
pub fn read_images(reader: impl Read, path: &Path) -> Result<IdxImages, DataError> {
    let pixels = read_decompressed(reader, path, parse_images)?;
    Ok(IdxImages {
        path: path.to_owned(),
        pixels,
    })
}

/// Reads an IDX labels file (magic `0x00000801`, labels 0–9) from `reader`,
/// raw or gzip-compressed, and checks it is exactly what its header says.
///
/// `path` names the source in errors and in [`IdxLabels::path`]; nothing is
/// opened. Reads to the end of the stream.
///
/// # Errors
///
/// [`DataError::Magic`], [`DataError::TooManyItems`],
/// [`DataError::Truncated`], [`DataError::TrailingBytes`],
/// [`DataError::Label`], [`DataError::Gzip`] or [`DataError::Io`].
pub fn read_labels(reader: impl Read, path: &Path) -> Result<IdxLabels, DataError> {
    let labels = read_decompressed(reader, path, parse_labels)?;
    if let Some(index) = labels.iter().position(|&label| label >= NUM_CLASSES) {
        return Err(DataError::Label {
            path: path.to_owned(),
            index,
            found: labels[index],
        });
    }
    Ok(IdxLabels {
        path: path.to_owned(),
        labels,
    })
}

/// Runs `parse` on the stream, through a gzip decoder when the stream starts
/// with the gzip magic bytes; read errors inside gzip data become
/// [`DataError::Gzip`].
fn read_decompressed<R: Read>(
    mut reader: R,
    path: &Path,
    parse: fn(&mut dyn Read, &Path) -> Result<Vec<u8>, DataError>,
) -> Result<Vec<u8>, DataError> {
    let mut start = [0u8; 2];
    let filled = read_up_to(&mut reader, &mut start, path)?;
    let mut stream = (&start[..filled]).chain(reader);
    if start[..filled] != GZIP_MAGIC {
        return parse(&mut stream, path);
    }
    parse(&mut MultiGzDecoder::new(stream), path).map_err(|error| match error {
        DataError::Io { path, source } => DataError::Gzip { path, source },
        other => other,
    })
}

fn parse_images(reader: &mut dyn Read, path: &Path) -> Result<Vec<u8>, DataError> {
    let header = read_header::<IMAGES_HEADER_LEN>(reader, path, IMAGES_MAGIC, "images")?;
    let [count, rows, cols] = [1, 2, 3].map(|field| header_field(&header, field));
    // The header's values are the file's claim, checked before any use.
    if (rows as usize, cols as usize) != (IMAGE_ROWS, IMAGE_COLS) {
        return Err(DataError::ImageSize {
            path: path.to_owned(),
            expected_rows: IMAGE_ROWS as u32,
            expected_cols: IMAGE_COLS as u32,
            found_rows: rows,
            found_cols: cols,
        });
    }
    check_count(count, path)?;
    read_body(
        reader,
        path,
        IMAGES_HEADER_LEN,
        count as usize * IMAGE_PIXELS,
    )
}

fn parse_labels(reader: &mut dyn Read, path: &Path) -> Result<Vec<u8>, DataError> {
    let header = read_header::<LABELS_HEADER_LEN>(reader, path, LABELS_MAGIC, "labels")?;
    let count = header_field(&header, 1);
    check_count(count, path)?;
    read_body(reader, path, LABELS_HEADER_LEN, count as usize)
}

/// Reads a header of `LEN` bytes. A wrong magic number is reported before a
/// short header: it says more about what the file is.
fn read_header<const LEN: usize>(
    reader: &mut dyn Read,
    path: &Path,
    magic: u32,
    content: &'static str,
) -> Result<[u8; LEN], DataError> {
    let mut header = [0u8; LEN];
    let filled = read_up_to(reader, &mut header, path)?;
    if filled >= 4 {
        let found = header_field(&header, 0);
        if found != magic {
            return Err(DataError::Magic {
                path: path.to_owned(),
                content,
                expected: magic,
                found,
            });
        }
    }
    if filled < LEN {
        return Err(DataError::Truncated {
            path: path.to_owned(),
            expected: LEN as u64,
            found: filled as u64,
        });
    }
    Ok(header)
}

/// The `index`-th big-endian `u32` of a header.
fn header_field(header: &[u8], index: usize) -> u32 {
    let mut field = [0u8; 4];
    field.copy_from_slice(&header[4 * index..4 * index + 4]);
    u32::from_be_bytes(field)
}

fn check_count(count: u32, path: &Path) -> Result<(), DataError> {
    if count > MAX_ITEMS {
        return Err(DataError::TooManyItems {
            path: path.to_owned(),
            max: MAX_ITEMS,
            found: count,
        });
    }
    Ok(())
}

/// Reads exactly `body_len` bytes, then requires the end of the stream.
fn read_body(
    reader: &mut dyn Read,
    path: &Path,
    header_len: usize,
    body_len: usize,
) -> Result<Vec<u8>, DataError> {
    let io_error = |source| DataError::Io {
        path: path.to_owned(),
        source,
    };
    let expected = (header_len + body_len) as u64;
    let mut body = Vec::with_capacity(body_len.min(INITIAL_BODY_CAPACITY));
    (&mut *reader)
        .take(body_len as u64)
        .read_to_end(&mut body)
        .map_err(io_error)?;
    if body.len() < body_len {
        return Err(DataError::Truncated {
            path: path.to_owned(),
            expected,
            found: (header_len + body.len()) as u64,
        });
    }
    let trailing = io::copy(reader, &mut io::sink()).map_err(io_error)?;
    if trailing > 0 {
        return Err(DataError::TrailingBytes {
            path: path.to_owned(),
            expected,
            found: expected + trailing,
        });
    }
    Ok(body)
}

/// Fills `buf` as far as the stream allows; returns the number of bytes read.
fn read_up_to(reader: &mut dyn Read, buf: &mut [u8], path: &Path) -> Result<usize, DataError> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(DataError::Io {
                    path: path.to_owned(),
                    source,
                });
            }
        }
    }
    Ok(filled)
}
