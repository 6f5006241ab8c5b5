//! Helpers shared by the test modules: tensor construction, comparisons,
//! quadrature and Monte Carlo standard errors.

use tch::{Device, Kind, Tensor};

/// A float64 CPU tensor of the given shape.
pub fn f64s(values: &[f64], shape: &[i64]) -> Tensor {
    Tensor::from_slice(values).reshape(shape)
}

/// A float32 CPU tensor of the given shape.
pub fn f32s(values: &[f32], shape: &[i64]) -> Tensor {
    Tensor::from_slice(values).reshape(shape)
}

/// Tutorial 2's five observations, float32, as PyTorch draws them:
/// `torch.manual_seed(0); z = Exponential(1.0).sample();
/// x = Normal(z, 1.0).sample((5,))` (see `golden.rs`).
pub fn tutorial_two_data() -> Tensor {
    let values = [
        3.2178170680999756,
        2.437955856323242,
        4.772785186767578,
        2.8208999633789062,
        3.6687076091766357,
    ];
    f64s(&values, &[5]).to_kind(Kind::Float)
}

/// A float64 scalar tensor.
pub fn scalar(value: f64) -> Tensor {
    Tensor::from(value)
}

/// The elements of `t`, flattened, as f64.
pub fn values(t: &Tensor) -> Vec<f64> {
    Vec::<f64>::try_from(t.detach().to_kind(Kind::Double).flatten(0, -1))
        .expect("tensor to Vec<f64>")
}

/// One element of a tensor with a single element.
pub fn item(t: &Tensor) -> f64 {
    assert_eq!(
        t.numel(),
        1,
        "expected one element, got shape {:?}",
        t.size()
    );
    t.detach()
        .to_kind(Kind::Double)
        .reshape([1])
        .double_value(&[0])
}

/// Asserts `|actual - expected| <= abs_tol + rel_tol * |expected|` elementwise.
#[track_caller]
pub fn assert_close(actual: &Tensor, expected: &[f64], abs_tol: f64, rel_tol: f64) {
    let actual = values(actual);
    assert_eq!(
        actual.len(),
        expected.len(),
        "length: {actual:?} vs {expected:?}"
    );
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        let tol = abs_tol + rel_tol * e.abs();
        assert!(
            (a - e).abs() <= tol,
            "element {i}: {a} vs {e} (tolerance {tol})\nactual {actual:?}"
        );
    }
}

/// Asserts two tensors are elementwise close.
#[track_caller]
pub fn assert_tensors_close(actual: &Tensor, expected: &Tensor, tol: f64) {
    assert_eq!(actual.size(), expected.size(), "shapes differ");
    assert_close(actual, &values(expected), tol, tol);
}

/// Asserts every element is finite.
#[track_caller]
pub fn assert_finite(t: &Tensor) {
    let v = values(t);
    assert!(v.iter().all(|x| x.is_finite()), "non-finite values: {v:?}");
}

/// `n` evenly spaced float64 points on `[start, end]` and their spacing.
pub fn grid(start: f64, end: f64, n: i64) -> (Tensor, f64) {
    let points = Tensor::linspace(start, end, n, (Kind::Double, Device::Cpu));
    (points, (end - start) / (n - 1) as f64)
}

/// Trapezoid rule along dimension 0 of `y` with spacing `dx`.
pub fn trapezoid(y: &Tensor, dx: f64) -> Tensor {
    Tensor::trapz_dx(y, dx, 0)
}

/// Simpson's rule along dimension 0 of `y` (an odd number of points) with
/// spacing `dx`; error O(dx⁴) even where the integrand has a kink at an end.
pub fn simpson(y: &Tensor, dx: f64) -> Tensor {
    let n = y.size()[0];
    assert!(n % 2 == 1, "Simpson's rule needs an odd number of points");
    let ends = y.select(0, 0) + y.select(0, n - 1);
    let odd = y.slice(0, 1, n - 1, 2).sum_dim_intlist(0, false, None);
    let even = y.slice(0, 2, n - 1, 2).sum_dim_intlist(0, false, None);
    (ends + odd * 4.0 + even * 2.0) * (dx / 3.0)
}

/// Mean along dimension 0 and its standard error `sd / √n`.
pub fn mean_and_stderr(samples: &Tensor) -> (Tensor, Tensor) {
    let n = samples.size()[0] as f64;
    let mean = samples.mean_dim(0, false, None::<Kind>);
    let stderr = samples.std_dim(0, true, false) / n.sqrt();
    (mean, stderr)
}

/// Asserts `|estimate - exact| <= num_stderr * stderr + floor` elementwise.
#[track_caller]
pub fn assert_within_stderr(
    estimate: &Tensor,
    exact: &Tensor,
    stderr: &Tensor,
    num_stderr: f64,
    floor: f64,
) {
    let (estimate, exact, stderr) = (values(estimate), values(exact), values(stderr));
    assert_eq!(estimate.len(), exact.len());
    for i in 0..estimate.len() {
        let tol = num_stderr * stderr[i] + floor;
        assert!(
            (estimate[i] - exact[i]).abs() <= tol,
            "element {i}: estimate {} vs exact {} (tolerance {tol} = {num_stderr} x stderr {} + {floor})",
            estimate[i],
            exact[i],
            stderr[i]
        );
    }
}
