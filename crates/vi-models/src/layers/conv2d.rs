//! A 2-D convolution layer over `[N, C, H, W]` tensors, with PyTorch's
//! `nn.Conv2d` initialization, so that a convolutional model built after
//! `tch::manual_seed(s)` starts from the same weights as its PyTorch twin
//! after `torch.manual_seed(s)`.

use tch::nn::{self, Init};
use tch::{TchError, Tensor};

use crate::layers::torch_linear::kaiming_uniform_bound;

/// `weight` `[out, in, k, k]` and `bias` `[out]`, applied with a square
/// stride and zero padding on every side (`dilation 1`, `groups 1`).
#[derive(Debug)]
pub(crate) struct Conv2d {
    weight: Tensor,
    bias: Tensor,
    stride: i64,
    padding: i64,
}

/// The geometry of a square convolution: kernel size, stride, padding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConvShape {
    pub(crate) kernel: i64,
    pub(crate) stride: i64,
    pub(crate) padding: i64,
}

impl ConvShape {
    /// Stride 1 and `padding` zeros on every side.
    pub(crate) fn unit_stride(kernel: i64, padding: i64) -> Self {
        Self {
            kernel,
            stride: 1,
            padding,
        }
    }
}

impl Conv2d {
    /// `nn.Conv2d(in_channels, out_channels, kernel, stride, padding)`
    /// under `path`, initialized as torch 2.13's `Conv2d.reset_parameters`:
    /// the weight from `U(−b, b)` with `b` the bound of
    /// `kaiming_uniform_(a=√5)` for `fan_in = in_channels · k²`, then the
    /// bias from `U(−1/√fan_in, 1/√fan_in)`, in that order.
    pub(crate) fn torch(
        path: &nn::Path<'_>,
        in_channels: i64,
        out_channels: i64,
        shape: ConvShape,
    ) -> Result<Self, TchError> {
        let fan_in = in_channels * shape.kernel * shape.kernel;
        let weight_bound = kaiming_uniform_bound(fan_in);
        let weight = path.f_var(
            "weight",
            &[out_channels, in_channels, shape.kernel, shape.kernel],
            Init::Uniform {
                lo: -weight_bound,
                up: weight_bound,
            },
        )?;
        let bias_bound = 1.0 / (fan_in as f64).sqrt();
        let bias = path.f_var(
            "bias",
            &[out_channels],
            Init::Uniform {
                lo: -bias_bound,
                up: bias_bound,
            },
        )?;
        Ok(Self::from_parameters(weight, bias, shape))
    }

    /// A layer over existing variables (`weight` `[out, in, k, k]`).
    pub(crate) fn from_parameters(weight: Tensor, bias: Tensor, shape: ConvShape) -> Self {
        Self {
            weight,
            bias,
            stride: shape.stride,
            padding: shape.padding,
        }
    }

    /// `[N, in, H, W]` → `[N, out, (H + 2p − k) / s + 1, …]` (rounded down).
    pub(crate) fn forward(&self, input: &Tensor) -> Result<Tensor, TchError> {
        input.f_conv2d(
            &self.weight,
            Some(&self.bias),
            [self.stride, self.stride],
            [self.padding, self.padding],
            [1, 1],
            1,
        )
    }
}
