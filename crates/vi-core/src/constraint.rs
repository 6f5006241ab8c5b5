//! Constraints: the sets that parameters and supports live in (torch's
//! `torch.distributions.constraints`). A [`Constraint`] says where a
//! family's values lie ([`Distribution::support`](crate::Distribution::support)),
//! checks tensors elementwise, and tells [`biject_to`](crate::biject_to)
//! which transform maps the real numbers onto it.

use std::fmt;

use tch::{Kind, Tensor};

use crate::error::{Error, Result};

/// A bound of an interval constraint: a number, or a tensor that
/// broadcasts against the values (a batch of `Uniform(low, high)`
/// distributions has one interval per batch element).
#[derive(Debug)]
pub enum Bound {
    /// The same bound for every element.
    Value(f64),
    /// One bound per element; broadcasts against the values.
    Tensor(Tensor),
}

impl Clone for Bound {
    fn clone(&self) -> Self {
        match self {
            Self::Value(value) => Self::Value(*value),
            Self::Tensor(tensor) => Self::Tensor(tensor.shallow_clone()),
        }
    }
}

impl From<f64> for Bound {
    fn from(value: f64) -> Self {
        Self::Value(value)
    }
}

impl From<&Tensor> for Bound {
    fn from(tensor: &Tensor) -> Self {
        Self::Tensor(tensor.shallow_clone())
    }
}

impl Bound {
    /// `value <= bound` (`strict`: `<`), elementwise.
    fn above(&self, value: &Tensor, strict: bool) -> Tensor {
        match (self, strict) {
            (Self::Value(b), true) => value.lt(*b),
            (Self::Value(b), false) => value.le(*b),
            (Self::Tensor(b), true) => value.lt_tensor(b),
            (Self::Tensor(b), false) => value.le_tensor(b),
        }
    }

    /// `value >= bound` (`strict`: `>`), elementwise.
    fn below(&self, value: &Tensor, strict: bool) -> Tensor {
        match (self, strict) {
            (Self::Value(b), true) => value.gt(*b),
            (Self::Value(b), false) => value.ge(*b),
            (Self::Tensor(b), true) => value.gt_tensor(b),
            (Self::Tensor(b), false) => value.ge_tensor(b),
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Value(value) => write!(f, "{value}"),
            Self::Tensor(tensor) => write!(f, "a tensor of shape {:?}", tensor.size()),
        }
    }
}

/// A set of values, as torch's `constraints` name them.
///
/// `event_dim` is the number of rightmost dimensions that form one element
/// of the set (1 for a point of the simplex, 2 for a Cholesky factor);
/// [`check`](Self::check) reduces them away.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Constraint {
    /// All real numbers, infinities included (torch's `real`); NaN is not.
    Real,
    /// `(0, ∞)` (torch's `positive`).
    Positive,
    /// `[0, ∞)` (torch's `nonnegative`).
    NonNegative,
    /// `(lower, ∞)` (torch's `greater_than`).
    GreaterThan(Bound),
    /// `[lower, ∞)` (torch's `greater_than_eq`).
    GreaterThanEq(Bound),
    /// `(−∞, upper)` (torch's `less_than`).
    LessThan(Bound),
    /// `[0, 1]` (torch's `unit_interval`).
    UnitInterval,
    /// `[low, high]` (torch's `interval`).
    Interval(Bound, Bound),
    /// `[low, high)` (torch's `half_open_interval`).
    HalfOpenInterval(Bound, Bound),
    /// `{0, 1}` (torch's `boolean`).
    Boolean,
    /// `{0, 1, 2, …}` (torch's `nonnegative_integer`).
    NonNegativeInteger,
    /// `{low, …, high}` (torch's `integer_interval`).
    IntegerInterval(i64, i64),
    /// Vectors with non-negative entries summing to 1 (torch's `simplex`);
    /// `event_dim` 1.
    Simplex,
    /// One-hot vectors (torch's `one_hot`); `event_dim` 1.
    OneHot,
    /// Lower-triangular matrices with a positive diagonal (torch's
    /// `lower_cholesky`); `event_dim` 2.
    LowerCholesky,
    /// Symmetric positive-definite matrices (torch's `positive_definite`);
    /// `event_dim` 2.
    PositiveDefinite,
    /// The inner constraint on each element, with `n` more rightmost
    /// dimensions forming one element (torch's `independent`; a real
    /// vector is `Independent(Real, 1)`).
    Independent(Box<Constraint>, usize),
}

impl Constraint {
    /// `Independent(self, reinterpreted)`, or `self` when `reinterpreted`
    /// is 0.
    pub fn independent(self, reinterpreted: usize) -> Self {
        if reinterpreted == 0 {
            self
        } else {
            Self::Independent(Box::new(self), reinterpreted)
        }
    }

    /// Rightmost dimensions that form one element of the set.
    pub fn event_dim(&self) -> usize {
        match self {
            Self::Simplex | Self::OneHot => 1,
            Self::LowerCholesky | Self::PositiveDefinite => 2,
            Self::Independent(inner, n) => inner.event_dim().saturating_add(*n),
            _ => 0,
        }
    }

    /// Whether the set is discrete (integers, booleans, one-hot vectors).
    pub fn is_discrete(&self) -> bool {
        match self {
            Self::Boolean | Self::NonNegativeInteger | Self::IntegerInterval(..) | Self::OneHot => {
                true
            }
            Self::Independent(inner, _) => inner.is_discrete(),
            _ => false,
        }
    }

    /// A boolean tensor saying which elements of `value` lie in the set:
    /// the shape of `value` without the rightmost
    /// [`event_dim`](Self::event_dim) dimensions (as torch's `check`).
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] if `value` has fewer dimensions than
    /// `event_dim`, a tensor bound does not broadcast with it, or the
    /// matrices of a positive-definite check are not square;
    /// [`Error::DeviceMismatch`] if a tensor bound lives on another device;
    /// [`Error::Torch`] for other libtorch failures.
    pub fn check(&self, value: &Tensor) -> Result<Tensor> {
        let dims = value.dim();
        if dims < self.event_dim() {
            return Err(Error::ShapeMismatch {
                context: "Constraint::check",
                left: "value",
                left_shape: value.size(),
                right: "the constraint's event dimensions",
                right_shape: vec![self.event_dim() as i64],
            });
        }
        if self.has_matrix_events() {
            let size = value.size();
            let (rows, columns) = (size[dims - 2], size[dims - 1]);
            if rows != columns {
                return Err(Error::ShapeMismatch {
                    context: "Constraint::check",
                    left: "value",
                    left_shape: size,
                    right: "square matrices",
                    right_shape: vec![rows, rows],
                });
            }
        }
        for bound in self.bounds() {
            if let Bound::Tensor(tensor) = bound
                && crate::toolkit::broadcast_shapes(&tensor.size(), &value.size()).is_none()
            {
                return Err(Error::ShapeMismatch {
                    context: "Constraint::check",
                    left: "value",
                    left_shape: value.size(),
                    right: "bound",
                    right_shape: tensor.size(),
                });
            }
            // A 0-d CPU bound joins a value on any device, as libtorch allows.
            if let Bound::Tensor(tensor) = bound
                && tensor.device() != value.device()
                && !(tensor.dim() == 0 && tensor.device() == tch::Device::Cpu)
            {
                return Err(Error::DeviceMismatch {
                    context: "Constraint::check",
                    name: "bound",
                    expected: value.device(),
                    found: tensor.device(),
                });
            }
        }
        Ok(tch::no_grad(|| self.check_unchecked(value)))
    }

    /// Whether the set's elements are square matrices (whose check
    /// transposes and factors them).
    fn has_matrix_events(&self) -> bool {
        match self {
            Self::PositiveDefinite => true,
            Self::Independent(inner, _) => inner.has_matrix_events(),
            _ => false,
        }
    }

    fn bounds(&self) -> Vec<&Bound> {
        match self {
            Self::GreaterThan(b) | Self::GreaterThanEq(b) | Self::LessThan(b) => vec![b],
            Self::Interval(low, high) | Self::HalfOpenInterval(low, high) => vec![low, high],
            Self::Independent(inner, _) => inner.bounds(),
            _ => Vec::new(),
        }
    }

    fn check_unchecked(&self, value: &Tensor) -> Tensor {
        let integral = || value.fmod(1.0).eq(0.0);
        match self {
            Self::Real => value.eq_tensor(value),
            Self::Positive => value.gt(0.0),
            Self::NonNegative => value.ge(0.0),
            Self::GreaterThan(lower) => lower.below(value, true),
            Self::GreaterThanEq(lower) => lower.below(value, false),
            Self::LessThan(upper) => upper.above(value, true),
            Self::UnitInterval => value.ge(0.0).logical_and(&value.le(1.0)),
            Self::Interval(low, high) => low
                .below(value, false)
                .logical_and(&high.above(value, false)),
            Self::HalfOpenInterval(low, high) => low
                .below(value, false)
                .logical_and(&high.above(value, true)),
            Self::Boolean => value.eq(0.0).logical_or(&value.eq(1.0)),
            Self::NonNegativeInteger => integral().logical_and(&value.ge(0.0)),
            Self::IntegerInterval(low, high) => integral()
                .logical_and(&value.ge(*low))
                .logical_and(&value.le(*high)),
            Self::Simplex => {
                let non_negative = value.ge(0.0).all_dim(-1, false);
                let total = value.sum_dim_intlist(-1, false, None::<Kind>);
                non_negative.logical_and(&(total - 1.0).abs().lt(1e-6))
            }
            Self::OneHot => {
                let boolean = value.eq(0.0).logical_or(&value.eq(1.0)).all_dim(-1, false);
                let total = value.sum_dim_intlist(-1, false, None::<Kind>);
                boolean.logical_and(&total.eq(1.0))
            }
            Self::LowerCholesky => {
                let lower = value
                    .tril(0)
                    .eq_tensor(value)
                    .flatten(-2, -1)
                    .all_dim(-1, false);
                let diagonal = value.diagonal(0, -2, -1).gt(0.0).all_dim(-1, false);
                lower.logical_and(&diagonal)
            }
            Self::PositiveDefinite => {
                let symmetric = value
                    .isclose(&value.transpose(-2, -1), 1e-5, 1e-8, false)
                    .flatten(-2, -1)
                    .all_dim(-1, false);
                // libtorch factors float32 and float64 only.
                let matrix = match value.kind() {
                    Kind::Float | Kind::Double => value.shallow_clone(),
                    _ => value.to_kind(Kind::Double),
                };
                let (_, info) = matrix.linalg_cholesky_ex(false, false);
                symmetric.logical_and(&info.eq(0))
            }
            Self::Independent(inner, n) => {
                let mut checked = inner.check_unchecked(value);
                for _ in 0..*n {
                    checked = checked.all_dim(-1, false);
                }
                checked
            }
        }
    }
}

impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Real => write!(f, "the real numbers"),
            Self::Positive => write!(f, "the positive numbers"),
            Self::NonNegative => write!(f, "the non-negative numbers"),
            Self::GreaterThan(b) => write!(f, "the numbers above {b}"),
            Self::GreaterThanEq(b) => write!(f, "the numbers from {b} up"),
            Self::LessThan(b) => write!(f, "the numbers below {b}"),
            Self::UnitInterval => write!(f, "the interval [0, 1]"),
            Self::Interval(low, high) => write!(f, "the interval [{low}, {high}]"),
            Self::HalfOpenInterval(low, high) => write!(f, "the interval [{low}, {high})"),
            Self::Boolean => write!(f, "{{0, 1}}"),
            Self::NonNegativeInteger => write!(f, "the non-negative integers"),
            Self::IntegerInterval(low, high) => write!(f, "the integers {low} to {high}"),
            Self::Simplex => write!(f, "the simplex"),
            Self::OneHot => write!(f, "the one-hot vectors"),
            Self::LowerCholesky => {
                write!(f, "the lower-triangular matrices with a positive diagonal")
            }
            Self::PositiveDefinite => write!(f, "the positive-definite matrices"),
            Self::Independent(inner, n) => write!(f, "{inner}, over {n} more dimension(s)"),
        }
    }
}
