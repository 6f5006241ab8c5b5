//! `vi linear-regression` (alias `linreg`): tutorial 1 — maximum likelihood
//! vs mean-field Bayesian linear regression on `y = 2x + 1 + 0.5ε`, next to
//! the exact posterior that the conjugate model allows.

use std::path::PathBuf;

use anyhow::{Context, Result};
use tch::{Device, Kind, Tensor, nn};
use vi_data::{LinearDataConfig, linear_data};
use vi_fs::outln;
use vi_models::{
    BayesianLinearRegression, BayesianLinearRegressionConfig, ConjugatePosterior, LinearRegression,
    LinearRegressionConfig, LossHistory,
};

use crate::args::{self, RunArgs};
use crate::bounds::Machine;
use crate::bounds::tutorials::{LinearRegressionSizes, check_linear_regression};
use crate::commands::Experiment;
use crate::output::{SUMMARY_FILE, Staging};
use crate::tensor_values::{first, values};
use curves::Curves;

mod curves;
mod summary;

/// The subcommand's name, also written into `summary.json`.
pub const COMMAND: &str = "linear-regression";

/// The tutorial's test inputs, `torch.linspace(-3, 3, 100)`.
const TEST_RANGE: (f64, f64, i64) = (-3.0, 3.0, 100);

/// Flags of `vi linear-regression`; the defaults are tutorial 1's settings,
/// those of the data's and the models' `Default` configurations.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for linear.png, the CSV files and summary.json (replaced as a
    /// whole).
    #[arg(long, value_name = "DIR", default_value = "results/linear-regression")]
    pub out: PathBuf,

    #[command(flatten)]
    pub run: RunArgs,

    /// Number of data points.
    #[arg(long, default_value_t = LinearDataConfig::default().num_samples, value_parser = args::count)]
    pub num_points: i64,

    /// Slope of the line the data follow.
    #[arg(long, default_value_t = LinearDataConfig::default().slope, value_parser = args::finite, allow_negative_numbers = true)]
    pub slope: f64,

    /// Intercept of the line the data follow.
    #[arg(long, default_value_t = LinearDataConfig::default().intercept, value_parser = args::finite, allow_negative_numbers = true)]
    pub intercept: f64,

    /// Standard deviation of the data's noise.
    #[arg(long, default_value_t = LinearDataConfig::default().noise_std, value_parser = args::non_negative)]
    pub noise_std: f64,

    /// Noise standard deviation σ of the Bayesian model's likelihood
    /// [default: --noise-std].
    #[arg(long, value_parser = args::positive)]
    pub likelihood_std: Option<f64>,

    /// Adam epochs of the MLE fit.
    #[arg(long, default_value_t = LinearRegressionConfig::default().epochs, value_parser = args::count)]
    pub mle_epochs: i64,

    /// Adam learning rate of the MLE fit.
    #[arg(long, default_value_t = LinearRegressionConfig::default().learning_rate, value_parser = args::positive)]
    pub mle_lr: f64,

    /// Adam epochs of the variational fit (about 3000 with --vi-lr 0.02
    /// --vi-samples 16 reach the mean-field optimum).
    #[arg(long, default_value_t = BayesianLinearRegressionConfig::default().epochs, value_parser = args::count)]
    pub vi_epochs: i64,

    /// Adam learning rate of the variational fit.
    #[arg(long, default_value_t = BayesianLinearRegressionConfig::default().learning_rate, value_parser = args::positive)]
    pub vi_lr: f64,

    /// Posterior samples per ELBO estimate.
    #[arg(long, default_value_t = BayesianLinearRegressionConfig::default().num_samples, value_parser = args::count)]
    pub vi_samples: i64,

    /// Posterior samples behind the predictive mean and band.
    #[arg(long, default_value_t = 100, value_parser = args::count_of_two)]
    pub predictive_samples: i64,
}

/// Validated settings: everything the run needs, checked before it starts.
#[derive(Debug)]
pub struct Plan {
    out: PathBuf,
    run: RunArgs,
    data: LinearDataConfig,
    mle: LinearRegressionConfig,
    vi: BayesianLinearRegressionConfig,
    predictive_samples: i64,
}

impl Experiment for Args {
    const NAME: &'static str = COMMAND;
    type Plan = Plan;

    fn plan(self) -> Result<Plan, String> {
        let likelihood_std = match self.likelihood_std {
            Some(std) => std,
            None if self.noise_std > 0.0 => self.noise_std,
            None => {
                return Err("--likelihood-std defaults to --noise-std, which is 0; \
                            give a positive --likelihood-std"
                    .to_owned());
            }
        };
        let mle = LinearRegressionConfig {
            epochs: self.mle_epochs,
            learning_rate: self.mle_lr,
            ..LinearRegressionConfig::default()
        };
        let vi = BayesianLinearRegressionConfig {
            noise_std: likelihood_std,
            epochs: self.vi_epochs,
            learning_rate: self.vi_lr,
            num_samples: self.vi_samples,
            ..BayesianLinearRegressionConfig::default()
        };
        mle.validate().map_err(|error| error.to_string())?;
        vi.validate().map_err(|error| error.to_string())?;
        let sizes = LinearRegressionSizes {
            points: self.num_points.unsigned_abs(),
            vi_samples: self.vi_samples.unsigned_abs(),
            predictive_samples: self.predictive_samples.unsigned_abs(),
            mle_epochs: self.mle_epochs.unsigned_abs(),
            vi_epochs: self.vi_epochs.unsigned_abs(),
        };
        check_linear_regression(&sizes, &Machine::get()).map_err(|error| error.to_string())?;
        Ok(Plan {
            out: self.out,
            data: LinearDataConfig {
                num_samples: self.num_points,
                slope: self.slope,
                intercept: self.intercept,
                noise_std: self.noise_std,
                seed: self.run.seed,
            },
            run: self.run,
            mle,
            vi,
            predictive_samples: self.predictive_samples,
        })
    }

    fn run(plan: &Plan) -> Result<()> {
        run(plan)
    }
}

/// Runs tutorial 1 and writes its results into `plan.out`.
pub fn run(plan: &Plan) -> Result<()> {
    plan.run.apply_threads();
    let mut staging = Staging::new(&plan.out, COMMAND)?;
    // The generator is seeded by the data draw; the MLE initialisation, the
    // VI noise and the predictive draws follow in the tutorial's order.
    let data = linear_data(&plan.data).context("cannot generate the data")?;
    let mle_store = nn::VarStore::new(Device::Cpu);
    let mle = LinearRegression::new(&mle_store.root(), plan.mle.clone())?;
    let mle_history = mle.fit(&data.x, &data.y).context("MLE fit failed")?;
    let vi_store = nn::VarStore::new(Device::Cpu);
    let vi = BayesianLinearRegression::new(&vi_store.root(), plan.vi.clone())?;
    let vi_history = vi.fit(&data.x, &data.y).context("variational fit failed")?;
    let exact = ConjugatePosterior::new(&data.x, &data.y, plan.vi.noise_std)
        .context("exact posterior failed")?;

    let (start, end, count) = TEST_RANGE;
    let x_test = Tensor::linspace(start, end, count, (Kind::Float, Device::Cpu)).unsqueeze(1);
    let predictive = vi.predictive(&x_test, plan.predictive_samples)?;
    let exact_line =
        x_test.to_kind(Kind::Double) * first(&exact.weight_mean())? + first(&exact.bias_mean())?;
    let curves = Curves {
        x: values(&x_test)?,
        mle: values(&mle.predict(&x_test)?)?,
        vi_mean: values(&predictive.mean)?,
        vi_std: values(&predictive.std)?,
        exact: values(&exact_line)?,
    };
    let summary = summary::summarize(
        plan,
        &data,
        (&mle_history, &vi_history),
        (&mle, &vi, &exact),
    )?;

    curves::write_data(&mut staging, &data)?;
    curves.write(&mut staging)?;
    let losses = |history: &LossHistory| {
        let rows = history.losses.iter().enumerate();
        rows.map(|(epoch, &loss)| vec![epoch as f64, loss])
            .collect::<Vec<_>>()
    };
    staging.write_csv("mle_loss.csv", &["epoch", "mse"], losses(&mle_history))?;
    staging.write_csv(
        "vi_loss.csv",
        &["epoch", "negative_elbo"],
        losses(&vi_history),
    )?;
    staging.save_chart("linear.png", &curves.chart(&data, plan)?)?;
    staging.write_json(SUMMARY_FILE, &summary)?;
    let written = staging.commit()?;
    summary::report(&summary);
    outln!("{written}");
    Ok(())
}
