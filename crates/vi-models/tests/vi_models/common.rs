//! Helpers shared by the test modules: tensor-to-number conversions and a
//! tolerance assertion that names the quantity.

use tch::{Kind, Tensor};

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
