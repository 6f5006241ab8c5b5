//! `vi vae-mlp` (alias `mlp-vae`): tutorial 3 — the fully connected VAE
//! (784-256-128-2, Bernoulli decoder) trained by SGD on the analytic-KL
//! ELBO of dynamically binarized MNIST, with the tutorial's plots and an
//! importance-sampled test log-likelihood; and what the tutorial suggests
//! trying next: other latent sizes (with a t-SNE picture), a Gaussian
//! observation model, and here also other widths, tanh (Burda et al.'s
//! 784-200-200-50) and an inverse autoregressive flow posterior.

use std::path::PathBuf;

use anyhow::Result;
use vi_data::Binarization;
use vi_models::presets::{self, VaePreset};
use vi_models::{LikelihoodConfig, MlpVae, MlpVaeConfig, PosteriorConfig, Variance};

use crate::args;
use crate::bounds::vae::Footprint;
use crate::vae::{
    ActivationChoice, Figure, LikelihoodChoice, NoRecords, OwnFlags, PosteriorChoice, VaeArgs,
    VaeCommand, VaeFlags, VaePlan,
};

/// `--flow-steps` when `--posterior iaf` is given without it.
pub const DEFAULT_FLOW_STEPS: usize = 2;
/// `--flow-hidden` when `--posterior iaf` is given without it.
pub const DEFAULT_FLOW_HIDDEN: usize = 64;

/// `vi vae-mlp`.
#[derive(Debug, Clone, Copy)]
pub struct VaeMlp;

impl VaeCommand for VaeMlp {
    type Model = MlpVae;
    type Records = NoRecords;

    const NAME: &'static str = "vae-mlp";
    const ELBO_TITLE: &'static str = "MLP VAE on binarized MNIST: ELBO per epoch";
    /// The tutorial's 16 test images and their reconstructions, 64 samples
    /// in `make_grid`'s 8 per row, the manifold over
    /// `torch.linspace(-4, 4, steps=20)`, and the latent space.
    const FIGURES: &'static [Figure] = &[
        Figure::Reconstructions { count: 16 },
        Figure::Samples {
            file: "samples.png",
            count: 64,
            per_row: 8,
        },
        Figure::Manifold {
            steps: 20,
            extent: 4.0,
        },
        Figure::Latent,
    ];

    fn preset() -> VaePreset<MlpVaeConfig> {
        presets::mlp_vae()
    }

    fn model_flag_defaults(model: &MlpVaeConfig) -> Vec<(&'static str, String)> {
        let widths: Vec<String> = model.hidden_dims.iter().map(ToString::to_string).collect();
        vec![
            ("latent_dim", model.latent_dim.to_string()),
            ("hidden_dims", widths.join(",")),
            ("activation", "relu".to_owned()),
            ("posterior", "gaussian".to_owned()),
            ("likelihood", "bernoulli".to_owned()),
        ]
    }

    fn title(plan: &VaePlan<MlpVaeConfig>, latent_dim: i64) -> String {
        let mut title = format!("tutorial 3: MLP VAE, latent dimension {latent_dim}");
        if let Some(model) = &plan.model {
            if let PosteriorConfig::Iaf { steps, .. } = model.posterior {
                title.push_str(&format!(", IAF posterior ({steps} steps)"));
            }
            if let LikelihoodConfig::Gaussian { .. } = model.likelihood {
                title.push_str(", Gaussian decoder");
            }
        }
        title
    }

    /// Encoder `D → h₁ → … → hₙ`, heads `hₙ → L` for μ and log σ², decoder
    /// `L → hₙ → … → h₁ → D`, each layer `(in + 1) · out` parameters. A
    /// training step keeps per image the input, each layer's output and
    /// activation, `z` and its noise, the logits and the loss's per-pixel
    /// terms, and a gradient of each (three times their sum, estimated); a
    /// decoded sample, the decoder's outputs and the per-pixel terms.
    /// The encoder's two heads (mean and scale) and the decoder; an IAF
    /// posterior's and a learned variance's parameters, a small fraction
    /// of the model, are left out of the estimate.
    fn footprint(model: &MlpVaeConfig) -> Footprint {
        Footprint::dense(model.input_dim, &model.hidden_dims, model.latent_dim, 2)
    }
}

/// Flags of `vi vae-mlp`; the defaults are tutorial 3's.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the PNG figures, history.csv and summary.json (replaced
    /// as a whole).
    #[arg(long, value_name = "DIR", default_value = "results/vae-mlp")]
    pub out: PathBuf,

    /// Size of the latent space; manifold.png needs 2, beyond 2 latent.png
    /// shows principal components (and --tsne adds a t-SNE picture).
    #[arg(long, value_parser = args::size)]
    pub latent_dim: Option<usize>,

    /// Widths of the encoder's hidden layers, comma-separated (the decoder
    /// mirrors them); Burda et al.'s model is --hidden-dims 200,200
    /// --latent-dim 50 --activation tanh.
    #[arg(long, value_name = "W,W,...", value_delimiter = ',', value_parser = args::size)]
    pub hidden_dims: Option<Vec<usize>>,

    /// Nonlinearity of the hidden layers.
    #[arg(long, value_enum)]
    pub activation: Option<ActivationChoice>,

    /// Family of q(z|x): the tutorial's diagonal Gaussian, or that Gaussian
    /// pushed through inverse autoregressive flow steps (trained on the
    /// Monte Carlo ELBO: the flow has no closed-form KL).
    #[arg(long, value_enum)]
    pub posterior: Option<PosteriorChoice>,

    /// IAF steps (with --posterior iaf) [default: 2].
    #[arg(long, value_name = "N", value_parser = args::size)]
    pub flow_steps: Option<usize>,

    /// Units of each of the two hidden layers of every IAF step's MADE
    /// (with --posterior iaf) [default: 64].
    #[arg(long, value_name = "W", value_parser = args::size)]
    pub flow_hidden: Option<usize>,

    /// Observation model p(x|z): Bernoulli on binarized pixels, or Gaussian
    /// on grey levels in [0, 1], not binarized, whose log-likelihoods are
    /// log-densities (nats, but not comparable with the Bernoulli model's).
    #[arg(long, value_enum)]
    pub likelihood: Option<LikelihoodChoice>,

    /// The Gaussian decoder's σ (with --likelihood gaussian): a number for a
    /// fixed σ, `learned` for one learned σ per pixel, `learned-shared` for
    /// one learned σ for all pixels (learned ones never fall below 0.01)
    /// [default: learned].
    #[arg(long, value_name = "SIGMA", value_parser = sigma)]
    pub sigma: Option<Variance>,

    #[command(flatten)]
    pub training: VaeArgs,
}

/// `--sigma`: a positive number, `learned` or `learned-shared`.
fn sigma(text: &str) -> Result<Variance, String> {
    match text.trim() {
        "learned" => Ok(Variance::LearnedPerPixel),
        "learned-shared" => Ok(Variance::LearnedShared),
        number => args::positive(number)
            .map(|sigma| Variance::Fixed { sigma })
            .map_err(|error| format!("{error}; or `learned`, or `learned-shared`")),
    }
}

impl Args {
    /// The model the flags ask for, `None` if no model flag was given.
    ///
    /// # Errors
    /// Flow flags without `--posterior iaf`, `--sigma` without
    /// `--likelihood gaussian`.
    fn model(&self, preset: &MlpVaeConfig) -> Result<Option<MlpVaeConfig>, String> {
        let iaf = self.posterior == Some(PosteriorChoice::Iaf);
        if !iaf && (self.flow_steps.is_some() || self.flow_hidden.is_some()) {
            return Err(
                "--flow-steps and --flow-hidden shape the IAF posterior; add --posterior iaf"
                    .to_owned(),
            );
        }
        let gaussian = self.likelihood == Some(LikelihoodChoice::Gaussian);
        if !gaussian && self.sigma.is_some() {
            return Err(
                "--sigma is the Gaussian decoder's standard deviation; add --likelihood gaussian"
                    .to_owned(),
            );
        }
        let given = self.latent_dim.is_some()
            || self.hidden_dims.is_some()
            || self.activation.is_some()
            || self.posterior.is_some()
            || self.likelihood.is_some();
        if !given {
            return Ok(None);
        }
        let posterior = if iaf {
            let width = self.flow_hidden.unwrap_or(DEFAULT_FLOW_HIDDEN);
            PosteriorConfig::Iaf {
                steps: self.flow_steps.unwrap_or(DEFAULT_FLOW_STEPS),
                hidden_dims: vec![width, width],
            }
        } else {
            PosteriorConfig::Gaussian
        };
        let likelihood = if gaussian {
            LikelihoodConfig::Gaussian {
                variance: self.sigma.unwrap_or(Variance::LearnedPerPixel),
            }
        } else {
            LikelihoodConfig::Bernoulli
        };
        Ok(Some(MlpVaeConfig {
            latent_dim: self.latent_dim.unwrap_or(preset.latent_dim),
            hidden_dims: self
                .hidden_dims
                .clone()
                .unwrap_or_else(|| preset.hidden_dims.clone()),
            activation: self.activation.map_or(preset.activation, Into::into),
            posterior,
            likelihood,
            ..preset.clone()
        }))
    }
}

impl VaeFlags for Args {
    type Command = VaeMlp;

    fn into_plan(self) -> Result<VaePlan<MlpVaeConfig>, String> {
        let preset = VaeMlp::preset();
        let model = self.model(&preset.model)?;
        // Gaussian pixels are grey levels: no binarization.
        let binarization =
            (self.likelihood == Some(LikelihoodChoice::Gaussian)).then_some(Binarization::None);
        let own = OwnFlags {
            model,
            train_set: None,
            log_likelihood_images: None,
            binarization,
        };
        self.training.plan(&preset, self.out, own)
    }
}
