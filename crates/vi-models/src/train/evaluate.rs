//! Evaluating a VAE on a data set, without gradient: tutorial 3's test
//! negative ELBO and the importance-sampled log-likelihood (Burda et al.
//! 2015), both averaged over images.

use tch::{Kind, Tensor};
use vi_data::{BatchOptions, ImageDataset};

use crate::error::{Error, Result};
use crate::vae::Vae;

/// How [`mean_log_likelihood`] samples: `num_samples` importance samples
/// per image, drawn `chunk_size` at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportanceSampling {
    /// Samples `K` per image (default 1000; Burda et al. use 5000).
    pub num_samples: i64,
    /// Samples decoded at once (default 100); memory grows with
    /// `chunk_size · batch_size · D`.
    pub chunk_size: i64,
}

impl Default for ImportanceSampling {
    fn default() -> Self {
        Self {
            num_samples: 1000,
            chunk_size: 100,
        }
    }
}

/// One evaluated batch, handed to the callback of [`negative_elbo_pass`].
pub(crate) struct BatchLoss {
    /// Counted from 1.
    pub(crate) batch: usize,
    /// Batches in the pass.
    pub(crate) batches: usize,
    /// Images in the batch.
    pub(crate) images: usize,
    /// The batch mean of the negative ELBO, `[]`, or the model's error.
    pub(crate) loss: Result<Tensor>,
}

/// Tutorial 3's test loss: `Σ_b loss_b · n_b / N` over the batches of
/// `options`, `loss_b` the batch mean of [`Vae::negative_elbo`], `n_b` the
/// batch size and `N = data.len()`; without gradient. Draws the order,
/// binarization and noise from libtorch's global generator.
///
/// # Errors
/// vi-data's errors for bad `options`; the model's errors.
pub fn mean_negative_elbo<M: Vae + ?Sized>(
    model: &M,
    data: &ImageDataset,
    options: &BatchOptions,
) -> Result<f64> {
    negative_elbo_pass(model, data, options, |batch| {
        Ok(batch.loss?.double_value(&[]))
    })
}

/// [`mean_negative_elbo`] with a callback that turns each batch's loss into
/// a number (and may stop the pass), for the trainer's test phase.
pub(crate) fn negative_elbo_pass<M, F>(
    model: &M,
    data: &ImageDataset,
    options: &BatchOptions,
    mut on_batch: F,
) -> Result<f64>
where
    M: Vae + ?Sized,
    F: FnMut(BatchLoss) -> Result<f64>,
{
    let num_data = data.len() as f64;
    tch::no_grad(|| {
        let batches = data.batches(options)?;
        let count = batches.len();
        let mut total = 0.0;
        for (index, batch) in batches.enumerate() {
            let images = batch.images.size()[0] as usize;
            let loss = model
                .negative_elbo(&batch.images)
                .map(|per_example| per_example.mean(Kind::Float));
            let loss = on_batch(BatchLoss {
                batch: index + 1,
                batches: count,
                images,
                loss,
            })?;
            total += loss * images as f64 / num_data;
        }
        Ok(total)
    })
}

/// Mean importance-sampled log-likelihood `(1/N) Σᵢ log p̂(xᵢ)` in nats over
/// the images of `options`' batches ([`Vae::log_likelihood`] with `K =
/// sampling.num_samples`), without gradient. Use `shuffle: false,
/// drop_last: false` to cover every image once. Draws binarization and
/// samples from libtorch's global generator.
///
/// `log p̂` is a stochastic lower bound of `log p(x)` in expectation that
/// tightens as `K` grows (Burda et al. 2015, Theorem 1).
///
/// The model's distributions are built without vi-core's value checks
/// ([`without_validation`](vi_core::validation::without_validation)), as
/// the trainer's step builds them.
///
/// # Errors
/// vi-data's errors for bad `options`; the model's errors, including
/// vi-core's for `num_samples` or `chunk_size` below 1;
/// [`Error::NonFiniteLogLikelihood`] if a batch's estimate is NaN or
/// infinite (the network's outputs were not finite).
pub fn mean_log_likelihood<M: Vae + ?Sized>(
    model: &M,
    data: &ImageDataset,
    options: &BatchOptions,
    sampling: &ImportanceSampling,
) -> Result<f64> {
    tch::no_grad(|| {
        let mut total = 0.0;
        let mut count = 0usize;
        for (index, batch) in data.batches(options)?.enumerate() {
            // The decoder's outputs go unchecked into vi-core's constructors
            // (one host synchronization and two passes over `chunk × batch ×
            // D` values each); a non-finite output still surfaces, in the
            // batch's sum just below.
            let log_likelihood = vi_core::validation::without_validation(|| {
                model.log_likelihood(&batch.images, sampling.num_samples, sampling.chunk_size)
            })?;
            let batch_total = log_likelihood.sum(Kind::Double).double_value(&[]);
            if !batch_total.is_finite() {
                return Err(Error::NonFiniteLogLikelihood {
                    batch: index + 1,
                    value: batch_total,
                });
            }
            total += batch_total;
            count += batch.images.size()[0] as usize;
        }
        Ok(if count == 0 {
            f64::NAN
        } else {
            total / count as f64
        })
    })
}
