//! The distribution families, one file each.

mod bernoulli;
mod categorical;
mod exponential;
mod independent;
mod low_rank_algebra;
mod low_rank_multivariate_normal;
mod mixture_same_family;
mod multivariate_normal;
mod normal;
mod one_hot_categorical;
mod one_hot_categorical_straight_through;

pub use bernoulli::Bernoulli;
pub use categorical::Categorical;
pub use exponential::Exponential;
pub use independent::Independent;
pub(crate) use low_rank_algebra::{factor_t_over_diag, low_rank_mahalanobis, trace_xxt};
pub use low_rank_multivariate_normal::LowRankMultivariateNormal;
pub use mixture_same_family::MixtureSameFamily;
pub use multivariate_normal::MultivariateNormal;
pub(crate) use multivariate_normal::{check_linalg_kind, mahalanobis_squared};
pub use normal::Normal;
pub use one_hot_categorical::OneHotCategorical;
pub use one_hot_categorical_straight_through::OneHotCategoricalStraightThrough;
