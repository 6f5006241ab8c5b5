//! MNIST-format data sets (MNIST, Fashion-MNIST) for the tutorials: a
//! validating IDX reader in pure Rust, and seeded tensor batches on libtorch.
//!
//! Two layers:
//! - the IDX layer ([`read_split`], [`read_images`], [`read_labels`]) reads
//!   raw or gzip-compressed IDX files, checks every claim of their headers
//!   before allocating, and reports each fault as a [`DataError`] naming the
//!   file, the expected and the found value. It needs no libtorch
//!   (`default-features = false`), which is how it is fuzzed.
//! - the tensor layer (feature `tensor`, on by default): [`ImageDataset`]
//!   holds a split as `[N, 784]` float32 in `[0, 1]` and `[N]` int64 labels,
//!   and [`ImageDataset::batches`] cuts an epoch into [`Batch`]es as
//!   PyTorch's `DataLoader` does, draw for draw from libtorch's global
//!   generator, with optional binarization and `[-1, 1]` rescaling
//!   ([`BatchOptions`]).
//!
//! Also behind `tensor`: the tutorials' synthetic data ([`linear_data`] for
//! tutorial 1, [`exponential_normal_data`] for tutorial 2), drawn with the
//! same libtorch calls in the same order as the tutorials' PyTorch code, so
//! a seed gives exactly PyTorch's draws.
//!
//! The data live in `data/<name>/` of the workspace; `cargo xtask data`
//! downloads them. This crate knows nothing of models.

#![deny(missing_docs)]

mod collection;
mod error;
mod idx;
mod split;
mod split_files;

#[cfg(feature = "tensor")]
mod batches;
#[cfg(feature = "tensor")]
mod dataset;
#[cfg(feature = "tensor")]
mod mt19937;
#[cfg(feature = "tensor")]
mod sampler;
#[cfg(feature = "tensor")]
mod synthetic;

pub use collection::Collection;
pub use error::DataError;
pub use idx::{
    IMAGE_COLS, IMAGE_PIXELS, IMAGE_ROWS, IMAGES_MAGIC, IdxImages, IdxLabels, LABELS_MAGIC,
    MAX_ITEMS, NUM_CLASSES, read_images, read_labels,
};
pub use split::Split;
pub use split_files::{IdxSplit, read_images_file, read_labels_file, read_split};

#[cfg(feature = "tensor")]
pub use batches::{Batch, BatchOptions, Batches, Binarization, PixelRange, dynamic_binarization};
#[cfg(feature = "tensor")]
pub use dataset::ImageDataset;
#[cfg(feature = "tensor")]
pub use synthetic::{
    ExponentialNormalConfig, ExponentialNormalData, LinearData, LinearDataConfig, SyntheticError,
    exponential_normal_data, linear_data,
};
