//! `vi exponential-posterior` (alias `exponential`): the first half of
//! tutorial 2 — `z ~ Exp(λ)`, `xᵢ ~ N(z, 1)`; the numerical posterior on a
//! grid, the analytic optimum θ* of `q_θ = Exp(θ)`, `KL(q_θ ‖ p_grid)` over
//! θ, and SGD on the reparameterized ELBO.

use std::path::PathBuf;

use anyhow::{Context, Result};
use tch::{Device, nn};
use vi_core::{Distribution, Exponential};
use vi_data::{ExponentialNormalConfig, exponential_normal_data};
use vi_fs::outln;
use vi_models::{
    ExponentialPosterior, ExponentialPosteriorConfig, ExponentialVariational,
    ExponentialVariationalConfig, Linspace,
};

use crate::args::{self, RunArgs};
use crate::bounds::Machine;
use crate::bounds::tutorials::{ExponentialSizes, check_exponential};
use crate::commands::Experiment;
use crate::output::{SUMMARY_FILE, Staging};
use crate::tensor_values::{first, values};
use figures::Figures;

mod figures;
mod summary;

/// The subcommand's name, also written into `summary.json`.
pub const COMMAND: &str = "exponential-posterior";

/// Flags of `vi exponential-posterior`; the defaults are tutorial 2's, those
/// of the data's and the models' `Default` configurations.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the PNG and CSV files and summary.json (replaced as a
    /// whole).
    #[arg(
        long,
        value_name = "DIR",
        default_value = "results/exponential-posterior"
    )]
    pub out: PathBuf,

    #[command(flatten)]
    pub run: RunArgs,

    /// Rate λ of the prior Exp(λ).
    #[arg(long, default_value_t = ExponentialPosteriorConfig::default().prior_rate, value_parser = args::positive)]
    pub prior_rate: f64,

    /// Number of observations xᵢ ~ N(z, 1).
    #[arg(long, default_value_t = ExponentialNormalConfig::default().num_observations, value_parser = args::count)]
    pub num_observations: i64,

    /// Lower end of the latent grid.
    #[arg(long, default_value_t = ExponentialPosteriorConfig::default().grid.start, value_parser = args::finite, allow_negative_numbers = true)]
    pub grid_min: f64,

    /// Upper end of the latent grid.
    #[arg(long, default_value_t = ExponentialPosteriorConfig::default().grid.end, value_parser = args::finite, allow_negative_numbers = true)]
    pub grid_max: f64,

    /// Points of the latent grid.
    #[arg(long, default_value_t = ExponentialPosteriorConfig::default().grid.num_points, value_parser = args::count_of_two)]
    pub grid_points: i64,

    /// Smallest rate θ of the KL curve.
    #[arg(long, default_value_t = ExponentialPosteriorConfig::default().thetas.start, value_parser = args::positive)]
    pub theta_min: f64,

    /// Largest rate θ of the KL curve.
    #[arg(long, default_value_t = ExponentialPosteriorConfig::default().thetas.end, value_parser = args::positive)]
    pub theta_max: f64,

    /// Points of the KL curve.
    #[arg(long, default_value_t = ExponentialPosteriorConfig::default().thetas.num_points, value_parser = args::count)]
    pub theta_points: i64,

    /// Draws of z ~ q_θ per ELBO estimate.
    #[arg(long, default_value_t = ExponentialVariationalConfig::default().num_samples, value_parser = args::count)]
    pub samples: i64,

    /// SGD learning rate.
    #[arg(long, default_value_t = ExponentialVariationalConfig::default().learning_rate, value_parser = args::positive)]
    pub lr: f64,

    /// SGD steps.
    #[arg(long, default_value_t = ExponentialVariationalConfig::default().steps, value_parser = args::count)]
    pub steps: i64,

    /// Starting rate θ₀ of the SGD fit.
    #[arg(long, default_value_t = ExponentialVariationalConfig::default().initial_theta, value_parser = args::positive)]
    pub initial_theta: f64,

    /// Right end of the z axis of posterior.png (the tutorial's xlim).
    #[arg(long, default_value_t = 5.0, value_parser = args::positive)]
    pub plot_z_max: f64,
}

/// Validated settings.
#[derive(Debug)]
pub struct Plan {
    out: PathBuf,
    run: RunArgs,
    data: ExponentialNormalConfig,
    posterior: ExponentialPosteriorConfig,
    variational: ExponentialVariationalConfig,
    plot_z_max: f64,
}

impl Experiment for Args {
    const NAME: &'static str = COMMAND;
    type Plan = Plan;

    fn plan(self) -> Result<Plan, String> {
        if self.grid_min >= self.grid_max {
            return Err(format!(
                "--grid-min ({}) must be less than --grid-max ({})",
                self.grid_min, self.grid_max
            ));
        }
        if self.theta_min >= self.theta_max {
            return Err(format!(
                "--theta-min ({}) must be less than --theta-max ({})",
                self.theta_min, self.theta_max
            ));
        }
        if self.plot_z_max <= self.grid_min {
            return Err(format!(
                "--plot-z-max ({}) must be greater than --grid-min ({})",
                self.plot_z_max, self.grid_min
            ));
        }
        let posterior = ExponentialPosteriorConfig {
            prior_rate: self.prior_rate,
            grid: Linspace::new(self.grid_min, self.grid_max, self.grid_points),
            thetas: Linspace::new(self.theta_min, self.theta_max, self.theta_points),
            ..ExponentialPosteriorConfig::default()
        };
        let variational = ExponentialVariationalConfig {
            num_samples: self.samples,
            learning_rate: self.lr,
            steps: self.steps,
            initial_theta: self.initial_theta,
        };
        posterior.validate().map_err(|error| error.to_string())?;
        variational.validate().map_err(|error| error.to_string())?;
        let sizes = ExponentialSizes {
            observations: self.num_observations.unsigned_abs(),
            grid_points: self.grid_points.unsigned_abs(),
            theta_points: self.theta_points.unsigned_abs(),
            samples: self.samples.unsigned_abs(),
            steps: self.steps.unsigned_abs(),
        };
        check_exponential(&sizes, &Machine::get()).map_err(|error| error.to_string())?;
        Ok(Plan {
            out: self.out,
            data: ExponentialNormalConfig {
                prior_rate: self.prior_rate,
                num_observations: self.num_observations,
                seed: self.run.seed,
                ..ExponentialNormalConfig::default()
            },
            run: self.run,
            posterior,
            variational,
            plot_z_max: self.plot_z_max,
        })
    }

    fn run(plan: &Plan) -> Result<()> {
        run(plan)
    }
}

/// Runs the first half of tutorial 2 and writes its results into `plan.out`.
pub fn run(plan: &Plan) -> Result<()> {
    plan.run.apply_threads();
    let mut staging = Staging::new(&plan.out, COMMAND)?;
    // Seeded by the data draw; the SGD noise continues from there, as in
    // the tutorial.
    let data = exponential_normal_data(&plan.data).context("cannot draw the data")?;
    let posterior = ExponentialPosterior::new(&data.x, plan.posterior.clone())?;
    let grid = posterior
        .grid_posterior()
        .context("cannot tabulate the grid posterior")?;
    let curve = posterior
        .kl_curve(&grid)
        .context("cannot evaluate the KL curve")?;
    let theta_star = posterior.theta_star();
    let variational_store = nn::VarStore::new(Device::Cpu);
    let variational =
        ExponentialVariational::new(&variational_store.root(), plan.variational.clone())?;
    let trace = variational.fit(&posterior).context("SGD fit failed")?;

    let z = values(grid.grid())?;
    let joint = values(&posterior.log_joint(grid.grid())?.exp())?;
    let numerical = values(&grid.density())?;
    let star = Exponential::new(&tch::Tensor::from(theta_star))?;
    let variational_density = values(&star.log_prob(grid.grid())?.exp())?;
    let kl_at_star = first(&grid.kl_from(&star)?)?;

    let rows = (0..z.len()).map(|i| vec![z[i], joint[i], numerical[i], variational_density[i]]);
    staging.write_csv(
        "posterior.csv",
        &["z", "joint", "numerical_posterior", "variational_posterior"],
        rows,
    )?;
    let (thetas, kl) = (values(&curve.thetas)?, values(&curve.kl)?);
    staging.write_csv(
        "kl_vs_theta.csv",
        &["theta", "kl"],
        thetas.iter().zip(&kl).map(|(t, k)| vec![*t, *k]),
    )?;
    staging.write_csv(
        "sgd_theta.csv",
        &["step", "loss", "theta"],
        (0..trace.thetas.len()).map(|i| vec![i as f64, trace.losses[i], trace.thetas[i]]),
    )?;

    let figures = Figures { plan, theta_star };
    staging.save_chart(
        "posterior.png",
        &figures.posterior(&z, &joint, &numerical, &variational_density),
    )?;
    staging.save_chart("kl_vs_theta.png", &figures.kl(&thetas, &kl, &curve))?;
    staging.save_chart("sgd_theta.png", &figures.sgd(&trace))?;

    let summary = summary::summarize(plan, &data, &posterior, &grid, &curve, kl_at_star, &trace)?;
    staging.write_json(SUMMARY_FILE, &summary)?;
    let written = staging.commit()?;
    summary::report(&summary);
    outln!("{written}");
    Ok(())
}
