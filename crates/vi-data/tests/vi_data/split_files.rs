//! Finding a split's files in a folder: the accepted names, raw or gzip
//! content whatever the name, and the errors for missing or mismatched files.

use std::path::Path;

use rstest::rstest;
use vi_data::{Collection, DataError, Split, read_images_file, read_split};

use super::fixtures::{cycling_labels, gzip, labels_idx, mnist_data_dir, mnist_images, write};

fn set_dir(data_dir: &tempfile::TempDir, collection: Collection) -> std::path::PathBuf {
    let dir = collection.dir(data_dir.path());
    std::fs::create_dir_all(&dir).expect("creating a temporary folder");
    dir
}

#[rstest]
#[case::standard("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", false)]
#[case::standard_gz("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", true)]
#[case::dotted("t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte", false)]
#[case::dotted_gz("t10k-images.idx3-ubyte.gz", "t10k-labels.idx1-ubyte.gz", true)]
// Decompressed files keeping their `.gz` name, and the reverse, still load:
// the content decides.
#[case::raw_named_gz("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", false)]
#[case::gzip_named_raw("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", true)]
fn reads_every_accepted_name(
    #[case] images_name: &str,
    #[case] labels_name: &str,
    #[case] compressed: bool,
    #[values(Collection::Mnist, Collection::FashionMnist)] collection: Collection,
) {
    let data_dir = tempfile::tempdir().expect("a temporary folder");
    let dir = set_dir(&data_dir, collection);
    let encode = |bytes: Vec<u8>| if compressed { gzip(&bytes) } else { bytes };
    write(&dir, images_name, &encode(mnist_images(7)));
    write(&dir, labels_name, &encode(labels_idx(&cycling_labels(7))));
    let split = read_split(&dir, collection, Split::Test).expect("a valid split");
    assert_eq!(split.len(), 7);
    assert_eq!(split.images().path(), dir.join(images_name));
    assert_eq!(split.labels().labels(), &cycling_labels(7)[..]);
}

#[test]
fn prefers_the_standard_raw_name() {
    let data_dir = mnist_data_dir(3);
    let dir = Collection::Mnist.dir(data_dir.path());
    write(&dir, "train-images-idx3-ubyte.gz", b"not even gzip");
    let split = read_split(&dir, Collection::Mnist, Split::Train).expect("raw file wins");
    assert_eq!(split.images().path(), dir.join("train-images-idx3-ubyte"));
}

#[rstest]
#[case(Collection::Mnist, "cargo xtask data mnist")]
#[case(Collection::FashionMnist, "cargo xtask data fashion-mnist")]
fn missing_folder_says_how_to_get_it(#[case] collection: Collection, #[case] command: &str) {
    let data_dir = tempfile::tempdir().expect("a temporary folder");
    let dir = collection.dir(data_dir.path());
    let error = read_split(&dir, collection, Split::Train).expect_err("no folder");
    assert!(
        matches!(&error, DataError::MissingDir { path, .. } if *path == dir),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains(command), "{message}");
    assert!(message.contains("--data-dir"), "{message}");
    assert!(message.contains(&dir.display().to_string()), "{message}");
}

#[test]
fn missing_file_lists_the_names_tried() {
    let data_dir = mnist_data_dir(3);
    let dir = Collection::Mnist.dir(data_dir.path());
    let error = read_split(&dir, Collection::Mnist, Split::Test).expect_err("no test split");
    assert!(
        matches!(
            &error,
            DataError::MissingFile {
                split: Split::Test,
                content: "images",
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    for name in Split::Test.images_file_names() {
        assert!(message.contains(&name), "{message}");
    }
    assert!(message.contains("cargo xtask data mnist"), "{message}");
    assert!(message.contains("--data-dir"), "{message}");

    std::fs::remove_file(dir.join("train-labels-idx1-ubyte")).expect("removing a fixture");
    let error = read_split(&dir, Collection::Mnist, Split::Train).expect_err("no labels");
    assert!(
        matches!(
            &error,
            DataError::MissingFile {
                content: "labels",
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn rejects_count_mismatch() {
    let data_dir = mnist_data_dir(3);
    let dir = Collection::Mnist.dir(data_dir.path());
    write(&dir, "train-labels-idx1-ubyte", &labels_idx(&[1, 2]));
    let error = read_split(&dir, Collection::Mnist, Split::Train).expect_err("3 vs 2");
    assert!(
        matches!(
            error,
            DataError::CountMismatch {
                images: 3,
                labels: 2,
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("train-images-idx3-ubyte holds 3 images"),
        "{message}"
    );
    assert!(
        message.contains("train-labels-idx1-ubyte holds 2 labels"),
        "{message}"
    );
}

#[test]
fn file_errors_name_the_file() {
    let data_dir = mnist_data_dir(3);
    let dir = Collection::Mnist.dir(data_dir.path());
    let images_path = dir.join("train-images-idx3-ubyte");
    write(&dir, "train-images-idx3-ubyte", &labels_idx(&[1, 2, 3]));
    let error = read_split(&dir, Collection::Mnist, Split::Train).expect_err("labels as images");
    assert!(
        matches!(&error, DataError::Magic { path, .. } if *path == images_path),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains(&images_path.display().to_string())
    );
}

#[test]
fn unopenable_file_is_an_io_error() {
    let error = read_images_file(Path::new("/nonexistent/train-images-idx3-ubyte"))
        .expect_err("no such file");
    assert!(matches!(error, DataError::Io { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("/nonexistent/train-images-idx3-ubyte")
    );
}
