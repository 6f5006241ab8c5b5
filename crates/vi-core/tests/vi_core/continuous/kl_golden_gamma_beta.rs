//! The closed-form KL divergences from Gamma, Exponential, Beta and
//! Dirichlet against torch.distributions 2.13's `kl_divergence`, in
//! float32 and float64, with
//! ```python
//! from torch.distributions import *
//! T = lambda v: torch.tensor(v, dtype=dt)   # dt = torch.float32, then torch.float64
//! ```
//! Where vi-core evaluates a float32 KL in float64 (the pairs with
//! `lgamma`/`digamma` terms), the float32 result is compared with torch's
//! float64 value; torch's own float32 value is quoted.

use tch::Kind;
use vi_core::{Beta, Dirichlet, Exponential, Gamma, Normal, Uniform};

use super::{FLOAT32_TOL, FLOAT64_TOL, check_kl_against_torch, tensor};

/// ```python
/// kl_divergence(Gamma(T([0.5, 2.0, 50.0]), T([1.0, 0.5, 10.0])),
///               Gamma(T([1.0, 3.0, 45.0]), T([2.0, 0.4, 9.0])))
/// ```
/// float32 against torch's float64 (vi-core evaluates it in float64; torch's float32: [0.21624332666397095, 0.5397936105728149, 0.0026922225952148438]).
#[test]
fn gamma_gamma_kl_matches_pytorch() {
    let float32: &[f64] = &[
        0.21624288952606607,
        0.5397934994041076,
        0.0026987747536502127,
    ];
    let float64: &[f64] = &[
        0.21624288952606607,
        0.5397934994041076,
        0.0026987747536502127,
    ];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Gamma::new(&t(&[0.5, 2.0, 50.0], &[3]), &t(&[1.0, 0.5, 10.0], &[3])).unwrap();
        let q = Gamma::new(&t(&[1.0, 3.0, 45.0], &[3]), &t(&[2.0, 0.4, 9.0], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Gamma(T([0.5, 2.0, 50.0]), T([1.0, 0.5, 10.0])),
///               Exponential(T([1.0, 0.3, 5.0])))
/// ```
/// float32 against torch's float64 (vi-core evaluates it in float64; torch's float32: [0.40939050912857056, 0.13361001014709473, 22.324888229370117]).
#[test]
fn gamma_exponential_kl_matches_pytorch() {
    let float32: &[f64] = &[0.40939007008601147, 0.13360995886445792, 22.324897232181787];
    let float64: &[f64] = &[0.40939007008601147, 0.13360995886445792, 22.324897232181787];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Gamma::new(&t(&[0.5, 2.0, 50.0], &[3]), &t(&[1.0, 0.5, 10.0], &[3])).unwrap();
        let q = Exponential::new(&t(&[1.0, 0.3, 5.0], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Gamma(T([0.5, 2.0, 50.0]), T([1.0, 0.5, 10.0])),
///               Normal(T([0.0, 4.0, 5.0]), T([1.0, 3.0, 0.5])))
/// ```
/// float32 against torch's float64 (vi-core evaluates it in float64; torch's float32: [1.203329086303711, 0.19163230061531067, 0.160125732421875]).
#[test]
fn gamma_normal_kl_matches_pytorch() {
    let float32: &[f64] = &[1.203328603290684, 0.1916324208557485, 0.16012649726062023];
    let float64: &[f64] = &[1.203328603290684, 0.1916324208557485, 0.16012649726062023];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Gamma::new(&t(&[0.5, 2.0, 50.0], &[3]), &t(&[1.0, 0.5, 10.0], &[3])).unwrap();
        let q = Normal::new(&t(&[0.0, 4.0, 5.0], &[3]), &t(&[1.0, 3.0, 0.5], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Exponential(T([0.5, 1.0, 3.0])),
///               Gamma(T([1.0, 2.0, 0.5]), T([2.0, 0.5, 1.0])))
/// ```
/// float32 against torch's float64 (vi-core evaluates it in float64; torch's float32: [1.6137056350708008, 1.4635100364685059, 0.1663966178894043]).
#[test]
fn exponential_gamma_kl_matches_pytorch() {
    let float32: &[f64] = &[1.6137056388801092, 1.4635100260214235, 0.16639658814132208];
    let float64: &[f64] = &[1.6137056388801092, 1.4635100260214235, 0.16639658814132208];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Exponential::new(&t(&[0.5, 1.0, 3.0], &[3])).unwrap();
        let q = Gamma::new(&t(&[1.0, 2.0, 0.5], &[3]), &t(&[2.0, 0.5, 1.0], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Exponential(T([0.5, 1.0, 3.0])),
///               Normal(T([0.0, 1.0, -1.0]), T([1.0, 2.0, 0.5])))
/// ```
#[test]
fn exponential_normal_kl_matches_pytorch() {
    let float32: &[f64] = &[3.2257914543151855, 0.7370857000350952, 4.102181434631348];
    let float64: &[f64] = &[3.2257913526447273, 0.7370857137646181, 4.1021814190906145];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Exponential::new(&t(&[0.5, 1.0, 3.0], &[3])).unwrap();
        let q = Normal::new(&t(&[0.0, 1.0, -1.0], &[3]), &t(&[1.0, 2.0, 0.5], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Beta(T([0.5, 2.0, 5.0]), T([0.7, 2.0, 1.0])),
///               Beta(T([1.0, 3.0, 4.0]), T([1.0, 1.5, 2.0])))
/// ```
/// float32 against torch's float64 (vi-core evaluates it in float64; torch's float32: [0.19792406260967255, 0.327054500579834, 0.6970392465591431]).
#[test]
fn beta_beta_kl_matches_pytorch() {
    let float32: &[f64] = &[0.1979238823866587, 0.3270545079769792, 0.6970389722134422];
    let float64: &[f64] = &[0.1979238823866587, 0.3270545079769792, 0.6970389722134422];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Beta::new(&t(&[0.5, 2.0, 5.0], &[3]), &t(&[0.7, 2.0, 1.0], &[3])).unwrap();
        let q = Beta::new(&t(&[1.0, 3.0, 4.0], &[3]), &t(&[1.0, 1.5, 2.0], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Beta(T([0.5, 2.0, 5.0]), T([0.7, 2.0, 1.0])),
///               Exponential(T([1.0, 0.3, 5.0])))
/// ```
/// float32 against torch's float64 (vi-core evaluates it in float64; torch's float32: [0.6145906448364258, 1.4790652990341187, 3.366666793823242]).
#[test]
fn beta_exponential_kl_matches_pytorch() {
    let float32: &[f64] = &[0.6145905490533254, 1.4790656068873245, 3.366666666666667];
    let float64: &[f64] = &[0.6145905490533254, 1.4790656068873245, 3.366666666666667];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Beta::new(&t(&[0.5, 2.0, 5.0], &[3]), &t(&[0.7, 2.0, 1.0], &[3])).unwrap();
        let q = Exponential::new(&t(&[1.0, 0.3, 5.0], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Beta(T([0.5, 2.0, 5.0]), T([0.7, 2.0, 1.0])),
///               Gamma(T([1.0, 2.0, 0.5]), T([2.0, 0.5, 1.0])))
/// ```
/// float32 against torch's float64 (vi-core evaluates it in float64; torch's float32: [0.33811014890670776, 2.5947203636169434, 2.1151363849639893]).
#[test]
fn beta_gamma_kl_matches_pytorch() {
    let float32: &[f64] = &[0.3381100351600468, 2.5947204970146123, 2.115136188692134];
    let float64: &[f64] = &[0.3381100351600468, 2.5947204970146123, 2.115136188692134];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Beta::new(&t(&[0.5, 2.0, 5.0], &[3]), &t(&[0.7, 2.0, 1.0], &[3])).unwrap();
        let q = Gamma::new(&t(&[1.0, 2.0, 0.5], &[3]), &t(&[2.0, 0.5, 1.0], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Beta(T([0.5, 2.0, 5.0]), T([0.7, 2.0, 1.0])),
///               Normal(T([0.0, 0.5, 1.0]), T([1.0, 0.2, 2.0])))
/// ```
/// float32 against torch's float64 (vi-core evaluates it in float64; torch's float32: [1.2589080333709717, 0.059593260288238525, 2.427476406097412]).
#[test]
fn beta_normal_kl_matches_pytorch() {
    let float32: &[f64] = &[1.258907870136786, 0.059593423331960604, 2.4274760071510997];
    let float64: &[f64] = &[1.258907870136786, 0.059593423331960604, 2.4274760071510997];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Beta::new(&t(&[0.5, 2.0, 5.0], &[3]), &t(&[0.7, 2.0, 1.0], &[3])).unwrap();
        let q = Normal::new(&t(&[0.0, 0.5, 1.0], &[3]), &t(&[1.0, 0.2, 2.0], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Beta(T([0.5, 2.0, 5.0]), T([0.7, 2.0, 1.0])),
///               Uniform(T([0.0, -1.0, 0.1]), T([1.0, 2.0, 1.0])))
/// ```
/// float32 against torch's float64 (vi-core evaluates it in float64; torch's float32: [0.19792401790618896, 1.2237048149108887, f64::INFINITY]).
#[test]
fn beta_uniform_kl_matches_pytorch() {
    let float32: &[f64] = &[0.1979238823866587, 1.2237050912294982, f64::INFINITY];
    let float64: &[f64] = &[0.1979238823866587, 1.2237050912294982, f64::INFINITY];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Beta::new(&t(&[0.5, 2.0, 5.0], &[3]), &t(&[0.7, 2.0, 1.0], &[3])).unwrap();
        let q = Uniform::new(&t(&[0.0, -1.0, 0.1], &[3]), &t(&[1.0, 2.0, 1.0], &[3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}

/// ```python
/// kl_divergence(Dirichlet(T([[0.5, 1.0, 2.0], [3.0, 0.2, 1.0]])),
///               Dirichlet(T([[1.0, 1.0, 1.0], [2.0, 0.5, 1.5]])))
/// ```
/// float32 against torch's float64 (vi-core evaluates it in float64; torch's float32: [0.7884228229522705, 1.0270040035247803]).
#[test]
fn dirichlet_dirichlet_kl_matches_pytorch() {
    let float32: &[f64] = &[0.7884225066489858, 1.0270042283008298];
    let float64: &[f64] = &[0.7884225066489858, 1.0270042283008298];
    for (kind, tol, expected) in [
        (Kind::Float, FLOAT32_TOL, float32),
        (Kind::Double, FLOAT64_TOL, float64),
    ] {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let p = Dirichlet::new(&t(&[0.5, 1.0, 2.0, 3.0, 0.2, 1.0], &[2, 3])).unwrap();
        let q = Dirichlet::new(&t(&[1.0, 1.0, 1.0, 2.0, 0.5, 1.5], &[2, 3])).unwrap();
        check_kl_against_torch(&p, &q, expected, tol);
    }
}
