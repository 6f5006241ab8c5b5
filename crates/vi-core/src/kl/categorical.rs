//! `KL(Categorical ‖ Categorical)` and `KL(OneHotCategorical ‖
//! OneHotCategorical)`.

use tch::{Kind, Tensor};

use super::{KlDivergence, check_batches, check_events, unsupported};
use crate::distributions::{Categorical, OneHotCategorical};
use crate::error::Result;

/// ```text
/// KL(Cat(p) ‖ Cat(q)) = Σ_k p_k (log p_k − log q_k)
/// ```
/// on the normalized logits (torch's `_kl_categorical_categorical`): a
/// class with `q_k = 0` contributes `+∞`, then a class with `p_k = 0`
/// contributes 0 (`0 · log 0 = 0`, also where `q_k = 0`). Shape: the
/// broadcast of both batch shapes.
///
/// # Errors
/// [`Error::KlUnsupported`](crate::Error::KlUnsupported) if the numbers of
/// classes differ (torch broadcasts a single class silently);
/// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if the batch shapes
/// do not broadcast.
impl KlDivergence<Categorical> for Categorical {
    fn kl_divergence(&self, q: &Categorical) -> Result<Tensor> {
        let (p_classes, q_classes) = (self.num_events(), q.num_events());
        if p_classes != q_classes {
            let reason = format!("numbers of classes differ ({p_classes} vs {q_classes})");
            return Err(unsupported(self, q, reason));
        }
        check_batches(self, q)?;
        let terms = self.probs() * (self.logits() - q.logits());
        let terms = terms
            .masked_fill(&q.probs().eq(0.0), f64::INFINITY)
            .masked_fill(&self.probs().eq(0.0), 0.0);
        Ok(terms.sum_dim_intlist(-1, false, None::<Kind>))
    }
}

/// The KL of the underlying [`Categorical`]s (torch's
/// `_kl_onehotcategorical_onehotcategorical`).
///
/// # Errors
/// As `KL(Categorical ‖ Categorical)`.
impl KlDivergence<OneHotCategorical> for OneHotCategorical {
    fn kl_divergence(&self, q: &OneHotCategorical) -> Result<Tensor> {
        check_events(self, q)?;
        self.categorical().kl_divergence(q.categorical())
    }
}
