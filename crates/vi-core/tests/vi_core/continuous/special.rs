//! The special-function helpers of the toolkit: the `lgamma` and
//! `digamma` half-step differences on both sides of their switch to the
//! asymptotic series, and the float64 evaluation of `in_float64`.

use tch::{Kind, Tensor};
use vi_core::toolkit::{digamma_half_difference, in_float64, lgamma_half_difference};

use super::assert_matches;
use crate::common::f64s;

const POINTS: [f64; 8] = [0.05, 1.0, 15.9, 16.0, 16.1, 100.0, 5e5, 1e12];

/// Against mpmath at 40 digits:
/// ```python
/// xs = [0.05, 1.0, 15.9, 16.0, 16.1, 100.0, 5e5, 1e12]
/// [mp.loggamma(x + mp.mpf(1)/2) - mp.loggamma(x) for x in map(mp.mpf, xs)]
/// [mp.digamma(x + mp.mpf(1)/2) - mp.digamma(x) for x in map(mp.mpf, xs)]
/// ```
/// float64 to 1e-14 relative, float32 to 2 units in the last place (the
/// direct float32 difference at 5e5 can be off by 0.5, the spacing of
/// float32 numbers near `lgamma(5e5) ≈ 6e6`).
#[test]
fn half_differences_match_mpmath() {
    let lgamma = [
        -2.488848344940605,
        -0.12078223763524522,
        1.3752992135687592,
        1.378483131199923,
        1.3816469074185698,
        2.3013350982022227,
        6.561181438702165,
        13.81551055796415,
    ];
    let digamma = [
        18.761885740657696,
        0.6137056388801094,
        0.03194073935531931,
        0.03173804329516313,
        0.03153790299946584,
        0.005012499843757812,
        1.0000005e-06,
        5.00000000000125e-13,
    ];
    let x = f64s(&POINTS, &[8]);
    assert_matches(
        "lgamma difference",
        &lgamma_half_difference(&x),
        &lgamma,
        (0.0, 1e-14),
    );
    assert_matches(
        "digamma difference",
        &digamma_half_difference(&x),
        &digamma,
        (0.0, 1e-14),
    );
    // float32: through in_float64 everywhere (as Student's t uses them),
    // and in plain float32 where the series takes over (x ≥ 16).
    let x = x.to_kind(Kind::Float);
    let widened = in_float64([&x], |[x]| {
        Ok(Tensor::stack(
            &[lgamma_half_difference(&x), digamma_half_difference(&x)],
            0,
        ))
    })
    .unwrap();
    assert_eq!(widened.kind(), Kind::Float);
    assert_matches(
        "lgamma difference, float32",
        &widened.get(0),
        &lgamma,
        (0.0, 2.4e-7),
    );
    assert_matches(
        "digamma difference, float32",
        &widened.get(1),
        &digamma,
        (0.0, 2.4e-7),
    );
    let series = x.slice(0, 3, 8, 1);
    assert_matches(
        "lgamma series, float32",
        &lgamma_half_difference(&series),
        &lgamma[3..],
        (0.0, 2.4e-7),
    );
    assert_matches(
        "digamma series, float32",
        &digamma_half_difference(&series),
        &digamma[3..],
        (0.0, 2.4e-7),
    );
}

/// `in_float64` evaluates float32 tensors in float64 and rounds back; it
/// leaves float64 and mixed element types alone; gradients flow.
#[test]
fn in_float64_widens_only_narrow_tensors() {
    let x = Tensor::from(3.0f32).set_requires_grad(true);
    let y = Tensor::from(2.0f32);
    let result = in_float64([&x, &y], |[x, y]| {
        assert_eq!((x.kind(), y.kind()), (Kind::Double, Kind::Double));
        Ok(x * y)
    })
    .unwrap();
    assert_eq!(result.kind(), Kind::Float);
    let grad = &Tensor::run_backward(&[result], &[&x], false, false)[0];
    assert_eq!((grad.kind(), grad.double_value(&[])), (Kind::Float, 2.0));
    let mixed = in_float64([&y, &Tensor::from(1.0f64)], |[a, b]| {
        assert_eq!((a.kind(), b.kind()), (Kind::Float, Kind::Double));
        Ok(a + b)
    })
    .unwrap();
    assert_eq!(mixed.kind(), Kind::Double);
    let double = in_float64([&Tensor::from(1.0f64)], |[a]| Ok(a)).unwrap();
    assert_eq!(double.kind(), Kind::Double);
}
