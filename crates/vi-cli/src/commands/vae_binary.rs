//! `vi vae-binary` (alias `binary-vae`): a VAE with 50 Bernoulli latents
//! (784-200-200 → 50 → 200-200-784, tanh) on dynamically binarized MNIST,
//! trained by VIMCO (Mnih & Rezende 2016) or the score-function ELBO with
//! a leave-one-out baseline, or through the Concrete relaxation of its
//! latents (`--relaxed`), and always evaluated as the discrete model.

use std::path::PathBuf;

use anyhow::Result;
use vi_models::presets::{self, VaePreset};
use vi_models::{BinaryVae, BinaryVaeConfig, Objective, Relaxation};

use crate::args;
use crate::bounds::vae::Footprint;
use crate::vae::{Figure, NoRecords, OwnFlags, VaeArgs, VaeCommand, VaeFlags, VaePlan};

/// `vi vae-binary`.
#[derive(Debug, Clone, Copy)]
pub struct VaeBinary;

impl VaeCommand for VaeBinary {
    type Model = BinaryVae;
    type Records = NoRecords;

    const NAME: &'static str = "vae-binary";
    const ELBO_TITLE: &'static str = "Binary-latent VAE on binarized MNIST: ELBO per epoch";
    /// 16 test images and their reconstructions (one draw of the binary
    /// latents), 64 samples from the uniform prior, and the latent space
    /// (the posterior probabilities `q(z_j = 1 | x)`).
    const FIGURES: &'static [Figure] = &[
        Figure::Reconstructions { count: 16 },
        Figure::Samples {
            file: "samples.png",
            count: 64,
            per_row: 8,
        },
        Figure::Latent,
    ];
    const PRIOR_LABEL: &'static str = "z ~ Bernoulli(1/2)";
    const IWAE_HELP: Option<&'static str> = Some(
        "Importance samples per test image for the final IWAE \
         log-likelihood estimate of the discrete model; 0 skips it (over the first \
         --iwae-images test images)",
    );

    /// A dense VAE with one logit per latent.
    fn footprint(model: &BinaryVaeConfig) -> Footprint {
        Footprint::dense(model.input_dim, &model.hidden_dims, model.latent_dim, 1)
    }

    fn preset() -> VaePreset<BinaryVaeConfig> {
        presets::binary_vae()
    }

    fn model_flag_defaults(model: &BinaryVaeConfig) -> Vec<(&'static str, String)> {
        let relaxation = Relaxation::default();
        vec![
            ("latent_dim", model.latent_dim.to_string()),
            (
                "temperature",
                format!("{:.4}", relaxation.posterior_temperature),
            ),
            (
                "prior_temperature",
                relaxation.prior_temperature.to_string(),
            ),
        ]
    }

    fn title(plan: &VaePlan<BinaryVaeConfig>, latent_dim: i64) -> String {
        let relaxed = plan
            .model
            .as_ref()
            .is_some_and(|model| model.relaxation.is_some());
        let how = if relaxed {
            format!(
                "trained through the Concrete relaxation on {}",
                plan.training.config.objective
            )
        } else {
            format!("trained on {}", plan.training.config.objective)
        };
        format!("binary-latent VAE, {latent_dim} Bernoulli latents, {how}")
    }
}

/// Flags of `vi vae-binary`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the PNG figures, history.csv and summary.json (replaced
    /// as a whole).
    #[arg(long, value_name = "DIR", default_value = "results/vae-binary")]
    pub out: PathBuf,

    /// Number of binary latents.
    #[arg(long, value_parser = args::size)]
    pub latent_dim: Option<usize>,

    /// Train the Concrete relaxation of the latents by reparameterization
    /// (any --objective; by default iwae with the same k as VIMCO's, so that
    /// both estimate L_k) instead of the discrete model by the score
    /// function (--objective vimco, score-function or elbo); evaluation is
    /// the discrete model's either way.
    #[arg(long)]
    pub relaxed: bool,

    /// The relaxed posterior's temperature λ_q (with --relaxed).
    #[arg(long, value_parser = args::positive, requires = "relaxed")]
    pub temperature: Option<f64>,

    /// The relaxed prior's temperature λ_p (with --relaxed).
    #[arg(long, value_parser = args::positive, requires = "relaxed")]
    pub prior_temperature: Option<f64>,

    /// The IWAE estimate averages over the first N test images (all of them
    /// if the test set is smaller).
    #[arg(long, value_name = "N", value_parser = args::size)]
    pub iwae_images: Option<usize>,

    #[command(flatten)]
    pub training: VaeArgs,
}

impl VaeFlags for Args {
    type Command = VaeBinary;

    fn into_plan(self) -> Result<VaePlan<BinaryVaeConfig>, String> {
        let mut preset = VaeBinary::preset();
        let objective_given = self.training.objective.is_some();
        if self.relaxed && !objective_given {
            // The bound VIMCO estimates, reparameterized through the relaxation.
            preset.training.objective = Objective::Iwae {
                k: preset.training.objective.samples(),
            };
        }
        let relaxation = self.relaxed.then(|| {
            let defaults = Relaxation::default();
            Relaxation {
                posterior_temperature: self.temperature.unwrap_or(defaults.posterior_temperature),
                prior_temperature: self.prior_temperature.unwrap_or(defaults.prior_temperature),
            }
        });
        let model = (self.latent_dim.is_some() || self.relaxed).then(|| BinaryVaeConfig {
            latent_dim: self.latent_dim.unwrap_or(preset.model.latent_dim),
            relaxation,
            ..preset.model.clone()
        });
        let own = OwnFlags {
            model,
            train_set: None,
            log_likelihood_images: self.iwae_images,
            binarization: None,
        };
        let plan = self.training.plan(&preset, self.out, own)?;
        let objective = plan.training.config.objective;
        if !self.relaxed && objective.needs_reparameterization() {
            return Err(format!(
                "--objective {} differentiates through the draws, which the binary latents \
                 do not allow; use vimco, score-function or elbo (score function), or add \
                 --relaxed to train the Concrete relaxation",
                objective.name()
            ));
        }
        Ok(plan)
    }
}
