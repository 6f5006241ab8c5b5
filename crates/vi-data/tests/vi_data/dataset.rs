//! The in-memory data set: tensor shapes, kinds and values, subsets, and
//! loading from a data folder.

use rstest::rstest;
use tch::{Kind, Tensor};
use vi_data::{BatchOptions, Collection, DataError, ImageDataset, PixelRange, Split};

use super::fixtures::{image_indices, mnist_data_dir, synthetic_dataset};

#[test]
fn holds_float_images_in_unit_range_and_int64_labels() {
    let dataset = synthetic_dataset(256);
    assert_eq!(dataset.len(), 256);
    assert_eq!(dataset.images().size(), [256, 784]);
    assert_eq!(dataset.images().kind(), Kind::Float);
    assert_eq!(dataset.labels().size(), [256]);
    assert_eq!(dataset.labels().kind(), Kind::Int64);
    assert_eq!(dataset.images_nchw().size(), [256, 1, 28, 28]);
    // ToTensor: pixel / 255 in float32.
    let expected = Tensor::arange(256, (Kind::Float, tch::Device::Cpu)) / 255.0;
    assert!(dataset.images().select(1, 783).equal(&expected));
    assert_eq!(dataset.images().min().double_value(&[]), 0.0);
    assert_eq!(dataset.images().max().double_value(&[]), 1.0);
    assert_eq!(dataset.labels().int64_value(&[13]), 3);
}

#[test]
fn subset_takes_indices_in_order_with_repeats() {
    let dataset = synthetic_dataset(20);
    let subset = dataset.subset(&[5, 0, 5, 19]).expect("indices in range");
    assert_eq!(subset.len(), 4);
    assert_eq!(image_indices(subset.images()), [5, 0, 5, 19]);
    assert_eq!(
        Vec::<i64>::try_from(subset.labels()).expect("1-d"),
        [5, 0, 5, 9]
    );
}

/// The convolutional-VAE tutorial: `Subset(dataset, [0] * 256 * 100)`.
#[test]
fn subset_repeats_one_image() {
    let dataset = synthetic_dataset(20);
    let repeated = dataset.subset(&[0; 25_600]).expect("index 0 exists");
    assert_eq!(repeated.images().size(), [25_600, 784]);
    assert!(
        repeated
            .images()
            .equal(&dataset.images().get(0).expand([25_600, 784], false))
    );
}

/// `repeat` gives what `subset` gives, batch for batch, without holding the
/// copies: its images are a stride-0 view of the one image.
#[test]
fn repeat_equals_subset_without_copying() {
    let dataset = synthetic_dataset(20);
    let repeated = dataset.repeat(3, 25_600).expect("index 3 exists");
    let copied = dataset.subset(&[3; 25_600]).expect("index 3 exists");
    assert_eq!(repeated.len(), 25_600);
    assert_eq!(repeated.images().size(), [25_600, 784]);
    assert_eq!(repeated.images().stride(), [0, 1]);
    assert!(repeated.images().equal(copied.images()));
    assert!(repeated.labels().equal(copied.labels()));
    assert_eq!(repeated.images_nchw().size(), [25_600, 1, 28, 28]);

    let options = BatchOptions {
        batch_size: 256,
        drop_last: false,
        pixel_range: PixelRange::MinusOneToOne,
        ..BatchOptions::default()
    };
    let batches = |data: &ImageDataset| {
        tch::manual_seed(11);
        data.batches(&options)
            .expect("valid options")
            .map(|batch| (batch.images, batch.labels))
            .collect::<Vec<_>>()
    };
    let (from_view, from_copies) = (batches(&repeated), batches(&copied));
    assert_eq!(from_view.len(), 100);
    for ((images_v, labels_v), (images_c, labels_c)) in from_view.iter().zip(&from_copies) {
        assert!(images_v.equal(images_c) && labels_v.equal(labels_c));
    }
    // The generator is left where the copied data set leaves it.
    tch::manual_seed(11);
    let _ = repeated.batches(&options).expect("valid");
    let after_view = Tensor::rand([4], (Kind::Float, tch::Device::Cpu));
    tch::manual_seed(11);
    let _ = copied.batches(&options).expect("valid");
    let after_copies = Tensor::rand([4], (Kind::Float, tch::Device::Cpu));
    assert!(after_view.equal(&after_copies));
}

#[rstest]
#[case(-1)]
#[case(20)]
#[case(i64::MAX)]
fn repeat_rejects_out_of_range_indices(#[case] index: i64) {
    let error = synthetic_dataset(20)
        .repeat(index, 3)
        .expect_err("out of range");
    assert!(
        matches!(error, DataError::IndexOutOfRange { len: 20, found } if found == index),
        "{error:?}"
    );
}

#[test]
fn repeat_rejects_a_count_no_tensor_can_hold() {
    let too_many = usize::try_from(i64::MAX).expect("64-bit") + 1;
    let error = synthetic_dataset(2)
        .repeat(0, too_many)
        .expect_err("too many");
    assert!(
        matches!(error, DataError::RepeatCount { found } if found == too_many),
        "{error:?}"
    );
}

#[rstest]
#[case(-1)]
#[case(20)]
#[case(i64::MAX)]
fn subset_rejects_out_of_range_indices(#[case] index: i64) {
    let error = synthetic_dataset(20)
        .subset(&[0, index])
        .expect_err("out of range");
    assert!(
        matches!(error, DataError::IndexOutOfRange { len: 20, found } if found == index),
        "{error:?}"
    );
}

#[test]
fn loads_from_a_data_folder() {
    let data_dir = mnist_data_dir(12);
    let dataset = ImageDataset::load(data_dir.path(), Collection::Mnist, Split::Train)
        .expect("a valid data folder");
    assert_eq!(dataset.len(), 12);
    assert_eq!(image_indices(dataset.images()), (0..12).collect::<Vec<_>>());
}

#[test]
fn load_without_data_says_how_to_get_it() {
    let data_dir = tempfile::tempdir().expect("a temporary folder");
    let error = ImageDataset::load(data_dir.path(), Collection::FashionMnist, Split::Test)
        .expect_err("no data");
    let message = error.to_string();
    assert!(
        message.contains("cargo xtask data fashion-mnist"),
        "{message}"
    );
    assert!(message.contains("--data-dir"), "{message}");
}
