//! vi-core's integration tests: one binary, one module per topic.
//!
//! Seeded tests rely on libtorch's process-wide generator; run them with
//! `cargo nextest run -p vi-core`, which gives every test its own process.

#[path = "vi_core/biject.rs"]
mod biject;
#[path = "vi_core/categorical.rs"]
mod categorical;
#[path = "vi_core/common.rs"]
mod common;
#[path = "vi_core/continuous/mod.rs"]
mod continuous;
#[path = "vi_core/detach_discrete.rs"]
mod detach_discrete;
#[path = "vi_core/detach_relaxed.rs"]
mod detach_relaxed;
#[path = "vi_core/distributions.rs"]
mod distributions;
#[path = "vi_core/elbo.rs"]
mod elbo;
#[path = "vi_core/errors.rs"]
mod errors;
#[path = "vi_core/estimators.rs"]
mod estimators;
#[path = "vi_core/golden.rs"]
mod golden;
#[path = "vi_core/gradients.rs"]
mod gradients;
#[path = "vi_core/grid.rs"]
mod grid;
#[path = "vi_core/kl.rs"]
mod kl;
#[path = "vi_core/kl_categorical.rs"]
mod kl_categorical;
#[path = "vi_core/kl_low_rank.rs"]
mod kl_low_rank;
#[path = "vi_core/kl_tables.rs"]
mod kl_tables;
#[path = "vi_core/low_rank_multivariate_normal.rs"]
mod low_rank_multivariate_normal;
#[path = "vi_core/methods.rs"]
mod methods;
#[path = "vi_core/mixture_same_family.rs"]
mod mixture_same_family;
#[path = "vi_core/no_panic/mod.rs"]
mod no_panic;
#[path = "vi_core/one_hot_categorical.rs"]
mod one_hot_categorical;
#[path = "vi_core/relaxed.rs"]
mod relaxed;
#[path = "vi_core/relaxed_behaviour.rs"]
mod relaxed_behaviour;
#[path = "vi_core/stability.rs"]
mod stability;
#[path = "vi_core/toolkit.rs"]
mod toolkit;
#[path = "vi_core/transform_api.rs"]
mod transform_api;
#[path = "vi_core/transform_chains.rs"]
mod transform_chains;
#[path = "vi_core/transformed.rs"]
mod transformed;
#[path = "vi_core/transformed_behaviour.rs"]
mod transformed_behaviour;
#[path = "vi_core/transformed_families.rs"]
mod transformed_families;
#[path = "vi_core/transformed_mc.rs"]
mod transformed_mc;
#[path = "vi_core/transforms.rs"]
mod transforms;
