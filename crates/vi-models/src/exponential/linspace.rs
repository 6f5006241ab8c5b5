//! Evenly spaced points, `torch.linspace(start, end, num_points)`: the
//! latent grid and the range of rates θ of tutorial 2.

use tch::{Device, Kind, Tensor};

use crate::error::Result;
use crate::validate;

/// `num_points` evenly spaced values from `start` to `end`, both included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linspace {
    /// First point.
    pub start: f64,
    /// Last point (greater than `start`).
    pub end: f64,
    /// Number of points.
    pub num_points: i64,
}

impl Linspace {
    /// `num_points` values from `start` to `end`.
    pub fn new(start: f64, end: f64, num_points: i64) -> Self {
        Self {
            start,
            end,
            num_points,
        }
    }

    /// Checks that `start < end` are finite and there are at least
    /// `min_points` (1 or 2) points; `model` and `name` go into the error.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) naming `name`.
    pub(crate) fn validate(
        &self,
        model: &'static str,
        name: &'static str,
        min_points: i64,
    ) -> Result<()> {
        if self.num_points < min_points {
            let expected = if min_points > 1 {
                "a range of at least 2 points"
            } else {
                "a range of at least 1 point"
            };
            let found = format!("{} points", self.num_points);
            return Err(validate::config(model, name, expected, found));
        }
        if self.start.is_finite() && self.end.is_finite() && self.start < self.end {
            Ok(())
        } else {
            Err(validate::config(
                model,
                name,
                "a finite range with start < end",
                format!("[{}, {}]", self.start, self.end),
            ))
        }
    }

    /// The points as a float64 CPU tensor, shape `[num_points]`.
    pub fn to_tensor(&self) -> Tensor {
        Tensor::linspace(
            self.start,
            self.end,
            self.num_points,
            (Kind::Double, Device::Cpu),
        )
    }
}
