//! Every analytic KL pair, and the Monte Carlo KL, between distributions of
//! every pair of batteries: batches that broadcast or not (with sizes of 0
//! and 1), event sizes that differ or are 0. The closed form must answer
//! with the broadcast batch shape wherever both sides are valid and their
//! batches broadcast, and never panic.

use vi_core::{
    Bernoulli, Categorical, Exponential, Independent, LowRankMultivariateNormal,
    MultivariateNormal, Normal, OneHotCategorical, kl_divergence, monte_carlo_kl, toolkit,
};

use crate::no_panic::sweep::{Maker, Mode, Sweep};

/// The batteries of each side of a pair.
fn sides() -> Vec<(String, &'static [i64], Mode)> {
    let mut sides = Vec::new();
    for batch in [&[][..], &[0], &[3], &[2, 1]] {
        let valid = [
            Mode::Valid(tch::Kind::Double),
            Mode::Valid(tch::Kind::Float),
        ];
        for mode in valid.into_iter().chain([Mode::EmptyEvent, Mode::Nan]) {
            sides.push((format!("{mode:?} batch {batch:?}"), batch, mode));
        }
    }
    sides
}

/// Builds `p` and `q` from every pair of batteries and checks
/// `kl_divergence(p, q)` and `monte_carlo_kl(p, q, n)`.
macro_rules! sweep_kl {
    ($sweep:expr, $pair:literal, |$p:ident| $build_p:expr, |$q:ident| $build_q:expr $(,)?) => {{
        let sweep: &mut Sweep = $sweep;
        for (p_label, p_batch, p_mode) in sides() {
            for (q_label, q_batch, q_mode) in sides() {
                let label = format!("{} {p_label} ‖ {q_label}", $pair);
                let built = sweep.case(format!("{label}: new"), || {
                    vi_core::validation::without_validation(|| {
                        let $p = &Maker::new(p_batch, p_mode);
                        let p = $build_p?;
                        let $q = &Maker::new(q_batch, q_mode);
                        let q = $build_q?;
                        Ok((p, q))
                    })
                });
                let Some((p, q)) = built else { continue };
                // Valid parameters of one type: the closed form must answer
                // (of different types it may answer or refuse).
                let comparable = p_mode.is_valid() && p_mode == q_mode;
                check_pair(sweep, &label, &p, &q, comparable);
            }
        }
    }};
}

/// The closed form answers with the broadcast batch shape or a typed
/// error; `comparable` pairs (valid, same event space) whose batches
/// broadcast must answer.
fn check_pair<P, Q>(sweep: &mut Sweep, label: &str, p: &P, q: &Q, comparable: bool)
where
    P: vi_core::KlDivergence<Q> + vi_core::Distribution,
    Q: vi_core::Distribution,
{
    let expected = toolkit::broadcast_shapes(p.batch_shape(), q.batch_shape());
    sweep.case(format!("{label}: kl_divergence"), || {
        match (kl_divergence(p, q), &expected) {
            (Ok(kl), Some(shape)) => assert_eq!(kl.size(), *shape, "KL shape"),
            (Ok(kl), None) => panic!("batches do not broadcast, yet KL of shape {:?}", kl.size()),
            (Err(err), Some(_)) if comparable => panic!("comparable pair refused: {err}"),
            (Err(_), _) => {}
        }
        Ok(())
    });
    for num_samples in [2, 0, -1] {
        sweep.case(format!("{label}: monte_carlo_kl({num_samples})"), || {
            let estimate = monte_carlo_kl(p, q, num_samples);
            assert!(
                num_samples >= 1 || estimate.is_err(),
                "accepted {num_samples} samples"
            );
            Ok(())
        });
    }
}

#[test]
fn kl_pairs_never_panic() {
    let mut sweep = Sweep::default();
    let normal = |p: &Maker| Normal::new(&p.real(&[]), &p.positive(&[]));
    sweep_kl!(&mut sweep, "Normal", |p| normal(p), |q| normal(q));
    let exponential = |p: &Maker| Exponential::new(&p.positive(&[]));
    sweep_kl!(&mut sweep, "Exponential", |p| exponential(p), |q| {
        exponential(q)
    });
    let bernoulli = |p: &Maker| Bernoulli::from_logits(&p.real(&[]));
    sweep_kl!(&mut sweep, "Bernoulli", |p| bernoulli(p), |q| bernoulli(q));
    let independent =
        |p: &Maker| Independent::new(Normal::new(&p.real(&[3]), &p.positive(&[3]))?, 1);
    sweep_kl!(&mut sweep, "Independent", |p| independent(p), |q| {
        independent(q)
    });
    let full = |p: &Maker| MultivariateNormal::new(&p.real(&[3]), &p.lower_cholesky(3));
    let low_rank = |p: &Maker| {
        LowRankMultivariateNormal::new(&p.real(&[3]), &p.real(&[3, 2]), &p.positive(&[3]))
    };
    sweep_kl!(&mut sweep, "MultivariateNormal", |p| full(p), |q| full(q));
    sweep_kl!(&mut sweep, "LowRank", |p| low_rank(p), |q| low_rank(q));
    sweep_kl!(
        &mut sweep,
        "MultivariateNormal‖LowRank",
        |p| full(p),
        |q| low_rank(q)
    );
    sweep_kl!(
        &mut sweep,
        "LowRank‖MultivariateNormal",
        |p| low_rank(p),
        |q| full(q)
    );
    let categorical = |p: &Maker| Categorical::from_logits(&p.real(&[3]));
    sweep_kl!(&mut sweep, "Categorical", |p| categorical(p), |q| {
        categorical(q)
    });
    let one_hot = |p: &Maker| OneHotCategorical::from_probs(&p.positive(&[3]));
    sweep_kl!(
        &mut sweep,
        "OneHotCategorical",
        |p| one_hot(p),
        |q| one_hot(q)
    );
    sweep.finish(5_000);
}

/// The pairs of the continuous and transformed families.
#[test]
fn continuous_kl_pairs_never_panic() {
    use vi_core::{Beta, Dirichlet, Gamma, HalfNormal, Laplace, LogNormal, TanhNormal, Uniform};
    let mut sweep = Sweep::default();
    let normal = |p: &Maker| Normal::new(&p.real(&[]), &p.positive(&[]));
    let exponential = |p: &Maker| Exponential::new(&p.positive(&[]));
    let uniform = |p: &Maker| Uniform::new(&p.real(&[]), &p.positive(&[]));
    let laplace = |p: &Maker| Laplace::new(&p.real(&[]), &p.positive(&[]));
    let gamma = |p: &Maker| Gamma::new(&p.positive(&[]), &p.positive(&[]));
    let beta = |p: &Maker| Beta::new(&p.positive(&[]), &p.positive(&[]));
    sweep_kl!(&mut sweep, "Uniform", |p| uniform(p), |q| uniform(q));
    sweep_kl!(&mut sweep, "Uniform‖Normal", |p| uniform(p), |q| normal(
        q
    ));
    sweep_kl!(&mut sweep, "Uniform‖Exponential", |p| uniform(p), |q| {
        exponential(q)
    });
    sweep_kl!(&mut sweep, "Uniform‖Gamma", |p| uniform(p), |q| gamma(q));
    sweep_kl!(&mut sweep, "Uniform‖Beta", |p| uniform(p), |q| beta(q));
    sweep_kl!(&mut sweep, "Laplace", |p| laplace(p), |q| laplace(q));
    sweep_kl!(&mut sweep, "Laplace‖Normal", |p| laplace(p), |q| normal(
        q
    ));
    sweep_kl!(&mut sweep, "Normal‖Laplace", |p| normal(p), |q| laplace(
        q
    ));
    sweep_kl!(&mut sweep, "Gamma", |p| gamma(p), |q| gamma(q));
    sweep_kl!(&mut sweep, "Gamma‖Exponential", |p| gamma(p), |q| {
        exponential(q)
    });
    sweep_kl!(&mut sweep, "Gamma‖Normal", |p| gamma(p), |q| normal(q));
    sweep_kl!(&mut sweep, "Exponential‖Gamma", |p| exponential(p), |q| {
        gamma(q)
    });
    sweep_kl!(
        &mut sweep,
        "Exponential‖Normal",
        |p| exponential(p),
        |q| normal(q)
    );
    sweep_kl!(&mut sweep, "Beta", |p| beta(p), |q| beta(q));
    sweep_kl!(&mut sweep, "Beta‖Exponential", |p| beta(p), |q| {
        exponential(q)
    });
    sweep_kl!(&mut sweep, "Beta‖Gamma", |p| beta(p), |q| gamma(q));
    sweep_kl!(&mut sweep, "Beta‖Normal", |p| beta(p), |q| normal(q));
    sweep_kl!(&mut sweep, "Beta‖Uniform", |p| beta(p), |q| uniform(q));
    let dirichlet = |p: &Maker| Dirichlet::new(&p.positive(&[3]));
    sweep_kl!(&mut sweep, "Dirichlet", |p| dirichlet(p), |q| dirichlet(q));
    let log_normal = |p: &Maker| LogNormal::new(&p.real(&[]), &p.positive(&[]));
    sweep_kl!(&mut sweep, "LogNormal", |p| log_normal(p), |q| log_normal(
        q
    ));
    let half_normal = |p: &Maker| HalfNormal::new(&p.positive(&[]));
    sweep_kl!(&mut sweep, "HalfNormal", |p| half_normal(p), |q| {
        half_normal(q)
    });
    let tanh_normal = |p: &Maker| TanhNormal::new(&p.real(&[]), &p.positive(&[]));
    sweep_kl!(&mut sweep, "TanhNormal", |p| tanh_normal(p), |q| {
        tanh_normal(q)
    });
    sweep.finish(5_000);
}
