//! KL divergences that are infinite because the first distribution puts
//! mass where the second has none (torch's `_kl_*_infinity`): a real-valued
//! or unbounded family against one on `[0, ∞)`, `[0, 1]` or a bounded
//! interval.

use tch::Tensor;

use super::{KlDivergence, check_batches};
use crate::distribution::Distribution;
use crate::distributions::{Beta, Exponential, Gamma, Laplace, Normal, Uniform};
use crate::error::Result;

/// `+∞` of the broadcast batch shape, in `p`'s dtype and device.
fn infinite<P, Q>(p: &P, q: &Q) -> Result<Tensor>
where
    P: Distribution,
    Q: Distribution,
{
    let shape = check_batches(p, q)?;
    Ok(Tensor::f_full(
        shape.as_slice(),
        f64::INFINITY,
        (p.kind(), p.device()),
    )?)
}

/// `impl KlDivergence<$q> for $p` returning `+∞`, documented with the
/// supports that make it so and torch's function.
macro_rules! infinite_kl {
    ($p:ty => $q:ty, $why:literal, $torch:literal) => {
        #[doc = concat!(
            "`KL(", stringify!($p), " ‖ ", stringify!($q), ") = +∞`: ", $why,
            " (torch's `", $torch, "`). Shape: the broadcast batch shape (torch gives `p`'s)."
        )]
        impl KlDivergence<$q> for $p {
            fn kl_divergence(&self, q: &$q) -> Result<Tensor> {
                infinite(self, q)
            }
        }
    };
}

infinite_kl!(Exponential => Beta, "an Exponential has mass above 1, a Beta has none", "_kl_exponential_infinity");
infinite_kl!(Exponential => Uniform, "an Exponential has mass beyond any bounded interval", "_kl_exponential_infinity");
infinite_kl!(Gamma => Beta, "a Gamma has mass above 1, a Beta has none", "_kl_gamma_infinity");
infinite_kl!(Gamma => Uniform, "a Gamma has mass beyond any bounded interval", "_kl_gamma_infinity");
infinite_kl!(Laplace => Beta, "a Laplace has mass below 0, a Beta has none", "_kl_laplace_infinity");
infinite_kl!(Laplace => Exponential, "a Laplace has mass below 0, an Exponential has none", "_kl_laplace_infinity");
infinite_kl!(Laplace => Gamma, "a Laplace has mass below 0, a Gamma has none", "_kl_laplace_infinity");
infinite_kl!(Laplace => Uniform, "a Laplace has mass beyond any bounded interval", "_kl_laplace_infinity");
infinite_kl!(Normal => Beta, "a Normal has mass below 0, a Beta has none", "_kl_normal_infinity");
infinite_kl!(Normal => Exponential, "a Normal has mass below 0, an Exponential has none", "_kl_normal_infinity");
infinite_kl!(Normal => Gamma, "a Normal has mass below 0, a Gamma has none", "_kl_normal_infinity");
infinite_kl!(Normal => Uniform, "a Normal has mass beyond any bounded interval", "_kl_normal_infinity");
