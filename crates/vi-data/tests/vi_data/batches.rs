//! Cutting an epoch into batches: counts with and without `drop_last`,
//! seeded shuffling, binarization, pixel range and device.

use rstest::rstest;
use tch::{Device, Kind, Tensor};
use vi_data::{BatchOptions, Binarization, DataError, PixelRange};

use super::fixtures::{image_indices, synthetic_dataset};

fn options(batch_size: usize, shuffle: bool, drop_last: bool) -> BatchOptions {
    BatchOptions {
        batch_size,
        shuffle,
        drop_last,
        ..BatchOptions::default()
    }
}

#[test]
fn default_options_are_the_mlp_vae_tutorials() {
    let options = BatchOptions::default();
    assert_eq!(options.batch_size, 100);
    assert!(options.shuffle && options.drop_last);
    assert_eq!(options.binarization, Binarization::None);
    assert_eq!(options.pixel_range, PixelRange::ZeroToOne);
    assert_eq!(options.device, Device::Cpu);
}

#[rstest]
#[case(10, 3, true, &[3, 3, 3])]
#[case(10, 3, false, &[3, 3, 3, 1])]
#[case(10, 5, true, &[5, 5])]
#[case(10, 5, false, &[5, 5])]
#[case(10, 11, true, &[])]
#[case(10, 11, false, &[10])]
#[case(0, 4, false, &[])]
fn batch_sizes_follow_drop_last(
    #[case] len: u32,
    #[case] batch_size: usize,
    #[case] drop_last: bool,
    #[case] expected: &[i64],
    #[values(false, true)] shuffle: bool,
) {
    let batches = synthetic_dataset(len)
        .batches(&options(batch_size, shuffle, drop_last))
        .expect("valid options");
    assert_eq!(batches.len(), expected.len());
    let sizes: Vec<i64> = batches.map(|batch| batch.images.size()[0]).collect();
    assert_eq!(sizes, expected);
}

#[test]
fn mnist_epoch_has_600_batches_of_100() {
    // 60,000 / 100 with drop_last, as the tutorial's `len(train_loader)`.
    let dataset = synthetic_dataset(1).subset(&[0; 60_000]).expect("index 0");
    let batches = dataset.batches(&BatchOptions::default()).expect("valid");
    assert_eq!(batches.len(), 600);
}

#[test]
fn batches_have_documented_shapes_and_kinds() {
    let batch = synthetic_dataset(10)
        .batches(&options(4, true, true))
        .expect("valid")
        .next()
        .expect("a batch");
    assert_eq!(batch.images.size(), [4, 784]);
    assert_eq!(batch.images.kind(), Kind::Float);
    assert_eq!(batch.images_nchw().size(), [4, 1, 28, 28]);
    assert_eq!(batch.labels.size(), [4]);
    assert_eq!(batch.labels.kind(), Kind::Int64);
}

fn epoch_order(dataset: &vi_data::ImageDataset, shuffle: bool) -> Vec<i64> {
    dataset
        .batches(&options(7, shuffle, false))
        .expect("valid")
        .flat_map(|batch| {
            let indices = image_indices(&batch.images);
            let labels = Vec::<i64>::try_from(&batch.labels).expect("1-d");
            // Labels travel with their images.
            assert!(
                indices
                    .iter()
                    .zip(&labels)
                    .all(|(index, label)| index % 10 == *label)
            );
            indices
        })
        .collect()
}

#[test]
fn shuffle_is_a_permutation_fixed_by_the_seed() {
    let dataset = synthetic_dataset(200);
    tch::manual_seed(7);
    let first = epoch_order(&dataset, true);
    let second = epoch_order(&dataset, true);
    tch::manual_seed(7);
    assert_eq!(epoch_order(&dataset, true), first, "same seed, same order");
    let mut sorted = first.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..200).collect::<Vec<_>>(), "a permutation");
    assert_ne!(first, second, "a new order each epoch");
    assert_ne!(first, sorted, "shuffled");
    tch::manual_seed(8);
    assert_ne!(
        epoch_order(&dataset, true),
        first,
        "another seed, another order"
    );
}

#[test]
fn unshuffled_epochs_are_in_order() {
    let dataset = synthetic_dataset(50);
    assert_eq!(epoch_order(&dataset, false), (0..50).collect::<Vec<_>>());
}

fn all_images(dataset: &vi_data::ImageDataset, options: &BatchOptions) -> Tensor {
    let batches: Vec<Tensor> = dataset
        .batches(options)
        .expect("valid")
        .map(|batch| batch.images)
        .collect();
    Tensor::cat(&batches, 0)
}

fn is_subset_of(values: &Tensor, allowed: &[f64]) -> bool {
    let mut matches = values.zeros_like().to_kind(Kind::Bool);
    for &value in allowed {
        matches = matches.logical_or(&values.eq(value));
    }
    matches.all().int64_value(&[]) == 1
}

#[test]
fn dynamic_binarization_draws_bernoulli_per_batch() {
    tch::manual_seed(0);
    let dataset = synthetic_dataset(256);
    let options = BatchOptions {
        binarization: Binarization::Dynamic,
        ..options(64, false, false)
    };
    let first = all_images(&dataset, &options);
    let second = all_images(&dataset, &options);
    assert!(is_subset_of(&first, &[0.0, 1.0]));
    assert!(!first.equal(&second), "a fresh draw every epoch");
    // Monte Carlo: mean of 256·784 draws with p = i/255 has expectation 0.5
    // and standard deviation below 0.0012; 5 sigma = 0.006.
    let mean = first.mean(Kind::Double).double_value(&[]);
    assert!((mean - 0.5).abs() < 0.006, "mean {mean}");
    // Pixels of probability 0 and 1 are deterministic.
    assert_eq!(first.get(0).sum(Kind::Double).double_value(&[]), 0.0);
    assert_eq!(first.get(255).sum(Kind::Double).double_value(&[]), 784.0);
}

#[test]
fn static_binarization_thresholds_at_one_half() {
    let dataset = synthetic_dataset(256);
    let options = BatchOptions {
        binarization: Binarization::Static,
        ..options(100, false, false)
    };
    let images = all_images(&dataset, &options);
    // 127/255 < 0.5 < 128/255.
    let expected = Tensor::arange(256, (Kind::Int64, Device::Cpu))
        .ge(128)
        .to_kind(Kind::Float)
        .unsqueeze(1)
        .expand([256, 784], false);
    assert!(images.equal(&expected));
}

#[test]
fn minus_one_to_one_is_normalize_half_half() {
    let dataset = synthetic_dataset(256);
    let options = BatchOptions {
        pixel_range: PixelRange::MinusOneToOne,
        ..options(100, false, false)
    };
    let images = all_images(&dataset, &options);
    // torchvision: Normalize(0.5, 0.5) computes (x - 0.5) / 0.5.
    let expected = (dataset.images() - 0.5) / 0.5;
    assert!(images.equal(&expected));
    assert_eq!(images.min().double_value(&[]), -1.0);
    assert_eq!(images.max().double_value(&[]), 1.0);

    let binary = BatchOptions {
        binarization: Binarization::Static,
        ..options
    };
    assert!(is_subset_of(&all_images(&dataset, &binary), &[-1.0, 1.0]));
}

#[test]
fn pixel_ranges_map_to_and_from_the_unit_interval() {
    let unit = Tensor::from_slice(&[0.0f32, 0.25, 0.5, 1.0]);
    let scaled = PixelRange::MinusOneToOne.normalize(&unit);
    let expected = Tensor::from_slice(&[-1.0f32, -0.5, 0.0, 1.0]);
    assert!(scaled.equal(&expected));
    assert!(
        PixelRange::MinusOneToOne
            .to_unit_interval(&scaled)
            .equal(&unit)
    );
    assert!(PixelRange::ZeroToOne.normalize(&unit).equal(&unit));
    // Values outside the range (a Gaussian decoder's mean) are clamped.
    let outside = Tensor::from_slice(&[-1.5f32, 1.5]);
    let clamped = Tensor::from_slice(&[0.0f32, 1.0]);
    assert!(
        PixelRange::MinusOneToOne
            .to_unit_interval(&outside)
            .equal(&clamped)
    );
    assert!(
        PixelRange::ZeroToOne
            .to_unit_interval(&outside)
            .equal(&clamped)
    );
}

#[test]
fn batches_do_not_alias_the_dataset() {
    let dataset = synthetic_dataset(10);
    let before = dataset.images().copy();
    for mut batch in dataset.batches(&options(5, false, false)).expect("valid") {
        let _ = batch.images.fill_(-3.0);
    }
    assert!(dataset.images().equal(&before));
}

#[test]
fn rejects_zero_batch_size() {
    let error = synthetic_dataset(10)
        .batches(&options(0, true, true))
        .expect_err("batch size 0");
    assert!(
        matches!(error, DataError::BatchSize { found: 0 }),
        "{error:?}"
    );
}

#[test]
fn rejects_an_absent_device() {
    let options = BatchOptions {
        device: Device::Cuda(63),
        ..BatchOptions::default()
    };
    let error = synthetic_dataset(10)
        .batches(&options)
        .expect_err("no 64th GPU");
    assert!(
        matches!(
            error,
            DataError::Device {
                device: Device::Cuda(63),
                ..
            }
        ),
        "{error:?}"
    );
}

/// `dynamic_binarization` is `torch.bernoulli` on the CPU: the same pixels
/// from the same seed, and the generator left in the same state, for
/// probabilities that include 0, 1 and values a single uniform draw can
/// only just separate.
#[rstest]
#[case(1)]
#[case(2)]
fn dynamic_binarization_draws_what_bernoulli_draws(#[case] threads: i32) {
    tch::set_num_threads(threads);
    tch::manual_seed(11);
    let probabilities = Tensor::rand([300, 784], (Kind::Float, Device::Cpu));
    let _ = probabilities.get(0).fill_(0.0);
    let _ = probabilities.get(1).fill_(1.0);
    let _ = probabilities.get(2).fill_(0.5);
    let _ = probabilities.get(3).fill_(f64::from(1.0f32 - f32::EPSILON));

    tch::manual_seed(5);
    let expected = probabilities.bernoulli();
    let expected_next = Tensor::rand([4], (Kind::Float, Device::Cpu));
    tch::manual_seed(5);
    let binarized = vi_data::dynamic_binarization(&probabilities);
    let next = Tensor::rand([4], (Kind::Float, Device::Cpu));

    assert_eq!(binarized.kind(), Kind::Float);
    assert!(
        binarized.equal(&expected),
        "pixels differ from torch.bernoulli"
    );
    assert!(
        next.equal(&expected_next),
        "the generator moved differently"
    );
    assert_eq!(binarized.get(0).sum(Kind::Float).double_value(&[]), 0.0);
    assert_eq!(binarized.get(1).sum(Kind::Float).double_value(&[]), 784.0);
}
