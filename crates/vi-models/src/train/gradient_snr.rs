//! The signal-to-noise ratio of a gradient estimator (Rainforth, Kosiorek,
//! Le, Maddison, Igl, Wood & Teh 2018, "Tighter Variational Bounds are Not
//! Necessarily Better", eq. 6): how the encoder's and the decoder's gradient
//! estimates for an objective behave as `k` grows.

use serde::Serialize;
use tch::{Kind, Tensor, nn};

use crate::error::{Error, Result};
use crate::vae::{Objective, Vae};

/// The SNR of one network's parameters: over the scalar parameters whose
/// estimate varies, `SNR = |mean| / std` of the `R` estimates (sample
/// standard deviation, `R − 1` in the denominator), summarized by its mean
/// and median.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SnrSummary {
    /// Mean SNR over the parameters counted.
    pub mean: f64,
    /// Median SNR over the parameters counted.
    pub median: f64,
    /// Scalar parameters counted.
    pub parameters: usize,
    /// Scalar parameters left out because all `R` estimates were equal
    /// (a masked MADE weight's zero gradient, say): their SNR is 0/0 or ∞.
    pub constant: usize,
}

/// [`gradient_snr`]'s result: the inference network's (`φ`, the
/// encoder and flow) and the generative model's (`θ`, the decoder)
/// parameters, as [`Vae::is_generative_parameter`] splits them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GradientSnr {
    /// The objective the gradients are of.
    pub objective: Objective,
    /// Repeated estimates `R`.
    pub repeats: usize,
    /// The encoder's parameters (`φ`).
    pub inference: SnrSummary,
    /// The decoder's parameters (`θ`).
    pub generative: SnrSummary,
}

/// The gradient SNR of `objective`'s estimator at the model's current
/// parameters, on the fixed batch `images` `[B, D]`: `repeats` independent
/// estimates `g_r = ∇(−mean_b surrogate_b)` (each with fresh draws from
/// libtorch's global generator, which the caller seeds), their per-element
/// mean `ḡ` and sample standard deviation `s`, and
/// `SNR = |ḡ| / s` per scalar parameter (Rainforth et al. 2018, eq. 6,
/// with `M = B` examples and `K = k` samples), summarized per network.
/// Sums are kept in float64, so memory does not grow with `repeats`. The
/// parameters' `.grad` fields are left untouched.
///
/// # Errors
/// [`Error::InvalidConfig`] if `repeats < 2`; the model's errors;
/// libtorch's if the surrogate has no gradient (called under
/// `tch::no_grad`).
pub fn gradient_snr<M: Vae + ?Sized>(
    model: &M,
    var_store: &nn::VarStore,
    images: &Tensor,
    objective: &Objective,
    repeats: usize,
) -> Result<GradientSnr> {
    if repeats < 2 {
        return Err(Error::InvalidConfig {
            model: "gradient_snr",
            name: "repeats",
            expected: "at least 2 (a standard deviation needs two estimates)",
            found: repeats.to_string(),
        });
    }
    let mut parameters: Vec<(String, Tensor)> = var_store
        .variables()
        .into_iter()
        .filter(|(_, tensor)| tensor.requires_grad())
        .collect();
    parameters.sort_by(|a, b| a.0.cmp(&b.0));
    let tensors: Vec<&Tensor> = parameters.iter().map(|(_, tensor)| tensor).collect();
    let mut sums: Vec<Tensor> = tensors
        .iter()
        .map(|t| Tensor::zeros(t.size(), (Kind::Double, t.device())))
        .collect();
    let mut squares: Vec<Tensor> = sums.iter().map(Tensor::zeros_like).collect();
    for _ in 0..repeats {
        let estimate = model.loss(images, objective)?;
        let loss = (-&estimate.surrogate).f_mean(Kind::Float)?;
        let gradients = Tensor::f_run_backward(&[loss], &tensors, false, false)?;
        for ((gradient, sum), square) in gradients.iter().zip(&mut sums).zip(&mut squares) {
            if gradient.defined() {
                let gradient = gradient.to_kind(Kind::Double);
                *sum += &gradient;
                *square += gradient.square();
            }
        }
    }
    let count = repeats as f64;
    let (mut inference, mut generative) = (Vec::new(), Vec::new());
    let mut constant = [0usize; 2];
    for (((name, _), sum), square) in parameters.iter().zip(&sums).zip(&squares) {
        let mean = sum / count;
        let variance = ((square - &mean.square() * count) / (count - 1.0)).clamp_min(0.0);
        let std = variance.sqrt().flatten(0, -1);
        let mean = mean.abs().flatten(0, -1);
        let varies = std.gt(0.0);
        let snr = mean.masked_select(&varies) / std.masked_select(&varies);
        let values: Vec<f64> = Vec::<f64>::try_from(snr.to_device(tch::Device::Cpu))?;
        let role = usize::from(model.is_generative_parameter(name));
        constant[role] += std.numel().saturating_sub(values.len());
        if role == 1 {
            generative.extend(values);
        } else {
            inference.extend(values);
        }
    }
    Ok(GradientSnr {
        objective: *objective,
        repeats,
        inference: summarize(inference, constant[0]),
        generative: summarize(generative, constant[1]),
    })
}

fn summarize(mut values: Vec<f64>, constant: usize) -> SnrSummary {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    };
    let mean = if n == 0 {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / n as f64
    };
    SnrSummary {
        mean,
        median,
        parameters: n,
        constant,
    }
}
