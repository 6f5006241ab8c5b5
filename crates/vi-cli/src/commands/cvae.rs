//! `vi cvae` (alias `bernoulli-conv-vae`): tutorial 4 — TensorFlow's
//! convolutional VAE (two strided convolutions to a 10-dimensional Gaussian
//! posterior, three transposed convolutions to Bernoulli logits) trained by
//! Adam on the single-sample Monte Carlo ELBO of statically binarized
//! MNIST, with reconstructions, prior samples, the test set in latent space
//! and an importance-sampled log-likelihood on part of the test set.

use std::path::PathBuf;

use anyhow::Result;
use vi_models::presets::{self, VaePreset};
use vi_models::{BernoulliConvVae, BernoulliConvVaeConfig};

use crate::args;
use crate::bounds::vae::{Affine, Footprint};
use crate::vae::{
    EstimatorChoice, Figure, NoRecords, OwnFlags, VaeArgs, VaeCommand, VaeFlags, VaePlan,
};

/// `vi cvae`.
#[derive(Debug, Clone, Copy)]
pub struct Cvae;

impl VaeCommand for Cvae {
    type Model = BernoulliConvVae;
    type Records = NoRecords;

    const NAME: &'static str = "cvae";
    const ELBO_TITLE: &'static str = "Convolutional VAE on binarized MNIST: ELBO per epoch";
    /// 16 test images and their reconstructions, the tutorial's
    /// `generate_and_save_images` (16 samples in a 4×4 grid), a larger 8×8
    /// sheet, and the latent space.
    const FIGURES: &'static [Figure] = &[
        Figure::Reconstructions { count: 16 },
        Figure::Samples {
            file: "samples.png",
            count: 16,
            per_row: 4,
        },
        Figure::Samples {
            file: "samples_8x8.png",
            count: 64,
            per_row: 8,
        },
        Figure::Latent,
    ];
    const IWAE_HELP: Option<&'static str> = Some(
        "Importance samples per test image for the final IWAE \
         log-likelihood estimate; 0 skips it. The default is lower than vae-mlp's 1000 because \
         every sample runs the convolutional decoder: k = 100 over the first 1,000 images \
         (--iwae-images) takes about a minute on 2 CPU cores, k = 1000 over all 10,000 test \
         images about 100 times as long",
    );

    fn preset() -> VaePreset<BernoulliConvVaeConfig> {
        presets::bernoulli_conv_vae()
    }

    fn model_flag_defaults(model: &BernoulliConvVaeConfig) -> Vec<(&'static str, String)> {
        vec![
            ("latent_dim", model.latent_dim.to_string()),
            ("estimator", EstimatorChoice::from(model.estimator).name()),
        ]
    }

    fn title(_plan: &VaePlan<BernoulliConvVaeConfig>, latent_dim: i64) -> String {
        format!("tutorial 4: convolutional VAE, latent dimension {latent_dim}")
    }

    /// The layers of `BernoulliConvVae` (shapes in its documentation):
    /// convolutions `1→32` and `32→64` (3×3), the dense `2304 → 2L` and
    /// `L → 1568`, transposed convolutions `32→64`, `64→32` and `32→1`
    /// (3×3). Per image, the encoder's maps (32×13×13, 64×6×6, each with
    /// its ReLU: 15,424 values) and the decoder's (the dense output, the
    /// full and cropped maps of 64×15×15 / 64×14×14 and 32×29×29 /
    /// 32×28×28 with their ReLUs, the logits: 121,337 values), the input
    /// and the per-pixel loss terms, times three for saved values and
    /// gradients; a decoded sample holds the decoder's maps.
    fn footprint(model: &BernoulliConvVaeConfig) -> Footprint {
        const ENCODER_VALUES: u64 = 2 * (32 * 13 * 13) + 2 * (64 * 6 * 6);
        const DECODER_VALUES: u64 = 2 * 1568
            + (64 * 15 * 15 + 2 * (64 * 14 * 14))
            + (32 * 29 * 29 + 2 * (32 * 28 * 28))
            + (29 * 29 + 28 * 28);
        const PIXELS: u64 = 784;
        let conv = |inputs: u64, outputs: u64| inputs * outputs * 9 + outputs;
        Footprint {
            parameters: Affine {
                fixed: conv(1, 32)
                    + conv(32, 64)
                    + 1568
                    + conv(32, 64)
                    + conv(64, 32)
                    + conv(32, 1),
                per_latent: 2 * (64 * 6 * 6 + 1) + 1568,
            },
            per_image: Affine {
                fixed: 3 * (4 * PIXELS + ENCODER_VALUES + DECODER_VALUES),
                per_latent: 15,
            },
            per_sample: Affine {
                fixed: DECODER_VALUES + 2 * PIXELS,
                per_latent: 1,
            },
            latent_dim: model.latent_dim as u64,
        }
    }
}

/// Flags of `vi cvae`; the defaults are tutorial 4's.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for the PNG figures, history.csv and summary.json (replaced
    /// as a whole).
    #[arg(long, value_name = "DIR", default_value = "results/cvae")]
    pub out: PathBuf,

    /// Size of the latent space (tutorial 4: 10; TensorFlow's original: 2).
    #[arg(long, value_parser = args::size)]
    pub latent_dim: Option<usize>,

    /// The ELBO estimate of the training loss (the tutorial's compute_loss
    /// is the Monte Carlo one).
    #[arg(long, value_enum)]
    pub estimator: Option<EstimatorChoice>,

    /// The IWAE estimate averages over the first N test images (all of them
    /// if the test set is smaller).
    #[arg(long, value_name = "N", value_parser = args::image_count)]
    pub iwae_images: Option<usize>,

    #[command(flatten)]
    pub training: VaeArgs,
}

impl VaeFlags for Args {
    type Command = Cvae;

    fn into_plan(self) -> Result<VaePlan<BernoulliConvVaeConfig>, String> {
        let preset = Cvae::preset();
        let model = (self.latent_dim.is_some() || self.estimator.is_some()).then(|| {
            BernoulliConvVaeConfig {
                latent_dim: self.latent_dim.unwrap_or(preset.model.latent_dim),
                estimator: self.estimator.map_or(preset.model.estimator, Into::into),
            }
        });
        let own = OwnFlags {
            model,
            train_set: None,
            log_likelihood_images: self.iwae_images,
            binarization: None,
        };
        self.training.plan(&preset, self.out, own)
    }
}
