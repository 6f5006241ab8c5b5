//! Fully connected layers initialized as PyTorch's `nn.Linear` does, so that
//! a model built after `tch::manual_seed(s)` starts from the same weights as
//! the tutorial's after `torch.manual_seed(s)`.

use tch::nn::{self, Init};
use tch::{TchError, Tensor};

/// The bound `√3 · gain / √fan_in` of `kaiming_uniform_(w, a=√5)` with
/// `gain = √(2 / (1 + a²))`, computed with the same operations as
/// `torch.nn.init` so that it rounds identically (it equals `1/√fan_in` up to
/// rounding).
pub(crate) fn kaiming_uniform_bound(fan_in: i64) -> f64 {
    let a = 5f64.sqrt();
    let gain = (2.0 / (1.0 + a.powi(2))).sqrt();
    let std = gain / (fan_in as f64).sqrt();
    3f64.sqrt() * std
}

/// `nn.Linear(in_dim, out_dim)`: `weight` `[out_dim, in_dim]` and `bias`
/// `[out_dim]` under `path`, computing `y = x Wᵀ + b`.
///
/// Initialization (torch 2.13 `Linear.reset_parameters`): the weight from
/// `U(−b, b)` with `b` the bound of `kaiming_uniform_(a=√5)` (≈ `1/√in_dim`),
/// then the bias from `U(−1/√in_dim, 1/√in_dim)`, in that order. (tch's own
/// `nn::linear` draws the bias first and the weight from a ReLU-gain bound.)
pub(crate) fn torch_linear(
    path: &nn::Path<'_>,
    in_dim: i64,
    out_dim: i64,
) -> Result<nn::Linear, TchError> {
    let (ws, bs) = torch_linear_parameters(path, in_dim, out_dim)?;
    Ok(nn::Linear { ws, bs: Some(bs) })
}

/// The `(weight, bias)` variables of [`torch_linear`], for models that keep
/// them apart.
pub(crate) fn torch_linear_parameters(
    path: &nn::Path<'_>,
    in_dim: i64,
    out_dim: i64,
) -> Result<(Tensor, Tensor), TchError> {
    let weight_bound = kaiming_uniform_bound(in_dim);
    let weight = path.f_var(
        "weight",
        &[out_dim, in_dim],
        Init::Uniform {
            lo: -weight_bound,
            up: weight_bound,
        },
    )?;
    let bias_bound = 1.0 / (in_dim as f64).sqrt();
    let bias = path.f_var(
        "bias",
        &[out_dim],
        Init::Uniform {
            lo: -bias_bound,
            up: bias_bound,
        },
    )?;
    Ok((weight, bias))
}
