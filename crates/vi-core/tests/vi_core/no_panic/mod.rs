//! No panic on any user-reachable input: every family, KL pair, estimator,
//! constraint and toolkit function of vi-core driven with hostile but
//! well-typed arguments must answer with torch's shape or a typed error.
//!
//! A family added to vi-core joins the sweep with one line in
//! `families.rs` (and, for a KL pair, one line in `kl.rs`).

mod estimators;
mod exercise;
mod families;
mod kl;
mod sweep;
mod toolkit;
