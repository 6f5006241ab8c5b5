//! The gradient estimators against exact gradients: the conjugate Normal
//! model (closed-form ELBO, Gaussian Rényi divergences) and a Bernoulli
//! latent model small enough to enumerate. Many independent replicates of
//! one estimate are computed at once by giving each replicate its own copy
//! of the parameters (a leaf of shape `[R, B]`), so one backward pass yields
//! every replicate's gradient; means are compared with the exact value at 4
//! standard errors computed from the same replicates.

use std::f64::consts::PI;

use tch::{Device, Kind, Tensor};
use vi_core::{
    Baseline, Bernoulli, DecayingAverageBaseline, Distribution, Error, Independent, Normal,
    dreg_iwae, iwae_bound, monte_carlo_elbo, renyi_bound, score_function_elbo, stl_elbo, vimco,
};

use crate::common::{assert_close, mean_and_stderr, values};

const OPTIONS: (Kind, Device) = (Kind::Double, Device::Cpu);

/// The conjugate model of every Normal test: `z ~ N(0, 1)`, `x | z ~
/// N(θz, 1)`, one observation per example; the posterior of example `b` is
/// `q_b(z) = N(m_b, exp(2 ℓ_b))`. The parameters are leaves of shape
/// `[R, B]`: `R` replicates of the same `B` values.
struct Conjugate {
    x: Tensor,
    loc: Tensor,
    log_scale: Tensor,
    theta: Tensor,
}

impl Conjugate {
    fn new(replicates: i64, x: &[f64], loc: &[f64], log_scale: &[f64], theta: f64) -> Self {
        let b = x.len() as i64;
        let tile = |v: &[f64]| {
            Tensor::from_slice(v)
                .to_kind(Kind::Double)
                .expand([replicates, b], false)
                .contiguous()
        };
        Self {
            x: tile(x),
            loc: tile(loc).set_requires_grad(true),
            log_scale: tile(log_scale).set_requires_grad(true),
            theta: Tensor::full([replicates, b], theta, OPTIONS).set_requires_grad(true),
        }
    }

    fn posterior(&self) -> Normal {
        Normal::from_log_scale(&self.loc, &self.log_scale).expect("valid posterior")
    }

    fn prior(&self) -> Normal {
        Normal::new(&Tensor::from(0.0f64), &Tensor::from(1.0f64)).expect("N(0, 1)")
    }

    /// `log N(x; θz, 1)` for `z` of shape `[S, R, B]`.
    fn log_likelihood(&self, z: &Tensor) -> vi_core::Result<Tensor> {
        let mean = &self.theta * z;
        Normal::new(&mean, &mean.ones_like())?.log_prob(&self.x)
    }

    /// Backpropagates `surrogate.sum()` and returns the gradients with
    /// respect to `(loc, log_scale, theta)`, each `[R, B]`.
    fn gradients(&self, surrogate: &Tensor) -> [Tensor; 3] {
        let grads = Tensor::run_backward(
            &[surrogate.sum(Kind::Double)],
            &[&self.loc, &self.log_scale, &self.theta],
            false,
            false,
        );
        let [a, b, c] = <[Tensor; 3]>::try_from(grads).expect("three gradients");
        [a, b, c]
    }
}

/// The exact ELBO gradient of the conjugate model with `θ = 1`:
/// `ELBO = −log 2π − ½[(x − m)² + s²] − ½(m² + s²) + ½ log(2πe s²)`, so
/// `∂/∂m = x − 2m` and `∂/∂ℓ = 1 − 2s²` (`s = e^ℓ`).
fn exact_elbo_gradient(x: f64, m: f64, l: f64) -> (f64, f64) {
    (x - 2.0 * m, 1.0 - 2.0 * (2.0 * l).exp())
}

#[track_caller]
fn assert_unbiased(replicates: &Tensor, exact: &[f64]) {
    let (mean, stderr) = mean_and_stderr(replicates);
    let (mean, stderr) = (values(&mean), values(&stderr));
    for (i, e) in exact.iter().enumerate() {
        assert!(
            (mean[i] - e).abs() <= 4.0 * stderr[i] + 1e-12,
            "element {i}: mean {} vs exact {e} (4 standard errors: {})",
            mean[i],
            4.0 * stderr[i]
        );
    }
}

const X: [f64; 3] = [1.5, -0.4, 2.2];
const LOC: [f64; 3] = [0.2, 0.3, 0.5];
const LOG_SCALE: [f64; 3] = [-0.5, 0.1, -1.0];

#[test]
fn stl_gradient_is_unbiased_for_the_elbo() {
    tch::manual_seed(11);
    let model = Conjugate::new(20_000, &X, &LOC, &LOG_SCALE, 1.0);
    let estimate = stl_elbo(&model.posterior(), &model.prior(), 1, |z| {
        model.log_likelihood(z)
    })
    .expect("stl");
    assert_close(&estimate.objective, &values(&estimate.surrogate), 0.0, 0.0);
    let [d_loc, d_log_scale, _] = model.gradients(&estimate.surrogate);
    let exact: Vec<(f64, f64)> = (0..3)
        .map(|i| exact_elbo_gradient(X[i], LOC[i], LOG_SCALE[i]))
        .collect();
    assert_unbiased(&d_loc, &exact.iter().map(|e| e.0).collect::<Vec<_>>());
    assert_unbiased(&d_log_scale, &exact.iter().map(|e| e.1).collect::<Vec<_>>());
}

/// At the exact posterior `N(x/2, 1/2)` every STL gradient is zero, while
/// the ordinary reparameterized gradient still varies (Roeder et al. 2017,
/// §3).
#[test]
fn stl_gradient_vanishes_at_the_exact_posterior() {
    let at_optimum: Vec<f64> = X.iter().map(|x| x / 2.0).collect();
    let log_scale = [0.5f64.ln() / 2.0; 3];
    tch::manual_seed(12);
    let model = Conjugate::new(1_000, &X, &at_optimum, &log_scale, 1.0);
    let stl = stl_elbo(&model.posterior(), &model.prior(), 1, |z| {
        model.log_likelihood(z)
    })
    .expect("stl");
    let [d_loc, d_log_scale, _] = model.gradients(&stl.surrogate);
    let largest = |g: &Tensor| g.abs().max().double_value(&[]);
    assert!(largest(&d_loc) < 1e-12 && largest(&d_log_scale) < 1e-12);

    let model = Conjugate::new(1_000, &X, &at_optimum, &log_scale, 1.0);
    let elbo = monte_carlo_elbo(&model.posterior(), &model.prior(), 1, |z| {
        model.log_likelihood(z)
    })
    .expect("elbo");
    let [d_loc, _, _] = model.gradients(&elbo);
    let spread = d_loc.std_dim(0, true, false);
    assert!(values(&spread).iter().all(|&s| s > 0.3), "{spread:?}");
}

/// DReG's posterior gradient and the reparameterized IWAE gradient are two
/// unbiased estimators of `∇ E[L_k]`: their means agree within the combined
/// standard error. Its model gradient is IWAE's, draw for draw.
#[test]
fn dreg_gradient_is_unbiased_for_the_iwae_bound() {
    let k = 8;
    tch::manual_seed(13);
    let model = Conjugate::new(20_000, &X, &LOC, &LOG_SCALE, 1.3);
    let dreg = dreg_iwae(&model.posterior(), &model.prior(), k, |z| {
        model.log_likelihood(z)
    })
    .expect("dreg");
    let [dreg_loc, dreg_log_scale, dreg_theta] = model.gradients(&dreg.surrogate);
    tch::manual_seed(13);
    let model = Conjugate::new(20_000, &X, &LOC, &LOG_SCALE, 1.3);
    let iwae = iwae_bound(&model.posterior(), &model.prior(), k, |z| {
        model.log_likelihood(z)
    })
    .expect("iwae");
    assert_close(&dreg.objective, &values(&iwae.detach()), 1e-12, 1e-12);
    let [_, _, iwae_theta] = model.gradients(&iwae);
    assert_close(&dreg_theta, &values(&iwae_theta), 1e-10, 1e-10);

    // The posterior gradients are compared with IWAE's on other draws, so
    // that the agreement is not that of one draw with itself.
    tch::manual_seed(14);
    let model = Conjugate::new(20_000, &X, &LOC, &LOG_SCALE, 1.3);
    let fresh = iwae_bound(&model.posterior(), &model.prior(), k, |z| {
        model.log_likelihood(z)
    })
    .expect("iwae");
    let [fresh_loc, fresh_log_scale, _] = model.gradients(&fresh);
    for (dreg, iwae) in [(&dreg_loc, &fresh_loc), (&dreg_log_scale, &fresh_log_scale)] {
        let (a, sa) = mean_and_stderr(dreg);
        let (b, sb) = mean_and_stderr(iwae);
        let (a, sa, b, sb) = (values(&a), values(&sa), values(&b), values(&sb));
        for i in 0..3 {
            let tol = 4.0 * (sa[i] * sa[i] + sb[i] * sb[i]).sqrt();
            assert!(
                (a[i] - b[i]).abs() <= tol,
                "element {i}: DReG {} vs IWAE {} (tolerance {tol})",
                a[i],
                b[i]
            );
        }
    }
}

#[test]
fn dreg_gradient_vanishes_at_the_exact_posterior() {
    let at_optimum: Vec<f64> = X.iter().map(|x| x / 2.0).collect();
    let log_scale = [0.5f64.ln() / 2.0; 3];
    tch::manual_seed(15);
    let model = Conjugate::new(500, &X, &at_optimum, &log_scale, 1.0);
    let dreg = dreg_iwae(&model.posterior(), &model.prior(), 16, |z| {
        model.log_likelihood(z)
    })
    .expect("dreg");
    let [d_loc, d_log_scale, _] = model.gradients(&dreg.surrogate);
    assert!(d_loc.abs().max().double_value(&[]) < 1e-12);
    assert!(d_log_scale.abs().max().double_value(&[]) < 1e-12);
}

/// Var(DReG) / Var(IWAE) of the posterior-mean gradient at `k`, over
/// `replicates` replicates, for one example away from the optimum.
fn variance_ratio(k: i64, replicates: i64, seed: i64) -> f64 {
    let (x, loc, log_scale) = ([1.5], [0.2], [-0.5]);
    tch::manual_seed(seed);
    let model = Conjugate::new(replicates, &x, &loc, &log_scale, 1.0);
    let dreg = dreg_iwae(&model.posterior(), &model.prior(), k, |z| {
        model.log_likelihood(z)
    })
    .expect("dreg");
    let [dreg_loc, _, _] = model.gradients(&dreg.surrogate);
    tch::manual_seed(seed);
    let model = Conjugate::new(replicates, &x, &loc, &log_scale, 1.0);
    let iwae = iwae_bound(&model.posterior(), &model.prior(), k, |z| {
        model.log_likelihood(z)
    })
    .expect("iwae");
    let [iwae_loc, _, _] = model.gradients(&iwae);
    let var = |g: &Tensor| g.var_dim(0, true, false).double_value(&[0]);
    var(&dreg_loc) / var(&iwae_loc)
}

/// Tucker et al. (2019, §6): the doubly reparameterized encoder gradient has
/// lower variance than the IWAE one, and the gap widens as `k` grows.
/// Measured here (4000 replicates, seed 16): Var(DReG)/Var(IWAE) = 0.122,
/// 0.099 and 0.042 at k = 2, 10, 50; each ratio's sampling error is about
/// 3 %, so the assertions leave a margin of several standard errors.
#[test]
fn dreg_variance_falls_below_iwae_as_k_grows() {
    let ratios: Vec<f64> = [2, 10, 50]
        .iter()
        .map(|&k| variance_ratio(k, 4_000, 16))
        .collect();
    assert!(ratios.iter().all(|&r| r < 0.25), "{ratios:?}");
    assert!(ratios[1] < 0.9 * ratios[0], "{ratios:?}");
    assert!(ratios[2] < 0.6 * ratios[1], "{ratios:?}");
}

/// Rényi divergence between univariate Normals (Gil, Alajaji & Linder 2013):
/// `D_α(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = log(σ₂/σ₁) + log(σ₂²/σ_α²)/(2(α − 1)) +
/// α(μ₁ − μ₂)²/(2σ_α²)`, `σ_α² = ασ₂² + (1 − α)σ₁²` (checked against
/// quadrature with scipy: 0.21583696335427 for α = 0.5, μ = (0.3, 1),
/// σ = (0.9, 1/√2)).
fn renyi_divergence(alpha: f64, (m1, s1): (f64, f64), (m2, s2): (f64, f64)) -> f64 {
    let var = alpha * s2 * s2 + (1.0 - alpha) * s1 * s1;
    (s2 / s1).ln()
        + (s2 * s2 / var).ln() / (2.0 * (alpha - 1.0))
        + alpha * (m1 - m2).powi(2) / (2.0 * var)
}

/// The posterior scales of the Rényi test: `σ_q² ∈ (¼, ¾)`, where
/// `w^(1−α)` has a finite variance for α ∈ {0, ½, 2} (the condition is
/// `(2α − 1)/σ_q² + 2(1 − α)/σ_post² > 0`, `σ_post² = ½`), so that the
/// Monte Carlo value converges at the usual rate.
const RENYI_LOG_SCALE: [f64; 3] = [-0.46, -0.26, -0.6];

#[test]
fn renyi_bound_spans_iwae_and_elbo_and_reaches_its_limit() {
    let model = Conjugate::new(1, &X, &LOC, &RENYI_LOG_SCALE, 1.0);
    let (posterior, prior) = (model.posterior(), model.prior());
    let bound = |alpha: f64, k: i64, seed: i64| {
        tch::manual_seed(seed);
        renyi_bound(&posterior, &prior, alpha, k, |z| model.log_likelihood(z)).expect("renyi")
    };
    tch::manual_seed(3);
    let iwae = iwae_bound(&posterior, &prior, 7, |z| model.log_likelihood(z)).expect("iwae");
    assert_close(&bound(0.0, 7, 3), &values(&iwae), 1e-12, 1e-12);
    tch::manual_seed(3);
    let elbo = monte_carlo_elbo(&posterior, &prior, 7, |z| model.log_likelihood(z)).expect("elbo");
    assert_close(&bound(1.0, 7, 3), &values(&elbo), 1e-12, 1e-12);
    // For fixed draws the bound is a log power mean of the weights: it does
    // not increase with α.
    let by_alpha: Vec<Vec<f64>> = [-1.0, 0.0, 0.5, 0.999, 1.0, 2.0]
        .iter()
        .map(|&a| values(&bound(a, 7, 3)))
        .collect();
    for pair in by_alpha.windows(2) {
        for (larger, smaller) in pair[0].iter().zip(&pair[1]) {
            assert!(smaller <= &(larger + 1e-9), "{by_alpha:?}");
        }
    }
    // With many draws it reaches log p(x) − D_α(q ‖ p(z|x)); p(x) = N(0, 2).
    for alpha in [0.0, 0.5, 2.0] {
        let limit = bound(alpha, 400_000, 4);
        let expected: Vec<f64> = (0..3)
            .map(|i| {
                let log_evidence = -0.5 * (2.0 * PI * 2.0).ln() - X[i] * X[i] / 4.0;
                let q = (LOC[i], RENYI_LOG_SCALE[i].exp());
                log_evidence - renyi_divergence(alpha, q, (X[i] / 2.0, 0.5f64.sqrt()))
            })
            .collect();
        assert_close(&limit, &expected, 0.01, 0.0);
    }
    assert!(matches!(
        renyi_bound(&posterior, &prior, f64::NAN, 3, |z| model.log_likelihood(z)),
        Err(Error::InvalidArgument { name: "alpha", .. })
    ));
}

/// A model small enough to enumerate: `D = 3` Bernoulli latents,
/// `z ~ Bernoulli(½)^D`, `x | z ~ N(w·z, 1)` with one observation per
/// example, posterior `q(z) = Π Bernoulli(sigmoid(φ_d))`.
struct Discrete {
    x: Tensor,
    logits: Tensor,
}

const WEIGHTS: [f64; 3] = [1.0, -2.0, 0.5];
const LOGITS: [f64; 3] = [0.3, -1.0, 1.5];
const X_DISCRETE: f64 = 0.7;

impl Discrete {
    fn new(replicates: i64) -> Self {
        Self {
            x: Tensor::full([replicates], X_DISCRETE, OPTIONS),
            logits: Tensor::from_slice(&LOGITS)
                .expand([replicates, 3], false)
                .contiguous()
                .set_requires_grad(true),
        }
    }

    fn posterior(&self) -> Independent<Bernoulli> {
        Independent::new(Bernoulli::from_logits(&self.logits).expect("logits"), 1).expect("event")
    }

    fn prior() -> Independent<Bernoulli> {
        let half = Tensor::full([3], 0.5, OPTIONS);
        Independent::new(Bernoulli::from_probs(&half).expect("probs"), 1).expect("event")
    }

    /// `log N(x; w·z, 1)` for `z` of shape `[S, R, 3]`: `[S, R]`.
    fn log_likelihood(&self, z: &Tensor) -> vi_core::Result<Tensor> {
        let mean = z.matmul(&Tensor::from_slice(&WEIGHTS));
        Normal::new(&mean, &mean.ones_like())?.log_prob(&self.x)
    }

    /// `∂ loss/∂φ` per replicate, `[R, 3]`.
    fn gradient(&self, objective: &Tensor) -> Tensor {
        Tensor::run_backward(
            &[objective.sum(Kind::Double)],
            &[&self.logits],
            false,
            false,
        )
        .remove(0)
    }
}

/// Every `z ∈ {0, 1}³`, `[8, 3]`.
fn all_states() -> Tensor {
    let rows: Vec<f64> = (0..8)
        .flat_map(|s| (0..3).map(move |d| ((s >> d) & 1) as f64))
        .collect();
    Tensor::from_slice(&rows).reshape([8, 3])
}

/// The exact ELBO `Σ_z q(z) [log p(x, z) − log q(z)]` over the 8 states and
/// its gradient with respect to φ, by autograd.
fn exact_elbo_gradient_discrete() -> Vec<f64> {
    let model = Discrete::new(1);
    let states = all_states().unsqueeze(1); // [8, 1, 3]
    let log_q = model.posterior().log_prob(&states).expect("log q");
    let log_joint = model.log_likelihood(&states).expect("log p(x|z)")
        + Discrete::prior().log_prob(&states).expect("log p(z)");
    let elbo = (log_q.exp() * (log_joint - &log_q)).sum(Kind::Double);
    values(&model.gradient(&elbo))
}

#[test]
fn score_function_gradient_is_unbiased_with_every_baseline() {
    let exact = exact_elbo_gradient_discrete();
    let constant = Tensor::from(-2.0f64);
    let mut spreads = Vec::new();
    for (name, baseline) in [
        ("none", Baseline::None),
        ("leave-one-out", Baseline::LeaveOneOut),
        ("given", Baseline::Given(&constant)),
    ] {
        tch::manual_seed(21);
        let model = Discrete::new(40_000);
        let estimate =
            score_function_elbo(&model.posterior(), &Discrete::prior(), 4, baseline, |z| {
                model.log_likelihood(z)
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let gradient = model.gradient(&estimate.estimate.surrogate);
        assert_unbiased(&gradient, &exact);
        spreads.push(values(&gradient.std_dim(0, true, false)));
    }
    // The leave-one-out baseline lowers the variance of every component.
    for d in 0..3 {
        assert!(spreads[1][d] < 0.8 * spreads[0][d], "{spreads:?}");
    }
}

/// The exact `E[L_k]` for `k = 3` draws, summed over the 8³ triples of
/// states, and its gradient with respect to φ.
fn exact_iwae_gradient_discrete(k: usize) -> Vec<f64> {
    let model = Discrete::new(1);
    let states = all_states().unsqueeze(1);
    let log_q = model
        .posterior()
        .log_prob(&states)
        .expect("log q")
        .squeeze_dim(1); // [8]
    let log_w = (model.log_likelihood(&states).expect("lik")
        + Discrete::prior().log_prob(&states).expect("prior"))
    .squeeze_dim(1)
        - &log_q;
    let mut total = Tensor::zeros([], OPTIONS);
    let mut index = vec![0usize; k];
    loop {
        let chosen = Tensor::from_slice(&index.iter().map(|&i| i as i64).collect::<Vec<_>>());
        let weight = log_q.index_select(0, &chosen).sum(Kind::Double).exp();
        let bound = log_w.index_select(0, &chosen).logsumexp(0, false) - (k as f64).ln();
        total += weight * bound;
        let mut position = 0;
        while position < k {
            index[position] += 1;
            if index[position] < 8 {
                break;
            }
            index[position] = 0;
            position += 1;
        }
        if position == k {
            break;
        }
    }
    values(&model.gradient(&total))
}

#[test]
fn vimco_gradient_is_unbiased_for_the_iwae_bound() {
    let k = 3;
    let exact = exact_iwae_gradient_discrete(k as usize);
    tch::manual_seed(22);
    let model = Discrete::new(40_000);
    let estimate = vimco(&model.posterior(), &Discrete::prior(), k, |z| {
        model.log_likelihood(z)
    })
    .expect("vimco");
    assert_unbiased(&model.gradient(&estimate.surrogate), &exact);
    let model = Discrete::new(2);
    assert!(matches!(
        vimco(&model.posterior(), &Discrete::prior(), 1, |z| model
            .log_likelihood(z)),
        Err(Error::InvalidArgument { name: "k", .. })
    ));
}

#[test]
fn baselines_and_their_errors() {
    let model = Discrete::new(2);
    let posterior = model.posterior();
    assert!(matches!(
        score_function_elbo(
            &posterior,
            &Discrete::prior(),
            1,
            Baseline::LeaveOneOut,
            |z| model.log_likelihood(z)
        ),
        Err(Error::InvalidArgument {
            name: "num_samples",
            ..
        })
    ));
    let wrong = Tensor::zeros([5], OPTIONS);
    assert!(matches!(
        score_function_elbo(
            &posterior,
            &Discrete::prior(),
            3,
            Baseline::Given(&wrong),
            |z| model.log_likelihood(z)
        ),
        Err(Error::ShapeMismatch { .. })
    ));
    let estimate = score_function_elbo(&posterior, &Discrete::prior(), 3, Baseline::None, |z| {
        model.log_likelihood(z)
    })
    .expect("estimate");
    assert_eq!(estimate.signal.size(), [3, 2]);
    assert_eq!(
        estimate.baseline_loss(&Tensor::zeros([2], OPTIONS)).size(),
        [2]
    );

    assert!(DecayingAverageBaseline::new(1.0).is_err());
    let mut average = DecayingAverageBaseline::new(0.9).expect("decay");
    assert!(matches!(average.baseline(), Baseline::None));
    average.update(&Tensor::from_slice(&[1.0f64, 3.0]));
    average.update(&Tensor::from_slice(&[5.0f64, 7.0]));
    // 0.9 · 2 + 0.1 · 6
    match average.baseline() {
        Baseline::Given(value) => assert_close(value, &[2.4], 1e-12, 0.0),
        other => panic!("{other:?}"),
    }
}

/// A closure error comes out of every estimator intact.
#[test]
fn estimators_pass_the_closures_errors_through() {
    let model = Conjugate::new(1, &X, &LOC, &LOG_SCALE, 1.0);
    let (posterior, prior) = (model.posterior(), model.prior());
    let fail = |_: &Tensor| -> vi_core::Result<Tensor> { Err(Error::custom(std::fmt::Error)) };
    assert!(matches!(
        stl_elbo(&posterior, &prior, 2, fail),
        Err(Error::Custom(_))
    ));
    assert!(matches!(
        dreg_iwae(&posterior, &prior, 2, fail),
        Err(Error::Custom(_))
    ));
    assert!(matches!(
        renyi_bound(&posterior, &prior, 0.5, 2, fail),
        Err(Error::Custom(_))
    ));
}
