//! The IDX reader on in-memory streams: valid files raw and gzip-compressed,
//! and every malformed header or body rejected with its typed error.

use std::path::Path;

use rstest::rstest;
use vi_data::{DataError, MAX_ITEMS, read_images, read_labels};

use super::fixtures::{cycling_labels, gzip, header, images_idx, labels_idx, mnist_images};

const PATH: &str = "memory/file";

fn images(bytes: &[u8]) -> Result<vi_data::IdxImages, DataError> {
    read_images(bytes, Path::new(PATH))
}

fn labels(bytes: &[u8]) -> Result<vi_data::IdxLabels, DataError> {
    read_labels(bytes, Path::new(PATH))
}

#[rstest]
fn reads_images_raw_and_gzip(#[values(false, true)] compressed: bool) {
    let raw = mnist_images(3);
    let bytes = if compressed { gzip(&raw) } else { raw };
    let images = images(&bytes).expect("a valid file");
    assert_eq!(images.len(), 3);
    assert_eq!(images.pixels().len(), 3 * 784);
    assert_eq!(images.image(2), Some(&[2u8; 784][..]));
    assert_eq!(images.image(3), None);
    assert_eq!(images.path(), Path::new(PATH));
}

#[rstest]
fn reads_labels_raw_and_gzip(#[values(false, true)] compressed: bool) {
    let raw = labels_idx(&cycling_labels(25));
    let bytes = if compressed { gzip(&raw) } else { raw };
    let labels = labels(&bytes).expect("a valid file");
    assert_eq!(labels.labels(), &cycling_labels(25)[..]);
}

#[test]
fn reads_empty_files() {
    assert!(images(&mnist_images(0)).expect("valid").is_empty());
    assert!(labels(&labels_idx(&[])).expect("valid").is_empty());
}

#[rstest]
#[case::labels_magic(header(0x0801, &[1, 28, 28]), 0x0801)]
#[case::three_byte_type(header(0x0903, &[1, 28, 28]), 0x0903)]
#[case::text(b"<html><body>Not Found</body></html>".to_vec(), 0x3c68_746d)]
fn rejects_wrong_images_magic(#[case] bytes: Vec<u8>, #[case] expected_found: u32) {
    let error = images(&bytes).expect_err("wrong magic");
    assert!(
        matches!(error, DataError::Magic { expected: 0x0803, found, .. } if found == expected_found),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains(PATH) && message.contains("0x00000803"),
        "{message}"
    );
}

#[test]
fn rejects_wrong_labels_magic() {
    let error = labels(&mnist_images(1)).expect_err("an images file");
    assert!(
        matches!(
            error,
            DataError::Magic {
                expected: 0x0801,
                found: 0x0803,
                ..
            }
        ),
        "{error:?}"
    );
}

#[rstest]
#[case(28, 27)]
#[case(32, 32)]
#[case(0, 0)]
#[case(u32::MAX, u32::MAX)]
fn rejects_wrong_image_size(#[case] rows: u32, #[case] cols: u32) {
    let mut bytes = header(0x0803, &[1, rows, cols]);
    bytes.extend([0u8; 784]);
    let error = images(&bytes).expect_err("wrong dimensions");
    assert!(
        matches!(
            error,
            DataError::ImageSize { expected_rows: 28, expected_cols: 28, found_rows, found_cols, .. }
                if (found_rows, found_cols) == (rows, cols)
        ),
        "{error:?}"
    );
}

#[test]
fn rejects_absurd_counts_before_allocating() {
    let error = images(&header(0x0803, &[u32::MAX, 28, 28])).expect_err("too many");
    assert!(
        matches!(
            error,
            DataError::TooManyItems {
                max: MAX_ITEMS,
                found: u32::MAX,
                ..
            }
        ),
        "{error:?}"
    );
    let error = labels(&header(0x0801, &[MAX_ITEMS + 1])).expect_err("too many");
    assert!(matches!(error, DataError::TooManyItems { .. }), "{error:?}");
}

#[rstest]
#[case::empty(0)]
#[case::inside_magic(3)]
#[case::inside_header(15)]
fn rejects_truncated_images_header(#[case] keep: usize) {
    let error = images(&mnist_images(2)[..keep]).expect_err("truncated");
    assert!(
        matches!(error, DataError::Truncated { expected: 16, found, .. } if found == keep as u64),
        "{error:?}"
    );
}

#[rstest]
fn rejects_truncated_images_body(#[values(false, true)] compressed: bool) {
    let raw = mnist_images(2);
    let cut = &raw[..raw.len() - 1];
    let bytes = if compressed { gzip(cut) } else { cut.to_vec() };
    let error = images(&bytes).expect_err("truncated");
    assert!(
        matches!(
            error,
            DataError::Truncated {
                expected: 1584,
                found: 1583,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("expected 1584 bytes, found 1583")
    );
}

#[test]
fn rejects_truncated_labels() {
    let raw = labels_idx(&[1, 2, 3]);
    let error = labels(&raw[..7]).expect_err("truncated header");
    assert!(
        matches!(
            error,
            DataError::Truncated {
                expected: 8,
                found: 7,
                ..
            }
        ),
        "{error:?}"
    );
    let error = labels(&raw[..10]).expect_err("truncated body");
    assert!(
        matches!(
            error,
            DataError::Truncated {
                expected: 11,
                found: 10,
                ..
            }
        ),
        "{error:?}"
    );
}

#[rstest]
fn rejects_trailing_bytes(#[values(false, true)] compressed: bool) {
    let mut raw = labels_idx(&[1, 2, 3]);
    raw.extend([0u8; 5]);
    let bytes = if compressed { gzip(&raw) } else { raw };
    let error = labels(&bytes).expect_err("trailing bytes");
    assert!(
        matches!(
            error,
            DataError::TrailingBytes {
                expected: 11,
                found: 16,
                ..
            }
        ),
        "{error:?}"
    );
    let mut raw = mnist_images(1);
    raw.push(7);
    let error = images(&raw).expect_err("trailing bytes");
    assert!(
        matches!(
            error,
            DataError::TrailingBytes {
                expected: 800,
                found: 801,
                ..
            }
        ),
        "{error:?}"
    );
}

#[rstest]
#[case(&[0, 9, 10], 2, 10)]
#[case(&[255], 0, 255)]
fn rejects_labels_above_nine(#[case] values: &[u8], #[case] index: usize, #[case] found: u8) {
    let error = labels(&labels_idx(values)).expect_err("bad label");
    assert!(
        matches!(error, DataError::Label { index: i, found: f, .. } if (i, f) == (index, found)),
        "{error:?}"
    );
    assert!(error.to_string().contains("expected a class 0..=9"));
}

#[test]
fn rejects_corrupt_gzip() {
    let mut bytes = gzip(&mnist_images(4));
    // Flip bits inside the deflate stream (after the 10-byte gzip header).
    for byte in &mut bytes[12..20] {
        *byte ^= 0x5a;
    }
    let error = images(&bytes).expect_err("corrupt gzip");
    assert!(matches!(error, DataError::Gzip { .. }), "{error:?}");
    assert!(error.to_string().contains("gzip"));
}

#[test]
fn rejects_gzip_with_bad_checksum() {
    let mut bytes = gzip(&labels_idx(&[1, 2, 3]));
    let crc_start = bytes.len() - 8;
    bytes[crc_start] ^= 0xff;
    let error = labels(&bytes).expect_err("bad CRC");
    assert!(matches!(error, DataError::Gzip { .. }), "{error:?}");
}

#[test]
fn rejects_truncated_gzip() {
    let bytes = gzip(&mnist_images(4));
    let error = images(&bytes[..bytes.len() / 2]).expect_err("truncated gzip");
    assert!(matches!(error, DataError::Gzip { .. }), "{error:?}");
}

#[test]
fn other_image_sizes_are_named_in_the_error() {
    // A valid IDX file of another shape is still not an MNIST-format file.
    let error = images(&images_idx(2, 32, 32)).expect_err("32x32");
    assert!(
        error
            .to_string()
            .contains("images of 32x32 pixels, expected 28x28")
    );
}
