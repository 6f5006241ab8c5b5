//! The building blocks of the VAEs, initialized as the tutorials' frameworks
//! initialize them so that seeded models match their PyTorch (or Keras)
//! twins: `nn.Linear` ([`torch_linear`]), `nn.Conv2d` ([`conv2d`]), Keras's
//! `Dense`, `Conv2D` and `Conv2DTranspose` ([`keras_layers`]), and a chain of
//! layers numbered as `nn.Sequential` numbers them ([`sequential`]).

pub(crate) mod conv2d;
pub(crate) mod keras_layers;
pub(crate) mod sequential;
pub(crate) mod torch_linear;

pub use sequential::LayerShape;
