//! One module per `vi` subcommand, and what the experiments among them
//! have in common: flags that turn into a checked plan, then a run.

pub mod bench_matmul;
pub mod cvae;
pub mod estimator_study;
pub mod exponential_posterior;
pub mod info;
pub mod linear_regression;
pub mod vae_binary;
pub mod vae_conv;
pub mod vae_mlp;

/// An experiment subcommand: its flags are checked together into a plan
/// (a usage error otherwise), which then runs.
pub trait Experiment {
    /// The subcommand's name, also written into `summary.json`.
    const NAME: &'static str;
    /// The validated settings.
    type Plan;

    /// The flags as a plan, or a message saying which combination is
    /// invalid.
    ///
    /// # Errors
    /// A usage error's message.
    fn plan(self) -> Result<Self::Plan, String>;

    /// Runs the experiment and writes its results.
    ///
    /// # Errors
    /// Anything that stops the run, with its chain of causes.
    fn run(plan: &Self::Plan) -> anyhow::Result<()>;
}
