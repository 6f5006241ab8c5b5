//! The distribution families, one file each.

mod bernoulli;
mod exponential;
mod independent;
mod multivariate_normal;
mod normal;
mod transformed;

pub use bernoulli::Bernoulli;
pub use exponential::Exponential;
pub use independent::Independent;
pub use multivariate_normal::MultivariateNormal;
pub(crate) use multivariate_normal::mahalanobis_squared;
pub use normal::Normal;
pub use transformed::TransformedDistribution;
