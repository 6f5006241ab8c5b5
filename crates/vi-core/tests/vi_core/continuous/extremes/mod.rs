//! The float32 extreme-parameter pass: concentrations near 1e-3 and 1e3,
//! scales and rates near 1e-20 and 1e20, degrees of freedom near 0.1 and
//! 1e6. Each float32 result of vi-core is compared with the exact value,
//! computed with mpmath at 50 digits from the float32 parameters and
//! rounded to float32 (`±∞` beyond its range), for example
//! ```python
//! mp.mp.dps = 50
//! a, x = (float(torch.tensor(v, dtype=torch.float32)) for v in (1e-3, 1e-3))
//! a*mp.log(1) + (a - 1)*mp.log(x) - 1*x - mp.loggamma(a)   # Gamma(1e-3, 1).log_prob(1e-3)
//! ```
//! with the textbook formulas (densities, `H = −E[log p]`, and for the KL
//! divergences `−H(p) − E_p[log q]` written out per pair). torch's own
//! float32 result is quoted above each check: where it is far off (a
//! negative KL, NaN, `∞` for a finite value, 0 for a positive one), vi-core
//! is not.

use tch::Tensor;
use vi_core::{Beta, Dirichlet, Exponential, Gamma, Laplace, Normal, Result, StudentT, Uniform};

use super::assert_matches;

mod concentrations;
mod kl;
mod scales;

/// float32 rounding, 4e-6 relative (a few units in the last place), plus
/// two subnormal steps for results below float32's normal range.
const TOL: (f64, f64) = (3e-45, 4e-6);

#[track_caller]
fn check(what: &str, actual: Result<Tensor>, exact: f64) {
    check_within(what, actual, exact, TOL);
}

#[track_caller]
fn check_within(what: &str, actual: Result<Tensor>, exact: f64, tol: (f64, f64)) {
    let actual = actual.expect("the method refused a valid input");
    assert_eq!(actual.kind(), tch::Kind::Float, "{what}");
    assert_matches(what, &actual, &[exact], tol);
}

fn s(value: f64) -> Tensor {
    Tensor::from(value as f32)
}
fn v(values: &[f64]) -> Tensor {
    Tensor::from_slice(&values.iter().map(|&x| x as f32).collect::<Vec<_>>())
}
fn gamma(concentration: f64, rate: f64) -> Gamma {
    Gamma::new(&s(concentration), &s(rate)).expect("valid parameters")
}
fn beta(one: f64, zero: f64) -> Beta {
    Beta::new(&s(one), &s(zero)).expect("valid parameters")
}
fn dirichlet(concentration: &[f64]) -> Dirichlet {
    Dirichlet::new(&v(concentration)).expect("valid parameters")
}
fn student_t(df: f64, loc: f64, scale: f64) -> StudentT {
    StudentT::new(&s(df), &s(loc), &s(scale)).expect("valid parameters")
}
fn laplace(loc: f64, scale: f64) -> Laplace {
    Laplace::new(&s(loc), &s(scale)).expect("valid parameters")
}
fn uniform(low: f64, high: f64) -> Uniform {
    Uniform::new(&s(low), &s(high)).expect("valid parameters")
}
fn normal(loc: f64, scale: f64) -> Normal {
    Normal::new(&s(loc), &s(scale)).expect("valid parameters")
}
fn exponential(rate: f64) -> Exponential {
    Exponential::new(&s(rate)).expect("valid parameters")
}
