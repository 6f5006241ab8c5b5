//! The last draw of a `TransformedDistribution` and its pre-images, found
//! again by the identity of the returned tensor: how a transform without an
//! inverse (a flow) still scores its own samples, as torch's transforms
//! with `cache_size=1` do.

use std::cell::RefCell;

use tch::{Device, Kind, Tensor};

/// Holds `x₀` (the base draw), …, `x_n` (the sample returned) of the last
/// draw, keyed by the sample's identity.
#[derive(Debug, Default)]
pub(crate) struct SampleCache {
    last: RefCell<Option<Entry>>,
}

#[derive(Debug)]
struct Entry {
    key: TensorKey,
    chain: Vec<Tensor>,
}

/// What identifies a tensor as the one returned: same storage location,
/// geometry, type, device and version counter (an in-place write bumps
/// it), and the same place in the autograd graph as far as it shows:
/// `requires_grad` and `is_leaf`, so that `y.detach()` of a draw that
/// carries a graph (or a detached copy made a leaf that requires grad) is
/// a different value, scored by inverting — its gradient is taken at a
/// fixed `y`, which the cached pre-image, a function of the parameters,
/// would get wrong. The entry keeps the storage alive, so no other tensor
/// can take its address meanwhile.
#[derive(Debug, PartialEq, Eq)]
struct TensorKey {
    data: usize,
    shape: Vec<i64>,
    strides: Vec<i64>,
    kind: Kind,
    device: Device,
    version: i64,
    requires_grad: bool,
    is_leaf: bool,
}

impl TensorKey {
    fn of(tensor: &Tensor) -> Self {
        Self {
            data: tensor.data_ptr() as usize,
            shape: tensor.size(),
            strides: tensor.stride(),
            kind: tensor.kind(),
            device: tensor.device(),
            version: tensor.internal_version(),
            requires_grad: tensor.requires_grad(),
            is_leaf: tensor.is_leaf(),
        }
    }
}

impl SampleCache {
    /// Remembers `chain` (non-empty: its last element is the sample).
    pub(crate) fn store(&self, chain: Vec<Tensor>) {
        let Some(sample) = chain.last() else { return };
        let key = TensorKey::of(sample);
        if let Ok(mut last) = self.last.try_borrow_mut() {
            *last = Some(Entry { key, chain });
        }
    }

    /// The chain of the last draw if `value` is that draw.
    pub(crate) fn lookup(&self, value: &Tensor) -> Option<Vec<Tensor>> {
        let last = self.last.try_borrow().ok()?;
        let entry = last.as_ref()?;
        (entry.key == TensorKey::of(value))
            .then(|| entry.chain.iter().map(Tensor::shallow_clone).collect())
    }

    /// Forgets the last draw.
    pub(crate) fn clear(&self) {
        if let Ok(mut last) = self.last.try_borrow_mut() {
            *last = None;
        }
    }
}
