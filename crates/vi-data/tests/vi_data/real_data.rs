//! The real MNIST and Fashion-MNIST from the workspace's `data/` folder:
//! standard label counts, pixel statistics, and same-seed parity of the
//! MLP-VAE tutorial's first batches with PyTorch.
//!
//! The data are required: without `data/mnist` or `data/fashion-mnist` these
//! tests fail with the loader's message saying to run `cargo xtask data`.

use std::path::PathBuf;

use rstest::rstest;
use tch::{Device, Kind, Tensor};
use vi_data::{BatchOptions, Binarization, Collection, ImageDataset, Split};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

fn load(collection: Collection, split: Split) -> ImageDataset {
    ImageDataset::load(&data_dir(), collection, split).unwrap_or_else(|error| panic!("{error}"))
}

fn to_vec(tensor: &Tensor) -> Vec<i64> {
    Vec::<i64>::try_from(tensor).expect("a 1-d int64 tensor")
}

/// What one split must hold.
struct Expected {
    label_counts: [i64; 10],
    first_labels: [i64; 10],
    mean: f64,
    std: f64,
    above_half: f64,
    first_image_sum: i64,
}

/// Golden values from the decompressed IDX files with NumPy and PyTorch 2.13:
/// ```python
/// x = torch.from_numpy(pixels).to(torch.float32).div(255); xd = x.double()
/// torch.bincount(labels), labels[:10], xd.mean(), xd.std(unbiased=False),
/// (x > 0.5).double().mean(), (x[0] * 255).round().sum()
/// ```
#[rstest]
#[case::mnist_train(Collection::Mnist, Split::Train, Expected {
    label_counts: [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    first_labels: [5, 0, 4, 1, 9, 2, 1, 3, 1, 4],
    mean: 0.130_660_477_402_410_13,
    std: 0.308_107_805_477_341_2,
    above_half: 0.132_258_312_074_829_94,
    first_image_sum: 27525,
})]
#[case::mnist_test(Collection::Mnist, Split::Test, Expected {
    label_counts: [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
    first_labels: [7, 2, 1, 0, 4, 1, 4, 9, 5, 9],
    mean: 0.132_514_606_969_035_47,
    std: 0.310_480_249_582_710_2,
    above_half: 0.134_229_464_285_714_28,
    first_image_sum: 18454,
})]
#[case::fashion_train(Collection::FashionMnist, Split::Train, Expected {
    label_counts: [6000; 10],
    first_labels: [9, 0, 0, 3, 0, 2, 7, 2, 5, 5],
    mean: 0.286_040_602_193_952_94,
    std: 0.353_024_249_517_973_5,
    above_half: 0.314_657_801_870_748_3,
    first_image_sum: 76247,
})]
#[case::fashion_test(Collection::FashionMnist, Split::Test, Expected {
    label_counts: [1000; 10],
    first_labels: [9, 2, 1, 1, 6, 1, 4, 6, 5, 7],
    mean: 0.286_849_285_967_252_23,
    std: 0.352_444_158_293_767_4,
    above_half: 0.315_302_168_367_346_9,
    first_image_sum: 33456,
})]
fn split_has_standard_labels_and_pixels(
    #[case] collection: Collection,
    #[case] split: Split,
    #[case] expected: Expected,
) {
    let dataset = load(collection, split);
    let len = expected.label_counts.iter().sum::<i64>();
    assert_eq!(dataset.images().size(), [len, 784]);
    assert_eq!(
        to_vec(&dataset.labels().bincount(None::<Tensor>, 10)),
        expected.label_counts
    );
    assert_eq!(
        to_vec(&dataset.labels().narrow(0, 0, 10)),
        expected.first_labels
    );

    let pixels = dataset.images().to_kind(Kind::Double);
    let close = |found: f64, expected: f64| (found - expected).abs() < 1e-12;
    let mean = pixels.mean(Kind::Double).double_value(&[]);
    assert!(close(mean, expected.mean), "mean {mean}");
    let std = pixels.std(false).double_value(&[]);
    assert!(close(std, expected.std), "std {std}");
    let above_half = dataset
        .images()
        .gt(0.5)
        .mean(Kind::Double)
        .double_value(&[]);
    assert!(
        close(above_half, expected.above_half),
        "above 0.5: {above_half}"
    );
    let first_sum = (dataset.images().get(0) * 255.0).round().sum(Kind::Int64);
    assert_eq!(first_sum.int64_value(&[]), expected.first_image_sum);
    assert_eq!(dataset.images().min().double_value(&[]), 0.0);
    assert_eq!(dataset.images().max().double_value(&[]), 1.0);
}

/// The MLP-VAE tutorial's loop, seeded (`TensorDataset` of the `ToTensor`
/// images stands in for `datasets.MNIST`; its sampler is the same):
/// ```python
/// torch.manual_seed(0)
/// dl = DataLoader(TensorDataset(x, y), batch_size=100, shuffle=True, drop_last=True)
/// for i, (data, labels) in enumerate(dl):
///     b = torch.bernoulli(data)
///     print(labels[:20].tolist(), int(b.sum()), int(b[0].sum()))
///     if i == 1: break
/// print(torch.rand(1).item())  # 0.7735854387283325 for both sets
/// ```
#[rstest]
#[case::mnist(Collection::Mnist, [
    ([6, 8, 8, 7, 8, 0, 0, 5, 6, 0, 0, 3, 5, 8, 1, 6, 2, 4, 1, 4], 10405, 116),
    ([1, 4, 0, 3, 5, 4, 6, 8, 1, 8, 7, 5, 5, 6, 0, 6, 5, 4, 9, 2], 10553, 84),
])]
#[case::fashion_mnist(Collection::FashionMnist, [
    ([3, 9, 5, 0, 9, 0, 3, 8, 3, 1, 5, 7, 4, 0, 3, 8, 2, 3, 7, 8], 22798, 91),
    ([1, 0, 6, 4, 6, 1, 7, 3, 8, 2, 2, 2, 5, 9, 2, 4, 9, 9, 2, 2], 22750, 209),
])]
fn first_binarized_batches_match_pytorch(
    #[case] collection: Collection,
    #[case] expected: [([i64; 20], i64, i64); 2],
) {
    let dataset = load(collection, Split::Train);
    let options = BatchOptions {
        binarization: Binarization::Dynamic,
        ..BatchOptions::default()
    };
    tch::manual_seed(0);
    let batches = dataset.batches(&options).expect("valid options");
    // `expected` leads the zip: a third batch, with its Bernoulli draws, is
    // never made (`Zip` polls its first iterator first).
    for ((labels, ones, first_row_ones), batch) in expected.into_iter().zip(batches) {
        assert_eq!(to_vec(&batch.labels.narrow(0, 0, 20)), labels);
        assert_eq!(batch.images.sum(Kind::Int64).int64_value(&[]), ones);
        assert_eq!(
            batch.images.get(0).sum(Kind::Int64).int64_value(&[]),
            first_row_ones
        );
    }
    let next = Tensor::rand([1], (Kind::Float, Device::Cpu)).double_value(&[0]);
    assert_eq!(next, 0.773_585_438_728_332_5);
}
