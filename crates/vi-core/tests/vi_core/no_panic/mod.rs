//! No panic on any user-reachable input: every family, KL pair, estimator
//! and toolkit function of vi-core driven with hostile but well-typed
//! arguments must answer with torch's shape or a typed error.

mod api;
mod exercise;
mod families;
mod sweep;
