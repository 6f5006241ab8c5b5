//! The closed-form KL divergences from Uniform, Laplace and Normal against
//! torch.distributions 2.13's `kl_divergence`, in float32 and float64, with
//! ```python
//! from torch.distributions import *
//! T = lambda v: torch.tensor(v, dtype=dt)   # dt = torch.float32, then torch.float64
//! ```
//! Where vi-core evaluates a float32 KL in float64 (the pairs with
//! `lgamma`/`digamma` terms), the float32 result is compared with torch's
//! float64 value; torch's own float32 value is quoted.

use tch::Kind;
use vi_core::{Beta, Exponential, Gamma, Laplace, Normal, Uniform};

use super::{FLOAT32_TOL, FLOAT64_TOL, check_kl_against_torch, tensor};

/// ```python
/// kl_divergence(Uniform(T([0.0, -1.0, 0.2]), T([1.0, 1.0, 0.5])),
///               Uniform(T([-1.0, -2.0, 0.3]), T([2.0, 1.0, 0.6])))
/// ```
#[test]
fn uniform_uniform_kl_matches_pytorch() {
    let float32: &[f64] = &[1.0986123085021973, 0.40546512603759766, f64::INFINITY];
    let float64: &[f64] = &[1.0986122886681098, 0.4054651081081644, f64::INFINITY];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Uniform::new(&t(&[0.0, -1.0, 0.2], &[3]), &t(&[1.0, 1.0, 0.5], &[3])).unwrap();
        let q = Uniform::new(&t(&[-1.0, -2.0, 0.3], &[3]), &t(&[2.0, 1.0, 0.6], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Uniform(T([0.0, -1.0, 2.0]), T([1.0, 3.0, 2.5])),
///               Normal(T([0.0, 1.0, -1.0]), T([1.0, 2.0, 0.5])))
/// ```
#[test]
fn uniform_normal_kl_matches_pytorch() {
    let float32: &[f64] = &[1.0856051445007324, 0.3924580216407776, 22.085603713989258];
    let float64: &[f64] = &[1.0856051998713394, 0.392458019311394, 22.085605199871342];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Uniform::new(&t(&[0.0, -1.0, 2.0], &[3]), &t(&[1.0, 3.0, 2.5], &[3])).unwrap();
        let q = Normal::new(&t(&[0.0, 1.0, -1.0], &[3]), &t(&[1.0, 2.0, 0.5], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Uniform(T([0.0, 0.5, -0.1]), T([1.0, 3.0, 1.0])),
///               Exponential(T([1.0, 0.3, 2.0])))
/// ```
#[test]
fn uniform_exponential_kl_matches_pytorch() {
    let float32: &[f64] = &[0.5, 0.8126820921897888, f64::INFINITY];
    let float64: &[f64] = &[0.5, 0.8126820724517809, f64::INFINITY];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Uniform::new(&t(&[0.0, 0.5, -0.1], &[3]), &t(&[1.0, 3.0, 1.0], &[3])).unwrap();
        let q = Exponential::new(&t(&[1.0, 0.3, 2.0], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Uniform(T([0.0, 0.5, -0.1, 1.0]), T([1.0, 3.0, 1.0, 1.5])),
///               Gamma(T([0.5, 2.0, 1.0, 50.0]), T([1.0, 0.3, 2.0, 40.0])))
/// ```
/// float32 against torch's float64 (vi-core evaluates it in float64; torch's float32: [0.5723649263381958, 1.5596907138824463, f64::INFINITY, 0.21155929565429688]).
#[test]
fn uniform_gamma_kl_matches_pytorch() {
    let float32: &[f64] = &[
        0.5723649429247001,
        1.5596906942639963,
        f64::INFINITY,
        0.21154752930787168,
    ];
    let float64: &[f64] = &[
        0.5723649429247001,
        1.5596906942639963,
        f64::INFINITY,
        0.21154752930787168,
    ];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Uniform::new(
            &t(&[0.0, 0.5, -0.1, 1.0], &[4]),
            &t(&[1.0, 3.0, 1.0, 1.5], &[4]),
        )
        .unwrap();
        let q = Gamma::new(
            &t(&[0.5, 2.0, 1.0, 50.0], &[4]),
            &t(&[1.0, 0.3, 2.0, 40.0], &[4]),
        )
        .unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Uniform(T([0.0, 0.2, -0.1, 0.5]), T([1.0, 0.7, 0.5, 1.2])),
///               Beta(T([0.5, 2.0, 1.0, 3.0]), T([0.7, 3.0, 1.0, 2.0])))
/// ```
/// float32 against torch's float64 (vi-core evaluates it in float64; torch's float32: [0.11860626935958862, 0.33310216665267944, f64::INFINITY, f64::INFINITY]).
#[test]
fn uniform_beta_kl_matches_pytorch() {
    let float32: &[f64] = &[
        0.11860627945968238,
        0.3331022863268781,
        f64::INFINITY,
        f64::INFINITY,
    ];
    let float64: &[f64] = &[
        0.11860627945968238,
        0.3331022863268781,
        f64::INFINITY,
        f64::INFINITY,
    ];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Uniform::new(
            &t(&[0.0, 0.2, -0.1, 0.5], &[4]),
            &t(&[1.0, 0.7, 0.5, 1.2], &[4]),
        )
        .unwrap();
        let q = Beta::new(
            &t(&[0.5, 2.0, 1.0, 3.0], &[4]),
            &t(&[0.7, 3.0, 1.0, 2.0], &[4]),
        )
        .unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Laplace(T([0.0, 1.0, -2.0]), T([1.0, 0.5, 3.0])),
///               Laplace(T([0.5, -1.0, -2.0]), T([2.0, 0.3, 1.0])))
/// ```
#[test]
fn laplace_laplace_kl_matches_pytorch() {
    let float32: &[f64] = &[0.2464125156402588, 5.186367034912109, 0.9013876914978027];
    let float64: &[f64] = &[0.246412510416262, 5.186367107715234, 0.9013877113318902];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Laplace::new(&t(&[0.0, 1.0, -2.0], &[3]), &t(&[1.0, 0.5, 3.0], &[3])).unwrap();
        let q = Laplace::new(&t(&[0.5, -1.0, -2.0], &[3]), &t(&[2.0, 0.3, 1.0], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Laplace(T([0.0, 1.0, -2.0]), T([1.0, 0.5, 3.0])),
///               Normal(T([0.5, -1.0, -2.0]), T([2.0, 0.3, 1.0])))
/// ```
#[test]
fn laplace_normal_kl_matches_pytorch() {
    let float32: &[f64] = &[0.20018863677978516, 23.7149658203125, 7.127179145812988];
    let float64: &[f64] = &[0.20018853320467267, 23.714965728878735, 7.127179063976618];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Laplace::new(&t(&[0.0, 1.0, -2.0], &[3]), &t(&[1.0, 0.5, 3.0], &[3])).unwrap();
        let q = Normal::new(&t(&[0.5, -1.0, -2.0], &[3]), &t(&[2.0, 0.3, 1.0], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Normal(T([0.0, 1.0, -2.0]), T([1.0, 0.5, 3.0])),
///               Laplace(T([0.5, -1.0, -2.0]), T([2.0, 0.3, 1.0])))
/// ```
#[test]
fn normal_laplace_kl_matches_pytorch() {
    let float32: &[f64] = &[0.4151524305343628, 5.430073261260986, 0.569250226020813];
    let float64: &[f64] = &[0.4151523853165239, 5.430073507784057, 0.5692500410957592];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Normal::new(&t(&[0.0, 1.0, -2.0], &[3]), &t(&[1.0, 0.5, 3.0], &[3])).unwrap();
        let q = Laplace::new(&t(&[0.5, -1.0, -2.0], &[3]), &t(&[2.0, 0.3, 1.0], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}
