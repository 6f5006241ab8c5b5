//! The ELBO and IWAE estimators with hostile input: sample counts of 0 and
//! below, posteriors with empty and size-1 batches, priors whose batch is
//! larger or whose event differs, log-likelihood closures that return the
//! wrong shape, a 0-d tensor or an error of the caller's own.

use tch::{Kind, Tensor};
use vi_core::{
    Distribution, Error, Exponential, Independent, KlDivergence, LowRankMultivariateNormal,
    MonteCarloKl, MultivariateNormal, Normal, Result, Rsample, analytic_kl_elbo,
    analytic_kl_elbo_with, importance_log_likelihood, iwae_bound, monte_carlo_elbo, toolkit,
};

use crate::no_panic::sweep::{Maker, Mode, Sweep};

/// The log-likelihood closures: a good one (`[S] + batch`) and bad ones.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Likelihood {
    Good,
    Identity,
    Scalar,
    Fails,
}

impl Likelihood {
    const ALL: [Self; 4] = [Self::Good, Self::Identity, Self::Scalar, Self::Fails];

    /// Whether the closure returns `[S] + batch` for draws with
    /// `event_dims` event dimensions.
    fn fits(self, event_dims: usize) -> bool {
        self == Self::Good || (self == Self::Identity && event_dims == 0)
    }

    /// `log p(x | z)` for draws `z` of `event_dims` event dimensions.
    fn call(self, z: &Tensor, event_dims: usize) -> Result<Tensor> {
        match self {
            Self::Good => Ok(toolkit::sum_rightmost(z, event_dims)),
            Self::Identity => Ok(z.shallow_clone()),
            Self::Scalar => Ok(Tensor::from(0.0)),
            Self::Fails => Err(Error::custom(std::fmt::Error)),
        }
    }
}

fn posteriors() -> Vec<(String, &'static [i64], Mode)> {
    let mut all = Vec::new();
    for batch in [&[][..], &[0], &[3], &[2, 1]] {
        all.push((
            format!("posterior batch {batch:?}"),
            batch,
            Mode::Valid(Kind::Double),
        ));
    }
    all
}

fn priors() -> Vec<(String, &'static [i64], Mode)> {
    let mut all = Vec::new();
    for batch in [&[][..], &[1], &[3], &[4, 1]] {
        for mode in [Mode::Valid(Kind::Double), Mode::EmptyEvent] {
            all.push((format!("prior {mode:?} batch {batch:?}"), batch, mode));
        }
    }
    all
}

/// Every estimator for one posterior/prior pair, with every closure and
/// sample count. The answer has the posterior's batch shape; a good closure
/// with a positive count, a prior of the same event space whose batch
/// broadcasts to the posterior's must be answered.
fn check_estimators<Q, P>(
    sweep: &mut Sweep,
    label: &str,
    posterior: &Q,
    prior: &P,
    comparable: bool,
) where
    Q: Rsample + KlDivergence<P>,
    P: Distribution,
{
    let batch = posterior.batch_shape().to_vec();
    let event_dims = posterior.event_shape().len();
    let prior_fits =
        toolkit::broadcast_shapes(prior.batch_shape(), &batch).as_deref() == Some(&batch[..]);
    for likelihood in Likelihood::ALL {
        for num_samples in [1, 3, 0, -1] {
            let fits = likelihood.fits(event_dims);
            let answerable = fits && num_samples >= 1;
            let must_answer = comparable && prior_fits && answerable;
            let name =
                |estimator: &str| format!("{label}: {estimator}({num_samples}, {likelihood:?})");
            let closure = |z: &Tensor| likelihood.call(z, event_dims);
            // `valid`: whether the estimator's own extra arguments are valid.
            let mut expect = |estimator: &str, valid: bool, result: &dyn Fn() -> Result<Tensor>| {
                sweep.case(name(estimator), || {
                    match result() {
                        Ok(bound) => {
                            assert_eq!(bound.size(), batch, "bound shape");
                            assert!(answerable && valid && prior_fits, "accepted bad input");
                        }
                        Err(err) if must_answer && valid => panic!("valid input refused: {err}"),
                        Err(_) => {}
                    }
                    Ok(())
                });
            };
            expect("analytic_kl_elbo", true, &|| {
                analytic_kl_elbo(posterior, prior, num_samples, closure)
            });
            let table = MonteCarloKl { num_samples: 2 };
            expect("analytic_kl_elbo_with(MonteCarloKl)", true, &|| {
                analytic_kl_elbo_with(&table, posterior, prior, num_samples, closure)
            });
            expect("monte_carlo_elbo", true, &|| {
                monte_carlo_elbo(posterior, prior, num_samples, closure)
            });
            expect("iwae_bound", true, &|| {
                iwae_bound(posterior, prior, num_samples, closure)
            });
            for chunk in [1, 2, 0] {
                let estimator = format!("importance_log_likelihood(chunk {chunk})");
                expect(&estimator, chunk >= 1, &|| {
                    importance_log_likelihood(posterior, prior, num_samples, chunk, closure)
                });
            }
        }
    }
}

macro_rules! sweep_estimators {
    ($sweep:expr, $pair:literal, |$q:ident| $build_q:expr, |$p:ident| $build_p:expr $(,)?) => {{
        let sweep: &mut Sweep = $sweep;
        for (q_label, q_batch, q_mode) in posteriors() {
            for (p_label, p_batch, p_mode) in priors() {
                let label = format!("{} {q_label}, {p_label}", $pair);
                let built = sweep.case(format!("{label}: new"), || {
                    let $q = &Maker::new(q_batch, q_mode);
                    let posterior = $build_q?;
                    let $p = &Maker::new(p_batch, p_mode);
                    let prior = $build_p?;
                    Ok((posterior, prior))
                });
                let Some((posterior, prior)) = built else {
                    continue;
                };
                check_estimators(sweep, &label, &posterior, &prior, p_mode.is_valid());
            }
        }
    }};
}

#[test]
fn estimators_never_panic() {
    let mut sweep = Sweep::default();
    let normal = |p: &Maker| Normal::new(&p.real(&[]), &p.positive(&[]));
    sweep_estimators!(&mut sweep, "Normal", |q| normal(q), |p| normal(p));
    let independent =
        |p: &Maker| Independent::new(Normal::new(&p.real(&[2]), &p.positive(&[2]))?, 1);
    sweep_estimators!(&mut sweep, "Independent", |q| independent(q), |p| {
        independent(p)
    });
    let full = |p: &Maker| MultivariateNormal::new(&p.real(&[2]), &p.lower_cholesky(2));
    let low_rank = |p: &Maker| {
        LowRankMultivariateNormal::new(&p.real(&[2]), &p.real(&[2, 1]), &p.positive(&[2]))
    };
    sweep_estimators!(&mut sweep, "MultivariateNormal", |q| full(q), |p| full(p));
    sweep_estimators!(
        &mut sweep,
        "LowRank‖MultivariateNormal",
        |q| low_rank(q),
        |p| full(p)
    );
    sweep_estimators!(
        &mut sweep,
        "MultivariateNormal‖LowRank",
        |q| full(q),
        |p| low_rank(p)
    );
    sweep.finish(5_000);
}

/// Monte Carlo estimators need no closed-form KL: an Exponential
/// posterior against a Normal prior, through `monte_carlo_elbo` and
/// `iwae_bound`, with a prior batch that is too large.
#[test]
fn monte_carlo_estimators_of_any_pair_never_panic() {
    let mut sweep = Sweep::default();
    for batch in [&[][..], &[0], &[3]] {
        for prior_batch in [&[][..], &[1], &[3], &[4]] {
            let label = format!("Exponential {batch:?} with Normal prior {prior_batch:?}");
            let posterior =
                Exponential::new(&Tensor::ones(batch, (Kind::Double, tch::Device::Cpu))).unwrap();
            let prior = Normal::standard_like(&Tensor::zeros(
                prior_batch,
                (Kind::Double, tch::Device::Cpu),
            ))
            .unwrap();
            for num_samples in [1, 4, 0] {
                let good = |z: &Tensor| Ok(z.zeros_like());
                let fits = toolkit::broadcast_shapes(prior_batch, batch).as_deref() == Some(batch);
                for (name, result) in [
                    (
                        "monte_carlo_elbo",
                        sweep.case(format!("{label}: monte_carlo_elbo({num_samples})"), || {
                            monte_carlo_elbo(&posterior, &prior, num_samples, good)
                        }),
                    ),
                    (
                        "iwae_bound",
                        sweep.case(format!("{label}: iwae_bound({num_samples})"), || {
                            iwae_bound(&posterior, &prior, num_samples, good)
                        }),
                    ),
                ] {
                    sweep.case(format!("{label}: {name}({num_samples}) answer"), || {
                        match result {
                            Some(bound) => assert_eq!(bound.size(), batch, "bound shape"),
                            None => assert!(num_samples < 1 || !fits, "refused a valid pair"),
                        }
                        Ok(())
                    });
                }
            }
        }
    }
    sweep.finish(50);
}
