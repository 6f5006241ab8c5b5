//! The continuous, transformed and relaxed families in the no-panic sweep,
//! one line each (see `families.rs`).

use vi_core::transforms::{AffineTransform, ExpTransform, StickBreakingTransform};
use vi_core::{
    Beta, Dirichlet, ExpRelaxedCategorical, Gamma, HalfNormal, Laplace, LogNormal,
    LogitRelaxedBernoulli, Normal, RelaxedBernoulli, RelaxedOneHotCategorical, StudentT,
    TanhNormal, TransformedDistribution, Uniform,
};

use crate::no_panic::exercise::{check_expand, check_rsample, exercise};
use crate::no_panic::families::MIN_CASES;
use crate::no_panic::sweep::{Maker, Sweep, batteries, with_validation};

#[test]
fn uniform_and_laplace_never_panic() {
    sweep_family!(
        "Uniform",
        |p| Uniform::new(&p.real(&[]), &p.positive(&[])),
        check_rsample,
        check_expand
    );
    sweep_family!(
        "Laplace",
        |p| Laplace::new(&p.real(&[]), &p.positive(&[])),
        check_rsample,
        check_expand
    );
}

#[test]
fn gamma_family_never_panics() {
    sweep_family!(
        "Gamma",
        |p| Gamma::new(&p.positive(&[]), &p.positive(&[])),
        check_rsample,
        check_expand
    );
    sweep_family!(
        "Beta",
        |p| Beta::new(&p.positive(&[]), &p.positive(&[])),
        check_rsample,
        check_expand
    );
    sweep_family!(
        "Dirichlet",
        |p| Dirichlet::new(&p.positive(&[3])),
        check_rsample,
        check_expand
    );
    sweep_family!(
        "StudentT",
        |p| StudentT::new(&p.positive(&[]), &p.real(&[]), &p.positive(&[])),
        check_rsample,
        check_expand
    );
}

#[test]
fn transformed_normals_never_panic() {
    sweep_family!(
        "HalfNormal",
        |p| HalfNormal::new(&p.positive(&[])),
        check_rsample,
        check_expand
    );
    sweep_family!(
        "LogNormal",
        |p| LogNormal::new(&p.real(&[]), &p.positive(&[])),
        check_rsample,
        check_expand
    );
    sweep_family!(
        "TanhNormal",
        |p| TanhNormal::new(&p.real(&[]), &p.positive(&[])),
        check_rsample,
        check_expand
    );
    sweep_family!(
        "TransformedDistribution<Normal>",
        |p| TransformedDistribution::new(
            Normal::new(&p.real(&[]), &p.positive(&[]))?,
            vec![
                Box::new(AffineTransform::new(&p.real(&[]), &p.positive(&[]))?),
                Box::new(ExpTransform::new())
            ],
        ),
        check_rsample,
        check_expand
    );
    sweep_family!(
        "TransformedDistribution<Normal> on the simplex",
        |p| TransformedDistribution::new(
            vi_core::Independent::new(Normal::new(&p.real(&[2]), &p.positive(&[2]))?, 1)?,
            vec![Box::new(StickBreakingTransform::new())],
        ),
        check_rsample
    );
}

#[test]
fn relaxed_families_never_panic() {
    sweep_family!(
        "RelaxedBernoulli",
        |p| RelaxedBernoulli::from_logits(&p.positive(&[]), &p.real(&[])),
        check_rsample,
        check_expand
    );
    sweep_family!(
        "LogitRelaxedBernoulli",
        |p| LogitRelaxedBernoulli::from_probs(&p.positive(&[]), &p.unit(&[])),
        check_rsample,
        check_expand
    );
    sweep_family!(
        "RelaxedOneHotCategorical",
        |p| RelaxedOneHotCategorical::from_probs(&p.positive(&[]), &p.positive(&[3])),
        check_rsample,
        check_expand
    );
    sweep_family!(
        "ExpRelaxedCategorical",
        |p| ExpRelaxedCategorical::from_logits(&p.positive(&[]), &p.real(&[3])),
        check_rsample,
        check_expand
    );
}
