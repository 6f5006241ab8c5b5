//! What a chart can hold: lines, scatters, filled bands and reference lines.
//!
//! Non-finite values (NaN, ±∞) in a series are skipped as matplotlib does: a line or band
//! breaks into separate pieces around them and a scatter leaves the point out.

use crate::error::{Error, Result};
use crate::palette::Color;

/// Collects any numbers convertible to `f64` (`f32`, `f64`, `i32`, `u32`, …).
fn collect<T: Into<f64>>(values: impl IntoIterator<Item = T>) -> Vec<f64> {
    values.into_iter().map(Into::into).collect()
}

/// A polyline through `(x[i], y[i])`, like `plt.plot(x, y)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub(crate) x: Vec<f64>,
    pub(crate) y: Vec<f64>,
    pub(crate) label: Option<String>,
    pub(crate) color: Option<Color>,
    pub(crate) dashed: bool,
}

impl Line {
    /// A line through the points `(x[i], y[i])`; `x` and `y` must have the same length.
    pub fn new<X: Into<f64>, Y: Into<f64>>(
        x: impl IntoIterator<Item = X>,
        y: impl IntoIterator<Item = Y>,
    ) -> Self {
        Self {
            x: collect(x),
            y: collect(y),
            label: None,
            color: None,
            dashed: false,
        }
    }

    /// A line through `(i, y[i])` for `i = 0, 1, …`, like `plt.plot(y)` (e.g. a value per epoch).
    pub fn from_y<Y: Into<f64>>(y: impl IntoIterator<Item = Y>) -> Self {
        let y = collect(y);
        let x = (0..y.len()).map(|i| i as f64).collect::<Vec<_>>();
        Self::new(x, y)
    }

    /// The legend entry; lines without a label are left out of the legend.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// A fixed colour instead of the next one of the `tab10` cycle.
    pub fn color(mut self, color: Color) -> Self {
        self.color = Some(color);
        self
    }

    /// Draws the line dashed (`linestyle='--'`).
    pub fn dashed(mut self) -> Self {
        self.dashed = true;
        self
    }
}

/// Points `(x[i], y[i])` drawn as discs, like `plt.scatter(x, y)`.
///
/// With [`classes`](Scatter::classes) each point is coloured by its class (`tab10` colour
/// `class % 10`) and the legend gets one entry per class present, in increasing order —
/// the tutorials' latent-space plot, one `plt.scatter` per digit.
#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    pub(crate) x: Vec<f64>,
    pub(crate) y: Vec<f64>,
    pub(crate) classes: Option<Vec<usize>>,
    pub(crate) class_names: Vec<String>,
    pub(crate) label: Option<String>,
    pub(crate) color: Option<Color>,
    pub(crate) radius: f64,
}

impl Scatter {
    /// Points at `(x[i], y[i])`; `x` and `y` must have the same length.
    pub fn new<X: Into<f64>, Y: Into<f64>>(
        x: impl IntoIterator<Item = X>,
        y: impl IntoIterator<Item = Y>,
    ) -> Self {
        Self {
            x: collect(x),
            y: collect(y),
            classes: None,
            class_names: Vec::new(),
            label: None,
            color: None,
            radius: crate::canvas::sizes::MARKER_RADIUS,
        }
    }

    /// One class per point (same length as `x`), e.g. the digit 0–9 of each latent mean.
    pub fn classes(mut self, classes: impl IntoIterator<Item = usize>) -> Self {
        self.classes = Some(classes.into_iter().collect());
        self
    }

    /// Legend names for classes `0, 1, …`; a class without a name is shown by its number.
    pub fn class_names<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.class_names = names.into_iter().map(Into::into).collect();
        self
    }

    /// The legend entry (ignored when [`classes`](Scatter::classes) are given).
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// A fixed colour instead of the next one of the `tab10` cycle (ignored with classes).
    pub fn color(mut self, color: Color) -> Self {
        self.color = Some(color);
        self
    }

    /// Marker radius in output pixels (default 4, about matplotlib's `s=36`).
    pub fn radius(mut self, radius: f64) -> Self {
        self.radius = radius;
        self
    }

    /// The legend name of `class`.
    pub(crate) fn class_name(&self, class: usize) -> String {
        self.class_names
            .get(class)
            .cloned()
            .unwrap_or_else(|| class.to_string())
    }
}

/// The region between two curves, like `plt.fill_between(x, lower, upper, alpha=0.2)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub(crate) x: Vec<f64>,
    pub(crate) lower: Vec<f64>,
    pub(crate) upper: Vec<f64>,
    pub(crate) label: Option<String>,
    pub(crate) color: Option<Color>,
    pub(crate) alpha: f64,
}

impl Band {
    /// The region between `(x[i], lower[i])` and `(x[i], upper[i])`; all three the same length.
    pub fn new<X: Into<f64>, L: Into<f64>, U: Into<f64>>(
        x: impl IntoIterator<Item = X>,
        lower: impl IntoIterator<Item = L>,
        upper: impl IntoIterator<Item = U>,
    ) -> Self {
        Self {
            x: collect(x),
            lower: collect(lower),
            upper: collect(upper),
            label: None,
            color: None,
            alpha: 0.2,
        }
    }

    /// The legend entry.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// A fixed colour instead of the next one of the `tab10` cycle.
    pub fn color(mut self, color: Color) -> Self {
        self.color = Some(color);
        self
    }

    /// Opacity of the fill, clamped to `[0, 1]` (default 0.2 as in the tutorials).
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }
}

/// Which way a [`RefLine`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// `y = value` across the whole x range (`plt.axhline`).
    Horizontal,
    /// `x = value` across the whole y range (`plt.axvline`).
    Vertical,
}

/// A reference line across the axes, like `plt.axhline(θ*, color='k', linestyle='--')`.
///
/// Black and dashed unless told otherwise. Its value counts towards the automatic range of
/// its axis, so the line is always in view.
#[derive(Debug, Clone, PartialEq)]
pub struct RefLine {
    pub(crate) orientation: Orientation,
    pub(crate) value: f64,
    pub(crate) label: Option<String>,
    pub(crate) color: Color,
    pub(crate) dashed: bool,
}

impl RefLine {
    /// The horizontal line `y = value`.
    pub fn horizontal(value: f64) -> Self {
        Self::new(Orientation::Horizontal, value)
    }

    /// The vertical line `x = value`.
    pub fn vertical(value: f64) -> Self {
        Self::new(Orientation::Vertical, value)
    }

    fn new(orientation: Orientation, value: f64) -> Self {
        Self {
            orientation,
            value,
            label: None,
            color: Color::BLACK,
            dashed: true,
        }
    }

    /// The legend entry, e.g. `"θ* = 1.52"`.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// The colour (default black).
    pub fn color(mut self, color: Color) -> Self {
        self.color = color;
        self
    }

    /// Draws the line solid instead of dashed.
    pub fn solid(mut self) -> Self {
        self.dashed = false;
        self
    }
}

/// One element of a [`Chart`](crate::Chart).
#[derive(Debug, Clone, PartialEq)]
pub enum Series {
    /// See [`Line`].
    Line(Line),
    /// See [`Scatter`].
    Scatter(Scatter),
    /// See [`Band`].
    Band(Band),
    /// See [`RefLine`].
    RefLine(RefLine),
}

impl From<Line> for Series {
    fn from(line: Line) -> Self {
        Self::Line(line)
    }
}

impl From<Scatter> for Series {
    fn from(scatter: Scatter) -> Self {
        Self::Scatter(scatter)
    }
}

impl From<Band> for Series {
    fn from(band: Band) -> Self {
        Self::Band(band)
    }
}

impl From<RefLine> for Series {
    fn from(line: RefLine) -> Self {
        Self::RefLine(line)
    }
}

impl Series {
    /// How errors name this series: its kind, position in the chart and label.
    pub(crate) fn describe(&self, index: usize) -> String {
        let (kind, label) = match self {
            Self::Line(line) => ("line", &line.label),
            Self::Scatter(scatter) => ("scatter", &scatter.label),
            Self::Band(band) => ("band", &band.label),
            Self::RefLine(line) => ("reference line", &line.label),
        };
        match label {
            Some(label) => format!("{kind} {index} ({label:?})"),
            None => format!("{kind} {index}"),
        }
    }

    /// Checks that every column has the length of `x`.
    pub(crate) fn validate(&self, index: usize) -> Result<()> {
        let columns: Vec<(&'static str, usize)> = match self {
            Self::Line(line) => vec![("y", line.y.len())],
            Self::Scatter(scatter) => {
                let mut columns = vec![("y", scatter.y.len())];
                if let Some(classes) = &scatter.classes {
                    columns.push(("classes", classes.len()));
                }
                columns
            }
            Self::Band(band) => vec![("lower", band.lower.len()), ("upper", band.upper.len())],
            Self::RefLine(_) => Vec::new(),
        };
        let expected = self.x_len();
        for (column, found) in columns {
            if found != expected {
                return Err(Error::LengthMismatch {
                    series: self.describe(index),
                    column,
                    expected,
                    found,
                });
            }
        }
        Ok(())
    }

    fn x_len(&self) -> usize {
        match self {
            Self::Line(line) => line.x.len(),
            Self::Scatter(scatter) => scatter.x.len(),
            Self::Band(band) => band.x.len(),
            Self::RefLine(_) => 0,
        }
    }

    /// The finite data points this series contributes to the automatic axis ranges.
    pub(crate) fn points(&self) -> Vec<(f64, f64)> {
        let pairs = |x: &[f64], y: &[f64]| {
            x.iter()
                .zip(y)
                .map(|(&x, &y)| (x, y))
                .filter(crate::clip::is_finite)
                .collect::<Vec<_>>()
        };
        match self {
            Self::Line(line) => pairs(&line.x, &line.y),
            Self::Scatter(scatter) => pairs(&scatter.x, &scatter.y),
            Self::Band(band) => {
                let mut points = pairs(&band.x, &band.lower);
                points.extend(pairs(&band.x, &band.upper));
                points
            }
            Self::RefLine(_) => Vec::new(),
        }
    }

    /// The finite x and y values this series contributes to the automatic axis ranges:
    /// its points, or a reference line's value on its own axis.
    pub(crate) fn range_values(&self) -> (Vec<f64>, Vec<f64>) {
        match self {
            Self::RefLine(line) if line.value.is_finite() => match line.orientation {
                Orientation::Horizontal => (Vec::new(), vec![line.value]),
                Orientation::Vertical => (vec![line.value], Vec::new()),
            },
            _ => self.points().into_iter().unzip(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_y_counts_from_zero() {
        let line = Line::from_y([3.0f32, 4.0]);
        assert_eq!(line.x, vec![0.0, 1.0]);
        assert_eq!(line.y, vec![3.0, 4.0]);
    }

    #[test]
    fn validate_names_series_and_column() {
        let series = Series::from(Band::new([0.0, 1.0], [0.0, 1.0], [1.0]).label("±2σ"));
        let error = series.validate(2).unwrap_err();
        assert_eq!(
            error.to_string(),
            "band 2 (\"±2σ\"): upper has 1 values but x has 2"
        );
    }

    #[test]
    fn points_skip_non_finite() {
        let series = Series::from(Line::new([0.0, 1.0, 2.0], [1.0, f64::NAN, 3.0]));
        assert_eq!(series.points(), vec![(0.0, 1.0), (2.0, 3.0)]);
    }
}
