//! `vi vae-mlp` (alias `mlp-vae`): tutorial 3 — the fully connected VAE
//! (784-256-128-2, Bernoulli decoder) trained by SGD on the analytic-KL
//! ELBO of dynamically binarized MNIST, with the tutorial's plots and an
//! importance-sampled test log-likelihood.

use std::path::PathBuf;

use anyhow::Result;
use vi_models::presets::{self, VaePreset};
use vi_models::{MlpVae, MlpVaeConfig};

use crate::args;
use crate::bounds::vae::{Affine, Footprint};
use crate::vae::{Figure, NoRecords, OwnFlags, VaeArgs, VaeCommand, VaeFlags, VaePlan};

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
        vec![("latent_dim", model.latent_dim.to_string())]
    }

    fn title(_plan: &VaePlan<MlpVaeConfig>, latent_dim: i64) -> String {
        format!("tutorial 3: MLP VAE, latent dimension {latent_dim}")
    }

    /// Encoder `D → h₁ → … → hₙ`, heads `hₙ → L` for μ and log σ², decoder
    /// `L → hₙ → … → h₁ → D`, each layer `(in + 1) · out` parameters. A
    /// training step keeps per image the input, each layer's output and
    /// activation, `z` and its noise, the logits and the loss's per-pixel
    /// terms, and a gradient of each (three times their sum, estimated); a
    /// decoded sample, the decoder's outputs and the per-pixel terms.
    fn footprint(model: &MlpVaeConfig) -> Footprint {
        let pixels = model.input_dim as u64;
        let hidden: Vec<u64> = model.hidden_dims.iter().map(|&h| h as u64).collect();
        let chain = |dims: &[u64]| -> u64 { dims.windows(2).map(|w| (w[0] + 1) * w[1]).sum() };
        let encoder: Vec<u64> = std::iter::once(pixels)
            .chain(hidden.iter().copied())
            .collect();
        let last = encoder.last().copied().unwrap_or(pixels);
        let decoder_rest: Vec<u64> = hidden
            .iter()
            .rev()
            .copied()
            .chain(std::iter::once(pixels))
            .collect();
        let first_decoded = decoder_rest.first().copied().unwrap_or(pixels);
        let widths: u64 = hidden.iter().sum();
        Footprint {
            parameters: Affine {
                fixed: chain(&encoder) + first_decoded + chain(&decoder_rest),
                per_latent: 2 * (last + 1) + first_decoded,
            },
            per_image: Affine {
                fixed: 3 * (5 * pixels + 2 * widths),
                per_latent: 12,
            },
            per_sample: Affine {
                fixed: widths + 3 * pixels,
                per_latent: 1,
            },
            latent_dim: model.latent_dim as u64,
        }
    }
}

/// Flags of `vi vae-mlp`; the defaults are tutorial 3's.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the PNG figures, history.csv and summary.json (replaced
    /// as a whole).
    #[arg(long, value_name = "DIR", default_value = "results/vae-mlp")]
    pub out: PathBuf,

    /// Size of the latent space; manifold.png needs 2.
    #[arg(long, value_parser = args::size)]
    pub latent_dim: Option<usize>,

    #[command(flatten)]
    pub training: VaeArgs,
}

impl VaeFlags for Args {
    type Command = VaeMlp;

    fn into_plan(self) -> Result<VaePlan<MlpVaeConfig>, String> {
        let preset = VaeMlp::preset();
        let model = self.latent_dim.map(|latent_dim| MlpVaeConfig {
            latent_dim,
            ..preset.model.clone()
        });
        let own = OwnFlags {
            model,
            train_set: None,
            log_likelihood_images: None,
        };
        self.training.plan(&preset, self.out, own)
    }
}
