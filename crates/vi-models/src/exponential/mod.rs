//! Tutorial 2, first half: `z ~ Exp(λ)`, `xᵢ | z ~ N(z, σ²)`. What can be
//! computed without optimisation ([`ExponentialPosterior`]: the grid
//! posterior, θ*, the KL curve over a [`Linspace`] of rates) and the
//! variational fit of `q_θ = Exp(θ)` by SGD ([`ExponentialVariational`]).

pub(crate) mod linspace;
pub(crate) mod posterior;
mod variational;

pub use linspace::Linspace;
pub use posterior::{ExponentialPosterior, ExponentialPosteriorConfig, KlCurve};
pub use variational::{ExponentialVariational, ExponentialVariationalConfig, ThetaTrace};
