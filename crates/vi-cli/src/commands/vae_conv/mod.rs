//! `vi vae-conv` (aliases `conv-vae`, `gaussian-conv-vae`): tutorial 2's
//! second half — the convolutional VAE with a Gaussian decoder, trained by
//! SGD on the first MNIST training image repeated 25,600 times. After every
//! epoch it records what the tutorial prints, the L1 norm of the posterior
//! mean of that image and its average σ (`posterior_log.rs`), and at the end
//! draws the image, its reconstructions and those two curves
//! (`overfit.rs`).

mod overfit;
mod posterior_log;

use std::path::PathBuf;

use anyhow::Result;
use vi_models::presets::{self, TrainSet, VaePreset};
use vi_models::{GaussianConvVae, GaussianConvVaeConfig};

use crate::args;
use crate::bounds::vae::{Affine, Footprint};
use crate::vae::{EstimatorChoice, Figure, OwnFlags, VaeArgs, VaeCommand, VaeFlags, VaePlan};
use posterior_log::PosteriorRecords;

/// `vi vae-conv`.
#[derive(Debug, Clone, Copy)]
pub struct VaeConv;

impl VaeCommand for VaeConv {
    type Model = GaussianConvVae;
    type Records = PosteriorRecords;

    const NAME: &'static str = "vae-conv";
    const ELBO_TITLE: &'static str = "ELBO per epoch";
    /// None of the shared ones: `overfit.png` is drawn by its records.
    const FIGURES: &'static [Figure] = &[];
    const IWAE_HELP: Option<&'static str> = Some(
        "Importance samples per test image for a final IWAE \
         log-likelihood estimate; 0 (the default) skips it: the tutorial trains on one image and \
         reports none. Useful with --full-train-set",
    );
    const SUMMARY_NOTES: bool = false;

    fn preset() -> VaePreset<GaussianConvVaeConfig> {
        presets::gaussian_conv_vae()
    }

    fn model_flag_defaults(model: &GaussianConvVaeConfig) -> Vec<(&'static str, String)> {
        vec![
            ("latent_dim", model.latent_dim.to_string()),
            ("estimator", EstimatorChoice::from(model.estimator).name()),
        ]
    }

    fn title(plan: &VaePlan<GaussianConvVaeConfig>, latent_dim: i64) -> String {
        let what = match plan.training.train_set {
            TrainSet::RepeatedImage { repeats } => format!("one image × {repeats}"),
            TrainSet::Full => "the training set".to_owned(),
        };
        format!("tutorial 2: convolutional VAE on {what}, latent dimension {latent_dim}")
    }

    /// The layers of `GaussianConvVae` (shapes in its documentation): six
    /// encoder convolutions `1→8→8→16→16→32→32` (3×3 but the last two,
    /// 2×2), the heads `32 → L` for μ and log σ, the decoder's `L → 32`
    /// (1×1) and `32→16→16→8→8→1` (3×3). Per image, the encoder's maps with
    /// their LeakyReLUs and poolings (27,552 values) and the decoder's with
    /// the upsamplings (17,488), the input and the per-pixel loss terms,
    /// times three for saved values and gradients; a decoded sample holds
    /// the decoder's maps.
    fn footprint(model: &GaussianConvVaeConfig) -> Footprint {
        const ENCODER_VALUES: u64 = 27_552;
        const DECODER_VALUES: u64 = 17_488;
        const PIXELS: u64 = 784;
        let conv = |inputs: u64, outputs: u64, side: u64| inputs * outputs * side * side + outputs;
        let encoder = conv(1, 8, 3)
            + conv(8, 8, 3)
            + conv(8, 16, 3)
            + conv(16, 16, 3)
            + conv(16, 32, 2)
            + conv(32, 32, 2);
        let decoder =
            32 + conv(32, 16, 3) + conv(16, 16, 3) + conv(16, 8, 3) + conv(8, 8, 3) + conv(8, 1, 3);
        Footprint {
            parameters: Affine {
                fixed: encoder + decoder,
                per_latent: 2 * (32 + 1) + 32,
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

/// Flags of `vi vae-conv`; the defaults are tutorial 2's.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder for overfit.png, elbo.png, history.csv and summary.json
    /// (replaced as a whole).
    #[arg(long, value_name = "DIR", default_value = "results/vae-conv")]
    pub out: PathBuf,

    /// Size of the latent space (tutorial: 32).
    #[arg(long, value_parser = args::size)]
    pub latent_dim: Option<usize>,

    /// The ELBO estimate of the training loss (the tutorial's elbo, its
    /// log q corrected, is the Monte Carlo one).
    #[arg(long, value_enum)]
    pub estimator: Option<EstimatorChoice>,

    /// Times the first training image is repeated to make the training set
    /// (the tutorial's `Subset(dataset, [0] * 256 * 100)`).
    #[arg(long, value_name = "N", value_parser = args::size, conflicts_with = "full_train_set")]
    pub repeats: Option<usize>,

    /// Train on the whole training set (or --train-limit of it) instead of
    /// one repeated image, with a test −ELBO after every epoch.
    #[arg(long)]
    pub full_train_set: bool,

    #[command(flatten)]
    pub training: VaeArgs,
}

impl VaeFlags for Args {
    type Command = VaeConv;

    fn into_plan(self) -> Result<VaePlan<GaussianConvVaeConfig>, String> {
        let preset = VaeConv::preset();
        let model = (self.latent_dim.is_some() || self.estimator.is_some()).then(|| {
            GaussianConvVaeConfig {
                latent_dim: self.latent_dim.unwrap_or(preset.model.latent_dim),
                estimator: self.estimator.map_or(preset.model.estimator, Into::into),
            }
        });
        let train_set = if self.full_train_set {
            Some(TrainSet::Full)
        } else {
            self.repeats
                .map(|repeats| TrainSet::RepeatedImage { repeats })
        };
        let own = OwnFlags {
            model,
            train_set,
            log_likelihood_images: None,
            binarization: None,
        };
        self.training.plan(&preset, self.out, own)
    }
}
