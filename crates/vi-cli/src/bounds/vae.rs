//! The memory a VAE run allocates, estimated from its settings before the
//! model is built, and the flag to blame when it exceeds the memory
//! available. Each subcommand states its model's [`Footprint`] (parameters,
//! floats per image of a training step, floats per decoded importance
//! sample, all affine in the latent size); [`check`] combines it with the
//! batch size, the optimizer, the training set and the IWAE settings.
//!
//! The estimate (float32, 4 bytes a value):
//! - the model: parameters × (2 + optimizer state) — the parameters, their
//!   gradients, and Adam's two moments (SGD keeps none);
//! - a training step: the model, plus batch × floats per image;
//! - the sampler: 16 bytes per training image (the permutation of an epoch
//!   and its indices, int64);
//! - the IWAE estimate: the parameters, plus batch × chunk × floats per
//!   sample (the samples of a chunk are decoded at once; `--iwae-samples`
//!   only says how many chunks run, so it costs time, not memory).

use vi_models::presets::TrainSet;
use vi_models::{OptimizerConfig, TrainConfig};

use super::{Machine, OverBound, largest_fitting};
use crate::vae::{Splits, TrainingPlan};

/// `fixed + per_latent × L` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Affine {
    /// The part that does not depend on the latent size.
    pub fixed: u64,
    /// The part per latent dimension.
    pub per_latent: u64,
}

impl Affine {
    /// The value at latent size `latent`.
    pub fn at(&self, latent: u64) -> u128 {
        u128::from(self.fixed) + u128::from(self.per_latent) * u128::from(latent)
    }
}

/// What a model allocates, in float32 values, as functions of its latent
/// size `L`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footprint {
    /// Its parameters (exact: the tests count the built models').
    pub parameters: Affine,
    /// Values a training step keeps per image: the input, every layer's
    /// output and activation, the loss's per-pixel terms, and their
    /// gradients.
    pub per_image: Affine,
    /// Values one importance sample of one image takes while decoded,
    /// without gradient.
    pub per_sample: Affine,
    /// `L` of the model being checked.
    pub latent_dim: u64,
}

impl Footprint {
    /// The footprint of a dense VAE: an encoder `D → hidden… → heads × L`
    /// (`heads` outputs per latent: 2 for a Gaussian posterior's mean and
    /// scale, 1 for Bernoulli logits) and a decoder `L → reversed hidden…
    /// → D`, each layer with its bias.
    pub fn dense(pixels: usize, hidden: &[usize], latent_dim: usize, heads: u64) -> Self {
        let pixels = pixels as u64;
        let hidden: Vec<u64> = hidden.iter().map(|&h| h as u64).collect();
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
        Self {
            parameters: Affine {
                fixed: chain(&encoder) + first_decoded + chain(&decoder_rest),
                per_latent: heads * (last + 1) + first_decoded,
            },
            per_image: Affine {
                fixed: 3 * (5 * pixels + 2 * widths),
                per_latent: 12,
            },
            per_sample: Affine {
                fixed: widths + 3 * pixels,
                per_latent: 1,
            },
            latent_dim: latent_dim as u64,
        }
    }
}

/// The sizes of a VAE run, as its plan (or its checkpoint) sets them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunSizes {
    /// The model's footprint.
    pub footprint: Footprint,
    /// Images per batch.
    pub batch_size: u64,
    /// The optimizer, whose state the model's memory includes.
    pub optimizer: OptimizerConfig,
    /// Images of the training set (after repetition).
    pub train_images: u64,
    /// `--repeats`, when the training set is one image repeated.
    pub repeats: Option<u64>,
    /// `(K, chunk)` of the IWAE estimate, if it runs.
    pub sampling: Option<(u64, u64)>,
    /// Test images the estimate averages over.
    pub log_likelihood_images: u64,
}

/// Bytes of `values` float32 values.
fn floats(values: u128) -> u128 {
    4 * values
}

impl RunSizes {
    fn state_copies(&self) -> u128 {
        match self.optimizer {
            OptimizerConfig::Sgd { .. } => 2,
            OptimizerConfig::Adam { .. } => 4,
        }
    }

    fn model_bytes(&self, latent: u64) -> u128 {
        floats(self.footprint.parameters.at(latent) * self.state_copies())
    }

    fn step_bytes(&self, latent: u64, batch: u64) -> u128 {
        self.model_bytes(latent) + floats(u128::from(batch) * self.footprint.per_image.at(latent))
    }

    fn iwae_bytes(&self, batch: u64, chunk: u64) -> u128 {
        let latent = self.footprint.latent_dim;
        floats(
            self.footprint.parameters.at(latent)
                + u128::from(batch) * u128::from(chunk) * self.footprint.per_sample.at(latent),
        )
    }
}

/// Checks the run's memory estimate against the machine's memory, step by
/// step (a training step with the model, the sampler, the IWAE estimate), and
/// names the flag that sizes the first step that does not fit.
///
/// # Errors
/// [`OverBound`] naming `--latent-dim`, `--batch-size`, `--repeats` or
/// `--iwae-chunk`, with the largest value that fits.
pub fn check(sizes: &RunSizes, machine: &Machine) -> Result<(), OverBound> {
    let memory = u128::from(machine.memory);
    let latent = sizes.footprint.latent_dim;
    let over = |flag, value, what: String, needed, largest| OverBound {
        flag,
        value,
        what,
        needed,
        largest,
        machine: *machine,
    };

    // A training step, which holds the model too; when even one image per
    // batch does not fit, the model is too large.
    let batch = sizes.batch_size.min(sizes.train_images.max(1));
    let step = sizes.step_bytes(latent, batch);
    if step > memory {
        let what = format!("a training step on batches of {batch} images");
        return Err(
            match largest_fitting(batch, |b| sizes.step_bytes(latent, b) <= memory) {
                Some(largest) => over("--batch-size", sizes.batch_size, what, step, Some(largest)),
                None => over(
                    "--latent-dim",
                    latent,
                    format!(
                        "{what} of a model with {latent} latent dimensions ({} parameters, \
                         with their gradients and the optimizer's state)",
                        sizes.footprint.parameters.at(latent)
                    ),
                    step,
                    largest_fitting(latent, |l| sizes.step_bytes(l, 1) <= memory),
                ),
            },
        );
    }

    if let Some(repeats) = sizes.repeats {
        let sampler = 16 * u128::from(repeats);
        if sampler > memory {
            return Err(over(
                "--repeats",
                repeats,
                format!("shuffling {repeats} copies of the image each epoch"),
                sampler,
                largest_fitting(repeats, |r| 16 * u128::from(r) <= memory),
            ));
        }
    }

    if let Some((samples, chunk)) = sizes.sampling {
        let chunk_used = chunk.min(samples);
        let batch = sizes.batch_size.min(sizes.log_likelihood_images.max(1));
        let needed = sizes.iwae_bytes(batch, chunk_used);
        if needed > memory {
            return Err(over(
                "--iwae-chunk",
                chunk,
                format!(
                    "decoding {chunk_used} importance samples of each of {batch} test images \
                     at once"
                ),
                needed,
                largest_fitting(chunk_used, |c| sizes.iwae_bytes(batch, c) <= memory),
            ));
        }
    }
    Ok(())
}

/// [`check`] for a VAE run: `footprint` of the model in effect, the
/// training settings in effect (the flags', or the checkpoint's), the data
/// loaded and the plan's IWAE settings.
///
/// # Errors
/// The [`OverBound`] of [`check`].
pub fn check_run(
    footprint: Footprint,
    config: &TrainConfig,
    plan: &TrainingPlan,
    splits: &Splits,
    machine: &Machine,
) -> anyhow::Result<()> {
    let test_images = splits.test.len();
    let sizes = RunSizes {
        footprint,
        batch_size: config.batch_size as u64,
        optimizer: config.optimizer,
        train_images: splits.train.len() as u64,
        repeats: match plan.train_set {
            TrainSet::RepeatedImage { repeats } => Some(repeats as u64),
            TrainSet::Full => None,
        },
        sampling: plan.sampling.map(|sampling| {
            (
                u64::try_from(sampling.num_samples).unwrap_or(0),
                u64::try_from(sampling.chunk_size).unwrap_or(0),
            )
        }),
        log_likelihood_images: plan
            .log_likelihood_images
            .map_or(test_images, |images| images.min(test_images))
            as u64,
    };
    Ok(check(&sizes, machine)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bounds::MemorySource;

    fn machine(memory: u64) -> Machine {
        Machine {
            cpus: 2,
            memory,
            memory_source: MemorySource::MemAvailable,
        }
    }

    /// A model of 1000 + 10·L parameters, 100 values per image, 10 per
    /// sample.
    fn sizes(latent: u64, batch: u64, chunk: u64) -> RunSizes {
        RunSizes {
            footprint: Footprint {
                parameters: Affine {
                    fixed: 1000,
                    per_latent: 10,
                },
                per_image: Affine {
                    fixed: 100,
                    per_latent: 0,
                },
                per_sample: Affine {
                    fixed: 10,
                    per_latent: 0,
                },
                latent_dim: latent,
            },
            batch_size: batch,
            optimizer: OptimizerConfig::sgd(0.1),
            train_images: 1_000_000,
            repeats: None,
            sampling: Some((1000, chunk)),
            log_likelihood_images: 100,
        }
    }

    /// At the bound the run passes; one past it, the flag is named with
    /// the bound as the largest value.
    #[test]
    fn each_flag_is_accepted_at_its_bound_and_refused_past_it() {
        let memory = machine(1 << 20);
        // One image: 4 · 2 · (1000 + 10 L) + 400 B ≤ 1 MiB ⇔ L ≤ 13002.
        check(&sizes(13_002, 1, 1), &memory).unwrap();
        let error = check(&sizes(13_003, 1, 1), &memory).unwrap_err();
        assert_eq!(
            (error.flag, error.value, error.largest),
            ("--latent-dim", 13_003, Some(13_002))
        );

        // 8 · 1010 + 400 B B ≤ 1 MiB ⇔ B ≤ 2601 at L = 1.
        check(&sizes(1, 2601, 1), &memory).unwrap();
        let error = check(&sizes(1, 2602, 1), &memory).unwrap_err();
        assert_eq!(
            (error.flag, error.value, error.largest),
            ("--batch-size", 2602, Some(2601))
        );

        // IWAE: 4 · (1010 + 100 · c · 10) ≤ 1 MiB ⇔ c ≤ 261 at B = 100.
        check(&sizes(1, 100, 261), &memory).unwrap();
        let error = check(&sizes(1, 100, 262), &memory).unwrap_err();
        assert_eq!(
            (error.flag, error.value, error.largest),
            ("--iwae-chunk", 262, Some(261))
        );
        // A chunk beyond K decodes K samples at once: K decides.
        let mut few = sizes(1, 100, 1_000_000);
        few.sampling = Some((200, 1_000_000));
        check(&few, &memory).unwrap();
        few.sampling = Some((262, 1_000_000));
        assert_eq!(check(&few, &memory).unwrap_err().largest, Some(261));
    }

    /// The parameters of a model built as the subcommand builds it.
    fn built_parameters<M: vi_models::Vae>(config: &M::Config) -> u128 {
        let store = tch::nn::VarStore::new(tch::Device::Cpu);
        M::build(&store.root(), config).unwrap();
        store
            .variables()
            .values()
            .map(|tensor| tensor.numel() as u128)
            .sum()
    }

    /// Each subcommand's footprint counts its model's parameters exactly,
    /// at the tutorial's latent size and another.
    #[test]
    fn footprints_count_the_models_parameters() {
        use crate::commands::{
            cvae::Cvae, vae_binary::VaeBinary, vae_conv::VaeConv, vae_mlp::VaeMlp,
        };
        use crate::vae::VaeCommand;
        use vi_models::{
            BernoulliConvVae, BernoulliConvVaeConfig, BinaryVae, BinaryVaeConfig, GaussianConvVae,
            GaussianConvVaeConfig, MlpVae, MlpVaeConfig,
        };
        for latent in [2, 7] {
            let mlp = MlpVaeConfig {
                latent_dim: latent,
                ..MlpVaeConfig::default()
            };
            let deep = MlpVaeConfig {
                hidden_dims: vec![64, 32, 16],
                ..mlp.clone()
            };
            let cvae = BernoulliConvVaeConfig {
                latent_dim: latent,
                ..BernoulliConvVaeConfig::default()
            };
            let conv = GaussianConvVaeConfig {
                latent_dim: latent,
                ..GaussianConvVaeConfig::default()
            };
            let at = |footprint: Footprint| footprint.parameters.at(latent as u64);
            assert_eq!(
                at(VaeMlp::footprint(&mlp)),
                built_parameters::<MlpVae>(&mlp)
            );
            assert_eq!(
                at(VaeMlp::footprint(&deep)),
                built_parameters::<MlpVae>(&deep)
            );
            assert_eq!(
                at(Cvae::footprint(&cvae)),
                built_parameters::<BernoulliConvVae>(&cvae)
            );
            assert_eq!(
                at(VaeConv::footprint(&conv)),
                built_parameters::<GaussianConvVae>(&conv)
            );
            let binary = BinaryVaeConfig {
                latent_dim: latent,
                ..BinaryVaeConfig::default()
            };
            assert_eq!(
                at(VaeBinary::footprint(&binary)),
                built_parameters::<BinaryVae>(&binary)
            );
        }
    }

    #[test]
    fn repeats_are_bounded_by_the_shuffle() {
        let memory = machine(1 << 20);
        let mut repeated = sizes(1, 10, 1);
        repeated.repeats = Some(65_536);
        check(&repeated, &memory).unwrap();
        repeated.repeats = Some(65_537);
        let error = check(&repeated, &memory).unwrap_err();
        assert_eq!((error.flag, error.largest), ("--repeats", Some(65_536)));
    }

    #[test]
    fn the_message_names_the_flag_value_bound_and_fix() {
        let message = check(&sizes(1, 1 << 40, 1), &machine(1 << 20))
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "--batch-size 1099511627776: a training step on batches of 1000000 images would \
             need about 381.5 MiB, more than the 1.0 MiB of memory available (MemAvailable in \
             /proc/meminfo); at most --batch-size 2601 fits with the other settings, so lower \
             --batch-size"
        );
    }
}
