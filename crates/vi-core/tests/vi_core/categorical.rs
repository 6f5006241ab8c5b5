//! `Categorical` against torch.distributions 2.13 (golden values and seeded
//! draws, float32 and float64) and against Monte Carlo: class frequencies,
//! entropy as `E[−log p(X)]`.

use std::f64::consts::LN_2;

use tch::{Kind, Tensor};
use vi_core::{Categorical, Constraint, Distribution, Error, Expand};

use crate::common::{assert_close, assert_within_stderr, f32s, f64s, mean_and_stderr, values};

/// Float rounding of a float32 computation against torch's.
const F32_TOL: f64 = 1e-6;
/// Float rounding of a float64 computation against torch's.
const F64_TOL: f64 = 1e-14;

fn int64s(values: &[i64], shape: &[i64]) -> Tensor {
    Tensor::from_slice(values).reshape(shape)
}

/// ```python
/// probs = torch.tensor([[0.2, 0.3, 0.5], [1.0, 0.0, 3.0]], dtype=dt)
/// c = Categorical(probs=probs)
/// c.probs; c.logits; c.entropy(); c.mode
/// c.log_prob(torch.tensor([[0, 1], [2, 2], [1, 0]]))
/// ```
/// float32: logits `[[-1.6094379425048828, -1.2039728164672852,
/// -0.6931471824645996], [-1.3862943649291992, -15.942384719848633,
/// -0.28768205642700195]]`, entropy `[1.0296530723571777,
/// 0.5623351335525513]`; float64 below.
#[test]
fn categorical_from_probs_matches_pytorch() {
    let cases: [(Kind, [f64; 6], [f64; 2]); 2] = [
        (
            Kind::Float,
            [
                -1.6094379425048828,
                -1.2039728164672852,
                -0.6931471824645996,
                -1.3862943649291992,
                -15.942384719848633,
                -0.28768205642700195,
            ],
            [1.0296530723571777, 0.5623351335525513],
        ),
        (
            Kind::Double,
            [
                -1.6094379124341003,
                -1.2039728043259361,
                -LN_2, // -0.6931471805599453
                -1.3862943611198906,
                -36.04365338911715,
                -0.2876820724517809,
            ],
            [1.0296530140645737, 0.5623351446188083],
        ),
    ];
    for (kind, logits, entropy) in cases {
        let tol = if kind == Kind::Float {
            F32_TOL
        } else {
            F64_TOL
        };
        let probs = f64s(&[0.2, 0.3, 0.5, 1.0, 0.0, 3.0], &[2, 3]).to_kind(kind);
        let categorical = Categorical::from_probs(&probs).unwrap();
        assert_eq!(categorical.batch_shape(), [2]);
        assert_eq!(categorical.event_shape(), [] as [i64; 0]);
        assert_eq!(categorical.kind(), kind);
        assert_close(
            categorical.probs(),
            &[0.2, 0.3, 0.5, 0.25, 0.0, 0.75],
            tol,
            tol,
        );
        assert_close(categorical.logits(), &logits, tol, tol);
        let value = int64s(&[0, 1, 2, 2, 1, 0], &[3, 2]);
        let expected = [
            logits[0], logits[4], logits[2], logits[5], logits[1], logits[3],
        ];
        let log_prob = categorical.log_prob(&value).unwrap();
        assert_eq!(log_prob.size(), [3, 2]);
        assert_eq!(log_prob.kind(), kind);
        assert_close(&log_prob, &expected, tol, tol);
        assert_close(&categorical.entropy().unwrap(), &entropy, tol, tol);
        let mode = categorical.mode().unwrap();
        assert_eq!(mode.kind(), Kind::Int64);
        assert_close(&mode, &[2.0, 2.0], 0.0, 0.0);
        for moment in [categorical.mean().unwrap(), categorical.variance().unwrap()] {
            assert_eq!(moment.size(), [2]);
            assert!(values(&moment).iter().all(|m| m.is_nan()));
        }
        assert!(matches!(
            categorical.support(),
            Constraint::IntegerInterval(0, 2)
        ));
    }
}

/// Logits of ±100 and `−∞` (a class of probability 0):
/// ```python
/// logits = torch.tensor([[100.0, -100.0, 0.0], [0.0, float('-inf'), 1.0]], dtype=dt)
/// c = Categorical(logits=logits)
/// c.logits; c.probs; c.entropy(); c.mode
/// c.log_prob(torch.tensor([0, 1, 2]).unsqueeze(-1))   # shape [3, 2]
/// ```
/// float32: probs `[[1.0, 0.0, 3.783505853677006e-44], [0.2689414322376251,
/// 0.0, 0.7310585975646973]]`, entropy `[3.783505853677006e-42,
/// 0.5822030305862427]`; float64: probs `[[1.0, 1.3838965267367376e-87,
/// 3.720075976020836e-44], [0.26894142136999516, 0.0,
/// 0.7310585786300049]]`, entropy `[3.7200759760208363e-42,
/// 0.582203108888218]`.
#[test]
fn categorical_from_extreme_logits_matches_pytorch() {
    /// Type, probabilities, entropy, and the log masses of classes 0 and 2
    /// of the second row.
    type Case = (Kind, [f64; 6], [f64; 2], f64, f64);
    let cases: [Case; 2] = [
        (
            Kind::Float,
            [
                1.0,
                0.0,
                3.783505853677006e-44,
                0.2689414322376251,
                0.0,
                0.7310585975646973,
            ],
            [3.783505853677006e-42, 0.5822030305862427],
            -1.31326162815094,
            -0.31326162815093994,
        ),
        (
            Kind::Double,
            [
                1.0,
                1.3838965267367376e-87,
                3.720075976020836e-44,
                0.26894142136999516,
                0.0,
                0.7310585786300049,
            ],
            [3.7200759760208363e-42, 0.582203108888218],
            -1.3132616875182228,
            -0.3132616875182228,
        ),
    ];
    for (kind, probs, entropy, first, last) in cases {
        let tol = if kind == Kind::Float {
            F32_TOL
        } else {
            F64_TOL
        };
        let logits =
            f64s(&[100.0, -100.0, 0.0, 0.0, f64::NEG_INFINITY, 1.0], &[2, 3]).to_kind(kind);
        let categorical = Categorical::from_logits(&logits).unwrap();
        assert_close(categorical.probs(), &probs, tol, tol);
        let normalized = values(categorical.logits());
        assert_eq!(normalized[..3], [0.0, -200.0, -100.0]);
        assert_eq!(normalized[4], f64::NEG_INFINITY);
        // The entropy of the first row is a denormal: compared relatively.
        assert_close(&categorical.entropy().unwrap(), &entropy, 0.0, tol);
        let log_prob = categorical.log_prob(&int64s(&[0, 1, 2], &[3, 1])).unwrap();
        assert_eq!(log_prob.size(), [3, 2]);
        let log_prob = values(&log_prob);
        assert_eq!(
            [log_prob[0], log_prob[2], log_prob[4]],
            [0.0, -200.0, -100.0]
        );
        assert_eq!(log_prob[3], f64::NEG_INFINITY);
        assert_close(
            &f64s(&[log_prob[1], log_prob[5]], &[2]),
            &[first, last],
            tol,
            tol,
        );
        assert_close(&categorical.mode().unwrap(), &[0.0, 2.0], 0.0, 0.0);
    }
}

/// ```python
/// torch.manual_seed(5)
/// Categorical(probs=torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])).sample((2, 3))
/// # [[[2, 0], [1, 2], [1, 2]], [[1, 0], [1, 0], [2, 0]]]
/// torch.manual_seed(6)
/// Categorical(logits=torch.tensor([0.5, -1.0, 2.0, 0.0], dtype=torch.float64)).sample((10,))
/// # [2, 2, 2, 2, 2, 2, 0, 2, 3, 3]
/// ```
#[test]
fn categorical_draws_match_pytorch() {
    let probs = f32s(&[0.2, 0.3, 0.5, 0.6, 0.1, 0.3], &[2, 3]);
    let categorical = Categorical::from_probs(&probs).unwrap();
    tch::manual_seed(5);
    let draws = categorical.sample(&[2, 3]).unwrap();
    assert_eq!(draws.size(), [2, 3, 2]);
    assert_eq!(draws.kind(), Kind::Int64);
    let expected = [2, 0, 1, 2, 1, 2, 1, 0, 1, 0, 2, 0].map(f64::from);
    assert_close(&draws, &expected, 0.0, 0.0);

    let logits = f64s(&[0.5, -1.0, 2.0, 0.0], &[4]);
    let categorical = Categorical::from_logits(&logits).unwrap();
    tch::manual_seed(6);
    let draws = categorical.sample(&[10]).unwrap();
    let expected = [2, 2, 2, 2, 2, 2, 0, 2, 3, 3].map(f64::from);
    assert_close(&draws, &expected, 0.0, 0.0);
}

/// A sample shape of no elements draws nothing (torch's `multinomial`
/// raises) and keeps the generator where it was.
#[test]
fn categorical_empty_sample_shape_gives_an_empty_draw() {
    let categorical = Categorical::from_probs(&f32s(&[0.5, 0.5, 0.2, 0.8], &[2, 2])).unwrap();
    tch::manual_seed(9);
    assert_eq!(categorical.sample(&[0]).unwrap().size(), [0, 2]);
    assert_eq!(categorical.sample(&[3, 0]).unwrap().size(), [3, 0, 2]);
    let after_empty = categorical.sample(&[4]).unwrap();
    tch::manual_seed(9);
    let fresh = categorical.sample(&[4]).unwrap();
    assert_close(&after_empty, &values(&fresh), 0.0, 0.0);
}

/// The frequency of each class over 200 000 draws lies within 4 standard
/// errors (`sqrt(p(1 − p)/n)`, computed from the draws' indicators) of its
/// probability, and the entropy within 4 standard errors of the Monte
/// Carlo mean of `−log p(X)`.
#[test]
fn categorical_frequencies_and_entropy_match_monte_carlo() {
    let probs = f64s(&[0.1, 0.2, 0.3, 0.4, 0.7, 0.0, 0.05, 0.25], &[2, 4]);
    let categorical = Categorical::from_probs(&probs).unwrap();
    tch::manual_seed(10);
    let draws = categorical.sample(&[200_000]).unwrap();
    let indicators = draws
        .unsqueeze(-1)
        .eq_tensor(&Tensor::arange(4, (Kind::Int64, tch::Device::Cpu)))
        .to_kind(Kind::Double);
    let (frequency, stderr) = mean_and_stderr(&indicators);
    assert_within_stderr(&frequency, &probs, &stderr, 4.0, 1e-12);
    let surprise = -categorical.log_prob(&draws).unwrap();
    let (estimate, stderr) = mean_and_stderr(&surprise);
    assert_within_stderr(
        &estimate,
        &categorical.entropy().unwrap(),
        &stderr,
        4.0,
        1e-12,
    );
}

/// ```python
/// c = Categorical(probs=torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]))
/// c.enumerate_support().shape, c.enumerate_support(expand=False).shape   # [3, 2], [3, 1]
/// ```
#[test]
fn categorical_support_is_enumerated_and_carries_all_mass() {
    let categorical =
        Categorical::from_probs(&f32s(&[0.2, 0.3, 0.5, 0.6, 0.1, 0.3], &[2, 3])).unwrap();
    let support = categorical.enumerate_support(true).unwrap();
    assert_eq!(support.size(), [3, 2]);
    assert_eq!(support.kind(), Kind::Int64);
    assert_close(&support, &[0.0, 0.0, 1.0, 1.0, 2.0, 2.0], 0.0, 0.0);
    assert_eq!(categorical.enumerate_support(false).unwrap().size(), [3, 1]);
    let mass = categorical
        .log_prob(&support)
        .unwrap()
        .exp()
        .sum_dim_intlist(0, false, None::<Kind>);
    assert_close(&mass, &[1.0, 1.0], 1e-6, 0.0);
}

/// Values outside `{0, …, K − 1}` have mass 0; floating and boolean class
/// indices are read as integers.
#[test]
fn categorical_log_prob_outside_the_support_is_minus_infinity() {
    let categorical = Categorical::from_probs(&f64s(&[0.2, 0.3, 0.5], &[3])).unwrap();
    let outside = f64s(&[-1.0, 3.0, 0.5, f64::NAN, f64::INFINITY], &[5]);
    let log_prob = values(&categorical.log_prob(&outside).unwrap());
    assert!(
        log_prob.iter().all(|&l| l == f64::NEG_INFINITY),
        "{log_prob:?}"
    );
    let log_prob = categorical.log_prob(&int64s(&[-5, 7], &[2])).unwrap();
    assert!(values(&log_prob).iter().all(|&l| l == f64::NEG_INFINITY));
    let as_floats = categorical.log_prob(&f64s(&[1.0, 2.0], &[2])).unwrap();
    assert_close(&as_floats, &[0.3f64.ln(), 0.5f64.ln()], 1e-15, 1e-15);
    let as_bools = categorical
        .log_prob(&Tensor::from_slice(&[true, false]))
        .unwrap();
    assert_close(&as_bools, &[0.3f64.ln(), 0.2f64.ln()], 1e-15, 1e-15);
}

#[test]
fn categorical_expands_its_batch() {
    let categorical = Categorical::from_logits(&f64s(&[0.0, 1.0, 2.0], &[3])).unwrap();
    let expanded = categorical.expand(&[4, 2]).unwrap();
    assert_eq!(expanded.batch_shape(), [4, 2]);
    assert_eq!(expanded.param_shape(), [4, 2, 3]);
    assert_eq!(expanded.sample(&[5]).unwrap().size(), [5, 4, 2]);
    let log_prob = expanded.log_prob(&int64s(&[2], &[1])).unwrap();
    assert_eq!(log_prob.size(), [4, 2]);
    let expected = values(&categorical.log_prob(&int64s(&[2], &[1])).unwrap())[0];
    assert_close(&log_prob, &[expected; 8], 0.0, 0.0);
    assert!(matches!(
        categorical.expand(&[2, 3]).unwrap().expand(&[3]),
        Err(Error::ShapeMismatch { .. })
    ));
}

#[test]
fn categorical_rejects_bad_parameters() {
    for probs in [
        f64s(&[0.5, -0.1, 0.6], &[3]),
        f64s(&[0.0, 0.0], &[2]),
        f64s(&[1.0, f64::INFINITY], &[2]),
        f64s(&[1.0, f64::NAN], &[2]),
    ] {
        let err = Categorical::from_probs(&probs).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidParameter {
                    family: "Categorical",
                    parameter: "probs",
                    ..
                }
            ),
            "{err}"
        );
    }
    for logits in [
        f64s(&[0.0, f64::INFINITY], &[2]),
        f64s(&[f64::NEG_INFINITY, f64::NEG_INFINITY], &[2]),
        f64s(&[0.0, f64::NAN], &[2]),
    ] {
        assert!(matches!(
            Categorical::from_logits(&logits),
            Err(Error::InvalidParameter {
                parameter: "logits",
                ..
            })
        ));
    }
    for shape in [&[][..], &[0][..], &[2, 0][..]] {
        let err = Categorical::from_logits(&Tensor::zeros(shape, (Kind::Float, tch::Device::Cpu)))
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidArgument { name: "logits", .. }),
            "{err}"
        );
    }
    assert!(matches!(
        Categorical::from_probs(&Tensor::from_slice(&[1i64, 2])),
        Err(Error::Dtype { name: "probs", .. })
    ));
    // A batch of no rows is valid and has no elements to check.
    let empty =
        Categorical::from_probs(&Tensor::zeros([0, 3], (Kind::Float, tch::Device::Cpu))).unwrap();
    assert_eq!(empty.batch_shape(), [0]);
    assert_eq!(empty.sample(&[4]).unwrap().size(), [4, 0]);
}
