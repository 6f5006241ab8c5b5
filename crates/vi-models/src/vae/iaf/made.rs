//! A masked autoencoder for distribution estimation (MADE; Germain, Gregor,
//! Murray & Larochelle 2015, §4): a fully connected network whose weight
//! masks make output `d` depend on inputs `1, …, d−1` only, with an
//! optional context vector that reaches every hidden unit. The
//! autoregressive network of an inverse autoregressive flow step.

use tch::nn::{self, Init};
use tch::{Device, Kind, TchError, Tensor};

use crate::layers::torch_linear::torch_linear_parameters;

/// One masked layer: `y = x (W ⊙ M)ᵀ + b`, `M` a fixed 0/1 matrix.
#[derive(Debug)]
struct MaskedLinear {
    weight: Tensor,
    bias: Tensor,
    mask: Tensor,
}

impl MaskedLinear {
    fn forward(&self, x: &Tensor) -> Result<Tensor, TchError> {
        x.f_linear(&self.weight.f_mul(&self.mask)?, Some(&self.bias))
    }

    fn detached(&self) -> Self {
        Self {
            weight: self.weight.detach(),
            bias: self.bias.detach(),
            mask: self.mask.shallow_clone(),
        }
    }
}

/// A MADE mapping `z` `[..., L]` (and a context `h` `[B, C]` broadcast
/// against `z`'s batch) to two vectors `(m, s)` `[..., L]` such that `mₐ`
/// and `sₐ` depend only on the components of `z` that come before `a` in the
/// network's variable order (and on `h`).
///
/// Degrees (Germain et al., eqs. 12–13): input `a` has degree `δ(a) ∈ {1, …,
/// L}` (its place in the order: `a + 1`, or `L − a` when the order is
/// reversed); hidden unit `k` of every layer has degree `k mod L` (so with
/// the context, degree 0 units see only `h`); a connection from a unit of
/// degree `i` to one of degree `j` exists iff `j ≥ i` between hidden
/// layers and inputs, and iff `j > i` into the outputs, whose degrees are
/// the inputs'. The context enters the first hidden layer unmasked.
/// Hidden layers use ReLU. Parameters (under the path given to
/// [`Made::new`]): `layers.{i}.weight`/`bias` (PyTorch's `nn.Linear`
/// initialization), `context.weight` `[H₁, C]` and `output.weight`/`bias`
/// `[2L, H_last]`; the output's first `L` rows give `m`, the last `L` give
/// `s`.
#[derive(Debug)]
pub(crate) struct Made {
    hidden: Vec<MaskedLinear>,
    context: Option<Tensor>,
    output: MaskedLinear,
    latent_dim: i64,
}

impl Made {
    /// Creates the parameters under `path`: `latent_dim` inputs, hidden
    /// layers of `hidden_dims` units, a context of `context_dim` features
    /// (0 for none), and the variable order reversed if `reversed`.
    pub(crate) fn new(
        path: &nn::Path<'_>,
        latent_dim: i64,
        hidden_dims: &[i64],
        context_dim: i64,
        reversed: bool,
    ) -> Result<Self, TchError> {
        let options = (path.kind(), path.device());
        let input_degrees: Vec<i64> = (0..latent_dim)
            .map(|a| if reversed { latent_dim - a } else { a + 1 })
            .collect();
        let mut degrees = input_degrees.clone();
        let mut in_dim = latent_dim;
        let mut hidden = Vec::with_capacity(hidden_dims.len());
        let mut context = None;
        for (index, &width) in hidden_dims.iter().enumerate() {
            let unit_degrees: Vec<i64> = (0..width).map(|k| k % latent_dim).collect();
            let layer_path = path / "layers" / index;
            let (weight, bias) = torch_linear_parameters(&layer_path, in_dim, width)?;
            let mask = mask(&unit_degrees, &degrees, |to, from| to >= from, options)?;
            hidden.push(MaskedLinear { weight, bias, mask });
            if index == 0 && context_dim > 0 {
                let bound = 1.0 / (context_dim as f64).sqrt();
                context = Some((path / "context").f_var(
                    "weight",
                    &[width, context_dim],
                    Init::Uniform {
                        lo: -bound,
                        up: bound,
                    },
                )?);
            }
            degrees = unit_degrees;
            in_dim = width;
        }
        let output_degrees: Vec<i64> = input_degrees
            .iter()
            .chain(&input_degrees)
            .copied()
            .collect();
        let (weight, bias) = torch_linear_parameters(&(path / "output"), in_dim, 2 * latent_dim)?;
        let output_mask = mask(&output_degrees, &degrees, |to, from| to > from, options)?;
        Ok(Self {
            hidden,
            context,
            output: MaskedLinear {
                weight,
                bias,
                mask: output_mask,
            },
            latent_dim,
        })
    }

    /// `(m, s)`, each `[..., L]`, for `z` `[..., L]` and the context `[B,
    /// C]` (ignored without a context layer).
    pub(crate) fn forward(
        &self,
        z: &Tensor,
        context: &Tensor,
    ) -> Result<(Tensor, Tensor), TchError> {
        let mut h = z.shallow_clone();
        for (index, layer) in self.hidden.iter().enumerate() {
            h = layer.forward(&h)?;
            if index == 0
                && let Some(weight) = &self.context
            {
                h = h.f_add(&context.f_linear::<&Tensor>(weight, None)?)?;
            }
            h = h.f_relu()?;
        }
        let out = self.output.forward(&h)?;
        let m = out.f_narrow(-1, 0, self.latent_dim)?;
        let s = out.f_narrow(-1, self.latent_dim, self.latent_dim)?;
        Ok((m, s))
    }

    /// The same network with every weight detached (views of the same
    /// values): gradients reach its inputs but not its parameters.
    pub(crate) fn detached(&self) -> Self {
        Self {
            hidden: self.hidden.iter().map(MaskedLinear::detached).collect(),
            context: self.context.as_ref().map(Tensor::detach),
            output: self.output.detached(),
            latent_dim: self.latent_dim,
        }
    }

    /// A copy sharing the parameters (and their gradients).
    pub(crate) fn shared(&self) -> Self {
        let copy = |layer: &MaskedLinear| MaskedLinear {
            weight: layer.weight.shallow_clone(),
            bias: layer.bias.shallow_clone(),
            mask: layer.mask.shallow_clone(),
        };
        Self {
            hidden: self.hidden.iter().map(copy).collect(),
            context: self.context.as_ref().map(Tensor::shallow_clone),
            output: copy(&self.output),
            latent_dim: self.latent_dim,
        }
    }

    /// Size `L` of its input.
    pub(crate) fn latent_dim(&self) -> i64 {
        self.latent_dim
    }
}

/// The 0/1 mask `[to, from]` with `connects(to_degree, from_degree)`.
fn mask(
    to: &[i64],
    from: &[i64],
    connects: impl Fn(i64, i64) -> bool,
    (kind, device): (Kind, Device),
) -> Result<Tensor, TchError> {
    let values: Vec<f32> = to
        .iter()
        .flat_map(|&j| from.iter().map(move |&i| (j, i)))
        .map(|(j, i)| if connects(j, i) { 1.0 } else { 0.0 })
        .collect();
    Tensor::from_slice(&values)
        .f_view([to.len() as i64, from.len() as i64])?
        .f_to_kind(kind)?
        .f_to_device(device)
}
