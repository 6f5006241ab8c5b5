//! Every family, built from every battery of hostile parameters
//! ([`batteries`]) with validation on and off, then driven through every
//! method ([`exercise`]): no case may panic, valid ones must succeed with
//! torch's shapes.
//!
//! A family is one line: `sweep_family!("Name", |p| Family::new(&p.real(&[]), …),
//! check_rsample, check_expand)`, naming the extra traits it implements.

use vi_core::{
    Bernoulli, Categorical, Exponential, Independent, LowRankMultivariateNormal, MixtureSameFamily,
    MultivariateNormal, Normal, OneHotCategorical, OneHotCategoricalStraightThrough,
};

use crate::no_panic::exercise::{check_expand, check_rsample, exercise};
use crate::no_panic::sweep::{Maker, Sweep, batteries, with_validation};

/// At least this many cases per family (so that a battery that silently
/// shrinks fails).
pub(crate) const MIN_CASES: usize = 1_000;

/// Builds the family from every battery with validation on and off and
/// exercises what was built; `$extra` are the checks of the traits it
/// implements beyond `Distribution` (`check_rsample`, `check_expand`).
macro_rules! sweep_family {
    ($family:literal, |$p:ident| $build:expr $(, $extra:ident)* $(,)?) => {{
        let mut sweep = Sweep::default();
        for (label, batch, mode) in batteries($family) {
            // Valid parameters build the same distribution either way.
            let switches: &[bool] = if mode.is_valid() { &[true] } else { &[true, false] };
            for &validate in switches {
                let label = format!("{label} validation {validate}");
                let strict = mode.is_valid();
                let built = sweep.case(format!("{label}: new"), || {
                    with_validation(validate, || {
                        let $p = &Maker::new(batch, mode);
                        $build
                    })
                });
                if strict && built.is_none() {
                    sweep.case(format!("{label}: new"), || -> vi_core::Result<()> {
                        panic!("valid parameters refused")
                    });
                }
                if let Some(dist) = built {
                    exercise(&mut sweep, &label, &dist, strict);
                    $( $extra(&mut sweep, &label, &dist, strict); )*
                }
            }
        }
        sweep.finish(MIN_CASES);
    }};
}

#[test]
fn normal_never_panics() {
    sweep_family!(
        "Normal",
        |p| Normal::new(&p.real(&[]), &p.positive(&[])),
        check_rsample,
        check_expand
    );
}

#[test]
fn normal_log_forms_never_panic() {
    sweep_family!(
        "Normal::from_log_var",
        |p| Normal::from_log_var(&p.real(&[]), &p.real(&[])),
        check_rsample
    );
    sweep_family!("Normal::from_log_scale", |p| Normal::from_log_scale(
        &p.real(&[]),
        &p.real(&[])
    ));
    sweep_family!("Normal::standard_like", |p| Normal::standard_like(
        &p.real(&[])
    ));
}

#[test]
fn exponential_never_panics() {
    sweep_family!(
        "Exponential",
        |p| Exponential::new(&p.positive(&[])),
        check_rsample,
        check_expand
    );
}

#[test]
fn bernoulli_never_panics() {
    sweep_family!(
        "Bernoulli::from_logits",
        |p| Bernoulli::from_logits(&p.real(&[])),
        check_expand
    );
    sweep_family!("Bernoulli::from_probs", |p| Bernoulli::from_probs(
        &p.unit(&[])
    ));
}

#[test]
fn independent_never_panics() {
    sweep_family!(
        "Independent<Normal>",
        |p| Independent::new(Normal::new(&p.real(&[2]), &p.positive(&[2]))?, 1),
        check_rsample,
        check_expand
    );
}

#[test]
fn multivariate_normal_never_panics() {
    sweep_family!(
        "MultivariateNormal",
        |p| MultivariateNormal::new(&p.real(&[3]), &p.lower_cholesky(3)),
        check_rsample,
        check_expand
    );
    sweep_family!("MultivariateNormal::from_covariance_matrix", |p| {
        MultivariateNormal::from_covariance_matrix(&p.real(&[2]), &p.lower_cholesky(2))
    });
}

#[test]
fn low_rank_multivariate_normal_never_panics() {
    sweep_family!(
        "LowRankMultivariateNormal",
        |p| LowRankMultivariateNormal::new(&p.real(&[3]), &p.real(&[3, 2]), &p.positive(&[3])),
        check_rsample,
        check_expand
    );
}

#[test]
fn categorical_never_panics() {
    sweep_family!(
        "Categorical::from_probs",
        |p| Categorical::from_probs(&p.positive(&[3])),
        check_expand
    );
    sweep_family!("Categorical::from_logits", |p| Categorical::from_logits(
        &p.real(&[3])
    ));
}

#[test]
fn one_hot_categorical_never_panics() {
    sweep_family!(
        "OneHotCategorical",
        |p| OneHotCategorical::from_logits(&p.real(&[3])),
        check_expand
    );
    sweep_family!(
        "OneHotCategoricalStraightThrough",
        |p| OneHotCategoricalStraightThrough::from_probs(&p.positive(&[3])),
        check_rsample,
        check_expand
    );
}

#[test]
fn mixture_same_family_never_panics() {
    sweep_family!(
        "MixtureSameFamily<Normal>",
        |p| MixtureSameFamily::new(
            Categorical::from_logits(&p.real(&[3]))?,
            Normal::new(&p.real(&[3]), &p.positive(&[3]))?,
        ),
        check_expand
    );
    sweep_family!(
        "MixtureSameFamily<Independent<Normal>>",
        |p| MixtureSameFamily::new(
            Categorical::from_probs(&p.positive(&[2]))?,
            Independent::new(Normal::new(&p.real(&[2, 3]), &p.positive(&[2, 3]))?, 1)?,
        ),
        check_expand
    );
}
