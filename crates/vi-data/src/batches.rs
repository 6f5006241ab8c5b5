//! Mini-batches of one epoch: seeded shuffling, `drop_last`, binarization and
//! pixel range, as the tutorials' `DataLoader` loops produce them.

use tch::{Device, Kind, Tensor};

use crate::idx::{IMAGE_COLS, IMAGE_ROWS};
use crate::sampler::epoch_order;

/// How pixel intensities in `[0, 1]` become binary, if at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Binarization {
    /// Keep grey levels.
    #[default]
    None,
    /// A fresh Bernoulli draw per batch, pixel value = probability of 1:
    /// `torch.bernoulli(data)` on each batch, as the MLP-VAE tutorial does
    /// ("dynamically binarize data"; Salakhutdinov and Murray, 2008). Drawn
    /// from libtorch's global generator, on the CPU, before the move to the
    /// device, as `uniform < p` (see [`dynamic_binarization`]).
    Dynamic,
    /// A fixed threshold: 1 where the pixel is `> 0.5`, else 0, as the
    /// TensorFlow CVAE tutorial's `np.where(images > .5, 1.0, 0.0)`.
    Static,
}

/// The range pixels are mapped to, after any binarization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PixelRange {
    /// `[0, 1]`, as `ToTensor` gives.
    #[default]
    ZeroToOne,
    /// `[-1, 1]`: `(x - 0.5) / 0.5`, torchvision's `Normalize(0.5, 0.5)` as in
    /// the convolutional-VAE tutorial.
    MinusOneToOne,
}

impl PixelRange {
    /// Maps images in `[0, 1]` (as [`ImageDataset`](crate::ImageDataset)
    /// holds them) to this range: what each batch goes through after any
    /// binarization. For an image to feed a model outside of batches (the
    /// convolutional-VAE tutorial's `dataset[0][0]`).
    pub fn normalize(self, images: &Tensor) -> Tensor {
        match self {
            Self::ZeroToOne => images.shallow_clone(),
            // The same two operations as `Normalize(0.5, 0.5)`, for identical
            // rounding.
            Self::MinusOneToOne => (images - 0.5) / 0.5,
        }
    }

    /// Maps images of this range back to `[0, 1]` for display, clamping
    /// values outside it (a Gaussian decoder's mean may leave the range):
    /// `x` for [`ZeroToOne`](Self::ZeroToOne), `(x + 1) / 2` for
    /// [`MinusOneToOne`](Self::MinusOneToOne), then `clamp(0, 1)`.
    pub fn to_unit_interval(self, images: &Tensor) -> Tensor {
        let unit = match self {
            Self::ZeroToOne => images.shallow_clone(),
            Self::MinusOneToOne => (images + 1.0) / 2.0,
        };
        unit.clamp(0.0, 1.0)
    }
}

/// How [`ImageDataset::batches`](crate::ImageDataset::batches) cuts an epoch
/// into batches.
///
/// The default is the MLP-VAE tutorial's loader: `batch_size=100,
/// shuffle=True, drop_last=True`, grey levels in `[0, 1]`, on the CPU; that
/// tutorial then binarizes each batch ([`Binarization::Dynamic`]).
///
/// The convolutional-VAE tutorial's loader, over `subset(&[0; 25_600])`:
///
/// ```
/// use vi_data::{BatchOptions, PixelRange};
///
/// let options = BatchOptions {
///     batch_size: 256,
///     drop_last: false,
///     pixel_range: PixelRange::MinusOneToOne,
///     ..BatchOptions::default()
/// };
/// # assert!(options.shuffle);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BatchOptions {
    /// Images per batch, at least 1.
    pub batch_size: usize,
    /// Visit the items in a random order drawn per epoch (else in order).
    pub shuffle: bool,
    /// Leave out the last batch when it would be smaller than `batch_size`.
    pub drop_last: bool,
    /// Binarization applied to each batch.
    pub binarization: Binarization,
    /// Range of the pixel values handed out.
    pub pixel_range: PixelRange,
    /// Where the batches' tensors are put.
    pub device: Device,
}

impl Default for BatchOptions {
    fn default() -> Self {
        Self {
            batch_size: 100,
            shuffle: true,
            drop_last: true,
            binarization: Binarization::None,
            pixel_range: PixelRange::ZeroToOne,
            device: Device::Cpu,
        }
    }
}

/// One mini-batch.
#[derive(Debug)]
pub struct Batch {
    /// `[B, 784]` float32 on the chosen device: in `[0, 1]` (`{0, 1}` when
    /// binarized), or in `[-1, 1]` (`{-1, 1}`) with
    /// [`PixelRange::MinusOneToOne`].
    pub images: Tensor,
    /// `[B]` int64 classes 0–9 on the chosen device.
    pub labels: Tensor,
}

impl Batch {
    /// The images as `[B, 1, 28, 28]`; a view of [`images`](Self::images).
    pub fn images_nchw(&self) -> Tensor {
        self.images
            .view([-1, 1, IMAGE_ROWS as i64, IMAGE_COLS as i64])
    }
}

/// The batches of one epoch, from
/// [`ImageDataset::batches`](crate::ImageDataset::batches).
///
/// Yields `len()` batches of `batch_size` items, plus a smaller last one when
/// `drop_last` is off and the size does not divide the data set. Each batch
/// is a fresh tensor (the data set is never aliased).
#[derive(Debug)]
pub struct Batches {
    images: Tensor,
    labels: Tensor,
    order: Vec<i64>,
    options: BatchOptions,
    next_start: usize,
    end: usize,
}

impl Batches {
    /// Draws the epoch's order now; `options` are assumed valid.
    pub(crate) fn new(images: Tensor, labels: Tensor, options: &BatchOptions) -> Self {
        let order = epoch_order(labels.size()[0] as usize, options.shuffle);
        let end = if options.drop_last {
            order.len() - order.len() % options.batch_size
        } else {
            order.len()
        };
        Self {
            images,
            labels,
            order,
            options: options.clone(),
            next_start: 0,
            end,
        }
    }

    fn transform(&self, images: Tensor) -> Tensor {
        let images = match self.options.binarization {
            Binarization::None => images,
            Binarization::Dynamic => dynamic_binarization(&images),
            Binarization::Static => images.gt(0.5).to_kind(Kind::Float),
        };
        self.options.pixel_range.normalize(&images)
    }
}

impl Iterator for Batches {
    type Item = Batch;

    fn next(&mut self) -> Option<Batch> {
        if self.next_start >= self.end {
            return None;
        }
        let stop = (self.next_start + self.options.batch_size).min(self.end);
        let indices = Tensor::from_slice(&self.order[self.next_start..stop]);
        self.next_start = stop;
        let images = self.transform(self.images.index_select(0, &indices));
        let labels = self.labels.index_select(0, &indices);
        Some(Batch {
            images: images.to_device(self.options.device),
            labels: labels.to_device(self.options.device),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let remaining = (self.end - self.next_start).div_ceil(self.options.batch_size);
        (remaining, Some(remaining))
    }
}

impl ExactSizeIterator for Batches {}

/// `torch.bernoulli(p)` for pixel probabilities `p`, computed as
/// `uniform_like(p) < p`.
///
/// On the CPU both draw one uniform float per element from libtorch's
/// generator, in the same order, and compare it with `p` (PyTorch's
/// `bernoulli_distribution` is `uniform < p`), so the two give identical
/// pixels and leave the generator in the same state — a test checks it. The
/// comparison form is about three times faster: the uniform draw is one
/// tight loop, where the Bernoulli kernel iterates over input and output
/// element by element. On CUDA the draws differ from `bernoulli`'s but have
/// the same distribution.
pub fn dynamic_binarization(probabilities: &Tensor) -> Tensor {
    probabilities
        .rand_like()
        .lt_tensor(probabilities)
        .to_kind(probabilities.kind())
}
