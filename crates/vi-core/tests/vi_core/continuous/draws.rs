//! Seeded draws equal PyTorch's bit for bit, in float32 and float64:
//! the same libtorch generator consumed by the same operations in the same
//! order. Each expected list is the output of
//! ```python
//! import torch
//! from torch.distributions import *
//! T = lambda v: torch.tensor(v, dtype=dt)   # dt = torch.float32, then torch.float64
//! torch.manual_seed(10); Uniform(T([0.0, -1.0, 2.0]), T([1.0, 3.0, 2.5])).rsample((2,))
//! torch.manual_seed(11); Laplace(T([0.0, 1.0, -2.0]), T([1.0, 0.5, 3.0])).rsample((2,))
//! torch.manual_seed(12); Gamma(T([0.5, 1.0, 3.0]), T([1.0, 2.0, 0.5])).rsample((2,))
//! torch.manual_seed(13); Beta(T([0.5, 2.0, 5.0]), T([0.7, 2.0, 1.0])).rsample((2,))
//! torch.manual_seed(14); Dirichlet(T([[0.5, 1.0, 2.0], [3.0, 0.2, 1.0]])).rsample((2,))
//! torch.manual_seed(15); StudentT(T([0.8, 3.0, 30.0]), T([0.0, 1.0, -1.0]), T([1.0, 2.0, 0.5])).rsample((2,))
//! ```
//! printed as `[float(x) for x in t.flatten().tolist()]` (exact for both
//! types), so the comparisons have no tolerance. `sample` must draw the
//! same values as `rsample`, and `rsample` of parameters that require a
//! gradient the same as of those that do not.

use tch::{Kind, Tensor};
use vi_core::{Beta, Dirichlet, Distribution, Gamma, Laplace, Rsample, StudentT, Uniform};

use crate::common::{assert_close, values};

fn tensor(values: &[f64], shape: &[i64], kind: Kind) -> Tensor {
    Tensor::from_slice(values).reshape(shape).to_kind(kind)
}

/// `sample`, `rsample`, and `rsample` with gradients on, each after
/// `manual_seed(seed)`, all equal `expected` exactly.
#[track_caller]
fn check_draws<D: Rsample>(build: impl Fn(bool) -> D, seed: i64, shape: &[i64], expected: &[f64]) {
    tch::manual_seed(seed);
    let sampled = build(false).sample(&[2]).expect("draws");
    assert_eq!(sampled.size(), shape);
    assert!(!sampled.requires_grad());
    assert_close(&sampled, expected, 0.0, 0.0);
    tch::manual_seed(seed);
    assert_close(
        &build(false).rsample(&[2]).expect("draws"),
        expected,
        0.0,
        0.0,
    );
    tch::manual_seed(seed);
    let reparameterized = build(true).rsample(&[2]).expect("draws");
    assert!(reparameterized.requires_grad());
    assert_close(&reparameterized, expected, 0.0, 0.0);
}

/// A parameter of `kind`, requiring a gradient when `grad` is set.
fn param(values: &[f64], shape: &[i64], kind: Kind, grad: bool) -> Tensor {
    tensor(values, shape, kind).set_requires_grad(grad)
}

const FLOAT32: Kind = Kind::Float;
const FLOAT64: Kind = Kind::Double;

fn uniform(kind: Kind) -> impl Fn(bool) -> Uniform {
    move |grad| {
        Uniform::new(
            &param(&[0.0, -1.0, 2.0], &[3], kind, grad),
            &param(&[1.0, 3.0, 2.5], &[3], kind, grad),
        )
        .expect("valid parameters")
    }
}

#[test]
fn uniform_draws_match_pytorch() {
    let expected = [
        0.4580846428871155,
        0.9314262866973877,
        2.1562490463256836,
        0.6150216460227966,
        -0.1442108154296875,
        2.2059130668640137,
    ];
    check_draws(uniform(FLOAT32), 10, &[2, 3], &expected);
    let expected = [
        0.6646772855573456,
        0.9999475375937048,
        2.3557892901933064,
        0.5503520164067086,
        2.7694579760012474,
        2.1917686522416435,
    ];
    check_draws(uniform(FLOAT64), 10, &[2, 3], &expected);
}

fn laplace(kind: Kind) -> impl Fn(bool) -> Laplace {
    move |grad| {
        Laplace::new(
            &param(&[0.0, 1.0, -2.0], &[3], kind, grad),
            &param(&[1.0, 0.5, 3.0], &[3], kind, grad),
        )
        .expect("valid parameters")
    }
}

#[test]
fn laplace_draws_match_pytorch() {
    let expected = [
        -1.2103815078735352,
        0.9863690137863159,
        8.654980659484863,
        -1.0882571935653687,
        1.0918934345245361,
        -0.530858039855957,
    ];
    check_draws(laplace(FLOAT32), 11, &[2, 3], &expected);
    let expected = [
        -0.9553760538047091,
        1.7361107783803953,
        -0.7393523475563395,
        0.39952128407564025,
        1.0835956408112648,
        -5.519316532632792,
    ];
    check_draws(laplace(FLOAT64), 11, &[2, 3], &expected);
}

fn gamma(kind: Kind) -> impl Fn(bool) -> Gamma {
    move |grad| {
        Gamma::new(
            &param(&[0.5, 1.0, 3.0], &[3], kind, grad),
            &param(&[1.0, 2.0, 0.5], &[3], kind, grad),
        )
        .expect("valid parameters")
    }
}

#[test]
fn gamma_draws_match_pytorch() {
    let expected = [
        0.04913252219557762,
        0.15581393241882324,
        2.2451751232147217,
        0.013657748699188232,
        0.27683117985725403,
        8.216255187988281,
    ];
    check_draws(gamma(FLOAT32), 12, &[2, 3], &expected);
    let expected = [
        0.04913252473841236,
        0.15581394405570217,
        2.245175027807056,
        0.013657749068599385,
        0.27683117886337205,
        8.21625511561008,
    ];
    check_draws(gamma(FLOAT64), 12, &[2, 3], &expected);
}

fn beta(kind: Kind) -> impl Fn(bool) -> Beta {
    move |grad| {
        Beta::new(
            &param(&[0.5, 2.0, 5.0], &[3], kind, grad),
            &param(&[0.7, 2.0, 1.0], &[3], kind, grad),
        )
        .expect("valid parameters")
    }
}

#[test]
fn beta_draws_match_pytorch() {
    let expected = [
        0.4379003942012787,
        0.31112247705459595,
        0.9520068168640137,
        0.02193334512412548,
        0.6561954617500305,
        0.7259254455566406,
    ];
    check_draws(beta(FLOAT32), 13, &[2, 3], &expected);
    let expected = [
        0.43790037925053027,
        0.31112247369924567,
        0.9520068339317619,
        0.02193334409541024,
        0.6561954615749397,
        0.7259254682203279,
    ];
    check_draws(beta(FLOAT64), 13, &[2, 3], &expected);
}

fn dirichlet(kind: Kind) -> impl Fn(bool) -> Dirichlet {
    move |grad| {
        Dirichlet::new(&param(&[0.5, 1.0, 2.0, 3.0, 0.2, 1.0], &[2, 3], kind, grad))
            .expect("valid parameters")
    }
}

#[test]
fn dirichlet_draws_match_pytorch() {
    let expected = [
        0.010732327587902546,
        0.2660016417503357,
        0.7232660055160522,
        0.9314160943031311,
        0.013729398138821125,
        0.05485451593995094,
        0.06693989038467407,
        0.7387250065803528,
        0.19433511793613434,
        0.7416843771934509,
        2.7876833286200053e-08,
        0.2583156228065491,
    ];
    check_draws(dirichlet(FLOAT32), 14, &[2, 2, 3], &expected);
    let expected = [
        0.01073232739637673,
        0.2660016422903808,
        0.7232660303132425,
        0.9314160874191489,
        0.013729398063990116,
        0.05485451451686092,
        0.06693989331426464,
        0.7387249899024557,
        0.19433511678327964,
        0.7416843613536395,
        2.787682622160919e-08,
        0.2583156107695342,
    ];
    check_draws(dirichlet(FLOAT64), 14, &[2, 2, 3], &expected);
}

fn student_t(kind: Kind) -> impl Fn(bool) -> StudentT {
    move |grad| {
        StudentT::new(
            &param(&[0.8, 3.0, 30.0], &[3], kind, grad),
            &param(&[0.0, 1.0, -1.0], &[3], kind, grad),
            &param(&[1.0, 2.0, 0.5], &[3], kind, grad),
        )
        .expect("valid parameters")
    }
}

#[test]
fn student_t_draws_match_pytorch() {
    let expected = [
        -3.9293737411499023,
        3.271009683609009,
        -1.2746343612670898,
        9.793970108032227,
        6.9126105308532715,
        -0.9268022179603577,
    ];
    check_draws(student_t(FLOAT32), 15, &[2, 3], &expected);
    let expected = [
        -3.929373110312336,
        3.271009604426529,
        -1.2746343934809843,
        9.793969580411538,
        6.9126103920763,
        -0.9268021974804233,
    ];
    check_draws(student_t(FLOAT64), 15, &[2, 3], &expected);
}

/// A draw of shape `[0]` and of shape `[]` consume nothing unexpected and
/// have the right shapes.
#[test]
fn empty_and_scalar_sample_shapes() {
    let gamma = gamma(FLOAT64)(false);
    assert_eq!(gamma.sample(&[0]).unwrap().size(), [0, 3]);
    assert_eq!(gamma.sample(&[]).unwrap().size(), [3]);
    let dirichlet = dirichlet(FLOAT32)(false);
    assert_eq!(dirichlet.sample(&[4, 0]).unwrap().size(), [4, 0, 2, 3]);
    assert_eq!(values(&dirichlet.sample(&[0]).unwrap()).len(), 0);
}
