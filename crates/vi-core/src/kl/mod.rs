//! Kullback–Leibler divergences `KL(p ‖ q) = E_p[log p(x) − log q(x)]`:
//! closed forms per pair of families (torch's `kl.py`), tables of formulas
//! a caller can extend, and a Monte Carlo estimator for any pair.
//!
//! vi-core's own pairs are the impls of [`KlDivergence`]: a pair is
//! available exactly when `P: KlDivergence<Q>`, and asking for a pair with
//! no closed form is a compile error, never a silent wrong number:
//!
//! ```compile_fail
//! use tch::Tensor;
//! use vi_core::{Bernoulli, Normal, kl_divergence};
//! let p = Bernoulli::from_logits(&Tensor::from(0.0f32)).unwrap();
//! let q = Normal::new(&Tensor::from(0.0f32), &Tensor::from(1.0f32)).unwrap();
//! let _ = kl_divergence(&p, &q); // Bernoulli: KlDivergence<Normal> is not implemented
//! ```
//!
//! Pairs that type-check but cannot be compared (different event shapes,
//! `Independent` wrappers over different numbers of dimensions) give
//! [`Error::KlUnsupported`] naming both families.
//!
//! # Supplying a KL of your own
//!
//! Rust's orphan rule forbids `impl KlDivergence<vi_core::Exponential> for
//! vi_core::Normal` outside vi-core, so a formula vi-core lacks goes into a
//! *table* of your own: a type of yours implementing [`KlRule`] for the
//! pair (allowed, because the table type is local). Hand the table to
//! [`kl_divergence_with`] or [`analytic_kl_elbo_with`](crate::analytic_kl_elbo_with);
//! a pair the table lacks is still a compile error. [`BuiltinKl`] is
//! vi-core's own table, [`MonteCarloKl`] estimates any pair by sampling
//! (the explicit opt-in for pairs without a formula).
//!
//! ```
//! use tch::Tensor;
//! use vi_core::{Distribution, Exponential, KlRule, Result, kl_divergence_with};
//!
//! /// `KL(Exp(λ) ‖ Exp(1))` written out, as a table of this crate's.
//! struct MyKl;
//! impl KlRule<Exponential, Exponential> for MyKl {
//!     fn kl_divergence(&self, p: &Exponential, q: &Exponential) -> Result<Tensor> {
//!         Ok(p.rate().log() - q.rate().log() + q.rate() / p.rate() - 1.0)
//!     }
//! }
//!
//! # fn main() -> Result<()> {
//! let p = Exponential::new(&Tensor::from(2.0f64))?;
//! let q = Exponential::new(&Tensor::from(1.0f64))?;
//! let mine = kl_divergence_with(&MyKl, &p, &q)?;
//! let builtin = vi_core::kl_divergence(&p, &q)?;
//! assert!((mine - builtin).abs().double_value(&[]) < 1e-12);
//! # Ok(())
//! # }
//! ```

mod bernoulli;
mod beta;
mod categorical;
mod dirichlet;
mod disjoint;
mod exponential;
mod gamma;
mod independent;
mod laplace;
mod low_rank_multivariate_normal;
mod multivariate_normal;
mod normal;
mod transformed;
mod uniform;

use tch::{Kind, Tensor};

use crate::distribution::Distribution;
use crate::error::{Error, Result};
use crate::toolkit::{broadcast_pair, check_positive_count};

/// An analytic `KL(self ‖ q)` between two of vi-core's families.
pub trait KlDivergence<Q: ?Sized> {
    /// `KL(self ‖ q)`, shape: the broadcast of both batch shapes.
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if the batch shapes do not broadcast;
    /// [`Error::KlUnsupported`] if the event spaces differ.
    fn kl_divergence(&self, q: &Q) -> Result<Tensor>;
}

/// `KL(p ‖ q)` by the closed form for the pair (torch's
/// `torch.distributions.kl_divergence`).
///
/// # Errors
/// As [`KlDivergence::kl_divergence`].
pub fn kl_divergence<P, Q>(p: &P, q: &Q) -> Result<Tensor>
where
    P: KlDivergence<Q> + ?Sized,
    Q: ?Sized,
{
    p.kl_divergence(q)
}

/// A table of KL formulas: `KL(p ‖ q)` for the pairs `(P, Q)` it
/// implements. Implement it for a type of your own to supply pairs that
/// vi-core lacks, including pairs of vi-core's families (see the module
/// docs); [`BuiltinKl`] and [`MonteCarloKl`] are vi-core's tables.
pub trait KlRule<P: ?Sized, Q: ?Sized> {
    /// `KL(p ‖ q)`, shape: the broadcast of both batch shapes.
    ///
    /// # Errors
    /// Whatever the formula refuses (shapes that do not broadcast, event
    /// spaces that differ).
    fn kl_divergence(&self, p: &P, q: &Q) -> Result<Tensor>;
}

/// vi-core's own table: every pair with a [`KlDivergence`] impl.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuiltinKl;

impl<P, Q> KlRule<P, Q> for BuiltinKl
where
    P: KlDivergence<Q> + ?Sized,
    Q: ?Sized,
{
    fn kl_divergence(&self, p: &P, q: &Q) -> Result<Tensor> {
        p.kl_divergence(q)
    }
}

/// A table that estimates every pair by Monte Carlo ([`monte_carlo_kl`]
/// with `num_samples` draws of `p`, no gradient): the explicit opt-in for a
/// pair with no closed form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonteCarloKl {
    /// Draws per estimate.
    pub num_samples: i64,
}

impl<P, Q> KlRule<P, Q> for MonteCarloKl
where
    P: Distribution + ?Sized,
    Q: Distribution + ?Sized,
{
    fn kl_divergence(&self, p: &P, q: &Q) -> Result<Tensor> {
        monte_carlo_kl(p, q, self.num_samples)
    }
}

/// `KL(p ‖ q)` from the table `rules`: [`BuiltinKl`], [`MonteCarloKl`], or a
/// table of your own.
///
/// # Errors
/// As the table's [`KlRule::kl_divergence`].
pub fn kl_divergence_with<R, P, Q>(rules: &R, p: &P, q: &Q) -> Result<Tensor>
where
    R: KlRule<P, Q> + ?Sized,
    P: ?Sized,
    Q: ?Sized,
{
    rules.kl_divergence(p, q)
}

/// Monte Carlo estimate `KL(p ‖ q) ≈ (1/S) Σₛ [log p(xₛ) − log q(xₛ)]`,
/// `xₛ ~ p`, for any pair where `p` can be sampled; shape: the broadcast
/// batch shape. Unbiased, with standard error `sd(log p − log q) / √S`.
///
/// The draws use `sample` and carry no gradient; to train through a KL
/// with no closed form, use [`monte_carlo_elbo`](crate::monte_carlo_elbo).
///
/// # Errors
/// [`Error::InvalidArgument`] if `num_samples < 1`; the errors of
/// `log_prob` if `q` does not accept `p`'s samples.
pub fn monte_carlo_kl<P, Q>(p: &P, q: &Q, num_samples: i64) -> Result<Tensor>
where
    P: Distribution + ?Sized,
    Q: Distribution + ?Sized,
{
    check_positive_count("monte_carlo_kl", "num_samples", num_samples)?;
    let samples = p.sample(&[num_samples])?;
    // Fallible ops: families of the caller's own may return any shape.
    let log_ratio = p.log_prob(&samples)?.f_sub(&q.log_prob(&samples)?)?;
    Ok(log_ratio.f_mean_dim(0, false, None::<Kind>)?)
}

/// The broadcast of both batch shapes, the shape of a KL between them.
///
/// # Errors
/// [`Error::DeviceMismatch`] if the two live on different devices;
/// [`Error::ShapeMismatch`] if the batch shapes do not broadcast.
pub(crate) fn check_batches<P, Q>(p: &P, q: &Q) -> Result<Vec<i64>>
where
    P: Distribution + ?Sized,
    Q: Distribution + ?Sized,
{
    if p.device() != q.device() {
        return Err(Error::DeviceMismatch {
            context: "kl_divergence",
            name: "q",
            expected: p.device(),
            found: q.device(),
        });
    }
    broadcast_pair(
        "kl_divergence",
        ("p.batch_shape", p.batch_shape()),
        ("q.batch_shape", q.batch_shape()),
    )
}

/// Both of one element type, for the pairs whose matrix products do not
/// promote types.
///
/// # Errors
/// [`Error::Dtype`] naming `q`.
pub(crate) fn check_kinds<P, Q>(p: &P, q: &Q) -> Result<()>
where
    P: Distribution + ?Sized,
    Q: Distribution + ?Sized,
{
    if p.kind() == q.kind() {
        return Ok(());
    }
    Err(Error::Dtype {
        context: "kl_divergence",
        name: "q",
        expected: "the element type of p (matrix products do not promote)",
        found: q.kind(),
    })
}

/// KL compares distributions on one space: the event shapes must be equal.
///
/// # Errors
/// [`Error::KlUnsupported`] naming both families.
pub(crate) fn check_events<P, Q>(p: &P, q: &Q) -> Result<()>
where
    P: Distribution + ?Sized,
    Q: Distribution + ?Sized,
{
    if p.event_shape() == q.event_shape() {
        return Ok(());
    }
    let reason = format!(
        "event shapes differ ({:?} vs {:?})",
        p.event_shape(),
        q.event_shape()
    );
    Err(unsupported(p, q, reason))
}

/// [`Error::KlUnsupported`] for the pair, with `reason`.
pub(crate) fn unsupported<P, Q>(p: &P, q: &Q, reason: String) -> Error
where
    P: Distribution + ?Sized,
    Q: Distribution + ?Sized,
{
    Error::KlUnsupported {
        p: p.name().to_string(),
        q: q.name().to_string(),
        reason,
    }
}
