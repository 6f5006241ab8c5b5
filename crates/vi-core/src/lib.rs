//! Tensor distributions, KL divergences and ELBO estimators for variational
//! inference on libtorch, through [`tch`].
//!
//! The vocabulary is torch.distributions': a [`Distribution`] has a batch
//! shape and an event shape, `sample` draws without gradient, `rsample`
//! (the [`Rsample`] trait, only for reparameterizable families) draws with
//! gradients flowing to the parameters, and `log_prob`, `entropy`, `mean`,
//! `variance` follow. Seeded draws consume libtorch's generator exactly as
//! PyTorch does, so `tch::manual_seed(s)` reproduces a PyTorch script's
//! samples after `torch.manual_seed(s)` on the CPU.
//!
//! | Item | What |
//! |------|------|
//! | [`Normal`] | `N(μ, σ²)` from `scale`, `log_scale` or `log_var` |
//! | [`Exponential`] | `Exp(λ)`, reparameterized as `e / λ` |
//! | [`Bernoulli`] | from logits (stable) or probabilities |
//! | [`Independent`] | batch dims reinterpreted as event dims (diagonal Gaussians) |
//! | [`MultivariateNormal`] | `N(μ, LLᵀ)` from `scale_tril` |
//! | [`LowRankMultivariateNormal`] | `N(μ, WWᵀ + D)`, low rank plus diagonal |
//! | [`Categorical`], [`OneHotCategorical`], [`OneHotCategoricalStraightThrough`] | classes `{0, …, K − 1}` or one-hot vectors, from probabilities or logits |
//! | [`MixtureSameFamily`] | `Σₖ πₖ pₖ(x)`, a mixture of one family's components |
//! | [`LogNormal`], [`HalfNormal`], [`TanhNormal`] | `exp`, `|·|` and `tanh` of a Normal, with torch's closed forms |
//! | [`RelaxedBernoulli`], [`RelaxedOneHotCategorical`] | Concrete / Gumbel-softmax relaxations (over [`LogitRelaxedBernoulli`], [`ExpRelaxedCategorical`]) |
//! | [`TransformedDistribution`] | a base pushed through transforms; flows score their own samples |
//! | [`Uniform`], [`Laplace`] | `U[low, high)` and the double exponential |
//! | [`Gamma`], [`Beta`], [`Dirichlet`], [`StudentT`] | implicitly reparameterized through libtorch's standard-gamma sampler (Figurnov et al. 2018) |
//! | [`Distribution`], [`Rsample`], [`Expand`], [`Detach`] | the traits every family implements |
//! | [`Constraint`] | supports and parameter sets (torch's `constraints`) |
//! | [`Transform`], [`transforms`] | differentiable maps with log-Jacobians (torch's `transforms`): affine, exp, sigmoid, tanh, softplus, stick-breaking, composition, … |
//! | [`biject_to`], [`transform_to`] | the transform from the reals onto a [`Constraint`] (torch's `constraint_registry`) |
//! | [`kl_divergence`], [`KlDivergence`] | closed-form KL per pair; a missing pair does not compile |
//! | [`KlRule`], [`kl_divergence_with`], [`BuiltinKl`], [`MonteCarloKl`] | tables of KL formulas, open to your own pairs |
//! | [`monte_carlo_kl`] | `E_p[log p − log q]` for any pair |
//! | [`GridPosterior`] | numerical 1-D posterior and `KL(q ‖ p_grid)` |
//! | [`analytic_kl_elbo`], [`analytic_kl_elbo_with`], [`monte_carlo_elbo`] | per-example ELBOs (Kingma & Welling 2014) |
//! | [`iwae_bound`], [`importance_log_likelihood`] | importance-weighted bound and `log p(x)` (Burda et al. 2015) |
//! | [`stl_elbo`], [`dreg_iwae`] | path-derivative gradients: "sticking the landing" (Roeder et al. 2017), doubly reparameterized IWAE (Tucker et al. 2019) |
//! | [`renyi_bound`] | the variational Rényi bound (Li & Turner 2016) |
//! | [`score_function_elbo`], [`vimco`] | score-function gradients with baselines for discrete latents (Ranganath et al. 2014; Mnih & Rezende 2016) |
//! | [`toolkit`] | the checks and shape helpers vi-core's families are built from, for a family of your own |
//! | [`validation`] | switch parameter checks off in trusted hot loops (torch's `validate_args`) |
//!
//! Constructors validate their parameters and return [`Error`] (a negative
//! scale, probabilities outside `[0, 1]`, shapes that do not broadcast), so
//! a bad parameter is reported where it enters, not as a NaN later. The
//! value checks cost a device synchronisation each; [`validation`] turns
//! them off where the caller vouches for the parameters. No method panics
//! on user input: what a family lacks is [`Error::NotImplemented`].
//! Parameters keep their dtype and device: float32 and float64 both work.
//! vi-core does no I/O and prints nothing.
//!
//! # Example: fit a posterior by maximising an ELBO
//!
//! Fifty observations `xᵢ ~ N(2, 1)`; the model is `z ~ N(0, 1)`,
//! `xᵢ | z ~ N(z, 1)`; the variational posterior `q(z) = N(m, e^{2s})` is
//! fitted by gradient ascent on the analytic-KL ELBO and lands on the exact
//! posterior `N(Σxᵢ/(n+1), 1/(n+1))`.
//!
//! ```
//! use tch::nn::{self, OptimizerConfig};
//! use tch::{Device, Kind, Tensor};
//! use vi_core::{Distribution, Normal, analytic_kl_elbo};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! tch::manual_seed(0);
//! let num_data = 50;
//! let data = Tensor::randn([num_data], (Kind::Float, Device::Cpu)) + 2.0;
//! let unit = Tensor::from(1.0f32);
//! let prior = Normal::new(&Tensor::from(0.0f32), &unit)?;
//!
//! let vs = nn::VarStore::new(Device::Cpu);
//! let loc = vs.root().zeros("loc", &[]);
//! let log_scale = vs.root().zeros("log_scale", &[]);
//! let mut optimizer = nn::Adam::default().build(&vs, 0.05)?;
//! for _ in 0..400 {
//!     let posterior = Normal::from_log_scale(&loc, &log_scale)?;
//!     // z: [16] draws; log p(x | z) summed over the data: [16].
//!     let elbo = analytic_kl_elbo(&posterior, &prior, 16, |z| {
//!         let likelihood = Normal::new(&z.unsqueeze(-1), &unit)?;
//!         Ok(likelihood.log_prob(&data)?.sum_dim_intlist(-1, false, None))
//!     })?;
//!     optimizer.backward_step(&-elbo);
//! }
//!
//! let n = num_data as f64;
//! let exact_loc = data.sum(Kind::Double).double_value(&[]) / (n + 1.0);
//! let exact_scale = (1.0 / (n + 1.0)).sqrt();
//! assert!((loc.double_value(&[]) - exact_loc).abs() < 0.05);
//! assert!((log_scale.exp().double_value(&[]) - exact_scale).abs() < 0.03);
//! # Ok(())
//! # }
//! ```
//!
//! A family without a reparameterized sampler has no `rsample`:
//!
//! ```compile_fail
//! use vi_core::{Bernoulli, Rsample};
//! let b = Bernoulli::from_logits(&tch::Tensor::from(0.0f32)).unwrap();
//! let _ = b.rsample(&[3]); // Bernoulli does not implement Rsample
//! ```
//!
//! # A VAE's objective
//!
//! ```
//! # use tch::{Device, Kind, Tensor};
//! use vi_core::{Bernoulli, Distribution, Independent, Normal, analytic_kl_elbo};
//! # fn main() -> vi_core::Result<()> {
//! # let options = (Kind::Float, Device::Cpu);
//! # let (mean, log_var) = (Tensor::zeros([8, 2], options), Tensor::zeros([8, 2], options));
//! # let x = Tensor::ones([8, 784], options);
//! # let decoder = |z: &Tensor| z.sum_dim_intlist(-1, true, None).expand([-1, -1, 784], false);
//! // Encoder output `mean`, `log_var`: [batch, latent]; images `x`: [batch, 784].
//! let posterior = Independent::new(Normal::from_log_var(&mean, &log_var)?, 1)?;
//! let prior = Independent::new(Normal::standard_like(&mean)?, 1)?;
//! let elbo = analytic_kl_elbo(&posterior, &prior, 1, |z| {
//!     // z: [1, batch, latent] -> logits [1, batch, 784] -> log p(x|z): [1, batch]
//!     Independent::new(Bernoulli::from_logits(&decoder(z))?, 1)?.log_prob(&x)
//! })?;
//! assert_eq!(elbo.size(), [8]); // one value per example
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod constraint;
mod distribution;
mod distributions;
mod error;
mod estimators;
mod grid;
mod kl;
pub mod toolkit;
pub mod transforms;
pub mod validation;

pub use constraint::{Bound, Constraint};
pub use distribution::{Detach, Distribution, Expand, Rsample};
pub use distributions::{
    Bernoulli, Beta, Categorical, Dirichlet, ExpRelaxedCategorical, Exponential, Gamma, HalfNormal,
    Independent, Laplace, LogNormal, LogitRelaxedBernoulli, LowRankMultivariateNormal,
    MixtureSameFamily, MultivariateNormal, Normal, OneHotCategorical,
    OneHotCategoricalStraightThrough, RelaxedBernoulli, RelaxedOneHotCategorical, StudentT,
    TanhNormal, TransformedDistribution, Uniform,
};
pub use error::{Error, Result};
pub use estimators::{
    Baseline, DecayingAverageBaseline, Estimate, ScoreFunctionEstimate, analytic_kl_elbo,
    analytic_kl_elbo_with, dreg_iwae, importance_log_likelihood, iwae_bound, monte_carlo_elbo,
    renyi_bound, score_function_elbo, stl_elbo, vimco,
};
pub use grid::GridPosterior;
pub use kl::{
    BuiltinKl, KlDivergence, KlRule, MonteCarloKl, kl_divergence, kl_divergence_with,
    monte_carlo_kl,
};
pub use transforms::{Transform, biject_to, transform_to};
