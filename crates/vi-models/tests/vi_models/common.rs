//! Helpers shared by the test modules: tensor-to-number conversions, a
//! tolerance assertion that names the quantity, MNIST subsets, short
//! training configurations, and comparisons of histories and weights.

use std::path::PathBuf;

use tch::{Kind, Tensor, nn};
use vi_data::{Collection, ImageDataset, Split};
use vi_models::{History, TrainConfig, presets};

/// The elements of `tensor` as `f64`, row-major.
pub fn values(tensor: &Tensor) -> Vec<f64> {
    Vec::<f64>::try_from(tensor.to_kind(Kind::Double).reshape([-1])).expect("a numeric tensor")
}

/// The single element of `tensor` as `f64`.
pub fn scalar(tensor: &Tensor) -> f64 {
    let values = values(tensor);
    assert_eq!(values.len(), 1, "expected one element, found {values:?}");
    values[0]
}

/// Asserts `|found − expected| ≤ tolerance`, naming `what`.
#[track_caller]
pub fn assert_close(what: &str, found: f64, expected: f64, tolerance: f64) {
    assert!(
        (found - expected).abs() <= tolerance,
        "{what}: found {found}, expected {expected} ± {tolerance} (off by {:e})",
        (found - expected).abs()
    );
}

/// The first `len` images of MNIST's `split`.
pub fn mnist(split: Split, len: i64) -> ImageDataset {
    let data_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let full = ImageDataset::load(&data_dir, Collection::Mnist, split)
        .unwrap_or_else(|error| panic!("{error}"));
    let indices: Vec<i64> = (0..len).collect();
    full.subset(&indices).expect("a subset within the split")
}

/// Tutorial 3's settings for `epochs` epochs, on one CPU thread (the
/// setting under which equal seeds give equal numbers).
pub fn short_config(epochs: usize, seed: u64) -> TrainConfig {
    tch::set_num_threads(1);
    TrainConfig {
        epochs,
        seed,
        ..presets::mlp_vae().training
    }
}

/// The histories' losses, without the timings.
pub fn losses(history: &History) -> Vec<(usize, f64, Option<f64>)> {
    history
        .records()
        .iter()
        .map(|r| (r.epoch, r.train_neg_elbo, r.test_neg_elbo))
        .collect()
}

/// The variables by name, as independent copies.
pub fn weights(var_store: &nn::VarStore) -> Vec<(String, Tensor)> {
    let mut weights: Vec<(String, Tensor)> = var_store
        .variables()
        .into_iter()
        .map(|(name, tensor)| (name, tensor.detach().copy()))
        .collect();
    weights.sort_by(|a, b| a.0.cmp(&b.0));
    weights
}

/// Asserts two sets of weights are bitwise equal.
pub fn assert_same_weights(left: &[(String, Tensor)], right: &[(String, Tensor)]) {
    assert_eq!(left.len(), right.len());
    for ((name_l, l), (name_r, r)) in left.iter().zip(right) {
        assert_eq!(name_l, name_r);
        assert!(l.equal(r), "{name_l} differs");
    }
}

/// Asserts that parameter `name` of `var_store` has `shape`, starts with
/// `first` (to the last bit: same generator, same operations) and sums to
/// `sum` (to 1e-9): one line of a reference script's parameter listing.
#[track_caller]
pub fn assert_parameter(
    var_store: &nn::VarStore,
    name: &str,
    shape: &[i64],
    first: &[f64],
    sum: f64,
) {
    let tensor = &var_store.variables()[name];
    assert_eq!(tensor.size(), shape, "{name}");
    let flat = values(tensor);
    for (i, expected) in first.iter().enumerate() {
        assert_eq!(flat[i], *expected, "{name}[{i}]");
    }
    assert_close(name, tensor.sum(Kind::Double).double_value(&[]), sum, 1e-9);
}

/// Asserts per-example losses `[B]` against a reference script's batch
/// mean and first values, to `relative` of the mean.
#[track_caller]
pub fn assert_losses(loss: &Tensor, mean: f64, first: &[f64], relative: f64) {
    let tolerance = relative * mean.abs();
    assert_close(
        "batch mean",
        loss.mean(Kind::Double).double_value(&[]),
        mean,
        tolerance,
    );
    let found = values(loss);
    for (i, expected) in first.iter().enumerate() {
        assert_close(&format!("example {i}"), found[i], *expected, tolerance);
    }
}

/// Sets variable `name` of `var_store` to `values` (in its shape).
pub fn set(var_store: &nn::VarStore, name: &str, values: &[f32]) {
    let mut target = var_store.variables()[name].shallow_clone();
    let source = Tensor::from_slice(values).view(target.size().as_slice());
    tch::no_grad(|| target.copy_(&source));
}

/// A temporary folder for checkpoints.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}
