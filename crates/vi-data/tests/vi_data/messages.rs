//! What a user reads when a data file is wrong: the file, the expected and
//! the found value, and the command that downloads it again — for every
//! kind of bad content, on files laid out as `cargo xtask data` lays them
//! out.

use rstest::rstest;
use vi_data::{Collection, Split, read_split};

use super::fixtures::{
    cycling_labels, gzip, header, images_idx, labels_idx, mnist_data_dir, write,
};

/// Replaces the training images of a valid three-image MNIST folder with
/// `bytes` under `name` and returns the error message of reading the split.
fn message_for(name: &str, bytes: &[u8]) -> String {
    let data_dir = mnist_data_dir(3);
    let dir = Collection::Mnist.dir(data_dir.path());
    std::fs::remove_file(dir.join("train-images-idx3-ubyte")).expect("the fixture's file");
    write(&dir, name, bytes);
    let error = read_split(&dir, Collection::Mnist, Split::Train).expect_err("bad content");
    let message = error.to_string();
    assert!(message.contains(name), "the file is named: {message}");
    let data_dir = data_dir.path().display().to_string();
    assert!(
        message.ends_with(&format!(
            "; download it again with `cargo xtask data mnist --data-dir {data_dir}`"
        )),
        "{message}"
    );
    message
}

#[rstest]
#[case::labels_magic("train-images-idx3-ubyte", header(0x0801, &[3]), "magic number 0x00000801")]
#[case::truncated(
    "train-images-idx3-ubyte",
    images_idx(3, 28, 28)[..100].to_vec(),
    "truncated: expected 2368 bytes, found 100"
)]
#[case::trailing(
    "train-images-idx3-ubyte",
    [images_idx(3, 28, 28), vec![0; 5]].concat(),
    "found 2373"
)]
#[case::image_size("train-images-idx3-ubyte", images_idx(3, 32, 32), "32x32")]
#[case::too_many("train-images-idx3-ubyte", header(0x0803, &[u32::MAX, 28, 28]), "4294967295 items")]
#[case::corrupt_gzip(
    "train-images-idx3-ubyte.gz",
    gzip(&images_idx(3, 28, 28))[..40].to_vec(),
    "corrupt or truncated gzip data"
)]
fn content_errors_say_how_to_download_again(
    #[case] name: &str,
    #[case] bytes: Vec<u8>,
    #[case] expected: &str,
) {
    let message = message_for(name, &bytes);
    assert!(
        message.contains(expected),
        "{expected:?} missing from: {message}"
    );
}

/// A web page saved under the data's name (a mirror's error page, a login
/// page): the message says it is text.
#[test]
fn a_web_page_saved_as_gz_is_named_as_text() {
    let page = b"<!DOCTYPE html><html><body>404 Not Found</body></html>";
    let message = message_for("train-images-idx3-ubyte.gz", page);
    assert!(message.contains("magic number 0x3c21444f"), "{message}");
    assert!(message.contains("the text \"<!DO\""), "{message}");
    assert!(message.contains("web page"), "{message}");
}

#[test]
fn counts_that_disagree_say_how_to_download_again() {
    let data_dir = mnist_data_dir(3);
    let dir = Collection::Mnist.dir(data_dir.path());
    write(
        &dir,
        "train-labels-idx1-ubyte",
        &labels_idx(&cycling_labels(2)),
    );
    let message = read_split(&dir, Collection::Mnist, Split::Train)
        .expect_err("3 images, 2 labels")
        .to_string();
    assert!(message.contains("holds 3 images"), "{message}");
    assert!(message.contains("cargo xtask data mnist"), "{message}");
}

#[test]
fn a_bad_label_says_how_to_download_again() {
    let data_dir = mnist_data_dir(3);
    let dir = Collection::Mnist.dir(data_dir.path());
    write(&dir, "train-labels-idx1-ubyte", &labels_idx(&[1, 12, 3]));
    let message = read_split(&dir, Collection::Mnist, Split::Train)
        .expect_err("a label of 12")
        .to_string();
    assert!(message.contains("label 12 at index 1"), "{message}");
    assert!(message.contains("cargo xtask data mnist"), "{message}");
}
