//! `summary.json` of `vi exponential-posterior` and the human summary on
//! stdout.

use anyhow::Result;
use serde::Serialize;
use vi_core::GridPosterior;
use vi_data::ExponentialNormalData;
use vi_fs::outln;
use vi_models::{ExponentialPosterior, KlCurve, ThetaTrace};

use super::{COMMAND, Plan};
use crate::tensor_values::{first, values};

/// The SGD trace goes into `summary.json` every this many steps.
const TRACE_EVERY: usize = 100;

/// `summary.json`.
#[derive(Debug, Serialize)]
pub(super) struct Summary {
    command: &'static str,
    seed: u64,
    prior_rate: f64,
    noise_std: f64,
    sampled_z: f64,
    sampled_x: Vec<f64>,
    theta_star: f64,
    /// −ELBO(θ*) in closed form: what the SGD loss fluctuates around at θ*.
    negative_elbo_at_theta_star: f64,
    grid: GridSummary,
    kl: KlSummary,
    sgd: SgdSummary,
}

#[derive(Debug, Serialize)]
struct GridSummary {
    start: f64,
    end: f64,
    num_points: i64,
    log_evidence: f64,
}

#[derive(Debug, Serialize)]
struct KlSummary {
    theta_start: f64,
    theta_end: f64,
    num_points: i64,
    /// The grid point of the curve where KL is lowest.
    minimum_theta: f64,
    minimum_kl: f64,
    kl_at_theta_star: f64,
}

#[derive(Debug, Serialize)]
struct SgdSummary {
    num_samples: i64,
    learning_rate: f64,
    steps: i64,
    initial_theta: f64,
    /// Loss and θ before every 100th step (the tutorial's printout).
    trace: Vec<TracePoint>,
    final_theta: f64,
    final_theta_minus_theta_star: f64,
}

#[derive(Debug, Serialize)]
struct TracePoint {
    step: usize,
    loss: f64,
    theta: f64,
}

/// Collects the numbers of a finished run.
pub(super) fn summarize(
    plan: &Plan,
    data: &ExponentialNormalData,
    posterior: &ExponentialPosterior,
    grid: &GridPosterior,
    curve: &KlCurve,
    kl_at_theta_star: f64,
    trace: &ThetaTrace,
) -> Result<Summary> {
    let theta_star = posterior.theta_star();
    let (minimum_theta, minimum_kl) = curve.minimum();
    let config = &plan.posterior;
    Ok(Summary {
        command: COMMAND,
        seed: plan.run.seed,
        prior_rate: config.prior_rate,
        noise_std: config.noise_std,
        sampled_z: first(&data.z)?,
        sampled_x: values(&data.x)?,
        theta_star,
        negative_elbo_at_theta_star: -posterior.elbo(theta_star)?,
        grid: GridSummary {
            start: config.grid.start,
            end: config.grid.end,
            num_points: config.grid.num_points,
            log_evidence: first(grid.log_evidence())?,
        },
        kl: KlSummary {
            theta_start: config.thetas.start,
            theta_end: config.thetas.end,
            num_points: config.thetas.num_points,
            minimum_theta,
            minimum_kl,
            kl_at_theta_star,
        },
        sgd: SgdSummary {
            num_samples: plan.variational.num_samples,
            learning_rate: plan.variational.learning_rate,
            steps: plan.variational.steps,
            initial_theta: plan.variational.initial_theta,
            trace: (0..trace.thetas.len())
                .step_by(TRACE_EVERY)
                .map(|step| TracePoint {
                    step,
                    loss: trace.losses[step],
                    theta: trace.thetas[step],
                })
                .collect(),
            final_theta: trace.final_theta,
            final_theta_minus_theta_star: trace.final_theta - theta_star,
        },
    })
}

/// The human summary on stdout.
pub(super) fn report(summary: &Summary) {
    outln!(
        "tutorial 2: exponential posterior (seed {}, λ = {})",
        summary.seed,
        summary.prior_rate
    );
    let x: Vec<String> = summary
        .sampled_x
        .iter()
        .map(|x| format!("{x:.4}"))
        .collect();
    outln!("  sampled z {:.4}, x [{}]", summary.sampled_z, x.join(", "));
    outln!(
        "  θ* = {:.6}  (−ELBO(θ*) = {:.4})",
        summary.theta_star,
        summary.negative_elbo_at_theta_star
    );
    outln!(
        "  KL on the grid: minimum {:.6} at θ = {:.6}; {:.6} at θ*",
        summary.kl.minimum_kl,
        summary.kl.minimum_theta,
        summary.kl.kl_at_theta_star
    );
    outln!(
        "  SGD {} steps: θ {} → {:.6} ({:+.4} from θ*)",
        summary.sgd.steps,
        summary.sgd.initial_theta,
        summary.sgd.final_theta,
        summary.sgd.final_theta_minus_theta_star
    );
}
