//! The score-function (REINFORCE) gradient of the ELBO, with baselines,
//! for posteriors without a reparameterized sampler.

use tch::{Kind, Tensor};

use super::Estimate;
use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::toolkit::check_positive_count;

/// What is subtracted from the learning signal `fₛ = log wₛ` before it
/// multiplies `∇ log q(zₛ)`: any quantity independent of `zₛ` keeps the
/// estimator unbiased and a good one lowers its variance (Williams 1992;
/// Ranganath, Gerrish & Blei 2014, §3; Pyro's `TraceGraph_ELBO`).
#[derive(Debug, Clone, Copy)]
pub enum Baseline<'a> {
    /// No baseline: plain REINFORCE.
    None,
    /// For draw `s`, the mean signal of the other draws,
    /// `bₛ = (1/(S−1)) Σ_{t≠s} f_t` (the leave-one-out baseline of Kool et al.
    /// 2019 and Mnih & Rezende 2016); needs `S ≥ 2`.
    LeaveOneOut,
    /// A baseline of the caller's: a tensor broadcastable to `[S] + B` (a
    /// constant, a [`DecayingAverageBaseline`], or a learned,
    /// input-dependent one such as NVIL's, trained on
    /// [`ScoreFunctionEstimate::baseline_loss`]); used without gradient.
    Given(&'a Tensor),
}

/// The score-function estimate: the objective and surrogate, and the
/// learning signal a learned baseline is fitted to.
#[derive(Debug)]
pub struct ScoreFunctionEstimate {
    /// The ELBO's value and the surrogate to maximize, shape `B`.
    pub estimate: Estimate,
    /// The learning signal `fₛ = log p(x, zₛ) − log q(zₛ | x)`, shape
    /// `[S] + B`, without gradient.
    pub signal: Tensor,
}

impl ScoreFunctionEstimate {
    /// `(1/S) Σₛ (fₛ − bₛ)²`, shape `B`: the loss that fits a learned
    /// baseline `b` (shape broadcastable to `[S] + B`, with gradient) to the
    /// signal (Mnih & Gregor 2014, NVIL, §3.1).
    pub fn baseline_loss(&self, baseline: &Tensor) -> Tensor {
        (&self.signal - baseline)
            .square()
            .mean_dim(0, false, None::<Kind>)
    }
}

/// The ELBO with the score-function (REINFORCE, likelihood-ratio) gradient
/// (Williams 1992; Ranganath, Gerrish & Blei 2014, "Black Box Variational
/// Inference", eq. 3), for posteriors without a reparameterized sampler
/// (Bernoulli or Categorical latents):
///
/// ```text
/// ∇ ELBO = E_q[ ∇ log w(z) + (log w(z) − b) ∇ log q(z) ],   log w = log p(x, z) − log q(z)
/// surrogate(x) = (1/S) Σₛ [ log wₛ + ⊥(log wₛ − bₛ) · log q(zₛ) ],   zₛ ~ q (no gradient)
/// ```
///
/// (`⊥` stops gradients). Gradients reach the model (closure, prior)
/// through `log wₛ` and the posterior through `log q`; the estimator is
/// unbiased for every baseline independent of `zₛ`.
///
/// Shape `posterior.batch_shape()`; `estimate.objective` is the Monte
/// Carlo ELBO's value.
///
/// # Errors
/// [`Error::InvalidArgument`] if `num_samples < 1`, or `< 2` with
/// [`Baseline::LeaveOneOut`]; [`Error::ShapeMismatch`] if a given baseline
/// does not broadcast to `[S] + B`; as
/// [`monte_carlo_elbo`](crate::monte_carlo_elbo) otherwise.
pub fn score_function_elbo<Q, P, F>(
    posterior: &Q,
    prior: &P,
    num_samples: i64,
    baseline: Baseline<'_>,
    log_likelihood: F,
) -> Result<ScoreFunctionEstimate>
where
    Q: Distribution + ?Sized,
    P: Distribution + ?Sized,
    F: FnOnce(&Tensor) -> Result<Tensor>,
{
    const CONTEXT: &str = "score_function_elbo";
    check_positive_count(CONTEXT, "num_samples", num_samples)?;
    if matches!(baseline, Baseline::LeaveOneOut) && num_samples < 2 {
        return Err(Error::InvalidArgument {
            context: CONTEXT,
            name: "num_samples",
            expected: "at least 2 for the leave-one-out baseline",
            found: num_samples.to_string(),
        });
    }
    let z = posterior.sample(&[num_samples])?;
    let log_q = posterior.log_prob(&z)?;
    let log_lik = super::checked_likelihood(CONTEXT, posterior, num_samples, log_likelihood(&z)?)?;
    let log_weights = log_lik + prior.log_prob(&z)? - &log_q;
    if log_weights.size()[1..] != *posterior.batch_shape() {
        return Err(super::prior_too_large(CONTEXT, posterior, prior));
    }
    let signal = log_weights.detach();
    let centred = match baseline {
        Baseline::None => signal.shallow_clone(),
        Baseline::LeaveOneOut => {
            let total = signal.sum_dim_intlist(0, true, None::<Kind>);
            &signal - (total - &signal) / (num_samples - 1) as f64
        }
        Baseline::Given(given) => {
            let shape = signal.size();
            if crate::toolkit::broadcast_shapes(&given.size(), &shape).as_deref() != Some(&shape) {
                return Err(Error::ShapeMismatch {
                    context: CONTEXT,
                    left: "baseline",
                    left_shape: given.size(),
                    right: "signal ([S] + batch_shape)",
                    right_shape: shape,
                });
            }
            &signal - given.detach()
        }
    };
    let surrogate = (log_weights + centred * log_q).mean_dim(0, false, None::<Kind>);
    Ok(ScoreFunctionEstimate {
        estimate: Estimate {
            objective: signal.mean_dim(0, false, None::<Kind>),
            surrogate,
        },
        signal,
    })
}

/// An exponentially decaying average of the learning signal, the
/// baseline Pyro's `use_decaying_avg_baseline` keeps:
/// `b ← β b + (1 − β) mean(f)` after each step (0-d, without gradient).
#[derive(Debug)]
pub struct DecayingAverageBaseline {
    decay: f64,
    value: Option<Tensor>,
}

impl DecayingAverageBaseline {
    /// An average with decay `β ∈ [0, 1)` (Pyro's default: 0.9), empty
    /// until the first [`update`](Self::update).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `decay` outside `[0, 1)`.
    pub fn new(decay: f64) -> Result<Self> {
        if !(0.0..1.0).contains(&decay) {
            return Err(Error::InvalidArgument {
                context: "DecayingAverageBaseline",
                name: "decay",
                expected: "in [0, 1)",
                found: decay.to_string(),
            });
        }
        Ok(Self { decay, value: None })
    }

    /// The baseline to pass to [`score_function_elbo`]: the current average,
    /// or none before the first update.
    pub fn baseline(&self) -> Baseline<'_> {
        self.value.as_ref().map_or(Baseline::None, Baseline::Given)
    }

    /// Folds the mean of a step's `signal` into the average.
    pub fn update(&mut self, signal: &Tensor) {
        let mean = signal.detach().mean(None::<Kind>);
        self.value = Some(match self.value.take() {
            Some(value) => value * self.decay + mean * (1.0 - self.decay),
            None => mean,
        });
    }
}
