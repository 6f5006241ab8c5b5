//! An MNIST-format split held in memory as float tensors, as torchvision's
//! `datasets.MNIST(..., transform=ToTensor())` yields it.

use std::path::Path;

use tch::{Device, Kind, TchError, Tensor};

use crate::idx::{IMAGE_COLS, IMAGE_PIXELS, IMAGE_ROWS};
use crate::{BatchOptions, Batches, Collection, DataError, IdxSplit, Split, read_split};

/// One split of MNIST or Fashion-MNIST on the CPU.
///
/// - images: `[N, 784]` float32 in `[0, 1]`, pixel / 255 in row-major order
///   (torchvision's `ToTensor`, flattened as the MLP-VAE tutorial's
///   `data.view(N, -1)`); [`images_nchw`](Self::images_nchw) gives
///   `[N, 1, 28, 28]`.
/// - labels: `[N]` int64, classes 0–9.
#[derive(Debug)]
pub struct ImageDataset {
    images: Tensor,
    labels: Tensor,
}

impl ImageDataset {
    /// Loads `split` of `collection` from `<data_dir>/<collection.name()>/`,
    /// where `cargo xtask data` puts it (`data/mnist`, `data/fashion-mnist`).
    ///
    /// # Errors
    ///
    /// As [`read_split`]: a missing folder or file (the message says to run
    /// `cargo xtask data <name>` or pass `--data-dir`), or a file that is not
    /// a valid IDX file of the expected kind.
    pub fn load(data_dir: &Path, collection: Collection, split: Split) -> Result<Self, DataError> {
        let idx = read_split(&collection.dir(data_dir), collection, split)?;
        Ok(Self::from_idx(&idx))
    }

    /// Converts validated IDX content to tensors: pixels to float32 / 255,
    /// labels to int64.
    pub fn from_idx(idx: &IdxSplit) -> Self {
        let len = idx.len() as i64;
        let images = Tensor::from_slice(idx.images().pixels())
            .view([len, IMAGE_PIXELS as i64])
            .to_kind(Kind::Float)
            / 255.0;
        let labels = Tensor::from_slice(idx.labels().labels()).to_kind(Kind::Int64);
        Self { images, labels }
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.size()[0] as usize
    }

    /// Whether there are no images.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The images, `[N, 784]` float32 in `[0, 1]`.
    pub fn images(&self) -> &Tensor {
        &self.images
    }

    /// The images as `[N, 1, 28, 28]` (channels first, for convolutions); a
    /// view of [`images`](Self::images).
    pub fn images_nchw(&self) -> Tensor {
        self.images
            .view([-1, 1, IMAGE_ROWS as i64, IMAGE_COLS as i64])
    }

    /// The labels, `[N]` int64 in `0..10`.
    pub fn labels(&self) -> &Tensor {
        &self.labels
    }

    /// The items at `indices`, in that order, repeats allowed: PyTorch's
    /// `Subset(dataset, indices)`.
    ///
    /// The convolutional-VAE tutorial trains on one image repeated,
    /// `Subset(dataset, [0] * 256 * 100)`: `dataset.subset(&[0; 25_600])`,
    /// or without the copies, [`repeat`](Self::repeat)`(0, 25_600)`.
    ///
    /// # Errors
    ///
    /// [`DataError::IndexOutOfRange`] for an index outside `0..len()`.
    pub fn subset(&self, indices: &[i64]) -> Result<Self, DataError> {
        let len = self.len();
        if let Some(&found) = indices
            .iter()
            .find(|&&index| !usize::try_from(index).is_ok_and(|index| index < len))
        {
            return Err(DataError::IndexOutOfRange { len, found });
        }
        let indices = Tensor::from_slice(indices);
        Ok(Self {
            images: self.images.index_select(0, &indices),
            labels: self.labels.index_select(0, &indices),
        })
    }

    /// Item `index` repeated `times` times, without copying it: the images
    /// are a `[times, 784]` view with stride 0 along the first dimension
    /// (`Tensor::expand`), so the data set costs one image of memory
    /// whatever `times` is. Batches drawn from it are ordinary tensors.
    ///
    /// Equal, item for item, to `subset(&[index; times])`, which the
    /// convolutional-VAE tutorial writes `Subset(dataset, [0] * 256 * 100)`:
    /// `dataset.repeat(0, 25_600)`.
    ///
    /// # Errors
    ///
    /// [`DataError::IndexOutOfRange`] for an index outside `0..len()`;
    /// [`DataError::RepeatCount`] for `times` above `i64::MAX`.
    pub fn repeat(&self, index: i64, times: usize) -> Result<Self, DataError> {
        let len = self.len();
        if !usize::try_from(index).is_ok_and(|index| index < len) {
            return Err(DataError::IndexOutOfRange { len, found: index });
        }
        let times = i64::try_from(times).map_err(|_| DataError::RepeatCount { found: times })?;
        let image = self.images.narrow(0, index, 1);
        let label = self.labels.narrow(0, index, 1);
        Ok(Self {
            images: image.expand([times, IMAGE_PIXELS as i64], false),
            labels: label.expand([times], false),
        })
    }

    /// Starts an epoch: the batches of `options`, in an order drawn now from
    /// libtorch's global generator, as `iter(DataLoader(...))` draws it.
    ///
    /// Call it once per epoch. After `tch::manual_seed(s)` the order and the
    /// random numbers drawn afterwards match PyTorch 2.13 after
    /// `torch.manual_seed(s)` on the CPU.
    ///
    /// # Errors
    ///
    /// [`DataError::BatchSize`] for a batch size of 0,
    /// [`DataError::Device`] for a device this machine lacks.
    ///
    /// # Example
    ///
    /// ```no_run
    /// # use std::path::Path;
    /// use vi_data::{BatchOptions, Binarization, Collection, ImageDataset, Split};
    ///
    /// tch::manual_seed(0);
    /// let train = ImageDataset::load(Path::new("data"), Collection::Mnist, Split::Train)?;
    /// let options = BatchOptions {
    ///     binarization: Binarization::Dynamic,
    ///     ..BatchOptions::default()
    /// };
    /// for batch in train.batches(&options)? {
    ///     assert_eq!(batch.images.size(), [100, 784]);
    /// }
    /// # Ok::<(), vi_data::DataError>(())
    /// ```
    pub fn batches(&self, options: &BatchOptions) -> Result<Batches, DataError> {
        if options.batch_size == 0 {
            return Err(DataError::BatchSize { found: 0 });
        }
        if options.device != Device::Cpu {
            // A one-element probe: libtorch reports an absent device as an
            // error here instead of failing later inside the iterator.
            let probe = Tensor::zeros([1], (Kind::Float, Device::Cpu)).f_to_device(options.device);
            if let Err(error) = probe {
                let message = match error {
                    TchError::Torch(message) => message,
                    other => other.to_string(),
                };
                return Err(DataError::Device {
                    device: options.device,
                    cuda_devices: tch::Cuda::device_count(),
                    reason: first_sentence(&message).to_owned(),
                });
            }
        }
        Ok(Batches::new(
            self.images.shallow_clone(),
            self.labels.shallow_clone(),
            options,
        ))
    }
}

/// The first sentence of a libtorch error; what follows is advice for
/// PyTorch developers and a C++ backtrace.
fn first_sentence(message: &str) -> &str {
    let line = message.lines().next().unwrap_or_default();
    line.split_once(". ").map_or(line, |(sentence, _)| sentence)
}
