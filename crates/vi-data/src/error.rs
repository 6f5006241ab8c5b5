//! The one error type of vi-data: every failure names the file or folder,
//! what was expected there and what was found.

use std::io;
use std::path::PathBuf;

use thiserror::Error;

use crate::{Collection, Split};

/// Everything that can go wrong while finding, reading, validating or
/// batching an MNIST-format data set.
///
/// The messages are meant for the person running the program: each says which
/// file is at fault, what the IDX format requires and what the file holds,
/// and, for missing data, how to get it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DataError {
    /// The folder that should hold the data set does not exist.
    #[error(
        "no {collection} data folder at {folder}; run `cargo xtask data {name}` to download it, \
         or pass `--data-dir <dir>` naming a folder that holds `{name}/`",
        folder = .path.display(),
        name = .collection.name()
    )]
    MissingDir {
        /// The data set that was looked for.
        collection: Collection,
        /// The folder that does not exist (or is not a folder).
        path: PathBuf,
    },

    /// The folder exists but holds none of the accepted names for one file.
    #[error(
        "{collection} {split} {content} not found in {folder}: expected one of {names}; \
         run `cargo xtask data {name}` to download them, \
         or pass `--data-dir <dir>` naming a folder that holds `{name}/`",
        folder = .dir.display(),
        names = .expected.join(", "),
        name = .collection.name()
    )]
    MissingFile {
        /// The data set that was looked for.
        collection: Collection,
        /// The split whose file is missing.
        split: Split,
        /// `"images"` or `"labels"`.
        content: &'static str,
        /// The folder that was searched.
        dir: PathBuf,
        /// The file names that were tried, in order of preference.
        expected: Vec<String>,
    },

    /// The operating system could not open or read a file.
    #[error("cannot read {file}: {source}", file = .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },

    /// A gzip-compressed file could not be decompressed.
    #[error(
        "{file}: corrupt or truncated gzip data ({source}); delete the file and download it again",
        file = .path.display()
    )]
    Gzip {
        /// The file.
        path: PathBuf,
        /// The decompressor's error.
        #[source]
        source: io::Error,
    },

    /// The file does not start with the IDX magic number of its kind.
    #[error(
        "{file}: magic number {found:#010x}, expected {expected:#010x} (IDX {content} file)",
        file = .path.display()
    )]
    Magic {
        /// The file.
        path: PathBuf,
        /// `"images"` or `"labels"`.
        content: &'static str,
        /// The magic number of the IDX kind that was asked for.
        expected: u32,
        /// The first four bytes of the file, big-endian.
        found: u32,
    },

    /// The images are not 28×28 pixels.
    #[error(
        "{file}: images of {found_rows}x{found_cols} pixels, expected {expected_rows}x{expected_cols}",
        file = .path.display()
    )]
    ImageSize {
        /// The file.
        path: PathBuf,
        /// Rows per image the format requires (28).
        expected_rows: u32,
        /// Columns per image the format requires (28).
        expected_cols: u32,
        /// Rows per image in the header.
        found_rows: u32,
        /// Columns per image in the header.
        found_cols: u32,
    },

    /// The header declares more items than any MNIST-format set holds; the
    /// reader refuses before allocating.
    #[error(
        "{file}: header declares {found} items, expected at most {max}",
        file = .path.display()
    )]
    TooManyItems {
        /// The file.
        path: PathBuf,
        /// The largest item count the reader accepts.
        max: u32,
        /// The item count in the header.
        found: u32,
    },

    /// The file ends before the header, or before the data the header
    /// promises.
    #[error(
        "{file}: truncated: expected {expected} bytes, found {found}",
        file = .path.display()
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// Bytes required (the header alone, or header plus data).
        expected: u64,
        /// Bytes present (decompressed, for a gzip file).
        found: u64,
    },

    /// The file goes on after the data the header promises.
    #[error(
        "{file}: trailing bytes: the header implies {expected} bytes, found {found}",
        file = .path.display()
    )]
    TrailingBytes {
        /// The file.
        path: PathBuf,
        /// Bytes the header implies (header plus data).
        expected: u64,
        /// Bytes present (decompressed, for a gzip file).
        found: u64,
    },

    /// The images file and the labels file disagree on the number of items.
    #[error(
        "{images_file} holds {images} images but {labels_file} holds {labels} labels; \
         expected one label per image",
        images_file = .images_path.display(),
        labels_file = .labels_path.display()
    )]
    CountMismatch {
        /// The images file.
        images_path: PathBuf,
        /// The labels file.
        labels_path: PathBuf,
        /// Number of images.
        images: usize,
        /// Number of labels.
        labels: usize,
    },

    /// A label is not a class index 0–9.
    #[error(
        "{file}: label {found} at index {index}, expected a class 0..=9",
        file = .path.display()
    )]
    Label {
        /// The labels file.
        path: PathBuf,
        /// Position of the first bad label.
        index: usize,
        /// Its value.
        found: u8,
    },

    /// An index given to [`ImageDataset::subset`](crate::ImageDataset::subset)
    /// is outside the data set.
    #[cfg(feature = "tensor")]
    #[error("subset index {found} is out of range, expected 0..{len}")]
    IndexOutOfRange {
        /// Number of items in the data set.
        len: usize,
        /// The offending index.
        found: i64,
    },

    /// A repeat count given to
    /// [`ImageDataset::repeat`](crate::ImageDataset::repeat) that a tensor
    /// dimension cannot hold (above `i64::MAX`).
    #[cfg(feature = "tensor")]
    #[error("repeat count {found} is too large, expected at most {max}", max = i64::MAX)]
    RepeatCount {
        /// The count given.
        found: usize,
    },

    /// A batch size of zero.
    #[cfg(feature = "tensor")]
    #[error("batch size {found}, expected at least 1")]
    BatchSize {
        /// The batch size given.
        found: usize,
    },

    /// The device asked for in [`BatchOptions`](crate::BatchOptions) cannot
    /// hold tensors on this machine.
    #[cfg(feature = "tensor")]
    #[error(
        "device {device:?} is not available (libtorch sees {cuda_devices} CUDA devices): {reason}"
    )]
    Device {
        /// The device asked for.
        device: tch::Device,
        /// Number of CUDA devices libtorch can use here.
        cuda_devices: i64,
        /// The first sentence of libtorch's error.
        reason: String,
    },
}
