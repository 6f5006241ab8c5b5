//! No panic on any user-reachable input: every family, KL pair, estimator,
//! constraint and toolkit function of vi-core driven with hostile but
//! well-typed arguments must answer with torch's shape or a typed error.
//!
//! A family added to vi-core joins the sweep with one line of
//! `sweep_family!` in `families.rs` or `continuous_families.rs` (and a KL pair
//! with one line of `sweep_kl!` in `kl.rs`).

mod sweep;
#[macro_use]
mod families;
mod continuous_families;
mod estimators;
mod exercise;
mod kl;
mod toolkit;
