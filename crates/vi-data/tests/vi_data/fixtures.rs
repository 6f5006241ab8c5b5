//! Small synthetic IDX files, in memory or in a temporary folder.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;

/// An IDX images file of `count` images of `rows`×`cols`; image `i` has
/// every pixel equal to `i % 256`.
pub fn images_idx(count: u32, rows: u32, cols: u32) -> Vec<u8> {
    let mut bytes = header(0x0803, &[count, rows, cols]);
    for index in 0..count {
        bytes.extend(std::iter::repeat_n(
            (index % 256) as u8,
            (rows * cols) as usize,
        ));
    }
    bytes
}

/// A valid images file of `count` 28×28 images (see [`images_idx`]).
pub fn mnist_images(count: u32) -> Vec<u8> {
    images_idx(count, 28, 28)
}

/// An IDX labels file holding `labels`.
pub fn labels_idx(labels: &[u8]) -> Vec<u8> {
    let mut bytes = header(0x0801, &[labels.len() as u32]);
    bytes.extend_from_slice(labels);
    bytes
}

/// Labels `0, 1, …, 9, 0, 1, …` of length `count`.
pub fn cycling_labels(count: usize) -> Vec<u8> {
    (0..count).map(|index| (index % 10) as u8).collect()
}

/// An IDX header: the magic number, then the dimensions, all big-endian.
pub fn header(magic: u32, dims: &[u32]) -> Vec<u8> {
    std::iter::once(magic)
        .chain(dims.iter().copied())
        .flat_map(u32::to_be_bytes)
        .collect()
}

/// `bytes` gzip-compressed.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// Writes `bytes` to `dir/name`.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("writing a fixture");
}

/// A temporary data directory holding `mnist/` with a valid training split
/// of `count` images under the standard raw names.
pub fn mnist_data_dir(count: u32) -> tempfile::TempDir {
    let data_dir = tempfile::tempdir().expect("creating a temporary folder");
    let set_dir = data_dir.path().join("mnist");
    std::fs::create_dir(&set_dir).expect("creating a temporary folder");
    write(&set_dir, "train-images-idx3-ubyte", &mnist_images(count));
    write(
        &set_dir,
        "train-labels-idx1-ubyte",
        &labels_idx(&cycling_labels(count as usize)),
    );
    data_dir
}

/// A data set of `count` images (at most 256) held in memory: image `i` has
/// every pixel `i / 255` and label `i % 10`.
#[cfg(feature = "tensor")]
pub fn synthetic_dataset(count: u32) -> vi_data::ImageDataset {
    assert!(count <= 256, "pixel values identify at most 256 images");
    let path = Path::new("memory");
    let images = vi_data::read_images(&mnist_images(count)[..], path).expect("valid images");
    let labels = vi_data::read_labels(&labels_idx(&cycling_labels(count as usize))[..], path)
        .expect("valid labels");
    vi_data::ImageDataset::from_idx(&vi_data::IdxSplit::new(images, labels).expect("equal counts"))
}

/// The index of each image of a batch of [`synthetic_dataset`], read back
/// from its first pixel (which must still be in `[0, 1]`).
#[cfg(feature = "tensor")]
pub fn image_indices(images: &tch::Tensor) -> Vec<i64> {
    let first_pixels = (images.select(1, 0) * 255.0)
        .round()
        .to_kind(tch::Kind::Int64);
    Vec::<i64>::try_from(&first_pixels).expect("a 1-d int64 tensor")
}
