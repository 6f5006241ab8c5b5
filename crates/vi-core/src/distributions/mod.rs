//! The distribution families, one file each.

mod bernoulli;
mod beta;
mod dirichlet;
mod exponential;
mod gamma;
mod independent;
mod laplace;
mod multivariate_normal;
mod normal;
mod student_t;
mod uniform;

pub use bernoulli::Bernoulli;
pub use beta::Beta;
pub use dirichlet::Dirichlet;
pub use exponential::Exponential;
pub use gamma::Gamma;
pub use independent::Independent;
pub use laplace::Laplace;
pub use multivariate_normal::MultivariateNormal;
pub(crate) use multivariate_normal::mahalanobis_squared;
pub use normal::Normal;
pub use student_t::StudentT;
pub use uniform::Uniform;
