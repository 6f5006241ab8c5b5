//! The order of one epoch, drawn from libtorch's global generator exactly as
//! PyTorch's `DataLoader` draws it, so that one `tch::manual_seed` gives the
//! tutorials' shuffles.
//!
//! Each `iter(DataLoader(...))` (torch 2.13, `torch/utils/data/dataloader.py`
//! and `sampler.py`) draws, from the global generator:
//! 1. a base seed for worker processes, `torch.empty((), dtype=torch.int64).random_()`,
//!    whether or not it shuffles;
//! 2. with `shuffle=True`, the `RandomSampler`'s seed, drawn the same way,
//!    which seeds a private `torch.Generator` for
//!    `torch.randperm(len, generator=...)`.
//!
//! The private generator is reproduced in pure Rust ([`crate::mt19937`]), so
//! the global generator advances by exactly the two draws PyTorch makes, and
//! the model code that follows sees the same random numbers as in Python.

use tch::{Device, Kind, Tensor};

use crate::mt19937::randperm;

/// Draws the indices of one epoch over `len` items: a permutation when
/// `shuffle`, else `0..len`; consumes the global generator as one
/// `iter(DataLoader(..., shuffle=shuffle))` does.
pub(crate) fn epoch_order(len: usize, shuffle: bool) -> Vec<i64> {
    // The DataLoader's worker base seed: unused here, drawn for parity.
    let _worker_base_seed = draw_seed();
    if shuffle {
        // `random_()` on int64 yields values in [0, 2^63), so the cast is exact.
        randperm(len, draw_seed() as u64)
    } else {
        (0..len as i64).collect()
    }
}

/// `torch.empty((), dtype=torch.int64).random_().item()`.
fn draw_seed() -> i64 {
    let mut seed = Tensor::empty([0i64; 0], (Kind::Int64, Device::Cpu));
    let _ = seed.random_();
    seed.int64_value(&[])
}
