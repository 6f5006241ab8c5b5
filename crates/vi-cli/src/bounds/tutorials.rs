//! Memory bounds of tutorial 1's and 2's counts (and `bench-matmul`'s
//! matrix size), checked with their flags before anything runs. Each
//! count sizes one family of tensors; the estimates count float64 values
//! (8 bytes), the widest type those runs use, with the terms named below.

use super::{Machine, OverBound, largest_fitting};

/// One tensor family: `bytes(value)` for the flag's value, monotone.
struct Term<'a> {
    flag: &'static str,
    value: u64,
    what: String,
    bytes: &'a dyn Fn(u64) -> u128,
}

/// The first term that exceeds the memory, as an [`OverBound`]. A term
/// that would not fit even at 1 is another flag's doing (two counts
/// multiplied, the other one huge): the first term over the memory that
/// lowering its own flag would fix is named, if there is one.
fn first_over(terms: &[Term<'_>], machine: &Machine) -> Result<(), OverBound> {
    let memory = u128::from(machine.memory);
    let over: Vec<OverBound> = terms
        .iter()
        .filter_map(|term| {
            let needed = (term.bytes)(term.value);
            (needed > memory).then(|| OverBound {
                flag: term.flag,
                value: term.value,
                what: term.what.clone(),
                needed,
                largest: largest_fitting(term.value, |v| (term.bytes)(v) <= memory),
                machine: *machine,
            })
        })
        .collect();
    let fixable = over.iter().position(|bound| bound.largest.is_some());
    match over.into_iter().nth(fixable.unwrap_or(0)) {
        Some(bound) => Err(bound),
        None => Ok(()),
    }
}

/// The counts of `vi linear-regression`.
#[derive(Debug, Clone, Copy)]
pub struct LinearRegressionSizes {
    /// `--num-points`.
    pub points: u64,
    /// `--vi-samples`.
    pub vi_samples: u64,
    /// `--predictive-samples`.
    pub predictive_samples: u64,
    /// `--mle-epochs`.
    pub mle_epochs: u64,
    /// `--vi-epochs`.
    pub vi_epochs: u64,
}

/// Points of the predictive curves (`torch.linspace(-3, 3, 100)`).
const TEST_POINTS: u128 = 100;

/// Tutorial 1: the data and the variational fit's `[S, N]` predictions
/// (with their residuals, log-densities and gradients: 8 + 6·S values per
/// point), the predictive draws (`[P, 100]`, four times), and each fit's
/// loss history with its CSV row (6 values per epoch).
///
/// # Errors
/// [`OverBound`] naming the first flag whose tensors do not fit.
pub fn check_linear_regression(
    sizes: &LinearRegressionSizes,
    machine: &Machine,
) -> Result<(), OverBound> {
    let samples = u128::from(sizes.vi_samples);
    let points = u128::from(sizes.points);
    let with_points = |n: u64| 8 * u128::from(n) * (8 + 6 * samples);
    let with_samples = |s: u64| 8 * points * (8 + 6 * u128::from(s));
    let predictive = |p: u64| 8 * 4 * TEST_POINTS * u128::from(p);
    let history = |epochs: u64| 8 * 6 * u128::from(epochs);
    first_over(
        &[
            Term {
                flag: "--num-points",
                value: sizes.points,
                what: format!(
                    "the data and {} draws of the predictions at each of {} points",
                    sizes.vi_samples, sizes.points
                ),
                bytes: &with_points,
            },
            Term {
                flag: "--vi-samples",
                value: sizes.vi_samples,
                what: format!(
                    "{} draws of the predictions at each of {} points",
                    sizes.vi_samples, sizes.points
                ),
                bytes: &with_samples,
            },
            Term {
                flag: "--predictive-samples",
                value: sizes.predictive_samples,
                what: format!("{} draws of the predictive curve", sizes.predictive_samples),
                bytes: &predictive,
            },
            Term {
                flag: "--mle-epochs",
                value: sizes.mle_epochs,
                what: format!("the loss history of {} epochs", sizes.mle_epochs),
                bytes: &history,
            },
            Term {
                flag: "--vi-epochs",
                value: sizes.vi_epochs,
                what: format!("the loss history of {} epochs", sizes.vi_epochs),
                bytes: &history,
            },
        ],
        machine,
    )
}

/// The counts of `vi exponential-posterior`.
#[derive(Debug, Clone, Copy)]
pub struct ExponentialSizes {
    /// `--num-observations`.
    pub observations: u64,
    /// `--grid-points`.
    pub grid_points: u64,
    /// `--theta-points`.
    pub theta_points: u64,
    /// `--samples`.
    pub samples: u64,
    /// `--steps`.
    pub steps: u64,
}

/// Tutorial 2, first half: the grid posterior's `[G, O]` log-likelihoods,
/// the KL curve's `[T, G]` log-densities, each SGD step's `[S, O]`
/// log-likelihoods (three values each: the value, a temporary and its
/// gradient), and the trace of θ with its CSV row (4 values per step).
///
/// # Errors
/// [`OverBound`] naming the first flag whose tensors do not fit.
pub fn check_exponential(sizes: &ExponentialSizes, machine: &Machine) -> Result<(), OverBound> {
    let observations = u128::from(sizes.observations);
    let grid = u128::from(sizes.grid_points);
    let by_grid = |g: u64| 24 * u128::from(g) * observations;
    let by_observations = |o: u64| 24 * u128::from(o) * grid.max(u128::from(sizes.samples)).max(1);
    let by_thetas = |t: u64| 24 * u128::from(t) * grid;
    let by_samples = |s: u64| 24 * u128::from(s) * observations;
    let by_steps = |steps: u64| 32 * u128::from(steps);
    first_over(
        &[
            Term {
                flag: "--grid-points",
                value: sizes.grid_points,
                what: format!("the posterior on a grid of {} points", sizes.grid_points),
                bytes: &by_grid,
            },
            Term {
                flag: "--num-observations",
                value: sizes.observations,
                what: format!(
                    "the likelihood of {} observations on the grid and in each step",
                    sizes.observations
                ),
                bytes: &by_observations,
            },
            Term {
                flag: "--theta-points",
                value: sizes.theta_points,
                what: format!("the KL curve at {} values of θ", sizes.theta_points),
                bytes: &by_thetas,
            },
            Term {
                flag: "--samples",
                value: sizes.samples,
                what: format!("{} samples per SGD step", sizes.samples),
                bytes: &by_samples,
            },
            Term {
                flag: "--steps",
                value: sizes.steps,
                what: format!("the trace of {} SGD steps", sizes.steps),
                bytes: &by_steps,
            },
        ],
        machine,
    )
}

/// `vi bench-matmul --size n`: three `n × n` float32 matrices.
///
/// # Errors
/// [`OverBound`] naming `--size`.
pub fn check_matmul(size: u64, machine: &Machine) -> Result<(), OverBound> {
    let matrices = |n: u64| 3 * 4 * u128::from(n) * u128::from(n);
    first_over(
        &[Term {
            flag: "--size",
            value: size,
            what: format!("three {size} × {size} matrices"),
            bytes: &matrices,
        }],
        machine,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bounds::MemorySource;

    const MIB: Machine = Machine {
        cpus: 1,
        memory: 1 << 20,
        memory_source: MemorySource::MemAvailable,
    };

    fn linreg() -> LinearRegressionSizes {
        LinearRegressionSizes {
            points: 100,
            vi_samples: 1,
            predictive_samples: 100,
            mle_epochs: 100,
            vi_epochs: 100,
        }
    }

    #[test]
    fn tutorial_counts_are_accepted_at_their_bound_and_refused_past_it() {
        check_linear_regression(&linreg(), &MIB).unwrap();
        // 8 · N · 14 ≤ 1 MiB ⇔ N ≤ 9362.
        let at = LinearRegressionSizes {
            points: 9362,
            ..linreg()
        };
        check_linear_regression(&at, &MIB).unwrap();
        let past = LinearRegressionSizes {
            points: 9363,
            ..linreg()
        };
        let error = check_linear_regression(&past, &MIB).unwrap_err();
        assert_eq!((error.flag, error.largest), ("--num-points", Some(9362)));

        // Points × samples: the count that is too large is named.
        let error = check_linear_regression(
            &LinearRegressionSizes {
                vi_samples: 1 << 50,
                ..linreg()
            },
            &MIB,
        )
        .unwrap_err();
        assert_eq!((error.flag, error.largest), ("--vi-samples", Some(217)));

        // 48 · E ≤ 1 MiB ⇔ E ≤ 21845.
        let past = LinearRegressionSizes {
            vi_epochs: 21_846,
            ..linreg()
        };
        let error = check_linear_regression(&past, &MIB).unwrap_err();
        assert_eq!((error.flag, error.largest), ("--vi-epochs", Some(21_845)));

        // The tutorial's counts need 23 MiB (its KL curve, 500 × 2000).
        let machine = Machine {
            memory: 64 << 20,
            ..MIB
        };
        let sizes = ExponentialSizes {
            observations: 5,
            grid_points: 2000,
            theta_points: 500,
            samples: 128,
            steps: 1000,
        };
        check_exponential(&sizes, &machine).unwrap();
        // 24 · T · 2000 ≤ 64 MiB ⇔ T ≤ 1398.
        let at = ExponentialSizes {
            theta_points: 1398,
            ..sizes
        };
        check_exponential(&at, &machine).unwrap();
        let past = ExponentialSizes {
            theta_points: 1399,
            ..sizes
        };
        let error = check_exponential(&past, &machine).unwrap_err();
        assert_eq!((error.flag, error.largest), ("--theta-points", Some(1398)));

        // 12 n² ≤ 1 MiB ⇔ n ≤ 295.
        check_matmul(295, &MIB).unwrap();
        let error = check_matmul(296, &MIB).unwrap_err();
        assert_eq!((error.flag, error.largest), ("--size", Some(295)));
        assert!(
            error
                .to_string()
                .starts_with("--size 296: three 296 × 296 matrices")
        );
    }
}
