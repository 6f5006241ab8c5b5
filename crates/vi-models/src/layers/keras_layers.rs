//! The Keras layers of tutorial 4's model in PyTorch's tensor layout:
//! `Dense`, `Conv2D` with `'valid'` padding and `Conv2DTranspose` with
//! `'same'` padding, initialized as Keras does by default (Glorot-uniform
//! kernels, zero biases; Glorot & Bengio 2010).
//!
//! Weights are stored as PyTorch stores them (`Linear` `[out, in]`,
//! `Conv2d` `[out, in, k, k]`, `ConvTranspose2d` `[in, out, k, k]`), so a
//! checkpoint loads into the equivalent `torch.nn` modules.

use tch::nn::{self, Init};
use tch::{TchError, Tensor};

use crate::layers::conv2d::{Conv2d, ConvShape};

/// `U(−l, l)` with `l = √(6 / (fan_in + fan_out))`: Keras's
/// `GlorotUniform`. The limit is symmetric in the two fans, so PyTorch's
/// and Keras's different kernel layouts give the same distribution. It is
/// computed as torch's `xavier_uniform_` does (`√3 · √(2 / (fan_in +
/// fan_out))`), so that it rounds identically.
fn glorot_uniform(fan_in: i64, fan_out: i64) -> Init {
    let std = (2.0 / (fan_in + fan_out) as f64).sqrt();
    let limit = 3f64.sqrt() * std;
    Init::Uniform {
        lo: -limit,
        up: limit,
    }
}

/// `Dense(out_dim)` on `in_dim` inputs: `weight` `[out_dim, in_dim]`
/// (Glorot-uniform) then `bias` `[out_dim]` (zeros) under `path`.
pub(crate) fn keras_dense(
    path: &nn::Path<'_>,
    in_dim: i64,
    out_dim: i64,
) -> Result<nn::Linear, TchError> {
    let (ws, bs) = kernel_and_bias(path, &[out_dim, in_dim], (in_dim, out_dim), out_dim)?;
    Ok(nn::Linear { ws, bs: Some(bs) })
}

/// `weight` of `shape` drawn Glorot-uniform for `(fan_in, fan_out)`, then
/// `bias` `[outputs]` of zeros, under `path`: a Keras layer's build.
fn kernel_and_bias(
    path: &nn::Path<'_>,
    shape: &[i64],
    (fan_in, fan_out): (i64, i64),
    outputs: i64,
) -> Result<(Tensor, Tensor), TchError> {
    let weight = path.f_var("weight", shape, glorot_uniform(fan_in, fan_out))?;
    let bias = path.f_var("bias", &[outputs], Init::Const(0.0))?;
    Ok((weight, bias))
}

/// `Conv2D(out_channels, kernel, strides=stride)` with Keras's default
/// `'valid'` padding (none): `[N, in, H, W]` → `[N, out, ⌊(H − k)/s⌋ + 1, …]`.
/// Parameters `weight` `[out, in, k, k]` (Glorot-uniform, fans `in·k²` and
/// `out·k²`) then `bias` `[out]` (zeros).
pub(crate) fn keras_conv2d_valid(
    path: &nn::Path<'_>,
    in_channels: i64,
    out_channels: i64,
    kernel: i64,
    stride: i64,
) -> Result<Conv2d, TchError> {
    let area = kernel * kernel;
    let (weight, bias) = kernel_and_bias(
        path,
        &[out_channels, in_channels, kernel, kernel],
        (in_channels * area, out_channels * area),
        out_channels,
    )?;
    Ok(Conv2d::from_parameters(
        weight,
        bias,
        ConvShape {
            kernel,
            stride,
            padding: 0,
        },
    ))
}

/// `Conv2DTranspose(out_channels, kernel, strides=stride, padding='same')`:
/// `[N, in, H, W]` → `[N, out, s·H, s·W]`.
///
/// TensorFlow computes it as the gradient of a `'same'` convolution of
/// stride `s`, which pads `max(k − s, 0)` rows in all, the smaller half
/// before and the larger after. In PyTorch terms: the full transposed
/// convolution (size `(H − 1)s + k`) with the first `⌊max(k − s, 0)/2⌋`
/// rows and columns dropped, keeping `s·H`. For `k = 3, s = 2` that keeps
/// the first 14 of 15 rows (PyTorch's `padding=1, output_padding=1` keeps
/// rows 1..15 instead: the same shape, shifted by one pixel); for `k = 3,
/// s = 1` it is `padding=1`.
#[derive(Debug)]
pub(crate) struct ConvTranspose2dSame {
    weight: Tensor,
    bias: Tensor,
    stride: i64,
    /// Rows (and columns) dropped at the start.
    crop: i64,
}

impl ConvTranspose2dSame {
    /// The layer under `path`: `weight` `[in, out, k, k]` (Glorot-uniform,
    /// fans `out·k²` and `in·k²` as Keras counts them) then `bias` `[out]`
    /// (zeros).
    pub(crate) fn keras(
        path: &nn::Path<'_>,
        in_channels: i64,
        out_channels: i64,
        kernel: i64,
        stride: i64,
    ) -> Result<Self, TchError> {
        let area = kernel * kernel;
        let (weight, bias) = kernel_and_bias(
            path,
            &[in_channels, out_channels, kernel, kernel],
            (out_channels * area, in_channels * area),
            out_channels,
        )?;
        Ok(Self {
            weight,
            bias,
            stride,
            crop: (kernel - stride).max(0) / 2,
        })
    }

    /// `[N, in, H, W]` → `[N, out, s·H, s·W]` (channels-last from oneDNN's
    /// path, so that the next layer takes it as it is).
    ///
    /// Two choices for speed, measured on a 2-core AMD EPYC with libtorch
    /// 2.13: the input is laid out channels-last (NHWC strides, as torch's
    /// `channels_last`), for which oneDNN's transposed convolution runs
    /// about 1.7× as fast as for NCHW, and a later layer receives it so
    /// already; and the bias is added after the convolution rather than
    /// handed to it, where oneDNN adds it in a scalar reference loop that
    /// took a fifth of the decoder's time. Both change the rounding of the
    /// results (relative 1e-8), not what they compute.
    ///
    /// A third, without gradient: a stride-1 layer with an odd kernel whose
    /// input needs no gradient is computed by
    /// [`forward_by_taps`](Self::forward_by_taps), 4× as fast as oneDNN for the CVAE's last
    /// layer (32 → 1 channel, which oneDNN ran at 6 GFLOP/s, a third of the
    /// decoder's time). With gradient oneDNN stays: its backward pass is
    /// twice as fast as the taps' autograd.
    pub(crate) fn forward(&self, input: &Tensor) -> Result<Tensor, TchError> {
        let input = channels_last(input)?;
        let kernel = self.weight.size()[2];
        if self.stride == 1 && kernel % 2 == 1 && !input.requires_grad() {
            return self.forward_by_taps(&input);
        }
        let size = input.size();
        let (height, width) = (size[size.len() - 2], size[size.len() - 1]);
        // `padding` drops `crop` rows at both ends; the narrow then keeps the
        // first `s·H` of what is left, dropping the rest of the end.
        let full = input.f_conv_transpose2d(
            &self.weight,
            None::<&Tensor>,
            [self.stride, self.stride],
            [self.crop, self.crop],
            [0, 0],
            1,
            [1, 1],
        )?;
        let channels = self.bias.size()[0];
        full.f_narrow(2, 0, self.stride * height)?
            .f_narrow(3, 0, self.stride * width)?
            .f_add(&self.bias.f_view([1, channels, 1, 1])?)
    }

    /// The stride-1 transposed convolution with an odd kernel `k` and
    /// padding `p = (k − 1)/2` as one matrix product and a fold: the taps
    /// `T = Wᵀ X`, `[out·k², N·H·W]`, with `W` the weight `[in, out·k²]` and
    /// `X` the input's NHWC rows `[N·H·W, in]` (a view of the channels-last
    /// input), then `col2im` adds tap `(o, a, b)` of pixel `(i, j)` to output
    /// `(o, i − p + a, j − p + b)` — the definition of the transposed
    /// convolution, `y[o, i', j'] = Σ x[c, i, j] w[c, o, i' − i + p, j' − j + p]`.
    /// `[N, in, H, W]` → `[N, out, H, W]`.
    fn forward_by_taps(&self, input: &Tensor) -> Result<Tensor, TchError> {
        let size = input.size();
        let (count, channels, height, width) = (size[0], size[1], size[2], size[3]);
        let weight = self.weight.size();
        let (out, kernel) = (weight[1], weight[2]);
        let taps = out * kernel * kernel;
        let rows = input
            .f_permute([0, 2, 3, 1])?
            .f_reshape([count * height * width, channels])?;
        let columns = self
            .weight
            .f_reshape([channels, taps])?
            .f_tr()?
            .f_mm(&rows.f_tr()?)?
            .f_view([taps, count, height * width])?
            .f_permute([1, 0, 2])?;
        columns
            .f_col2im(
                [height, width],
                [kernel, kernel],
                [1, 1],
                [self.crop, self.crop],
                [1, 1],
            )?
            .f_add(&self.bias.f_view([1, out, 1, 1])?)
    }
}

/// `x` `[N, C, H, W]` with NHWC strides (torch's `channels_last`): itself
/// if already so, else a copy.
fn channels_last(x: &Tensor) -> Result<Tensor, TchError> {
    let (size, stride) = (x.size(), x.stride());
    let is_channels_last = size.len() == 4
        && stride[1] == 1
        && stride[3] == size[1]
        && stride[2] == size[1] * size[3]
        && stride[0] == size[1] * size[2] * size[3];
    if is_channels_last || size.len() != 4 {
        return Ok(x.shallow_clone());
    }
    x.f_permute([0, 2, 3, 1])?
        .f_contiguous()?
        .f_permute([0, 3, 1, 2])
}

#[cfg(test)]
mod tests {
    use tch::{Device, Kind, Tensor, nn};

    use super::{ConvTranspose2dSame, channels_last};

    /// TensorFlow defines `Conv2DTranspose(padding='same')` as the adjoint
    /// of `Conv2D(padding='same')` with the same kernel, whose padding puts
    /// the smaller half before: `⟨convT(y), x⟩ = ⟨y, conv_same(x)⟩` for all
    /// `x`, `y` (biases are zero at initialization).
    #[test]
    fn same_transposed_convolution_is_the_adjoint_of_tensorflows_same_convolution() {
        for (stride, side) in [(2, 7), (2, 14), (1, 28), (1, 5)] {
            tch::manual_seed(stride * 100 + side);
            let var_store = nn::VarStore::new(Device::Cpu);
            let layer = ConvTranspose2dSame::keras(&var_store.root(), 3, 2, 3, stride)
                .expect("valid layer");
            let options = (Kind::Float, Device::Cpu);
            let y = Tensor::randn([2, 3, side, side], options);
            let out_side = stride * side;
            let x = Tensor::randn([2, 2, out_side, out_side], options);
            let transposed = layer.forward(&y).expect("valid input");
            assert_eq!(transposed.size(), [2, 2, out_side, out_side]);
            let lhs = (transposed * &x).sum(Kind::Double).double_value(&[]);

            let total = ((side - 1) * stride + 3 - out_side).max(0);
            let (before, after) = (total / 2, total - total / 2);
            let padded = x.constant_pad_nd([before, after, before, after]);
            let convolved = padded.conv2d(
                &layer.weight,
                None::<Tensor>,
                [stride, stride],
                [0, 0],
                [1, 1],
                1,
            );
            assert_eq!(convolved.size(), [2, 3, side, side]);
            let rhs = (convolved * &y).sum(Kind::Double).double_value(&[]);
            assert!(
                (lhs - rhs).abs() < 1e-4 * lhs.abs().max(1.0),
                "stride {stride}, side {side}: {lhs} vs {rhs}"
            );
        }
    }

    /// The bias added after the convolution, on a channels-last input, and
    /// the taps of a stride-1 layer without gradient give libtorch's fused
    /// convolution on an NCHW input, up to rounding, with or without
    /// gradient; the output has the documented shape.
    #[test]
    fn the_fast_layout_and_bias_give_torchs_result() {
        for (stride, side, batch) in [(2, 7, 3), (2, 14, 70), (1, 28, 5)] {
            tch::manual_seed(stride * 100 + side);
            let var_store = nn::VarStore::new(Device::Cpu);
            let mut layer = ConvTranspose2dSame::keras(&var_store.root(), 4, 3, 3, stride)
                .expect("valid layer");
            layer.bias = Tensor::randn([3], (Kind::Float, Device::Cpu));
            let input = Tensor::randn([batch, 4, side, side], (Kind::Float, Device::Cpu));
            let fast = layer.forward(&input).expect("valid input");
            // With gradient, stride 1 takes oneDNN's path instead of the taps.
            let tracked = layer
                .forward(&input.copy().set_requires_grad(true))
                .expect("valid input");
            let paths = (&fast - &tracked.detach()).abs().max().double_value(&[]);
            let reference = input
                .conv_transpose2d(
                    &layer.weight,
                    Some(&layer.bias),
                    [stride, stride],
                    [layer.crop, layer.crop],
                    [0, 0],
                    1,
                    [1, 1],
                )
                .narrow(2, 0, stride * side)
                .narrow(3, 0, stride * side);
            assert_eq!(fast.size(), reference.size());
            let error = (&fast - &reference).abs().max().double_value(&[]);
            let scale = reference.abs().max().double_value(&[]);
            assert!(error <= 1e-6 * scale, "stride {stride}: {error} of {scale}");
            assert!(paths <= 1e-6 * scale, "stride {stride}: {paths} of {scale}");
            if stride != 1 {
                let relaid = channels_last(&fast).expect("4-D");
                assert_eq!(relaid.data_ptr(), fast.data_ptr(), "already channels-last");
            }
        }
    }

    #[test]
    fn channels_last_keeps_values_and_makes_channels_innermost() {
        let x = Tensor::arange(2 * 3 * 4 * 5, (Kind::Float, Device::Cpu)).view([2, 3, 4, 5]);
        let y = channels_last(&x).expect("4-D");
        assert_eq!(y.stride(), [60, 1, 15, 3]);
        assert!(y.equal(&x));
        let flat = Tensor::zeros([6], (Kind::Float, Device::Cpu));
        assert_eq!(channels_last(&flat).expect("any rank").stride(), [1]);
    }
}
