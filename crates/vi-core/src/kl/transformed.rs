//! `KL(TransformedDistribution ‖ TransformedDistribution)` and the
//! families built on it: the KL of the bases when both push them through
//! the same transforms (torch's `_kl_transformed_transformed`), and the
//! half-normal pair torch registers on its own.

use tch::Tensor;

use super::{KlDivergence, check_batches, check_events, unsupported};
use crate::distribution::Distribution;
use crate::distributions::{HalfNormal, LogNormal, TanhNormal, TransformedDistribution};
use crate::error::Result;
use crate::toolkit::sum_rightmost;

/// `KL(f(P) ‖ f(Q)) = KL(P ‖ Q)` for one bijection `f` (the KL divergence
/// is invariant under a change of variables applied to both; torch's
/// `_kl_transformed_transformed`). The transforms must be the same
/// ([`Transform::same_as`](crate::Transform::same_as), pairwise) and the
/// event shapes equal; base dimensions scored as events are summed as
/// torch's `Independent` pair sums them.
///
/// # Errors
/// [`Error::KlUnsupported`](crate::Error::KlUnsupported) if the transforms
/// differ (torch raises `NotImplementedError`), the event shapes differ, or
/// the bases reinterpret different numbers of dimensions; the bases' KL
/// errors.
impl<P, Q> KlDivergence<TransformedDistribution<Q>> for TransformedDistribution<P>
where
    P: KlDivergence<Q> + Distribution,
    Q: Distribution,
{
    fn kl_divergence(&self, q: &TransformedDistribution<Q>) -> Result<Tensor> {
        let (mine, theirs) = (self.transforms(), q.transforms());
        let same = mine.len() == theirs.len()
            && mine.iter().zip(theirs).all(|(a, b)| a.same_as(b.as_ref()));
        if !same {
            return Err(unsupported(
                self,
                q,
                "the transforms differ, so the KL is not the bases' KL".to_string(),
            ));
        }
        check_events(self, q)?;
        let (p_dims, q_dims) = (
            self.reinterpreted_batch_ndims(),
            q.reinterpreted_batch_ndims(),
        );
        if p_dims != q_dims {
            return Err(unsupported(
                self,
                q,
                format!(
                    "the bases reinterpret different numbers of dimensions ({p_dims} vs {q_dims})"
                ),
            ));
        }
        check_batches(self, q)?;
        Ok(sum_rightmost(&self.base().kl_divergence(q.base())?, p_dims))
    }
}

/// `KL(LogNormal(μ₁, σ₁) ‖ LogNormal(μ₂, σ₂)) = KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²))`:
/// both are `exp` of their Normal (torch reaches it through
/// `_kl_transformed_transformed`).
impl KlDivergence<LogNormal> for LogNormal {
    fn kl_divergence(&self, q: &LogNormal) -> Result<Tensor> {
        self.as_transformed().kl_divergence(q.as_transformed())
    }
}

/// `KL(HalfNormal(σ₁) ‖ HalfNormal(σ₂)) = KL(N(0, σ₁²) ‖ N(0, σ₂²)) =
/// log(σ₂/σ₁) + σ₁²/(2σ₂²) − ½`: folding both at 0 keeps the density ratio
/// (torch's `_kl_halfnormal_halfnormal`).
impl KlDivergence<HalfNormal> for HalfNormal {
    fn kl_divergence(&self, q: &HalfNormal) -> Result<Tensor> {
        self.base().kl_divergence(q.base())
    }
}

/// `KL(tanh(N(μ₁, σ₁²)) ‖ tanh(N(μ₂, σ₂²))) = KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²))`
/// (torch's `_kl_transformed_transformed` for the composite).
impl KlDivergence<TanhNormal> for TanhNormal {
    fn kl_divergence(&self, q: &TanhNormal) -> Result<Tensor> {
        self.as_transformed().kl_divergence(q.as_transformed())
    }
}
