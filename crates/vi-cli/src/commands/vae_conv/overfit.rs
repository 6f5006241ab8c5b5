//! `overfit.png`: tutorial 2's one image, decoded from its posterior mean
//! and from a posterior draw, with the ELBO and the two curves the tutorial
//! prints (`‖μ‖₁` and the mean σ per epoch).

use anyhow::Result;
use tch::{Device, Tensor};
use vi_core::Distribution;
use vi_data::{IMAGE_COLS, IMAGE_ROWS, PixelRange};
use vi_models::{GaussianConvVae, Stream, Trainer, Vae};
use vi_plot::{Chart, Color, Figure, ImageGrid, Line, Scatter};

use super::posterior_log::PosteriorRecord;
use crate::tensor_values::values;

/// The image, its reconstructions, and the two curves the tutorial prints,
/// with the ELBO chart: a 2×2 figure. The sampled reconstruction draws from
/// [`Stream::ImageReconstruction`].
pub fn overfit_figure(
    trainer: &Trainer<GaussianConvVae>,
    image: &Tensor,
    records: &[PosteriorRecord],
    elbo: Chart,
) -> Result<Figure> {
    let model = trainer.model();
    Stream::ImageReconstruction.seed_libtorch(trainer.config().seed);
    let (from_mean, from_sample) = tch::no_grad(|| -> Result<(Tensor, Tensor)> {
        let mean = model.posterior(image)?.mean()?;
        Ok((model.decode(&mean)?, model.reconstruct(image)?))
    })?;
    let unit = |images: &Tensor| -> Result<Vec<f32>> {
        let unit = PixelRange::MinusOneToOne
            .to_unit_interval(&images.to_device(Device::Cpu))
            .clamp(0.0, 1.0);
        Ok(values(&unit)?.into_iter().map(|v| v as f32).collect())
    };
    let mut pixels = unit(image)?;
    pixels.extend(unit(&from_mean)?);
    pixels.extend(unit(&from_sample)?);
    let grid = ImageGrid::new(pixels, IMAGE_ROWS, IMAGE_COLS)
        .nrow(3)
        .title("Image, decoded μ(x), decoded z ~ q(z|x)");
    let epochs: Vec<f64> = records.iter().map(|r| r.epoch as f64).collect();
    let curve = |values: Vec<f64>, label: &str, color: Color| {
        Chart::new()
            .title(format!("{label} of the image's posterior"))
            .x_label("epoch (0: before training)")
            .y_label(label)
            .series(Line::new(epochs.clone(), values.clone()).color(color))
            .series(Scatter::new(epochs.clone(), values).color(color))
    };
    let l1 = curve(
        records.iter().map(|r| r.mean_l1_norm).collect(),
        "‖μ‖₁",
        Color::BLUE,
    );
    let sigma = curve(
        records.iter().map(|r| r.average_sigma).collect(),
        "mean σ",
        Color::ORANGE,
    );
    Ok(Figure::new(2, 2)
        .title("Tutorial 2: the convolutional VAE fitted to one image")
        .panel(grid)
        .panel(elbo)
        .panel(l1)
        .panel(sigma))
}
