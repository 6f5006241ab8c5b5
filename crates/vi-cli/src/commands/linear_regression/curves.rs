//! The predictive curves of `vi linear-regression` on the test inputs: their
//! CSV file and the tutorial's figure, `linear.png`.

use anyhow::Result;
use vi_data::LinearData;
use vi_plot::{Band, Chart, Color, Line, Scatter};

use super::Plan;
use crate::output::Staging;
use crate::tensor_values::values;

/// The predictive curves on the test inputs.
pub(super) struct Curves {
    pub(super) x: Vec<f64>,
    pub(super) mle: Vec<f64>,
    pub(super) vi_mean: Vec<f64>,
    pub(super) vi_std: Vec<f64>,
    pub(super) exact: Vec<f64>,
}

impl Curves {
    fn band(&self) -> (Vec<f64>, Vec<f64>) {
        let lower = self
            .vi_mean
            .iter()
            .zip(&self.vi_std)
            .map(|(m, s)| m - 2.0 * s);
        let upper = self
            .vi_mean
            .iter()
            .zip(&self.vi_std)
            .map(|(m, s)| m + 2.0 * s);
        (lower.collect(), upper.collect())
    }

    pub(super) fn write(&self, staging: &mut Staging) -> Result<()> {
        let (lower, upper) = self.band();
        let rows = (0..self.x.len()).map(|i| {
            vec![
                self.x[i],
                self.mle[i],
                self.vi_mean[i],
                self.vi_std[i],
                lower[i],
                upper[i],
                self.exact[i],
            ]
        });
        staging.write_csv(
            "predictive.csv",
            &[
                "x",
                "mle",
                "vi_mean",
                "vi_std",
                "vi_lower_2sd",
                "vi_upper_2sd",
                "exact_mean",
            ],
            rows,
        )
    }

    /// The tutorial's figure: data, MLE line (green), VI predictive mean
    /// (red) with a ±2σ band, plus the exact posterior mean for reference.
    pub(super) fn chart(&self, data: &LinearData, plan: &Plan) -> Result<Chart> {
        let (lower, upper) = self.band();
        Ok(Chart::new()
            .title(format!(
                "MLE ({} epochs) vs mean-field VI ({} epochs)",
                plan.mle.epochs, plan.vi.epochs
            ))
            .x_label("x")
            .y_label("y")
            // The band goes first so that the points and lines stay on top.
            .series(
                Band::new(self.x.clone(), lower, upper)
                    .color(Color::RED)
                    .label("VI ± 2σ"),
            )
            .series(Scatter::new(values(&data.x)?, values(&data.y)?).label("data"))
            .series(
                Line::new(self.x.clone(), self.mle.clone())
                    .color(Color::GREEN)
                    .label("MLE"),
            )
            .series(
                Line::new(self.x.clone(), self.vi_mean.clone())
                    .color(Color::RED)
                    .label("VI"),
            )
            .series(
                Line::new(self.x.clone(), self.exact.clone())
                    .color(Color::BLACK)
                    .dashed()
                    .label("exact posterior mean"),
            ))
    }
}

/// `data.csv`: the training points.
pub(super) fn write_data(staging: &mut Staging, data: &LinearData) -> Result<()> {
    let (x, y) = (values(&data.x)?, values(&data.y)?);
    let rows = x.into_iter().zip(y).map(|(x, y)| vec![x, y]);
    staging.write_csv("data.csv", &["x", "y"], rows)
}
