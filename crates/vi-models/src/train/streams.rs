//! The random streams of a run, named in one place. Every part of a run
//! that draws from libtorch's generator — an epoch, the final
//! log-likelihood, each figure — seeds it first from the run's seed and a
//! stream of its own, so that it draws the same numbers whatever ran before
//! it: a resumed run draws what the uninterrupted one drew (without saving
//! the generator's state), and a figure does not depend on the others.

/// One of a run's random streams; [`seed`](Self::seed) gives its seed.
///
/// | stream | number for [`derived_seed`] |
/// |---|---|
/// | [`Initialization`](Self::Initialization) | none: the run's seed itself |
/// | [`LogLikelihood`](Self::LogLikelihood) | 0 |
/// | [`Epoch`](Self::Epoch)`(e)` | `e` (from 1) |
/// | [`Reconstructions`](Self::Reconstructions) | 2³² |
/// | [`PriorSamples`](Self::PriorSamples) | 2³² + 1 |
/// | [`LatentMeans`](Self::LatentMeans) | 2³² + 2 |
/// | [`LatentTsne`](Self::LatentTsne) | 2³² + 3 |
/// | [`GradientSnr`](Self::GradientSnr) | 2³² + 32 |
/// | [`ImageReconstruction`](Self::ImageReconstruction) | 2³² + 16 |
///
/// The figures' numbers start above any epoch's. They are part of what a
/// seed means: changing one changes every result drawn from that stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// The model's initialization, as the tutorials' `torch.manual_seed`
    /// before building the model.
    Initialization,
    /// Epoch `e`, counted from 1: its order, binarization and noise, for
    /// training and then the test pass.
    Epoch(usize),
    /// The final importance-sampled log-likelihood.
    LogLikelihood,
    /// The test images' reconstructions (`reconstructions.png`).
    Reconstructions,
    /// Images decoded from prior draws (`samples.png` and its larger
    /// sheets, which therefore begin with the same draws).
    PriorSamples,
    /// The posterior means of the test images (`latent.png`).
    LatentMeans,
    /// The t-SNE picture of the latent space (`latent_tsne.png`): its test
    /// images' posterior locations and the embedding's initialization.
    LatentTsne,
    /// The repeated gradient estimates of [`Trainer::gradient_snr`](crate::Trainer::gradient_snr).
    GradientSnr,
    /// `vi vae-conv`'s sampled reconstruction of its one training image
    /// (`overfit.png`).
    ImageReconstruction,
}

/// The first stream number of the figures: above any epoch number.
const FIGURES: u64 = 1 << 32;

impl Stream {
    /// The seed of this stream in a run seeded with `run_seed`.
    pub fn seed(self, run_seed: u64) -> u64 {
        let number = match self {
            Self::Initialization => return run_seed,
            Self::LogLikelihood => 0,
            Self::Epoch(epoch) => epoch as u64,
            Self::Reconstructions => FIGURES,
            Self::PriorSamples => FIGURES + 1,
            Self::LatentMeans => FIGURES + 2,
            Self::LatentTsne => FIGURES + 3,
            Self::ImageReconstruction => FIGURES + 16,
            Self::GradientSnr => FIGURES + 32,
        };
        derived_seed(run_seed, number)
    }

    /// Seeds libtorch's global generator (`tch::manual_seed`) for this
    /// stream of a run seeded with `run_seed`.
    pub fn seed_libtorch(self, run_seed: u64) {
        seed_libtorch(self.seed(run_seed));
    }
}

/// The seed of stream number `stream` of a run seeded with `seed`:
/// SplitMix64's output function (Steele, Lea & Flood 2014) applied to
/// `seed + (stream + 1) · 0x9E3779B97F4A7C15` (wrapping). [`Stream`] names
/// the numbers a run uses. In Python:
///
/// ```python
/// def derived_seed(seed, stream):
///     m = (1 << 64) - 1
///     z = (seed + (stream + 1) * 0x9E3779B97F4A7C15) & m
///     z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
///     z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
///     return z ^ (z >> 31)
/// ```
pub fn derived_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed.wrapping_add(stream.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `tch::manual_seed` with a `u64` seed: libtorch's seed is a `uint64_t`,
/// tch passes it as `i64`, so the bits are reinterpreted, not truncated.
fn seed_libtorch(seed: u64) {
    tch::manual_seed(i64::from_ne_bytes(seed.to_ne_bytes()));
}

#[cfg(test)]
mod tests {
    use super::{Stream, derived_seed};

    #[test]
    fn matches_the_python_version() {
        // derived_seed(0, 0), derived_seed(0, 1), derived_seed(42, 20) with the
        // Python function of the doc comment.
        assert_eq!(derived_seed(0, 0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(derived_seed(0, 1), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(derived_seed(42, 20), 0xF513_444B_6455_A3E8);
    }

    #[test]
    fn streams_keep_their_numbers() {
        // The numbers the results were made with; see the table on `Stream`.
        assert_eq!(Stream::Initialization.seed(42), 42);
        assert_eq!(Stream::LogLikelihood.seed(42), derived_seed(42, 0));
        assert_eq!(Stream::Epoch(3).seed(42), derived_seed(42, 3));
        assert_eq!(Stream::Reconstructions.seed(42), derived_seed(42, 1 << 32));
        assert_eq!(
            Stream::PriorSamples.seed(42),
            derived_seed(42, (1 << 32) + 1)
        );
        assert_eq!(
            Stream::LatentMeans.seed(42),
            derived_seed(42, (1 << 32) + 2)
        );
        assert_eq!(Stream::LatentTsne.seed(42), derived_seed(42, (1 << 32) + 3));
        assert_eq!(
            Stream::ImageReconstruction.seed(42),
            derived_seed(42, (1 << 32) + 16)
        );
    }
}
