//! What each benchmark trains: the `vi` subcommand and its flags, the
//! tutorial's PyTorch script with the same settings, and the multiply-adds
//! of one example's forward pass, from which the FLOP rates follow.

use clap::ValueEnum;

/// The benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// Tutorial 3's MLP VAE (784-256-128-2) at batch size 100, plain SGD.
    VaeMlp,
    /// Tutorial 2's convolutional VAE at batch size 256, plain SGD, on 20
    /// batches of the repeated image per epoch.
    VaeConv,
    /// Tutorial 4's CVAE at batch size 32, Adam, on 100 batches per epoch.
    Cvae,
}

/// How one target is run and counted.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The `vi` subcommand.
    pub command: &'static str,
    /// Its flags besides device, threads, epochs and output.
    pub args: &'static [&'static str],
    /// The tutorial's PyTorch script in `crates/vi-models/tests/reference/`.
    pub torch_script: &'static str,
    /// Its flags for the same training as `args` (besides threads, epochs
    /// and the timing flags): same data, batches, optimizer and loss.
    pub torch_args: &'static [&'static str],
    /// For the report.
    pub description: &'static str,
    /// Whether the side-by-side report counts seconds per step (the
    /// convolutional VAEs, trained on part of an epoch) rather than per
    /// epoch.
    pub per_step: bool,
    /// Multiply-adds of one example's forward pass.
    pub multiply_adds: u64,
    /// Training examples of one epoch at the tutorial's settings.
    pub tutorial_epoch_examples: u64,
}

impl Target {
    pub fn spec(self) -> Spec {
        match self {
            Self::VaeMlp => Spec {
                command: "vae-mlp",
                args: &["--iwae-samples", "0"],
                // vi computes the Bernoulli likelihood from logits and
                // reseeds each epoch; these flags make the script do the same.
                torch_script: "tutorial3_mlp_vae.py",
                torch_args: &["--logits", "--reseed-per-epoch"],
                description: "tutorial 3's MLP VAE",
                per_step: false,
                multiply_adds: dense_multiply_adds(&MLP_VAE_LAYERS),
                tutorial_epoch_examples: 60_000,
            },
            Self::VaeConv => Spec {
                command: "vae-conv",
                args: &["--repeats", "5120"],
                torch_script: "tutorial2_conv_vae.py",
                torch_args: &["--repeats", "5120"],
                description: "tutorial 2's convolutional VAE",
                per_step: true,
                multiply_adds: CONV_VAE_MULTIPLY_ADDS.iter().sum(),
                tutorial_epoch_examples: 25_600,
            },
            Self::Cvae => Spec {
                command: "cvae",
                args: &[
                    "--train-limit",
                    "3200",
                    "--test-limit",
                    "32",
                    "--iwae-samples",
                    "0",
                ],
                torch_script: "tutorial4_cvae.py",
                torch_args: &["--train-subset", "3200", "--test-subset", "32"],
                description: "tutorial 4's CVAE",
                per_step: true,
                multiply_adds: CVAE_MULTIPLY_ADDS.iter().sum(),
                tutorial_epoch_examples: 60_000,
            },
        }
    }
}

/// Tutorial 3's VAE as `(inputs, outputs)` of each linear layer: encoder
/// 784→256→128, the μ and log σ² heads 128→2 each, decoder 2→128→256→784.
const MLP_VAE_LAYERS: [(u64, u64); 7] = [
    (784, 256),
    (256, 128),
    (128, 2),
    (128, 2),
    (2, 128),
    (128, 256),
    (256, 784),
];

/// Tutorial 2's convolutional VAE (32 latent dimensions): each layer's
/// forward multiply-adds per example, `C_out · H_out · W_out · C_in · k²`
/// for a convolution (pooling, upsampling and activations left out).
const CONV_VAE_MULTIPLY_ADDS: [u64; 13] = [
    8 * 26 * 26 * 9,      // Conv(1→8, 3): 28 → 26
    8 * 24 * 24 * 8 * 9,  // Conv(8→8, 3): 26 → 24, then pool → 12
    16 * 10 * 10 * 8 * 9, // Conv(8→16, 3): 12 → 10
    16 * 8 * 8 * 16 * 9,  // Conv(16→16, 3): 10 → 8, then pool → 4
    32 * 3 * 3 * 16 * 4,  // Conv(16→32, 2): 4 → 3
    32 * 2 * 2 * 32 * 4,  // Conv(32→32, 2): 3 → 2, then pool → 1
    2 * 32 * 32,          // the μ and log σ heads, 32 → 32 each
    32 * 32,              // Conv(32→32, 1) on 1×1, then upsample → 2
    16 * 4 * 4 * 32 * 9,  // Conv(32→16, 3, pad 2): 2 → 4
    16 * 6 * 6 * 16 * 9,  // Conv(16→16, 3, pad 2): 4 → 6, then upsample → 12
    8 * 14 * 14 * 16 * 9, // Conv(16→8, 3, pad 2): 12 → 14
    8 * 14 * 14 * 8 * 9,  // Conv(8→8, 3, pad 1): 14 → 14, then upsample → 28
    28 * 28 * 8 * 9,      // Conv(8→1, 3, pad 1): 28 → 28
];

/// Tutorial 4's CVAE (10 latent dimensions), as above; a transposed
/// convolution costs `C_in · H_in · W_in · C_out · k²` (each input pixel
/// scatters a `k × k × C_out` patch).
const CVAE_MULTIPLY_ADDS: [u64; 7] = [
    32 * 13 * 13 * 9,      // Conv(1→32, 3, stride 2): 28 → 13
    64 * 6 * 6 * 32 * 9,   // Conv(32→64, 3, stride 2): 13 → 6
    2304 * 20,             // Dense(2304 → 2·10)
    10 * 7 * 7 * 32,       // Dense(10 → 7·7·32)
    32 * 7 * 7 * 64 * 9,   // ConvTranspose(32→64, 3, stride 2): 7 → 14
    64 * 14 * 14 * 32 * 9, // ConvTranspose(64→32, 3, stride 2): 14 → 28
    32 * 28 * 28 * 9,      // ConvTranspose(32→1, 3): 28 → 28
];

/// Multiply-adds of dense layers `(inputs, outputs)`.
fn dense_multiply_adds(layers: &[(u64, u64)]) -> u64 {
    layers
        .iter()
        .map(|(inputs, outputs)| inputs * outputs)
        .sum()
}

/// Floating-point operations of the matrix products (and convolutions) per
/// example and training step. A forward multiply-add is 2 FLOP; the
/// backward pass takes two products of the same size per layer (the
/// gradients with respect to its input and to its weights), so a step costs
/// 3 × forward. For tutorial 3's VAE:
///
/// ```text
/// forward  2 · (784·256 + 256·128 + 128·4 + 2·128 + 128·256 + 256·784)
///        = 2 · 467 712 = 935 424 FLOP
/// step     3 · 935 424 = 2 806 272 FLOP ≈ 2.8 MFLOP
/// ```
///
/// and likewise 6 · 1 232 800 ≈ 7.4 MFLOP for tutorial 2's convolutional
/// VAE and 6 · 5 515 616 ≈ 33.1 MFLOP for tutorial 4's CVAE. Biases,
/// activations, pooling, upsampling, the loss, the sampling and the update
/// are left out: they are linear in the sizes, not products.
pub fn flop_per_example(multiply_adds: u64) -> f64 {
    3.0 * 2.0 * multiply_adds as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mlp_vae_step_costs_about_2_8_mflop() {
        assert_eq!(
            flop_per_example(dense_multiply_adds(&MLP_VAE_LAYERS)),
            2_806_272.0
        );
    }

    #[test]
    fn the_conv_vaes_multiply_adds_add_up_to_the_documented_totals() {
        assert_eq!(CONV_VAE_MULTIPLY_ADDS.iter().sum::<u64>(), 1_232_800);
        assert_eq!(CVAE_MULTIPLY_ADDS.iter().sum::<u64>(), 5_515_616);
    }
}
