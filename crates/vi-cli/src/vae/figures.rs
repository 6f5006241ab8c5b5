//! The figures every VAE tutorial draws, from a trained model: the ELBO
//! per epoch, test digits above their reconstructions, samples from the
//! prior, the decoded latent grid (2-dimensional latents) and the test set
//! in latent space (on its first two principal components beyond two
//! dimensions, and then also as a t-SNE picture, tutorial 3's suggestion).
//!
//! Each random figure seeds libtorch's generator from the run's seed and a
//! stream of its own ([`vi_models::Stream`]), so the figures do not depend
//! on each other's order and the same seed draws them again.

use anyhow::{Context, Result};
use tch::{Device, Kind, Tensor};
use vi_data::{BatchOptions, IMAGE_COLS, IMAGE_ROWS, ImageDataset, PixelRange};
use vi_models::{History, Objective, Stream, TrainConfig, Trainer, Vae};
use vi_plot::{Chart, Color, ImageGrid, Line, Scatter};

use super::pca::PrincipalComponents;
use super::tsne::{TsneSettings, embed};
use crate::output::Staging;
use crate::tensor_values::values;

/// A figure that a VAE subcommand lists among its own (see
/// [`VaeFigures::save`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Figure {
    /// `reconstructions.png`: the first `count` test images above their
    /// reconstructions.
    Reconstructions {
        /// Images shown.
        count: usize,
    },
    /// `file`: `count` images decoded from prior draws, `per_row` per row.
    Samples {
        /// The file's name.
        file: &'static str,
        /// Images drawn.
        count: usize,
        /// Images per row.
        per_row: usize,
    },
    /// `manifold.png`: the decoder's means over a `steps × steps` grid of
    /// `z` in `[-extent, extent]²`; left out, with a note, unless the latent
    /// space has two dimensions.
    Manifold {
        /// Points per axis.
        steps: usize,
        /// Half the width of the grid.
        extent: f64,
    },
    /// `latent.png`: the test set's posterior means; left out, with a note,
    /// for a one-dimensional latent space. Beyond two dimensions, and only
    /// when asked ([`VaeFigures::with_tsne`]), also `latent_tsne.png`, a
    /// t-SNE picture of the first [`TSNE_POINTS`] test images' posterior
    /// means.
    Latent,
}

/// Test images in `latent_tsne.png`: enough to show the classes, few enough
/// for t-SNE to take seconds.
pub const TSNE_POINTS: usize = 2000;

/// Tutorial 3's ELBO plot: train and test ELBO (the negated losses)
/// against the epoch. With another objective than the tutorials', the
/// training curve is that objective's value and its legend says which.
pub fn elbo_chart(history: &History, title: &str, objective: &Objective) -> Chart {
    let records = history.records();
    let epochs: Vec<f64> = records.iter().map(|r| r.epoch as f64).collect();
    let train: Vec<f64> = records.iter().map(|r| -r.train_neg_elbo).collect();
    let test: Vec<f64> = records
        .iter()
        .map(|r| r.test_neg_elbo.map_or(f64::NAN, |loss| -loss))
        .collect();
    let (train_label, y_label) = if *objective == Objective::default() {
        ("Train".to_owned(), "ELBO (nats per image)")
    } else {
        (format!("Train: {objective}"), "bound (nats per image)")
    };
    // Markers too, so that a run of one or two epochs still shows its points.
    let chart = Chart::new()
        .title(title)
        .x_label("epoch")
        .y_label(y_label)
        .series(
            Line::new(epochs.clone(), train.clone())
                .color(Color::BLUE)
                .label(train_label),
        )
        .series(Scatter::new(epochs.clone(), train).color(Color::BLUE));
    // Runs without a test set (tutorial 2's one-image fit) get no empty
    // "Test" entry.
    if test.iter().all(|loss| loss.is_nan()) {
        return chart;
    }
    chart
        .series(
            Line::new(epochs.clone(), test.clone())
                .color(Color::ORANGE)
                .label(if *objective == Objective::default() {
                    "Test"
                } else {
                    "Test: elbo (1 sample)"
                }),
        )
        .series(Scatter::new(epochs, test).color(Color::ORANGE))
}

/// The figures of one trained model.
#[derive(Debug)]
pub struct VaeFigures<'a, M: Vae> {
    model: &'a M,
    config: &'a TrainConfig,
    test: &'a ImageDataset,
    prior: &'a str,
    tsne: bool,
}

impl<'a, M: Vae> VaeFigures<'a, M> {
    /// Figures of `trainer`'s model, with test images from `test`
    /// binarized and scaled as in training; `prior` names the prior in the
    /// samples' title (`z ~ N(0, I)`).
    pub fn new(trainer: &'a Trainer<M>, test: &'a ImageDataset, prior: &'a str) -> Self {
        Self {
            model: trainer.model(),
            config: trainer.config(),
            test,
            prior,
            tsne: false,
        }
    }

    /// Whether [`Figure::Latent`] also draws `latent_tsne.png` (off by
    /// default, so that the tutorials' results keep their files).
    #[must_use]
    pub fn with_tsne(mut self, tsne: bool) -> Self {
        self.tsne = tsne;
        self
    }

    /// Draws `figures` into `staging` in order, adding to `notes` why a
    /// figure is left out.
    ///
    /// # Errors
    /// The model's errors, or if a file cannot be written.
    pub fn save(
        &self,
        figures: &[Figure],
        staging: &mut Staging,
        notes: &mut Vec<String>,
    ) -> Result<()> {
        for figure in figures {
            match *figure {
                Figure::Reconstructions { count } => {
                    staging.save_grid("reconstructions.png", &self.reconstructions(count)?)?;
                }
                Figure::Samples {
                    file,
                    count,
                    per_row,
                } => staging.save_grid(file, &self.samples(count, per_row)?)?,
                Figure::Manifold { steps, extent } => match self.manifold(steps, extent)? {
                    Some(grid) => staging.save_grid("manifold.png", &grid)?,
                    None => notes.push(format!(
                        "manifold.png left out: it decodes a 2-dimensional latent grid, \
                         and this model's latent space has {} dimensions",
                        self.model.latent_dim()
                    )),
                },
                Figure::Latent => self.save_latent(staging, notes)?,
            }
        }
        Ok(())
    }

    /// The first `count` test images, binarized as in training, above
    /// their reconstructions (the mean of `p(x|z)` at one `z ~ q(z|x)`).
    ///
    /// # Errors
    /// The model's errors.
    fn reconstructions(&self, count: usize) -> Result<ImageGrid> {
        Stream::Reconstructions.seed_libtorch(self.config.seed);
        let count = count.min(self.test.len());
        let images = self
            .ordered_batches(count)?
            .next()
            .context("the test set is empty")?
            .images;
        let reconstructed = self.model.reconstruct(&images)?;
        let mut pixels = self.display(&images)?;
        pixels.extend(self.display(&reconstructed)?);
        Ok(self
            .grid(pixels)
            .nrow(count)
            .row_labels(["Data", "Reconstruction"])
            .title(format!("{count} test images and their reconstructions")))
    }

    /// `count` images decoded from prior draws `z ~ p(z)`, `nrow` per row.
    ///
    /// # Errors
    /// The model's errors.
    fn samples(&self, count: usize, nrow: usize) -> Result<ImageGrid> {
        Stream::PriorSamples.seed_libtorch(self.config.seed);
        let images = self.model.sample_images(count as i64)?;
        Ok(self
            .grid(self.display(&images)?)
            .nrow(nrow)
            .title(format!("{count} samples from the prior, {}", self.prior)))
    }

    /// The decoder's means over a `steps × steps` grid of `z` in
    /// `[-extent, extent]²`, laid out as tutorial 3's `torch.meshgrid`:
    /// `z₁` grows down the rows, `z₂` along the columns. `None` unless the
    /// latent space is 2-dimensional.
    ///
    /// # Errors
    /// The model's errors.
    fn manifold(&self, steps: usize, extent: f64) -> Result<Option<ImageGrid>> {
        if self.model.latent_dim() != 2 {
            return Ok(None);
        }
        let axis = Tensor::linspace(-extent, extent, steps as i64, (Kind::Float, Device::Cpu));
        let grids = Tensor::meshgrid_indexing(&[&axis, &axis], "ij");
        let flat: Vec<Tensor> = grids.iter().map(|grid| grid.flatten(0, -1)).collect();
        let z = Tensor::stack(&flat, 1).to_device(self.model.device());
        let images = tch::no_grad(|| self.model.decode(&z))?;
        Ok(Some(self.grid(self.display(&images)?).nrow(steps).title(
            format!(
                "Decoded z on [{}, {}]²: z₁ down the rows, z₂ across",
                -extent, extent
            ),
        )))
    }

    /// The posterior means `E[z|x]` of the test images (binarized as in
    /// training),
    /// coloured by digit: the two latent dimensions themselves when there
    /// are two, else their projection on the first two principal components
    /// (axes labelled with the variance each explains) — saved as
    /// `latent.png`, or a note saying why not for a 1-dimensional latent
    /// space.
    ///
    /// # Errors
    /// The model's errors, or if the file cannot be written.
    fn save_latent(&self, staging: &mut Staging, notes: &mut Vec<String>) -> Result<()> {
        match self.latent()? {
            Some(chart) => staging.save_chart("latent.png", &chart)?,
            None => {
                notes.push(
                    "latent.png left out: it plots two latent dimensions, this model has one"
                        .to_owned(),
                );
                return Ok(());
            }
        }
        if self.tsne && self.model.latent_dim() > 2 {
            staging.save_chart("latent_tsne.png", &self.latent_tsne()?)?;
        }
        Ok(())
    }

    /// The posterior locations ([`Vae::latent_location`]) of the test images
    /// in order, `batch_size` at a time (as many as `limit`), on the CPU,
    /// with their labels.
    fn latent_points(&self, limit: usize) -> Result<(Tensor, Vec<usize>)> {
        let (mut points, mut digits) = (Vec::new(), Vec::new());
        for batch in self.ordered_batches(1000)? {
            if digits.len() >= limit {
                break;
            }
            let take = (limit - digits.len()).min(batch.images.size()[0] as usize) as i64;
            let images = batch.images.narrow(0, 0, take);
            let location = self.model.latent_location(&images)?;
            points.push(location.to_device(Device::Cpu));
            let labels = values(&batch.labels.narrow(0, 0, take))?;
            digits.extend(labels.into_iter().map(|d| d as usize));
        }
        Ok((Tensor::cat(&points, 0), digits))
    }

    /// `latent_tsne.png`: a t-SNE embedding ([`embed`]) of the posterior
    /// locations of the first [`TSNE_POINTS`] test images, coloured by
    /// class; binarization and the embedding's start are drawn from
    /// [`Stream::LatentTsne`].
    ///
    /// # Errors
    /// The model's errors; t-SNE's for fewer than 4 test images.
    fn latent_tsne(&self) -> Result<Chart> {
        Stream::LatentTsne.seed_libtorch(self.config.seed);
        let (points, digits) = self.latent_points(TSNE_POINTS)?;
        let (count, dims) = (points.size()[0], points.size()[1]);
        let initial = Tensor::randn([count, 2], (Kind::Float, Device::Cpu)) * 1e-4;
        let as_f32 = |tensor: &Tensor| -> Result<Vec<f32>> {
            Ok(values(tensor)?.into_iter().map(|v| v as f32).collect())
        };
        let embedding = embed(
            &as_f32(&points)?,
            dims as usize,
            &as_f32(&initial)?,
            &TsneSettings::default(),
        )
        .context("cannot draw latent_tsne.png")?;
        let (first, second): (Vec<f64>, Vec<f64>) = embedding
            .chunks(2)
            .map(|pair| (f64::from(pair[0]), f64::from(pair[1])))
            .unzip();
        Ok(Chart::new()
            .title(format!(
                "Posterior means of {count} test images ({dims}-D, t-SNE)"
            ))
            .x_label("t-SNE 1")
            .y_label("t-SNE 2")
            .series(Scatter::new(first, second).classes(digits).radius(1.5)))
    }

    /// The latent scatter (see [`save_latent`](Self::save_latent)), or
    /// `None` for a 1-dimensional latent space.
    ///
    /// # Errors
    /// The model's errors.
    fn latent(&self) -> Result<Option<Chart>> {
        let latent_dim = self.model.latent_dim();
        if latent_dim < 2 {
            return Ok(None);
        }
        Stream::LatentMeans.seed_libtorch(self.config.seed);
        let (means, digits) = self.latent_points(usize::MAX)?;
        let title = format!("Posterior means of {} test images", digits.len());
        let chart = if latent_dim == 2 {
            Chart::new()
                .title(title)
                .x_label("z₁")
                .y_label("z₂")
                .series(
                    Scatter::new(values(&means.select(1, 0))?, values(&means.select(1, 1))?)
                        .classes(digits)
                        .radius(1.5),
                )
        } else {
            let pca = PrincipalComponents::fit(&means)?;
            let percent = |share: f64| format!("{:.1}", 100.0 * share);
            Chart::new()
                // Short enough for the chart's width; the axes name the
                // components.
                .title(format!("{title} ({latent_dim}-D, PCA)"))
                .x_label(format!(
                    "PC 1 ({}% of the variance)",
                    percent(pca.explained[0])
                ))
                .y_label(format!(
                    "PC 2 ({}% of the variance)",
                    percent(pca.explained[1])
                ))
                .series(
                    Scatter::new(pca.first, pca.second)
                        .classes(digits)
                        .radius(1.5),
                )
        };
        Ok(Some(chart))
    }

    /// The test set in order, `batch_size` at a time, binarized and scaled
    /// as in training, on the model's device.
    fn ordered_batches(&self, batch_size: usize) -> Result<vi_data::Batches> {
        let options = BatchOptions {
            batch_size,
            shuffle: false,
            drop_last: false,
            ..self.config.batch_options(self.model.device())
        };
        Ok(self.test.batches(&options)?)
    }

    /// Pixel intensities in `[0, 1]` for display, row-major.
    fn display(&self, images: &Tensor) -> Result<Vec<f32>> {
        let images = match self.config.pixel_range {
            PixelRange::ZeroToOne => images.shallow_clone(),
            PixelRange::MinusOneToOne => (images + 1.0) / 2.0,
        };
        Ok(values(&images)?.into_iter().map(|v| v as f32).collect())
    }

    fn grid(&self, pixels: Vec<f32>) -> ImageGrid {
        ImageGrid::new(pixels, IMAGE_ROWS, IMAGE_COLS)
    }
}
