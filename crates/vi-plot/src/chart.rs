//! A single plot: axes with a title, axis labels, ranges, series and a legend.

use std::path::Path;

use image::RgbImage;

use crate::axes::{Axes, Labels};
use crate::canvas::{self, Area, Scale};
use crate::error::{Error, Result, draw_error};
use crate::legend::{self, Legend};
use crate::marks;
use crate::png;
use crate::series::Series;
use crate::ticks;

/// A chart in the manner of `plt.figure(); plt.plot(…); plt.legend()`.
///
/// Series are drawn in the order they were added. Those without a colour of their own take
/// the next colour of matplotlib's `tab10` cycle. Axis ranges default to the finite extent
/// of the data plus 5 % on each side. The default size is matplotlib's 640 × 480 pixels.
///
/// ```
/// use vi_plot::{Chart, Line, RefLine};
///
/// let thetas: Vec<f64> = (0..500).map(|i| 0.5 + 1.5 * i as f64 / 499.0).collect();
/// let kl: Vec<f64> = thetas.iter().map(|t| t - t.ln() - 1.0).collect();
/// let chart = Chart::new()
///     .x_label("θ")
///     .y_label("KL Divergence")
///     .series(Line::new(thetas, kl))
///     .series(RefLine::vertical(1.0).label("θ*"));
/// let image = chart.render()?;
/// assert_eq!(image.dimensions(), (640, 480));
/// # Ok::<(), vi_plot::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    title: Option<String>,
    x_label: Option<String>,
    y_label: Option<String>,
    x_range: Option<(f64, f64)>,
    y_range: Option<(f64, f64)>,
    size: (u32, u32),
    legend: Legend,
    series: Vec<Series>,
}

impl Default for Chart {
    fn default() -> Self {
        Self::new()
    }
}

impl Chart {
    /// An empty 640 × 480 chart.
    pub fn new() -> Self {
        Self {
            title: None,
            x_label: None,
            y_label: None,
            x_range: None,
            y_range: None,
            size: (640, 480),
            legend: Legend::Best,
            series: Vec::new(),
        }
    }

    /// The title above the axes (`plt.title`).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The x-axis label (`plt.xlabel`).
    pub fn x_label(mut self, label: impl Into<String>) -> Self {
        self.x_label = Some(label.into());
        self
    }

    /// The y-axis label (`plt.ylabel`), drawn reading upwards.
    pub fn y_label(mut self, label: impl Into<String>) -> Self {
        self.y_label = Some(label.into());
        self
    }

    /// A fixed x range (`plt.xlim(low, high)`); data outside it is clipped.
    pub fn x_range(mut self, low: f64, high: f64) -> Self {
        self.x_range = Some((low, high));
        self
    }

    /// A fixed y range (`plt.ylim(low, high)`); data outside it is clipped.
    pub fn y_range(mut self, low: f64, high: f64) -> Self {
        self.y_range = Some((low, high));
        self
    }

    /// The output size in pixels when rendered on its own (ignored inside a
    /// [`Figure`](crate::Figure), whose cells set the size).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = (width, height);
        self
    }

    /// Where the legend goes (default [`Legend::Best`]).
    pub fn legend(mut self, legend: Legend) -> Self {
        self.legend = legend;
        self
    }

    /// Adds a series (a [`Line`](crate::Line), [`Scatter`](crate::Scatter),
    /// [`Band`](crate::Band) or [`RefLine`](crate::RefLine)).
    pub fn series(mut self, series: impl Into<Series>) -> Self {
        self.push(series);
        self
    }

    /// Adds a series in place, for building charts in a loop.
    pub fn push(&mut self, series: impl Into<Series>) {
        self.series.push(series.into());
    }

    /// Renders the chart at its [`size`](Chart::size).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] for a series whose columns differ in length,
    /// [`Error::InvalidRange`] for a bad explicit range, [`Error::NoFiniteData`] when an
    /// axis has neither data nor a range, [`Error::InvalidSize`] for a size too small to
    /// hold the axes.
    pub fn render(&self) -> Result<RgbImage> {
        canvas::render(self.size.0, self.size.1, |area, scale| {
            self.draw(area, scale)
        })
    }

    /// Renders the chart and writes it as a PNG file, atomically: the file appears under
    /// `path` complete or not at all. The parent directory must exist.
    ///
    /// # Errors
    /// Those of [`render`](Chart::render), and [`Error::Write`] or [`Error::Encode`] naming
    /// `path` when writing fails.
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<()> {
        png::write_png(&self.render()?, path.as_ref())
    }

    /// Draws the chart so that it fills `area`.
    pub(crate) fn draw(&self, area: &Area<'_>, scale: Scale) -> Result<()> {
        for (index, series) in self.series.iter().enumerate() {
            series.validate(index)?;
        }
        let (x_values, y_values): (Vec<Vec<f64>>, Vec<Vec<f64>>) =
            self.series.iter().map(Series::range_values).unzip();
        let x = axis_range("x", self.x_range, x_values.into_iter().flatten())?;
        let y = axis_range("y", self.y_range, y_values.into_iter().flatten())?;
        let labels = Labels {
            title: self.title.as_deref(),
            x: self.x_label.as_deref(),
            y: self.y_label.as_deref(),
        };
        let axes = Axes::layout(area.dim_in_pixel(), labels, x, y, scale)?;
        area.fill(&plotters::style::WHITE).map_err(draw_error)?;
        let drawn = marks::draw(area, &self.series, &axes, scale)?;
        axes.draw_decorations(area, labels, scale)?;
        legend::draw(
            area,
            &drawn.entries,
            self.legend,
            axes.bounds(),
            &drawn.occupied,
            scale,
        )
    }
}

/// The range of one axis: the explicit one if valid, else the data's automatic range.
fn axis_range(
    axis: &'static str,
    explicit: Option<(f64, f64)>,
    values: impl Iterator<Item = f64>,
) -> Result<(f64, f64)> {
    match explicit {
        Some((low, high)) if low.is_finite() && high.is_finite() && low < high => Ok((low, high)),
        Some((low, high)) => Err(Error::InvalidRange { axis, low, high }),
        None => ticks::auto_range(values).ok_or(Error::NoFiniteData { axis }),
    }
}
