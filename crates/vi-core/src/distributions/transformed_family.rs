//! What the families built on `TransformedDistribution` share: their
//! `Rsample` and `Expand` impls and the `Distribution` methods that hand
//! the work to the transformed distribution inside, and the answer for a
//! moment with no closed form.

use tch::Tensor;

use crate::error::{Error, Result};

/// `Err(NotImplemented)` for `family`'s `method` (`"entropy"`, `"mean"`,
/// `"variance"`): what torch raises where a family has no closed form.
pub(crate) fn no_closed_form(family: &'static str, method: &'static str) -> Result<Tensor> {
    Err(Error::not_implemented(family, method, "no closed form"))
}

/// `Rsample` and `Expand` for a family `$family` that is a newtype over a
/// `TransformedDistribution` in its field `inner`, with its name in a
/// `FAMILY` constant in scope; `$draw` documents the draw.
macro_rules! transformed_family {
    ($family:ident, $draw:literal) => {
        impl $crate::distribution::Rsample for $family {
            #[doc = $draw]
            fn rsample(&self, sample_shape: &[i64]) -> $crate::error::Result<::tch::Tensor> {
                self.inner.rsample(sample_shape)
            }
        }

        impl $crate::distribution::Expand for $family {
            fn expand(&self, batch_shape: &[i64]) -> $crate::error::Result<Self> {
                $crate::toolkit::check_expand(FAMILY, self.batch_shape(), batch_shape)?;
                Ok(Self {
                    inner: self.inner.expand(batch_shape)?,
                })
            }
        }
    };
}

/// Inside `impl Distribution for $family` of such a family: `name` (the
/// `FAMILY` constant in scope), and `batch_shape`, `kind`, `device` and
/// `sample` from the transformed distribution in `inner` (a plain draw is
/// the base's `sample` pushed through the transforms, as torch's).
macro_rules! delegate_to_transformed {
    () => {
        fn name(&self) -> &'static str {
            FAMILY
        }

        fn batch_shape(&self) -> &[i64] {
            self.inner.batch_shape()
        }

        fn kind(&self) -> ::tch::Kind {
            self.inner.kind()
        }

        fn device(&self) -> ::tch::Device {
            self.inner.device()
        }

        fn sample(&self, sample_shape: &[i64]) -> $crate::error::Result<::tch::Tensor> {
            self.inner.sample(sample_shape)
        }
    };
}

pub(crate) use {delegate_to_transformed, transformed_family};
