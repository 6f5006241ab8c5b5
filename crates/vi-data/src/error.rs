//! The one error type of vi-data: every failure names the file or folder,
//! what was expected there and what was found, and a file whose content is
//! wrong says how to download it again.

use std::io;
use std::path::{Path, PathBuf};

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
        "{file}: corrupt or truncated gzip data ({source}){again}",
        file = .path.display(),
        again = download_again(.path)
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
        "{file}: magic number {found:#010x}, expected {expected:#010x} (IDX {content} file){text}{again}",
        file = .path.display(),
        text = text_start(*.found),
        again = download_again(.path)
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
        "{file}: images of {found_rows}x{found_cols} pixels, expected {expected_rows}x{expected_cols}{again}",
        file = .path.display(),
        again = download_again(.path)
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
        "{file}: header declares {found} items, expected at most {max}{again}",
        file = .path.display(),
        again = download_again(.path)
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
        "{file}: truncated: expected {expected} bytes, found {found}{again}",
        file = .path.display(),
        again = download_again(.path)
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
        "{file}: trailing bytes: the header implies {expected} bytes, found {found}{again}",
        file = .path.display(),
        again = download_again(.path)
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
         expected one label per image{again}",
        images_file = .images_path.display(),
        labels_file = .labels_path.display(),
        again = download_again(.labels_path)
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
        "{file}: label {found} at index {index}, expected a class 0..=9{again}",
        file = .path.display(),
        again = download_again(.path)
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
        "device {device} is not available (libtorch sees {cuda_devices} CUDA devices): {reason}",
        device = device_name(*.device)
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

/// The advice that ends the message of a file with wrong content: the
/// `cargo xtask data` command that fetches it again, with the set's name
/// when the file lies in a set's folder (`<data>/mnist/…`), and the data
/// folder when it is not the workspace's `data/`.
fn download_again(path: &Path) -> String {
    let folder = path.parent();
    let set = folder
        .and_then(Path::file_name)
        .and_then(|name| name.to_str())
        .filter(|name| ["mnist", "fashion-mnist"].contains(name));
    let Some(set) = set else {
        return "; download it again with `cargo xtask data`".to_owned();
    };
    let data_dir = folder.and_then(Path::parent).filter(|dir| {
        !dir.as_os_str().is_empty() && dir.file_name().is_none_or(|name| name != "data")
    });
    match data_dir {
        Some(dir) => format!(
            "; download it again with `cargo xtask data {set} --data-dir {}`",
            dir.display()
        ),
        None => format!("; download it again with `cargo xtask data {set}`"),
    }
}

/// When the four bytes read as a magic number are text — a web page or an
/// error message saved in place of the data — says so.
fn text_start(magic: u32) -> String {
    let bytes = magic.to_be_bytes();
    if bytes
        .iter()
        .all(|byte| byte.is_ascii_graphic() || *byte == b' ')
    {
        let start: String = bytes.iter().map(|&byte| char::from(byte)).collect();
        format!(
            "; it starts with the text \"{start}\", as a web page or an error message saved \
             in place of the data does"
        )
    } else {
        String::new()
    }
}

/// `cpu`, `cuda:0`, … as users write devices.
#[cfg(feature = "tensor")]
fn device_name(device: tch::Device) -> String {
    match device {
        tch::Device::Cpu => "cpu".to_owned(),
        tch::Device::Cuda(index) => format!("cuda:{index}"),
        tch::Device::Mps => "mps".to_owned(),
        tch::Device::Vulkan => "vulkan".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_advice_names_the_set_and_a_data_folder_other_than_data() {
        assert_eq!(
            download_again(Path::new("data/mnist/train-images-idx3-ubyte")),
            "; download it again with `cargo xtask data mnist`"
        );
        assert_eq!(
            download_again(Path::new(
                "/srv/sets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
            )),
            "; download it again with `cargo xtask data fashion-mnist --data-dir /srv/sets`"
        );
        assert_eq!(
            download_again(Path::new("mnist/train-images-idx3-ubyte")),
            "; download it again with `cargo xtask data mnist`"
        );
        assert_eq!(
            download_again(Path::new("fuzz-input")),
            "; download it again with `cargo xtask data`"
        );
    }

    #[test]
    fn text_in_place_of_a_magic_number_is_named() {
        let html = u32::from_be_bytes(*b"<!DO");
        assert!(
            text_start(html).contains("\"<!DO\""),
            "{}",
            text_start(html)
        );
        assert_eq!(text_start(0x0000_0803), "");
    }
}
