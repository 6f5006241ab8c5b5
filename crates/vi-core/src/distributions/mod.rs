//! The distribution families, one file each.

mod bernoulli;
mod checked_normal;
mod exp_relaxed_categorical;
mod exponential;
mod half_normal;
mod independent;
mod log_normal;
mod logit_relaxed_bernoulli;
mod multivariate_normal;
mod normal;
mod relaxed_bernoulli;
mod relaxed_one_hot_categorical;
mod sample_cache;
mod tanh_normal;
mod temperature;
mod transformed;
mod transformed_family;

pub use bernoulli::Bernoulli;
pub use exp_relaxed_categorical::ExpRelaxedCategorical;
pub use exponential::Exponential;
pub use half_normal::HalfNormal;
pub use independent::Independent;
pub use log_normal::LogNormal;
pub use logit_relaxed_bernoulli::LogitRelaxedBernoulli;
pub use multivariate_normal::MultivariateNormal;
pub(crate) use multivariate_normal::mahalanobis_squared;
pub use normal::Normal;
pub use relaxed_bernoulli::RelaxedBernoulli;
pub use relaxed_one_hot_categorical::RelaxedOneHotCategorical;
pub use tanh_normal::TanhNormal;
pub use transformed::TransformedDistribution;
