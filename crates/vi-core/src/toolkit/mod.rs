//! The pieces vi-core's own families are built from, public so that a
//! family of your own checks, broadcasts and reports errors exactly as
//! vi-core's do.
//!
//! | Item | What |
//! |------|------|
//! | [`broadcast_params`], [`Params`], [`check_floating`], [`check_same_place`] | floating-point check, one dtype and device (a 0-d CPU tensor may join parameters on another device), broadcast batch shape (torch's `broadcast_all`) |
//! | [`check_finite`], [`check_positive`], [`check_unit_interval`], [`check_constraint`] | value checks of parameters, skipped while [`validation`](crate::validation) is off |
//! | [`validate_value`] | a `log_prob` argument against the distribution's shapes and device |
//! | [`broadcast_shapes`], [`broadcast_pair`], [`extended_shape`], [`sum_rightmost`], [`check_positive_count`], [`check_expand`] | shape arithmetic |
//! | [`machine_epsilon`], [`tiny`], [`clamp_probs`], [`probs_to_logits`], [`logits_to_probs`] | torch's `finfo` and probability helpers |
//!
//! # A family of your own
//!
//! The Gumbel distribution `Gumbel(μ, β)`, `log p(x) = −(z + e^{−z}) − log β`
//! with `z = (x − μ)/β`, written as vi-core writes its families:
//!
//! ```
//! use tch::{Device, Kind, Tensor};
//! use vi_core::toolkit;
//! use vi_core::{Constraint, Distribution, Result, Rsample};
//!
//! #[derive(Debug)]
//! struct Gumbel {
//!     loc: Tensor,
//!     scale: Tensor,
//!     batch_shape: Vec<i64>,
//! }
//!
//! impl Gumbel {
//!     fn new(loc: &Tensor, scale: &Tensor) -> Result<Self> {
//!         let params = toolkit::broadcast_params("Gumbel", &[("loc", loc), ("scale", scale)])?;
//!         let batch_shape = params.batch_shape.clone();
//!         let [loc, scale] = params.into_array()?;
//!         toolkit::check_finite("Gumbel", "loc", &loc)?;
//!         toolkit::check_positive("Gumbel", "scale", &scale)?;
//!         let (loc, scale) = (loc.expand(&batch_shape, false), scale.expand(&batch_shape, false));
//!         Ok(Self { loc, scale, batch_shape })
//!     }
//! }
//!
//! impl Distribution for Gumbel {
//!     fn name(&self) -> &'static str { "Gumbel" }
//!     fn batch_shape(&self) -> &[i64] { &self.batch_shape }
//!     fn event_shape(&self) -> &[i64] { &[] }
//!     fn kind(&self) -> Kind { self.loc.kind() }
//!     fn device(&self) -> Device { self.loc.device() }
//!     fn support(&self) -> Constraint { Constraint::Real }
//!     fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
//!         tch::no_grad(|| self.rsample(sample_shape))
//!     }
//!     fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
//!         let value = toolkit::validate_value(self, value)?;
//!         let z = (value - &self.loc) / &self.scale;
//!         Ok(-(&z + (-&z).exp()) - self.scale.log())
//!     }
//!     fn entropy(&self) -> Result<Tensor> {
//!         const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;
//!         Ok(self.scale.log() + 1.0 + EULER_GAMMA)
//!     }
//!     fn mean(&self) -> Result<Tensor> {
//!         Ok(&self.loc + &self.scale * 0.577_215_664_901_532_9)
//!     }
//!     fn variance(&self) -> Result<Tensor> {
//!         Ok(self.scale.square() * (std::f64::consts::PI.powi(2) / 6.0))
//!     }
//! }
//!
//! impl Rsample for Gumbel {
//!     /// `x = μ − β log(−log u)`, `u ~ U(0, 1)` clamped away from 0 and 1.
//!     fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
//!         let shape = toolkit::extended_shape("Gumbel", sample_shape, &self.batch_shape, &[])?;
//!         let u = toolkit::clamp_probs(&Tensor::rand(shape.as_slice(), (self.kind(), self.device())));
//!         Ok(&self.loc - &self.scale * u.log().neg().log())
//!     }
//! }
//!
//! # fn main() -> Result<()> {
//! let gumbel = Gumbel::new(&Tensor::from_slice(&[0.0f32, 1.0]), &Tensor::from(2.0f32))?;
//! assert_eq!(gumbel.batch_shape(), [2]);
//! assert!(Gumbel::new(&Tensor::from(0.0f32), &Tensor::from(-1.0f32)).is_err());
//! let x = gumbel.rsample(&[5])?;
//! assert_eq!(gumbel.log_prob(&x)?.size(), [5, 2]);
//! # Ok(())
//! # }
//! ```

mod checks;
mod params;
mod probs;
mod shape;
mod special;
mod value;

pub use checks::{check_constraint, check_finite, check_positive, check_unit_interval};
pub use params::{Params, broadcast_params, check_floating, check_same_place};
pub use probs::{clamp_probs, logits_to_probs, machine_epsilon, probs_to_logits, tiny};
pub use shape::{
    broadcast_pair, broadcast_shapes, check_expand, check_positive_count, extended_shape,
    sum_rightmost,
};
pub use special::{digamma_half_difference, in_float64, lgamma_half_difference};
pub use value::validate_value;

pub(crate) use checks::any;
