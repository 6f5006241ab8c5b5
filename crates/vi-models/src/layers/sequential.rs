//! A chain of layers applied in order, numbered as PyTorch's `nn.Sequential`
//! numbers its modules (parameterless layers such as activations take an
//! index too), so that parameter names equal the PyTorch model's
//! `state_dict` keys.

use tch::{TchError, Tensor, nn};

use crate::layers::conv2d::Conv2d;
use crate::layers::keras_layers::ConvTranspose2dSame;
use crate::layers::torch_linear::torch_linear;

/// The linear layers of `nn.Sequential(Linear, a, Linear, a, …)` through
/// the widths `dims` (`dims[i] → dims[i + 1]`), without the activations:
/// layer `i` is named `2i`, as PyTorch numbers the modules of the sequence.
pub(crate) fn linear_chain(path: &nn::Path<'_>, dims: &[i64]) -> Result<Vec<nn::Linear>, TchError> {
    dims.windows(2)
        .enumerate()
        .map(|(i, pair)| torch_linear(&(path / (2 * i)), pair[0], pair[1]))
        .collect()
}

/// One step of a [`Sequential`].
#[derive(Debug)]
pub(crate) enum Layer {
    /// `nn.Conv2d`.
    Conv2d(Conv2d),
    /// Keras's `Conv2DTranspose(padding='same')`.
    ConvTranspose2dSame(ConvTranspose2dSame),
    /// `nn.Linear` on the last dimension.
    Linear(nn::Linear),
    /// `nn.ReLU`.
    Relu,
    /// `nn.LeakyReLU()`, negative slope 0.01.
    LeakyRelu,
    /// `nn.MaxPool2d(k, k)`: windows of `k × k`, stride `k`, no padding,
    /// partial windows dropped.
    MaxPool2d(i64),
    /// `nn.Upsample(scale_factor=2, mode='bilinear')` (`align_corners`
    /// false): `[N, C, H, W]` → `[N, C, 2H, 2W]`.
    UpsampleBilinear2x,
    /// `nn.Flatten()`: `[N, …]` → `[N, ∏ …]`.
    Flatten,
    /// `nn.Unflatten(1, shape)`: `[N, ∏ shape]` → `[N] + shape`.
    Unflatten(Vec<i64>),
}

impl Layer {
    fn forward(&self, input: &Tensor) -> Result<Tensor, TchError> {
        match self {
            Self::Conv2d(conv) => conv.forward(input),
            Self::ConvTranspose2dSame(conv) => conv.forward(input),
            Self::Linear(linear) => input.f_linear(&linear.ws, linear.bs.as_ref()),
            Self::Relu => input.f_relu(),
            Self::LeakyRelu => input.f_leaky_relu(),
            Self::MaxPool2d(k) => input.f_max_pool2d([*k, *k], [*k, *k], [0, 0], [1, 1], false),
            Self::UpsampleBilinear2x => {
                let size = input.size();
                let (height, width) = (size[size.len() - 2], size[size.len() - 1]);
                input.f_upsample_bilinear2d([2 * height, 2 * width], false, 2.0, 2.0)
            }
            Self::Flatten => input.f_flatten(1, -1),
            Self::Unflatten(shape) => input.f_unflatten(1, shape.as_slice()),
        }
    }

    /// The layer's PyTorch name, e.g. `"Conv2d"`.
    fn kind(&self) -> &'static str {
        match self {
            Self::Conv2d(_) => "Conv2d",
            Self::ConvTranspose2dSame(_) => "ConvTranspose2d('same')",
            Self::Linear(_) => "Linear",
            Self::Relu => "ReLU",
            Self::LeakyRelu => "LeakyReLU",
            Self::MaxPool2d(_) => "MaxPool2d",
            Self::UpsampleBilinear2x => "Upsample(bilinear, ×2)",
            Self::Flatten => "Flatten",
            Self::Unflatten(_) => "Unflatten",
        }
    }
}

/// The output shape of one layer, from a model's `layer_shapes` (what
/// Keras's `model.summary()` lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerShape {
    /// The layer's name and kind, e.g. `"_encoder.0 Conv2d"`.
    pub layer: String,
    /// Its output shape, e.g. `[1, 8, 26, 26]`.
    pub shape: Vec<i64>,
}

/// Layers applied in order, named `<name>.<index>`.
#[derive(Debug)]
pub(crate) struct Sequential {
    name: &'static str,
    layers: Vec<Layer>,
}

impl Sequential {
    /// An empty chain whose parameters live under `<parent>/<name>`.
    pub(crate) fn new(name: &'static str) -> Self {
        Self {
            name,
            layers: Vec::new(),
        }
    }

    /// The path of the next layer's parameters: `parent / name / index`.
    pub(crate) fn next_path<'a>(&self, parent: &nn::Path<'a>) -> nn::Path<'a> {
        parent / self.name / self.layers.len()
    }

    /// Appends a layer.
    pub(crate) fn push(&mut self, layer: Layer) {
        self.layers.push(layer);
    }

    /// The layers in order.
    pub(crate) fn forward(&self, input: &Tensor) -> Result<Tensor, TchError> {
        let mut output = input.shallow_clone();
        for layer in &self.layers {
            output = layer.forward(&output)?;
        }
        Ok(output)
    }

    /// As [`forward`](Self::forward), recording each layer's output shape.
    pub(crate) fn forward_traced(
        &self,
        input: &Tensor,
        shapes: &mut Vec<LayerShape>,
    ) -> Result<Tensor, TchError> {
        let mut output = input.shallow_clone();
        for (index, layer) in self.layers.iter().enumerate() {
            output = layer.forward(&output)?;
            shapes.push(LayerShape {
                layer: format!("{}.{index} {}", self.name, layer.kind()),
                shape: output.size(),
            });
        }
        Ok(output)
    }
}
