//! The gradient signal-to-noise ratio against `k` (Rainforth et al. 2018,
//! "Tighter Variational Bounds are Not Necessarily Better", eq. 6): at the
//! parameters of the trained one-sample ELBO model, on one fixed batch of
//! training images, `R` repeated gradient estimates per estimator and `k`,
//! summarized for the inference network (encoder, `φ`) and the generative
//! network (decoder, `θ`).

use std::time::Instant;

use anyhow::{Context, Result};
use serde::Serialize;
use vi_data::dynamic_binarization;
use vi_fs::errln;
use vi_models::{GradientSnr, MlpVae, Objective, Stream, Trainer};

use super::plan::StudyPlan;
use super::training::StudyData;

/// The objective whose trained parameters the SNR is measured at.
pub const SNR_MODEL: Objective = Objective::Elbo { samples: 1 };

/// One estimator's SNR at one `k`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SnrPoint {
    /// Draws per image (`k` or `samples`).
    pub k: usize,
    /// The SNR of the encoder's and the decoder's parameters.
    #[serde(flatten)]
    pub snr: GradientSnr,
    /// Seconds the `R` estimates took.
    pub seconds: f64,
}

/// The SNR of each of the plan's estimators ([`StudyPlan::snr_objectives`])
/// at `trainer`'s parameters, on the first `snr_images` training images
/// binarized once (libtorch seeded for [`Stream::GradientSnr`]); each
/// estimator's repeats draw from the same seeded stream.
///
/// # Errors
/// The model's errors.
pub fn measure(
    trainer: &Trainer<MlpVae>,
    plan: &StudyPlan,
    data: &StudyData,
) -> Result<Vec<SnrPoint>> {
    Stream::GradientSnr.seed_libtorch(plan.seed);
    let device = trainer.var_store().device();
    let images = data
        .train
        .images()
        .narrow(0, 0, plan.snr_images as i64)
        .to_device(device);
    let batch = dynamic_binarization(&images);
    let mut points = Vec::new();
    for objective in plan.snr_objectives() {
        let started = Instant::now();
        let snr = trainer
            .gradient_snr(&batch, &objective, plan.snr_repeats)
            .with_context(|| format!("cannot measure the gradient SNR of {objective}"))?;
        let seconds = started.elapsed().as_secs_f64();
        errln!(
            "  SNR {objective}: inference {:.4}, generative {:.4} (median over parameters; {:.1} s)",
            snr.inference.median,
            snr.generative.median,
            seconds
        );
        points.push(SnrPoint {
            k: objective.samples(),
            snr,
            seconds,
        });
    }
    Ok(points)
}
