//! `OneHotCategorical` and `OneHotCategoricalStraightThrough` against
//! torch.distributions 2.13 (golden values, seeded draws) and Monte Carlo
//! (mean and variance of the draws), and the straight-through gradient
//! against its closed form.

use tch::{Kind, Tensor};
use vi_core::{
    Categorical, Constraint, Distribution, Expand, OneHotCategorical,
    OneHotCategoricalStraightThrough, Rsample,
};

use crate::common::{assert_close, assert_within_stderr, f32s, f64s, mean_and_stderr, values};

/// ```python
/// o = OneHotCategorical(logits=torch.tensor([[1.0, 2.0, -1.0], [0.0, 0.0, 5.0]], dtype=dt))
/// v = torch.tensor([[1.0, 0, 0], [0, 0, 1]], dtype=dt)
/// o.log_prob(v); o.entropy(); o.mean; o.variance; o.mode
/// ```
#[test]
fn one_hot_categorical_matches_pytorch() {
    let float32 = (
        Kind::Float,
        1e-6,
        [-1.3490121364593506, -0.013385772705078125],
        [0.7138656973838806, 0.07986931502819061],
        [
            0.2594964802265167,
            0.7053845524787903,
            0.03511902689933777,
            0.006648354232311249,
            0.006648354232311249,
            0.9867032766342163,
        ],
        [
            0.1921580582857132,
            0.2078171819448471,
            0.03388568013906479,
            0.006604153662919998,
            0.006604153662919998,
            0.013119920156896114,
        ],
    );
    let float64 = (
        Kind::Double,
        1e-14,
        [-1.3490122167681862, -0.013385901721449045],
        [0.7138657579886245, 0.07986944651010908],
        [
            0.25949646034241913,
            0.7053845126982412,
            0.03511902695933973,
            0.006648354478866004,
            0.006648354478866004,
            0.986703291042268,
        ],
        [
            0.19215804741217443,
            0.207817201943706,
            0.0338856809047689,
            0.006604153861589346,
            0.006604153861589346,
            0.013119906488625419,
        ],
    );
    for (kind, tol, log_prob, entropy, mean, variance) in [float32, float64] {
        let logits = f64s(&[1.0, 2.0, -1.0, 0.0, 0.0, 5.0], &[2, 3]).to_kind(kind);
        let one_hot = OneHotCategorical::from_logits(&logits).unwrap();
        assert_eq!(one_hot.batch_shape(), [2]);
        assert_eq!(one_hot.event_shape(), [3]);
        assert!(matches!(one_hot.support(), Constraint::OneHot));
        let value = f64s(&[1.0, 0.0, 0.0, 0.0, 0.0, 1.0], &[2, 3]).to_kind(kind);
        assert_close(&one_hot.log_prob(&value).unwrap(), &log_prob, tol, tol);
        assert_close(&one_hot.entropy().unwrap(), &entropy, tol, tol);
        assert_close(&one_hot.mean().unwrap(), &mean, tol, tol);
        assert_close(&one_hot.variance().unwrap(), &variance, tol, tol);
        let mode = one_hot.mode().unwrap();
        assert_eq!(mode.kind(), kind);
        assert_close(&mode, &[0.0, 1.0, 0.0, 0.0, 0.0, 1.0], 0.0, 0.0);
    }
}

/// ```python
/// torch.manual_seed(7)
/// OneHotCategorical(probs=torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])).sample((3,))
/// # float32 [[[0, 1, 0], [0, 1, 0]], [[0, 1, 0], [0, 0, 1]], [[0, 0, 1], [0, 0, 1]]]
/// ```
#[test]
fn one_hot_categorical_draws_match_pytorch() {
    let probs = f32s(&[0.2, 0.3, 0.5, 0.6, 0.1, 0.3], &[2, 3]);
    let one_hot = OneHotCategorical::from_probs(&probs).unwrap();
    tch::manual_seed(7);
    let draws = one_hot.sample(&[3]).unwrap();
    assert_eq!(draws.size(), [3, 2, 3]);
    assert_eq!(draws.kind(), Kind::Float);
    let expected = [
        0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0,
    ];
    assert_close(&draws, &expected, 0.0, 0.0);
}

/// The mean `p` and variance `p (1 − p)` against 200 000 draws: the
/// sample mean within 4 standard errors, and the sample variance within 4
/// standard errors of the mean of `(x − x̄)²`.
#[test]
fn one_hot_categorical_moments_match_monte_carlo() {
    let logits = f64s(&[0.3, -1.0, 2.0, 0.0, 1.5, -0.5, 0.0, 0.0], &[2, 4]);
    let one_hot = OneHotCategorical::from_logits(&logits).unwrap();
    tch::manual_seed(11);
    let draws = one_hot.sample(&[200_000]).unwrap();
    let (mean, stderr) = mean_and_stderr(&draws);
    assert_within_stderr(&mean, &one_hot.mean().unwrap(), &stderr, 4.0, 1e-12);
    let squared = (&draws - &mean).square();
    let (variance, stderr) = mean_and_stderr(&squared);
    assert_within_stderr(&variance, &one_hot.variance().unwrap(), &stderr, 4.0, 1e-12);
    let surprise = -one_hot.log_prob(&draws).unwrap();
    let (entropy, stderr) = mean_and_stderr(&surprise);
    assert_within_stderr(&entropy, &one_hot.entropy().unwrap(), &stderr, 4.0, 1e-12);
}

/// ```python
/// o = OneHotCategorical(probs=torch.tensor([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]))
/// o.enumerate_support().shape, o.enumerate_support(expand=False).shape   # [3, 2, 3], [3, 1, 3]
/// ```
#[test]
fn one_hot_categorical_support_is_the_identity_rows() {
    let one_hot =
        OneHotCategorical::from_probs(&f64s(&[0.2, 0.3, 0.5, 0.6, 0.1, 0.3], &[2, 3])).unwrap();
    let support = one_hot.enumerate_support(true).unwrap();
    assert_eq!(support.size(), [3, 2, 3]);
    let compact = one_hot.enumerate_support(false).unwrap();
    assert_eq!(compact.size(), [3, 1, 3]);
    assert_close(
        &compact,
        &values(&Tensor::eye(3, (Kind::Double, tch::Device::Cpu))),
        0.0,
        0.0,
    );
    let mass = one_hot
        .log_prob(&support)
        .unwrap()
        .exp()
        .sum_dim_intlist(0, false, None::<Kind>);
    assert_close(&mass, &[1.0, 1.0], 1e-15, 0.0);
}

/// A vector that is not one-hot has mass 0 (torch scores its argmax).
#[test]
fn one_hot_categorical_log_prob_of_other_vectors_is_minus_infinity() {
    let one_hot = OneHotCategorical::from_probs(&f64s(&[0.2, 0.3, 0.5], &[3])).unwrap();
    let others = f64s(
        &[0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.2, 0.8, 0.0, 0.0, 2.0, 0.0],
        &[4, 3],
    );
    let log_prob = values(&one_hot.log_prob(&others).unwrap());
    assert!(
        log_prob.iter().all(|&l| l == f64::NEG_INFINITY),
        "{log_prob:?}"
    );
    // Integer one-hot vectors are accepted.
    let ints = Tensor::from_slice(&[0i64, 1, 0]);
    assert_close(
        &one_hot.log_prob(&ints).unwrap(),
        &[0.3f64.ln()],
        1e-15,
        1e-15,
    );
}

#[test]
fn one_hot_categorical_expands_its_batch() {
    let one_hot = OneHotCategorical::from_categorical(
        Categorical::from_logits(&f32s(&[0.0, 1.0], &[2])).unwrap(),
    );
    let expanded = one_hot.expand(&[3]).unwrap();
    assert_eq!(
        (expanded.batch_shape(), expanded.event_shape()),
        (&[3][..], &[2][..])
    );
    assert_eq!(expanded.sample(&[4]).unwrap().size(), [4, 3, 2]);
}

/// ```python
/// torch.manual_seed(8)
/// OneHotCategoricalStraightThrough(logits=torch.tensor([0.5, -1.0, 2.0])).rsample((4,))
/// # [[0, 0, 1], [0, 0, 1], [1, 0, 0], [0, 1, 0]]
/// ```
/// The value is the one-hot draw; the gradient of `Σ wᵢ xᵢ` with respect
/// to the logits is that of `Σ wᵢ pᵢ` (per draw), whose closed form is
/// `pⱼ (wⱼ − Σᵢ wᵢ pᵢ)` (the softmax Jacobian).
#[test]
fn straight_through_draws_match_pytorch_and_carry_the_probability_gradient() {
    let logits = f32s(&[0.5, -1.0, 2.0], &[3]).set_requires_grad(true);
    let straight = OneHotCategoricalStraightThrough::from_logits(&logits).unwrap();
    tch::manual_seed(8);
    let draws = straight.rsample(&[4]).unwrap();
    let expected = [0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0];
    assert_close(&draws, &expected, 1e-7, 0.0);

    let logits = f64s(&[0.5, -1.0, 2.0], &[3]).set_requires_grad(true);
    let straight = OneHotCategoricalStraightThrough::from_logits(&logits).unwrap();
    let weights = [0.3, -1.2, 2.0];
    let draws = straight.rsample(&[4]).unwrap();
    (draws * f64s(&weights, &[3])).sum(Kind::Double).backward();
    let probs = values(straight.inner().probs());
    let expected_value: f64 = weights.iter().zip(&probs).map(|(w, p)| w * p).sum();
    let expected: Vec<f64> = (0..3)
        .map(|j| 4.0 * probs[j] * (weights[j] - expected_value))
        .collect();
    assert_close(&logits.grad(), &expected, 1e-14, 1e-13);
    // Everything else is OneHotCategorical's.
    assert_eq!(straight.event_shape(), [3]);
    let same = OneHotCategorical::from_logits(&f64s(&[0.5, -1.0, 2.0], &[3])).unwrap();
    assert_close(
        &straight.entropy().unwrap(),
        &values(&same.entropy().unwrap()),
        0.0,
        0.0,
    );
}

/// Logits of ±100:
/// ```python
/// o = OneHotCategorical(logits=torch.tensor([100.0, -100.0, 0.0], dtype=dt))
/// o.log_prob(torch.eye(3, dtype=dt)); o.entropy(); o.variance
/// # float32 [0.0, -200.0, -100.0], 3.783505853677006e-42, [0.0, 0.0, 3.783505853677006e-44]
/// # float64 [0.0, -200.0, -100.0], 3.7200759760208363e-42, [0.0, 1.3838965267367376e-87, 3.720075976020836e-44]
/// ```
#[test]
fn one_hot_categorical_extreme_logits_match_pytorch() {
    let cases = [
        (
            Kind::Float,
            3.783505853677006e-42,
            [0.0, 0.0, 3.783505853677006e-44],
            1e-6,
        ),
        (
            Kind::Double,
            3.7200759760208363e-42,
            [0.0, 1.3838965267367376e-87, 3.720075976020836e-44],
            1e-14,
        ),
    ];
    for (kind, entropy, variance, tol) in cases {
        let logits = f64s(&[100.0, -100.0, 0.0], &[3]).to_kind(kind);
        let one_hot = OneHotCategorical::from_logits(&logits).unwrap();
        let eye = Tensor::eye(3, (kind, tch::Device::Cpu));
        assert_close(
            &one_hot.log_prob(&eye).unwrap(),
            &[0.0, -200.0, -100.0],
            tol,
            tol,
        );
        assert_close(&one_hot.entropy().unwrap(), &[entropy], 0.0, tol);
        assert_close(&one_hot.variance().unwrap(), &variance, 0.0, tol);
    }
}
