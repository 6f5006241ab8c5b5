//! [`ComposeTransform`]: a chain `f_n ∘ … ∘ f_1` of transforms, with the
//! event dimensions of its domain and codomain and the summing of its
//! parts' log-Jacobians done as torch's `ComposeTransform` does them.

use tch::Tensor;

use super::{Sign, Transform};
use crate::constraint::Constraint;
use crate::error::{Error, Result};
use crate::toolkit::sum_rightmost;

const NAME: &str = "ComposeTransform";

/// The chain `y = f_n(… f_1(x))` of its parts, applied first to last;
/// with no parts, the identity on the reals (torch's `identity_transform`).
///
/// Event dimensions (as torch): a part may couple more dimensions than
/// the one before it (a [`StickBreakingTransform`](super::StickBreakingTransform)
/// after an elementwise map), so the chain's domain is the first part's
/// domain reinterpreted over the largest number of dimensions any part
/// needs, traced back to the input; its codomain likewise forward.
///
/// `log |det J| = Σᵢ sum_rightmost(log |det J_{fᵢ}|(xᵢ₋₁), dᵢ − domain(fᵢ).event_dim)`
/// with `xᵢ = fᵢ(xᵢ₋₁)` and `dᵢ` the chain's event dimensions at part `i`:
/// every part's term is summed down to the chain's event. Shape: `x`'s
/// without the domain's event dimensions.
///
/// Bijective when every part is; monotone (with the product of the signs)
/// when every part is; the inverse runs the parts' inverses last to first.
#[derive(Debug, Default)]
pub struct ComposeTransform {
    parts: Vec<Box<dyn Transform>>,
}

impl ComposeTransform {
    /// The chain of `parts`, applied in order.
    pub fn new(parts: Vec<Box<dyn Transform>>) -> Self {
        Self { parts }
    }

    /// The identity map (no parts).
    pub fn identity() -> Self {
        Self::default()
    }

    /// The parts, in the order they are applied.
    pub fn parts(&self) -> &[Box<dyn Transform>] {
        &self.parts
    }

    /// Event dimensions of the chain at the input of each part (the `dᵢ`
    /// of the log-Jacobian sum), and at its output.
    fn event_dims(&self) -> (Vec<usize>, usize) {
        let mut event_dim = self.domain().event_dim();
        let mut at_parts = Vec::with_capacity(self.parts.len());
        for part in &self.parts {
            at_parts.push(event_dim);
            event_dim =
                (event_dim + part.codomain().event_dim()).saturating_sub(part.domain().event_dim());
        }
        (at_parts, event_dim)
    }

    /// `x` and every intermediate `fᵢ(…)` through to `y`: `parts.len() + 1`
    /// tensors.
    pub(crate) fn forward_chain(&self, x: &Tensor) -> Result<Vec<Tensor>> {
        let mut chain = Vec::with_capacity(self.parts.len() + 1);
        chain.push(x.shallow_clone());
        for part in &self.parts {
            let next = part.forward(&chain[chain.len() - 1])?;
            chain.push(next);
        }
        Ok(chain)
    }

    /// The log-Jacobian from the chain of values `x₀, …, x_n`.
    fn log_det_from_chain(&self, chain: &[Tensor]) -> Result<Tensor> {
        let (event_dims, _) = self.event_dims();
        let mut total: Option<Tensor> = None;
        for (i, part) in self.parts.iter().enumerate() {
            let term = part.log_abs_det_jacobian(&chain[i], &chain[i + 1])?;
            let term = sum_rightmost_checked(
                NAME,
                &term,
                event_dims[i].saturating_sub(part.domain().event_dim()),
            )?;
            total = Some(match total {
                None => term,
                Some(sum) => sum.f_add(&term)?,
            });
        }
        Ok(total.unwrap_or_else(|| chain[0].zeros_like()))
    }
}

/// The event dimensions of a chain's domain, traced back from its last
/// part (torch's `ComposeTransform.domain`).
fn domain_event_dim(parts: &[Box<dyn Transform>]) -> usize {
    let Some(last) = parts.last() else { return 0 };
    let mut event_dim = last.codomain().event_dim() as i64;
    for part in parts.iter().rev() {
        let (domain, codomain) = (part.domain().event_dim(), part.codomain().event_dim());
        event_dim += domain as i64 - codomain as i64;
        event_dim = event_dim.max(domain as i64);
    }
    event_dim.max(0) as usize
}

/// The event dimensions of a chain's codomain, traced forward from its
/// first part (torch's `ComposeTransform.codomain`).
fn codomain_event_dim(parts: &[Box<dyn Transform>]) -> usize {
    let Some(first) = parts.first() else { return 0 };
    let mut event_dim = first.domain().event_dim() as i64;
    for part in parts {
        let (domain, codomain) = (part.domain().event_dim(), part.codomain().event_dim());
        event_dim += codomain as i64 - domain as i64;
        event_dim = event_dim.max(codomain as i64);
    }
    event_dim.max(0) as usize
}

/// `constraint` reinterpreted over `event_dim` dimensions in all.
fn widened(constraint: Constraint, event_dim: usize) -> Constraint {
    let own = constraint.event_dim();
    constraint.independent(event_dim.saturating_sub(own))
}

impl Transform for ComposeTransform {
    fn name(&self) -> &'static str {
        NAME
    }

    fn domain(&self) -> Constraint {
        match self.parts.first() {
            None => Constraint::Real,
            Some(first) => widened(first.domain(), domain_event_dim(&self.parts)),
        }
    }

    fn codomain(&self) -> Constraint {
        match self.parts.last() {
            None => Constraint::Real,
            Some(last) => widened(last.codomain(), codomain_event_dim(&self.parts)),
        }
    }

    fn bijective(&self) -> bool {
        self.parts.iter().all(|part| part.bijective())
    }

    fn sign(&self) -> Option<Sign> {
        let mut sign = Sign::Increasing;
        for part in &self.parts {
            sign = sign.then(&part.sign()?).ok()?;
        }
        Some(sign)
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mut chain = self.forward_chain(x)?;
        Ok(chain.pop().unwrap_or_else(|| x.shallow_clone()))
    }

    fn inverse(&self, y: &Tensor) -> Result<Tensor> {
        let mut x = y.shallow_clone();
        for part in self.parts.iter().rev() {
            x = part.inverse(&x)?;
        }
        Ok(x)
    }

    /// Recomputes the intermediates `fᵢ(…)` from `x` (torch does too); the
    /// last part is given `y`.
    fn log_abs_det_jacobian(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        let Some(last) = self.parts.len().checked_sub(1) else {
            return Ok(x.zeros_like());
        };
        let mut chain = Vec::with_capacity(self.parts.len() + 1);
        chain.push(x.shallow_clone());
        for part in &self.parts[..last] {
            let next = part.forward(&chain[chain.len() - 1])?;
            chain.push(next);
        }
        chain.push(y.shallow_clone());
        self.log_det_from_chain(&chain)
    }

    /// One pass: each part's `forward_with_log_abs_det_jacobian`.
    fn forward_with_log_abs_det_jacobian(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let (event_dims, _) = self.event_dims();
        let mut value = x.shallow_clone();
        let mut total: Option<Tensor> = None;
        for (part, event_dim) in self.parts.iter().zip(event_dims) {
            let (next, term) = part.forward_with_log_abs_det_jacobian(&value)?;
            let term = sum_rightmost_checked(
                NAME,
                &term,
                event_dim.saturating_sub(part.domain().event_dim()),
            )?;
            total = Some(match total {
                None => term,
                Some(sum) => sum.f_add(&term)?,
            });
            value = next;
        }
        let log_det = total.unwrap_or_else(|| x.zeros_like());
        Ok((value, log_det))
    }

    fn forward_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        let mut shape = shape.to_vec();
        for part in &self.parts {
            shape = part.forward_shape(&shape)?;
        }
        Ok(shape)
    }

    fn inverse_shape(&self, shape: &[i64]) -> Result<Vec<i64>> {
        let mut shape = shape.to_vec();
        for part in self.parts.iter().rev() {
            shape = part.inverse_shape(&shape)?;
        }
        Ok(shape)
    }

    /// The same number of parts, each the same as its counterpart.
    fn same_as(&self, other: &dyn Transform) -> bool {
        super::downcast::<Self>(other).is_some_and(|other| {
            self.parts.len() == other.parts.len()
                && self
                    .parts
                    .iter()
                    .zip(&other.parts)
                    .all(|(a, b)| a.same_as(b.as_ref()))
        })
    }
}

/// [`sum_rightmost`] that refuses to sum more dimensions than `value` has.
///
/// # Errors
/// [`Error::ShapeMismatch`] naming `context`.
pub(crate) fn sum_rightmost_checked(
    context: &'static str,
    value: &Tensor,
    count: usize,
) -> Result<Tensor> {
    if value.dim() < count {
        return Err(Error::ShapeMismatch {
            context,
            left: "log-Jacobian",
            left_shape: value.size(),
            right: "the event dimensions to sum",
            right_shape: vec![count as i64],
        });
    }
    Ok(sum_rightmost(value, count))
}
