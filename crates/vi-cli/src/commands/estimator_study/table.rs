//! The study's table, one row per run, beside Burda et al.'s published
//! number: `table.csv` (numbers, for programs) and `table.md` (for
//! people, with the training budget stated above it).

use std::fmt::Write;

use serde::Serialize;
use vi_models::Objective;

use super::burda::published_nll;
use super::plan::{Schedule, StudyPlan};
use super::training::LogLikelihood;

/// Burda et al.'s training: 3,280 passes over 60,000 images in batches of 20.
const PAPER_STEPS: usize = 3280 * 3000;

/// What one run gave.
#[derive(Debug, Clone, Serialize)]
pub struct RunRow {
    /// The training objective.
    pub objective: Objective,
    /// Its draws per image and step.
    pub k: usize,
    /// The importance-sampled test log-likelihood.
    pub log_likelihood: LogLikelihood,
    /// This run's log-likelihood minus the one-sample ELBO run's, on the
    /// same images, and the standard error of that paired difference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versus_elbo: Option<(f64, f64)>,
    /// The one-sample test ELBO (analytic KL) on the same images after the
    /// last epoch, nats.
    pub test_elbo: f64,
    /// The training objective's own bound averaged over the last epoch's
    /// batches (it rises during the epoch, so it trails the final model).
    pub final_train_bound: f64,
    /// Seconds of training.
    pub train_seconds: f64,
    /// Burda et al.'s test log-likelihood for this objective, where Table 1
    /// has one (the negative of its NLL).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_log_likelihood: Option<f64>,
}

impl RunRow {
    /// The row's Burda et al. value, looked up from its objective.
    pub fn published(objective: &Objective) -> Option<f64> {
        published_nll(objective).map(|nll| -nll)
    }
}

/// `table.csv`'s text: one row per run, empty cells where there is no
/// value.
pub fn csv(plan: &StudyPlan, rows: &[RunRow]) -> String {
    let mut text = String::from(
        "objective,k,epochs,train_images,gradient_steps,test_log_likelihood,standard_error,\
         versus_elbo,versus_elbo_standard_error,test_images,ll_samples,test_elbo,\
         final_train_bound,bound,train_seconds,ll_seconds,burda_log_likelihood\n",
    );
    let optional = |value: Option<f64>| value.map_or_else(String::new, |v| v.to_string());
    for row in rows {
        let _ = writeln!(
            text,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            row.objective.name(),
            row.k,
            plan.epochs(),
            plan.train_images,
            plan.gradient_steps(),
            row.log_likelihood.mean,
            row.log_likelihood.standard_error,
            optional(row.versus_elbo.map(|d| d.0)),
            optional(row.versus_elbo.map(|d| d.1)),
            row.log_likelihood.images,
            row.log_likelihood.samples,
            row.test_elbo,
            row.final_train_bound,
            row.objective.bound(),
            row.train_seconds,
            row.log_likelihood.seconds,
            optional(row.published_log_likelihood),
        );
    }
    text
}

/// The training budget in words: epochs, images, steps, and how far that
/// is from the paper's.
pub fn budget(plan: &StudyPlan) -> String {
    let steps = plan.gradient_steps();
    let schedule = match plan.schedule {
        Schedule::Paper => "Burda et al.'s schedule".to_owned(),
        Schedule::Short => format!(
            "the short schedule at the paper's first learning rate ({:.0e})",
            plan.stages.first().map_or(0.0, |stage| stage.learning_rate)
        ),
    };
    format!(
        "{} epoch{} over {} training images in batches of {} ({} gradient steps, {}; Adam \
         β = (0.9, 0.999), ε = 1e-4): {:.3}% of Burda et al.'s {} steps (3,280 epochs)",
        plan.epochs(),
        if plan.epochs() == 1 { "" } else { "s" },
        thousands(plan.train_images),
        plan.batch_size,
        thousands(steps),
        schedule,
        100.0 * steps as f64 / PAPER_STEPS as f64,
        thousands(PAPER_STEPS),
    )
}

/// `table.md`'s text: the settings, then the table.
pub fn markdown(plan: &StudyPlan, rows: &[RunRow]) -> String {
    let mut text = String::new();
    let images = rows
        .first()
        .map_or(plan.test_images, |r| r.log_likelihood.images);
    let _ = writeln!(
        text,
        "Burda et al.'s one-stochastic-layer model (784-200-200-50, tanh, Bernoulli decoder) on \
         dynamically binarized MNIST, seed {}. Training: {}. Test log-likelihood: importance \
         sampling with k = {} over the first {} test images (Burda et al.: all 10,000), ± its \
         standard error over the images; \"vs ELBO k = 1\" is the difference from the \
         one-sample ELBO run on the same images, ± the standard error of that paired \
         difference. Nats; higher is better.\n",
        plan.seed,
        budget(plan),
        plan.ll_samples,
        thousands(images),
    );
    text.push_str(
        "| objective | k | test log p(x) | vs ELBO k = 1 | test ELBO | final train bound | \
         train s | Burda et al. (3,280 epochs) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let versus = row.versus_elbo.map_or_else(
            || "—".to_owned(),
            |(difference, error)| format!("{difference:+.2} ± {error:.2}"),
        );
        let published = row
            .published_log_likelihood
            .map_or_else(|| "—".to_owned(), |value| format!("{value:.2}"));
        let _ = writeln!(
            text,
            "| {} | {} | {:.2} ± {:.2} | {} | {:.2} | {:.2} ({}) | {:.0} | {} |",
            label(&row.objective),
            row.k,
            row.log_likelihood.mean,
            row.log_likelihood.standard_error,
            versus,
            row.test_elbo,
            row.final_train_bound,
            row.objective.bound().replace('_', " "),
            row.train_seconds,
            published,
        );
    }
    text.push_str(
        "\nBurda et al.'s column is their Table 1's IWAE test NLL, negated (at k = 1 the IWAE \
         bound is the ELBO). Their VAE column at k = 5 and 50 is not quoted; DReG and STL \
         are later estimators.\n",
    );
    text
}

/// The objective as the table names it: `ELBO`, `IWAE`, `DReG`, `STL`.
pub fn label(objective: &Objective) -> &'static str {
    match objective {
        Objective::Elbo { .. } => "ELBO",
        Objective::Stl { .. } => "STL",
        Objective::Iwae { .. } => "IWAE",
        Objective::Dreg { .. } => "DReG",
        Objective::Renyi { .. } => "Rényi",
        Objective::Vimco { .. } => "VIMCO",
        Objective::ScoreFunction { .. } => "score function",
    }
}

/// `60000` as `60,000`.
pub fn thousands(value: usize) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use vi_models::Objective;

    use super::{RunRow, csv, markdown, thousands};
    use crate::commands::estimator_study::plan::{Choices, Place, plan};
    use crate::commands::estimator_study::training::LogLikelihood;
    use crate::vae::DeviceChoice;

    fn row(objective: Objective, mean: f64, versus: Option<(f64, f64)>) -> RunRow {
        RunRow {
            objective,
            k: objective.samples(),
            log_likelihood: LogLikelihood {
                mean,
                standard_error: 1.234,
                images: 200,
                samples: 5000,
                seconds: 10.0,
            },
            versus_elbo: versus,
            test_elbo: mean - 4.0,
            final_train_bound: mean - 6.0,
            train_seconds: 100.4,
            published_log_likelihood: RunRow::published(&objective),
        }
    }

    #[test]
    fn estimator_study_table_puts_burda_et_al_beside_the_runs() {
        let plan = plan(
            Choices::default(),
            Place {
                out: PathBuf::from("out"),
                data_dir: PathBuf::from("data"),
                device: DeviceChoice::Cpu,
                threads: None,
                seed: 0,
            },
        )
        .expect("valid");
        let rows = [
            row(Objective::Elbo { samples: 1 }, -95.126, None),
            row(Objective::Iwae { k: 50 }, -94.0, Some((1.126, 0.204))),
            row(Objective::Dreg { k: 5 }, -94.5, Some((0.626, 0.1))),
        ];
        let text = markdown(&plan, &rows);
        assert!(
            text.contains(
                "| ELBO | 1 | -95.13 ± 1.23 | — | -99.13 | -101.13 (elbo) | 100 | -86.76 |"
            ),
            "{text}"
        );
        assert!(
            text.contains("| IWAE | 50 | -94.00 ± 1.23 | +1.13 ± 0.20 | -98.00 | -100.00 (iwae bound) | 100 | -84.78 |"),
            "{text}"
        );
        assert!(text.contains("| DReG | 5 |"), "{text}");
        assert!(text.contains("| — |\n"), "{text}");
        assert!(
            text.contains(
                "2 epochs over 60,000 training images in batches of 20 (6,000 gradient steps"
            ),
            "{text}"
        );
        assert!(
            text.contains("0.061% of Burda et al.'s 9,840,000 steps"),
            "{text}"
        );
        let table = csv(&plan, &rows);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("objective,k,epochs,"));
        assert!(
            lines[1].starts_with("elbo,1,2,60000,6000,-95.126,1.234,,,200,5000,"),
            "{}",
            lines[1]
        );
        assert!(lines[2].ends_with(",-84.78"), "{}", lines[2]);
        assert!(lines[3].ends_with(','), "{}", lines[3]);
    }

    #[test]
    fn estimator_study_writes_thousands_with_commas() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(60_000), "60,000");
        assert_eq!(thousands(9_840_000), "9,840,000");
    }
}
