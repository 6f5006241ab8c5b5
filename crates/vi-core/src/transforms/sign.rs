//! [`Sign`]: whether an elementwise monotone transform increases or
//! decreases, the quantity torch's `_monotonize_cdf` multiplies.

use tch::Tensor;

use crate::error::Result;

/// The direction of an elementwise monotone map (torch's
/// `Transform.sign`: `+1`, `−1`, or a tensor of signs).
#[derive(Debug)]
pub enum Sign {
    /// Increasing everywhere (`+1`).
    Increasing,
    /// Decreasing everywhere (`−1`).
    Decreasing,
    /// A batch of maps with one sign each: a tensor of `+1`/`−1` (`0`
    /// where a map is constant) that broadcasts against the values, as
    /// an [`AffineTransform`](super::AffineTransform) with a tensor
    /// `scale` has.
    Elementwise(Tensor),
}

impl Clone for Sign {
    fn clone(&self) -> Self {
        match self {
            Self::Increasing => Self::Increasing,
            Self::Decreasing => Self::Decreasing,
            Self::Elementwise(signs) => Self::Elementwise(signs.shallow_clone()),
        }
    }
}

impl Sign {
    /// The sign of the composition of two monotone maps: the product.
    ///
    /// # Errors
    /// [`Error::Torch`](crate::Error::Torch) if two tensors of signs do not
    /// broadcast.
    pub fn then(&self, next: &Sign) -> Result<Sign> {
        Ok(match (self, next) {
            (Self::Increasing, other) | (other, Self::Increasing) => other.clone(),
            (Self::Decreasing, Self::Decreasing) => Self::Increasing,
            (Self::Decreasing, Self::Elementwise(s)) | (Self::Elementwise(s), Self::Decreasing) => {
                Self::Elementwise(s.neg())
            }
            (Self::Elementwise(a), Self::Elementwise(b)) => Self::Elementwise(a.f_mul(b)?),
        })
    }

    /// torch's `_monotonize_cdf`: `p` unchanged for an increasing map,
    /// else `sign · (p − ½) + ½` (so `1 − p` where the map decreases).
    ///
    /// # Errors
    /// [`Error::Torch`](crate::Error::Torch) if a tensor of signs does not
    /// broadcast with `p`.
    pub fn monotonize(&self, p: &Tensor) -> Result<Tensor> {
        Ok(match self {
            Self::Increasing => p.shallow_clone(),
            Self::Decreasing => (p - 0.5).neg() + 0.5,
            Self::Elementwise(signs) => signs.f_mul(&(p - 0.5))? + 0.5,
        })
    }
}
