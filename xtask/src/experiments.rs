//! The experiments that `cargo xtask reproduce` runs and
//! `results/REPORT.md` describes — the tutorials' and the extensions beyond
//! them: one table, so adding an experiment is one entry here.

use serde_json::Value;

/// What an experiment is part of: a tutorial it reproduces, or an
/// extension beyond the tutorials (a study of the library's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Tutorial 1–4.
    Tutorial(u8),
    /// Beyond the tutorials.
    Extension,
}

impl Part {
    /// The tutorial's number, `None` for an extension (the manifest's
    /// `tutorial` field).
    pub fn tutorial(self) -> Option<u8> {
        match self {
            Self::Tutorial(number) => Some(number),
            Self::Extension => None,
        }
    }

    /// `Tutorial 3`, `Extension`: the report's heading.
    pub fn heading(self) -> String {
        match self {
            Self::Tutorial(number) => format!("Tutorial {number}"),
            Self::Extension => "Extension".to_string(),
        }
    }

    /// `tutorial 3`, `extension`: progress lines.
    pub fn label(self) -> String {
        self.heading().to_lowercase()
    }

    /// What the report's notes compare with.
    pub fn differences_heading(self) -> &'static str {
        match self {
            Self::Tutorial(_) => "Notes and differences from the tutorial's code:",
            Self::Extension => "Notes and differences from the paper:",
        }
    }
}

/// One experiment: a `vi` subcommand, its output folder, the files it must
/// produce, and what the report says about it.
#[derive(Debug)]
pub struct Experiment {
    /// The folder under `results/`, also the name `--only` takes.
    pub name: &'static str,
    /// The tutorial (1–4) it reproduces, or an extension.
    pub part: Part,
    /// One line on what it reproduces.
    pub title: &'static str,
    /// The `vi` subcommand and its arguments (the tutorial's settings are
    /// the defaults).
    pub command: &'static [&'static str],
    /// Extra arguments for `--quick`: tiny settings, same files.
    pub quick: &'static [&'static str],
    /// Whether the subcommand takes `--device`.
    pub takes_device: bool,
    /// Whether it keeps a checkpoint beside its folder (the VAEs), which a
    /// reproduction replaces: `vi` refuses to start afresh over an earlier
    /// run's checkpoint unless told so (`--restart`).
    pub checkpointed: bool,
    /// Files a run must leave in its folder (besides `summary.json`).
    pub files: &'static [&'static str],
    /// What the experiment shows, for the report (plain text; `code` spans
    /// in backticks).
    pub about: &'static str,
    /// Figures for the report, with captions, in order.
    pub figures: &'static [(&'static str, &'static str)],
    /// The key numbers, read from `summary.json`, next to what the tutorial
    /// expects.
    pub numbers: fn(&Value) -> Vec<Row>,
    /// Known differences from the tutorial's code.
    pub differences: &'static [&'static str],
}

/// One key number of an experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What the number is.
    pub quantity: String,
    /// Our value, formatted (`—` if the summary lacks it).
    pub ours: String,
    /// What the tutorial expects or reports, or the reference to compare to.
    pub expected: String,
}

impl Row {
    fn new(quantity: &str, ours: String, expected: impl Into<String>) -> Self {
        Self {
            quantity: quantity.to_string(),
            ours,
            expected: expected.into(),
        }
    }
}

/// The number at JSON `pointer` with `digits` decimals, or `—`.
pub fn number(summary: &Value, pointer: &str, digits: usize) -> String {
    summary
        .pointer(pointer)
        .and_then(Value::as_f64)
        .map_or_else(|| "—".to_string(), |v| format!("{v:.digits$}"))
}

/// Every experiment, in the tutorials' order.
pub const EXPERIMENTS: &[Experiment] = &[
    Experiment {
        name: "linear-regression",
        part: Part::Tutorial(1),
        title: "MLE vs mean-field Bayesian linear regression",
        command: &["linear-regression"],
        quick: &[],
        takes_device: false,
        checkpointed: false,
        files: &[
            "linear.png",
            "data.csv",
            "predictive.csv",
            "mle_loss.csv",
            "vi_loss.csv",
        ],
        about: "100 points from `y = 2x + 1 + 0.5ε`. A linear layer fitted by MSE with Adam \
                (the MLE), and a mean-field Normal posterior over weight and bias fitted by \
                the reparameterized ELBO with the analytic KL to N(0, 1), both for the \
                tutorial's 100 epochs. The band is the predictive mean ± 2 standard \
                deviations from 100 posterior draws. Because the model is conjugate, the \
                exact posterior and the exact mean-field optimum are computed too.",
        figures: &[(
            "linear.png",
            "Data, the MLE line, and the variational predictive mean with its ±2σ band.",
        )],
        numbers: linear_regression_numbers,
        differences: &[
            "After the tutorial's 100 Adam steps at its default rate (0.001) the variational \
             posterior has barely moved from its initialisation (means near 0, σ near 1): the \
             wide band of the figure is that unconverged fit, not the posterior. \
             `vi linreg --vi-epochs 3000 --vi-lr 0.02 --vi-samples 16` converges to the exact \
             mean-field optimum.",
        ],
    },
    Experiment {
        name: "exponential-posterior",
        part: Part::Tutorial(2),
        title: "exponential posterior: grid posterior, optimal θ, KL curve, SGD on the ELBO",
        command: &["exponential-posterior"],
        quick: &[],
        takes_device: false,
        checkpointed: false,
        files: &[
            "posterior.png",
            "kl_vs_theta.png",
            "sgd_theta.png",
            "posterior.csv",
            "kl_vs_theta.csv",
            "sgd_theta.csv",
        ],
        about: "`z ~ Exp(1)`, then five draws `x ~ N(z, 1)` (seed 0, as the tutorial). The \
                posterior `p(z|x)` on a 2000-point grid over [0, 15]; the exponential \
                variational family `q_θ = Exp(θ)` with its analytic optimum θ* (the positive \
                root of `θ² + Bθ − 2N = 0`, `B = Σx − λ`); `KL(q_θ ‖ p)` over θ ∈ [0.5, 2]; and \
                θ fitted by SGD on the reparameterized ELBO (128 samples per step, lr 1e-4, \
                1000 steps from θ = 1).",
        figures: &[
            ("posterior.png", "Grid posterior and the optimal q_θ*."),
            ("kl_vs_theta.png", "KL(q_θ ‖ p) against θ, with θ* marked."),
            ("sgd_theta.png", "θ during SGD on the Monte Carlo ELBO."),
        ],
        numbers: exponential_numbers,
        differences: &[
            "The tutorial loops over the 128 samples in Python; here they are one vectorised \
             draw, consuming the generator in the same order, so the seeded trace is the same.",
        ],
    },
    Experiment {
        name: "vae-conv",
        part: Part::Tutorial(2),
        title: "convolutional VAE (Gaussian decoder) fitted to one MNIST image",
        command: &["vae-conv"],
        quick: &["--epochs", "2", "--repeats", "512"],
        takes_device: true,
        checkpointed: true,
        files: &["overfit.png", "elbo.png", "history.csv"],
        about: "Tutorial 2's second half: a convolutional encoder (six 3×3/2×2 convolutions \
                with LeakyReLU and max-pooling, 28×28 → 32×1×1) with linear heads for μ and \
                log σ (32 latent dimensions), a decoder of 1×1 and 3×3 convolutions with \
                bilinear upsampling back to 28×28, and a unit-variance Gaussian likelihood on \
                pixels scaled to [-1, 1]. As in the tutorial it is trained by SGD (lr 1e-4, \
                batch 256, 10 epochs) on the Monte Carlo ELBO of the first training image \
                repeated 25,600 times, and after every epoch the L1 norm of the image's \
                posterior mean and its average σ are recorded (what the tutorial prints). \
                `vi vae-conv --full-train-set` trains on all 60,000 images instead.",
        figures: &[
            (
                "overfit.png",
                "The image, its decoded posterior mean and a decoded posterior draw; the ELBO, \
                 ‖μ‖₁ and the mean σ per epoch (epoch 0: before training).",
            ),
            ("elbo.png", "Training ELBO per epoch."),
        ],
        numbers: vae_conv_numbers,
        differences: &[
            "The ELBO is the correct Monte Carlo estimate, not the tutorial's `elbo` as written: \
             its `log q(z|x)` adds `|Σ log σ|` where the change of variables subtracts \
             `Σ log σ`, its `log p(z)` is averaged instead of summed over the 32 latent \
             dimensions, and it drops the `−½ log 2π` constants (README, \"Notes on the \
             tutorials\"). The numbers are therefore log densities of [-1, 1] images under a \
             unit-variance Gaussian, about 750 nats below the tutorial's printed loss at the \
             same weights; `ConvVae::tutorial_objective` reproduces the tutorial's value.",
            "Because the sign error penalises `|Σ log σ|`, the tutorial's σ stays near 1; with \
             the corrected `log q` nothing holds it there, so the mean σ of the repeated image \
             is no longer held near 1 (at the tutorial's step size it still moves little in 10 epochs).",
        ],
    },
    Experiment {
        name: "vae-mlp",
        part: Part::Tutorial(3),
        title: "MLP VAE (784-256-128-2) on dynamically binarized MNIST",
        command: &["vae-mlp"],
        quick: &[
            "--epochs",
            "1",
            "--train-limit",
            "1000",
            "--test-limit",
            "200",
            "--iwae-samples",
            "10",
        ],
        takes_device: true,
        checkpointed: true,
        files: &[
            "elbo.png",
            "reconstructions.png",
            "samples.png",
            "manifold.png",
            "latent.png",
            "history.csv",
        ],
        about: "Encoder 784-256-128 (ReLU) with linear heads for μ and log σ², decoder \
                2-128-256-784 with a Bernoulli likelihood on the logits, trained on the \
                batch-mean negative ELBO with the analytic KL (one reparameterized draw) by \
                plain SGD (lr 5e-3, batch 100, 20 epochs), each batch binarized afresh. After \
                training, the test log-likelihood is estimated by importance sampling \
                (IWAE, k = 1000).",
        figures: &[
            ("elbo.png", "Train and test ELBO per epoch."),
            (
                "reconstructions.png",
                "Test digits (top) and their reconstructions (bottom).",
            ),
            (
                "samples.png",
                "64 digits decoded from prior draws z ~ N(0, I).",
            ),
            (
                "manifold.png",
                "The decoder over a 20 × 20 grid of z in [-4, 4]².",
            ),
            (
                "latent.png",
                "Posterior means of the test set, coloured by digit.",
            ),
        ],
        numbers: vae_mlp_numbers,
        differences: &[
            "The Bernoulli likelihood is computed from the logits \
             (binary-cross-entropy-with-logits), not as the tutorial's sigmoid followed by \
             BCE: the same model, without the clamping of log 0.",
            "The trainer reseeds libtorch's generator at each epoch from (seed, epoch), so a \
             resumed run draws exactly what an uninterrupted one draws; the tutorial seeds \
             once. The PyTorch reference script `--reseed-per-epoch` does the same and agrees \
             batch for batch.",
        ],
    },
    Experiment {
        name: "cvae",
        part: Part::Tutorial(4),
        title: "TensorFlow's convolutional VAE on statically binarized MNIST",
        command: &["cvae"],
        quick: &[
            "--epochs",
            "1",
            "--train-limit",
            "512",
            "--test-limit",
            "64",
            "--iwae-samples",
            "5",
            "--iwae-images",
            "16",
        ],
        takes_device: true,
        checkpointed: true,
        files: &[
            "elbo.png",
            "reconstructions.png",
            "samples.png",
            "samples_8x8.png",
            "latent.png",
            "history.csv",
        ],
        about: "Tutorial 4's model, from TensorFlow's CVAE tutorial: two 3×3 stride-2 \
                convolutions (32, 64 channels, ReLU) and a dense layer to the mean and log \
                variance of a 10-dimensional Gaussian posterior; a dense layer to 7×7×32 and \
                three transposed convolutions back to Bernoulli logits. Trained on the \
                single-sample Monte Carlo ELBO (`compute_loss`) with Adam (lr 1e-4), batches of \
                32, 10 epochs, pixels binarized once at 0.5. The test log-likelihood is \
                estimated by importance sampling with k = 100 over the first 1,000 test \
                images (k = 1000 over all 10,000 would take hours on a CPU).",
        figures: &[
            ("elbo.png", "Train and test ELBO per epoch."),
            (
                "reconstructions.png",
                "Test digits (top) and their reconstructions (bottom).",
            ),
            (
                "samples.png",
                "16 digits decoded from prior draws, the tutorial's 4 × 4 sheet.",
            ),
            ("samples_8x8.png", "64 prior samples."),
            (
                "latent.png",
                "Posterior means of the test set on their first two principal components, \
                 coloured by digit.",
            ),
        ],
        numbers: cvae_numbers,
        differences: &[
            "Keras's `'same'` transposed convolutions are reproduced with TensorFlow's \
             alignment (the full transposed convolution with its last row and column dropped), \
             not PyTorch's `padding=1, output_padding=1`, which is shifted by one pixel.",
            "Kernels are Glorot-uniform and biases zero, as Keras initialises them; tensors are \
             channels-first, a fixed permutation of the dense layers' weights.",
            "TensorFlow averages the test ELBO over batches; here each batch is weighted by its \
             size. The IWAE estimate covers the first 1,000 test images with k = 100 \
             (`--iwae-images`, `--iwae-samples` change both). See README, \"Notes on the \
             tutorials\".",
        ],
    },
    Experiment {
        name: "estimator-study",
        part: Part::Extension,
        title: "Burda et al.'s Table 1 at an affordable budget: ELBO, IWAE, DReG and STL against k",
        command: &["estimator-study"],
        quick: &[
            "--epochs",
            "1",
            "--train-limit",
            "64",
            "--test-images",
            "8",
            "--ll-samples",
            "20",
            "--ks",
            "1,5",
            "--snr-repeats",
            "2",
            "--snr-images",
            "8",
            "--batch-size",
            "16",
        ],
        takes_device: true,
        checkpointed: false,
        files: &[
            "table.md",
            "table.csv",
            "ll_vs_k.png",
            "snr_vs_k.png",
            "history.csv",
        ],
        about: "Burda, Grosse & Salakhutdinov's one-stochastic-layer model (784-200-200-50, \
                tanh, diagonal Gaussian posterior, Bernoulli decoder) on MNIST binarized \
                afresh every batch, trained once per objective from the same seed (same \
                initialization, same batch order): the ELBO averaged over k = 1, 5, 50 samples \
                (their \"VAE\" column), IWAE and DReG at k = 5 and 50 (at k = 1 both are the \
                ELBO), and STL. Batches of 20 and Adam with ε = 1e-4 at the paper's first \
                learning rate (1e-3), but only 2 epochs instead of the paper's 3,280 — about \
                0.06% of its gradient steps — because all eight runs, their evaluation and the \
                SNR must fit in about 20 minutes on two CPU cores (measured: 5.5 to 7.5 minutes \
                per epoch for the eight runs with one thread, depending on the other work on \
                the machine, the k = 50 runs taking three quarters of it). Each model's test log-likelihood is estimated by importance \
                sampling with k = 5000, as in the paper, but over the first 200 test images, \
                with its standard error over the images and the paired difference from the \
                one-sample ELBO run on the same images. The gradient SNR (Rainforth et al. \
                2018) of the encoder's and the decoder's parameters is measured at the trained \
                one-sample ELBO model, on 20 training images, from 100 repeated estimates per \
                estimator and k. `table.md` puts each run beside Burda et al.'s number; \
                `vi estimator-study --schedule paper` runs the paper's schedule (3^i epochs at \
                0.001·10^(−i/7), i = 0..7, the full test set) on a GPU.",
        figures: &[
            (
                "ll_vs_k.png",
                "Test log-likelihood against log₁₀ k (± standard error over the test images), \
                 with Burda et al.'s IWAE numbers dashed.",
            ),
            (
                "snr_vs_k.png",
                "Gradient SNR (median over parameters, log₁₀) against log₁₀ k for the inference \
                 network (left) and the generative network (right; DReG changes only the \
                 encoder's gradient, so its decoder line lies on IWAE's).",
            ),
        ],
        numbers: estimator_study_numbers,
        differences: &[
            "The budget is the main difference: 2 epochs, not 3,280. After so little training \
             every model is far from converged, so the absolute log-likelihoods lie well below \
             the paper's (its numbers are the end of a days-long schedule), and the ordering \
             between objectives reflects how fast each learns in its first epochs as much as \
             the bound it optimizes. Only the paired differences on the same test images are \
             precise enough to order the runs; the standard errors over 200 images (a few \
             nats) are wider than most gaps between them.",
            "The log-likelihood averages over the first 200 test images, not all 10,000, so \
             its level also differs from the whole test set's by the sample's luck (the same \
             for every run).",
            "Only Table 1's IWAE column is quoted (86.76, 85.54, 84.78 nats at k = 1, 5, 50; at \
             k = 1 it is also the VAE's number). The VAE column at k = 5 and 50 could not be \
             checked against the paper here and is left out; DReG and STL are later estimators \
             with no number in that table.",
            "All runs start from the same initialization and visit the batches in the same \
             order, but the binarization of each batch draws from the same generator as the \
             objective's noise, so runs with different k see different binarizations.",
            "Burda et al. initialise with Glorot's scheme; vi's layers use PyTorch's nn.Linear \
             initialisation.",
            "The ELBO runs use the model's closed-form KL and average the reconstruction term \
             over k reparameterized draws; IWAE, DReG and STL use the sampled log q. The \
             k-sample ELBO's gradient is the mean of k independent estimates, so its SNR grows \
             about as √k (encoder medians 0.62, 1.36, 4.32 at k = 1, 5, 50), whereas IWAE spends \
             its k draws on a tighter bound and its encoder's SNR falls.",
            "The SNR is measured at one model, the one-sample ELBO run after its 2 epochs, from \
             100 estimates on one batch of 20 training images, not along training as in \
             Rainforth et al.",
        ],
    },
];

fn linear_regression_numbers(s: &Value) -> Vec<Row> {
    vec![
        Row::new(
            "MLE slope, intercept (100 epochs)",
            format!(
                "{}, {}",
                number(s, "/mle/slope", 3),
                number(s, "/mle/intercept", 3)
            ),
            "data drawn with 2 and 1; 100 Adam steps at lr 0.01 stop short of the least-squares fit",
        ),
        Row::new(
            "exact posterior mean of weight, bias",
            format!(
                "{}, {}",
                number(s, "/exact/posterior_mean/weight", 3),
                number(s, "/exact/posterior_mean/bias", 3)
            ),
            "closed form (conjugate model)",
        ),
        Row::new(
            "VI weight μ, σ (100 epochs)",
            format!(
                "{}, {}",
                number(s, "/vi/weight_mu", 3),
                number(s, "/vi/weight_sigma", 3)
            ),
            format!(
                "optimum {}, {}",
                number(s, "/exact/posterior_mean/weight", 3),
                number(s, "/exact/mean_field_std/weight", 4)
            ),
        ),
        Row::new(
            "VI bias μ, σ (100 epochs)",
            format!(
                "{}, {}",
                number(s, "/vi/bias_mu", 3),
                number(s, "/vi/bias_sigma", 3)
            ),
            format!(
                "optimum {}, {}",
                number(s, "/exact/posterior_mean/bias", 3),
                number(s, "/exact/mean_field_std/bias", 4)
            ),
        ),
        Row::new(
            "negative ELBO at the end of training",
            number(s, "/vi/expected_negative_elbo", 2),
            format!(
                "{} at the mean-field optimum",
                number(s, "/exact/mean_field_negative_elbo", 2)
            ),
        ),
    ]
}

fn exponential_numbers(s: &Value) -> Vec<Row> {
    vec![
        Row::new(
            "sampled z (seed 0)",
            number(s, "/sampled_z", 4),
            "PyTorch's draw after torch.manual_seed(0): 3.5083",
        ),
        Row::new(
            "θ* (analytic)",
            number(s, "/theta_star", 4),
            "positive root of θ² + Bθ − 2N = 0",
        ),
        Row::new(
            "θ minimising KL(q_θ ‖ p_grid) on the 500-point curve",
            number(s, "/kl/minimum_theta", 4),
            format!(
                "θ* = {}; the curve is flat there (KL {} at its minimum, {} at θ*), so the \
                 grid approximation of the KL moves its argmin a little",
                number(s, "/theta_star", 4),
                number(s, "/kl/minimum_kl", 4),
                number(s, "/kl/kl_at_theta_star", 4)
            ),
        ),
        Row::new(
            "θ after 1000 SGD steps",
            number(s, "/sgd/final_theta", 4),
            format!("near θ* = {}", number(s, "/theta_star", 4)),
        ),
        Row::new(
            "log evidence on the grid",
            number(s, "/grid/log_evidence", 4),
            "numerical integral of p(x|z) p(z)",
        ),
    ]
}

fn vae_mlp_numbers(s: &Value) -> Vec<Row> {
    vec![
        Row::new(
            "test −ELBO after the last epoch (nats)",
            number(s, "/final_test_neg_elbo", 2),
            "roughly 150–160 after 20 epochs; 151.72 from the tutorial's PyTorch code, seed 0",
        ),
        Row::new(
            "train −ELBO after the last epoch (nats)",
            number(s, "/final_train_neg_elbo", 2),
            "152.67 from the tutorial's PyTorch code, seed 0",
        ),
        Row::new(
            "IWAE test log p(x) (nats)",
            format!(
                "{} (k = {})",
                number(s, "/log_likelihood/test_log_likelihood", 2),
                number(s, "/log_likelihood/num_samples", 0)
            ),
            "−148.22 from the tutorial's PyTorch code (k = 1000); log p(x) lies above the ELBO",
        ),
        Row::new(
            "seconds per training epoch",
            number(s, "/timing/seconds_per_epoch", 2),
            "",
        ),
    ]
}

fn vae_conv_numbers(s: &Value) -> Vec<Row> {
    vec![
        Row::new(
            "training −ELBO after the last epoch (nats)",
            number(s, "/final_train_neg_elbo", 2),
            "no number given by the tutorial (it prints its own loss, without constants, \
             every 100 batches)",
        ),
        Row::new(
            "‖μ(x)‖₁ of the image: before training → after the last epoch",
            format!(
                "{} → {}",
                number(s, "/posterior/0/mean_l1_norm", 3),
                number(s, "/final_mean_l1_norm", 3)
            ),
            "printed per epoch by the tutorial; no value given",
        ),
        Row::new(
            "mean σ(x) of the image: before training → after the last epoch",
            format!(
                "{} → {}",
                number(s, "/posterior/0/average_sigma", 3),
                number(s, "/final_average_sigma", 3)
            ),
            "printed per epoch by the tutorial; no value given",
        ),
        Row::new(
            "seconds per training epoch",
            number(s, "/timing/seconds_per_epoch", 2),
            "",
        ),
    ]
}

fn cvae_numbers(s: &Value) -> Vec<Row> {
    vec![
        Row::new(
            "test −ELBO after the last epoch (nats)",
            number(s, "/final_test_neg_elbo", 2),
            "no number given by the tutorial",
        ),
        Row::new(
            "train −ELBO after the last epoch (nats)",
            number(s, "/final_train_neg_elbo", 2),
            "no number given by the tutorial",
        ),
        Row::new(
            "IWAE test log p(x) (nats)",
            format!(
                "{} (k = {}, {} test images)",
                number(s, "/log_likelihood/test_log_likelihood", 2),
                number(s, "/log_likelihood/num_samples", 0),
                number(s, "/log_likelihood/num_images", 0)
            ),
            "no number given by the tutorial; log p(x) lies above the ELBO",
        ),
        Row::new(
            "seconds per training epoch",
            number(s, "/timing/seconds_per_epoch", 2),
            "",
        ),
    ]
}

fn estimator_study_numbers(s: &Value) -> Vec<Row> {
    let mut rows = vec![Row::new(
        "training budget",
        s.pointer("/budget")
            .and_then(Value::as_str)
            .unwrap_or("—")
            .to_string(),
        "Burda et al.: 3,280 epochs over 60,000 images (9,840,000 steps of 20)",
    )];
    let runs = s.pointer("/runs").and_then(Value::as_array);
    for run in runs.into_iter().flatten() {
        let kind = run
            .pointer("/objective/kind")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let name = match kind {
            "elbo" => "ELBO",
            "iwae" => "IWAE",
            "dreg" => "DReG",
            "stl" => "STL",
            other => other,
        };
        let k = number(run, "/k", 0);
        let expected = match run
            .pointer("/published_log_likelihood")
            .and_then(Value::as_f64)
        {
            Some(published) => format!("{published:.2} (Burda et al., 3,280 epochs)"),
            None if kind == "elbo" => {
                "Burda et al.'s VAE column at this k is not quoted (unchecked)".to_string()
            }
            None => "no number in Burda et al.'s Table 1".to_string(),
        };
        let versus = match (
            run.pointer("/versus_elbo/0").and_then(Value::as_f64),
            run.pointer("/versus_elbo/1").and_then(Value::as_f64),
        ) {
            (Some(difference), Some(error)) => {
                format!("; {difference:+.2} ± {error:.2} vs ELBO k = 1")
            }
            _ => String::new(),
        };
        rows.push(Row::new(
            &format!("test log p(x), {name} k = {k} (nats)"),
            format!(
                "{} ± {}{versus}",
                number(run, "/log_likelihood/mean", 2),
                number(run, "/log_likelihood/standard_error", 2)
            ),
            expected,
        ));
    }
    let snr = |kind: &str, network: &str| -> String {
        let points: Vec<(f64, f64)> = s
            .pointer("/snr/points")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|p| p.pointer("/objective/kind").and_then(Value::as_str) == Some(kind))
            .filter_map(|p| {
                let k = p.pointer("/k").and_then(Value::as_f64)?;
                let value = p
                    .pointer(&format!("/{network}/median"))
                    .and_then(Value::as_f64)?;
                Some((k, value))
            })
            .collect();
        if points.is_empty() {
            return "—".to_string();
        }
        points
            .iter()
            .map(|(k, value)| format!("{value:.3} (k = {k})"))
            .collect::<Vec<_>>()
            .join(" → ")
    };
    rows.push(Row::new(
        "median SNR of the inference network, IWAE",
        snr("iwae", "inference"),
        "falls as k grows (Rainforth et al. 2018)",
    ));
    rows.push(Row::new(
        "median SNR of the inference network, DReG",
        snr("dreg", "inference"),
        "does not vanish as k grows, unlike IWAE's (Tucker et al. 2019)",
    ));
    rows.push(Row::new(
        "median SNR of the generative network, IWAE",
        snr("iwae", "generative"),
        "rises as k grows (Rainforth et al. 2018)",
    ));
    rows.push(Row::new(
        "seconds: whole run (training, log-likelihood, SNR)",
        format!(
            "{} ({}, {}, {})",
            number(s, "/timing/wall_seconds", 0),
            number(s, "/timing/train_seconds", 0),
            number(s, "/timing/ll_seconds", 0),
            number(s, "/timing/snr_seconds", 0)
        ),
        "about 20 minutes on two CPU cores with --threads 1",
    ));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_figures_are_expected_files() {
        for (i, experiment) in EXPERIMENTS.iter().enumerate() {
            assert!(
                EXPERIMENTS[..i].iter().all(|e| e.name != experiment.name),
                "{} twice",
                experiment.name
            );
            for (figure, _) in experiment.figures {
                assert!(
                    experiment.files.contains(figure),
                    "{}: the report shows {figure}, which the run is not required to write",
                    experiment.name
                );
            }
        }
    }

    #[test]
    fn numbers_read_the_summary_and_mark_what_is_missing() {
        let summary = serde_json::json!({"mle": {"slope": 1.98765}});
        assert_eq!(number(&summary, "/mle/slope", 2), "1.99");
        assert_eq!(number(&summary, "/mle/intercept", 2), "—");
        let rows = linear_regression_numbers(&summary);
        assert!(rows[0].ours.starts_with("1.988, —"), "{rows:?}");
    }

    /// The study's rows: one per run with Burda et al.'s number where
    /// Table 1 has one, and the SNR trends read from the points.
    #[test]
    fn estimator_study_numbers_put_each_run_beside_the_paper() {
        let summary = serde_json::json!({
            "budget": "2 epochs",
            "runs": [
                {"objective": {"kind": "elbo", "samples": 1}, "k": 1,
                 "log_likelihood": {"mean": -111.254, "standard_error": 2.281},
                 "published_log_likelihood": -86.76},
                {"objective": {"kind": "iwae", "k": 50}, "k": 50,
                 "log_likelihood": {"mean": -105.97, "standard_error": 2.12},
                 "versus_elbo": [5.284, 0.431], "published_log_likelihood": -84.78},
                {"objective": {"kind": "elbo", "samples": 5}, "k": 5,
                 "log_likelihood": {"mean": -107.48, "standard_error": 2.23},
                 "versus_elbo": [3.77, 0.28]},
                {"objective": {"kind": "dreg", "k": 5}, "k": 5,
                 "log_likelihood": {"mean": -105.02, "standard_error": 2.08}}
            ],
            "snr": {"points": [
                {"objective": {"kind": "iwae", "k": 1}, "k": 1, "inference": {"median": 0.517}},
                {"objective": {"kind": "iwae", "k": 5}, "k": 5, "inference": {"median": 0.45}}
            ]}
        });
        let rows = estimator_study_numbers(&summary);
        assert_eq!(rows[0].ours, "2 epochs");
        assert_eq!(rows[1].quantity, "test log p(x), ELBO k = 1 (nats)");
        assert_eq!(rows[1].ours, "-111.25 ± 2.28");
        assert!(rows[1].expected.starts_with("-86.76"), "{rows:?}");
        assert_eq!(rows[2].ours, "-105.97 ± 2.12; +5.28 ± 0.43 vs ELBO k = 1");
        assert!(rows[2].expected.starts_with("-84.78"), "{rows:?}");
        assert!(rows[3].expected.contains("not quoted"), "{rows:?}");
        assert!(rows[4].expected.contains("no number"), "{rows:?}");
        assert_eq!(rows[5].ours, "0.517 (k = 1) → 0.450 (k = 5)");
        assert_eq!(rows[6].ours, "—");
    }
}
