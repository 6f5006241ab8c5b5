//! Several charts and image grids on one canvas, like `plt.subplots(rows, cols)`.

use std::path::Path;

use image::RgbImage;
use plotters::style::WHITE;

use crate::canvas::{self, Area, Scale, sizes};
use crate::chart::Chart;
use crate::error::{Error, Result, draw_error};
use crate::image_grid::ImageGrid;
use crate::png;
use crate::text;

/// Default size of one figure cell, in pixels.
const CELL_SIZE: (u32, u32) = (480, 360);

/// What a figure cell shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Panel {
    /// A chart, drawn to fill the cell (its own size is ignored).
    Chart(Chart),
    /// An image grid, scaled to fit the cell.
    ImageGrid(ImageGrid),
    /// A blank cell.
    Empty,
}

impl From<Chart> for Panel {
    fn from(chart: Chart) -> Self {
        Self::Chart(chart)
    }
}

impl From<ImageGrid> for Panel {
    fn from(grid: ImageGrid) -> Self {
        Self::ImageGrid(grid)
    }
}

/// A grid of `rows × cols` equal cells filled row by row with [`Panel`]s, with an
/// optional title over all of them (`plt.suptitle`).
///
/// ```
/// use vi_plot::{Chart, Figure, ImageGrid, Line};
///
/// let digit = vec![0.5f32; 28 * 28];
/// let figure = Figure::new(1, 2)
///     .title("Epoch 10")
///     .panel(ImageGrid::new(digit, 28, 28).title("Input"))
///     .panel(Chart::new().y_label("mean σ").series(Line::from_y([0.9, 0.5, 0.3])));
/// let image = figure.render()?;
/// assert_eq!(image.width(), 2 * 480);
/// # Ok::<(), vi_plot::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    rows: usize,
    cols: usize,
    title: Option<String>,
    size: Option<(u32, u32)>,
    panels: Vec<Panel>,
}

impl Figure {
    /// An empty figure of `rows × cols` cells, by default 480 × 360 pixels each.
    pub fn new(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            title: None,
            size: None,
            panels: Vec::new(),
        }
    }

    /// A title centred over the whole figure.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The output size in pixels, title included (default: 480 × 360 per cell plus the
    /// title band).
    pub fn size(mut self, width: u32, height: u32) -> Self {
        self.size = Some((width, height));
        self
    }

    /// Fills the next cell (row by row).
    pub fn panel(mut self, panel: impl Into<Panel>) -> Self {
        self.push(panel);
        self
    }

    /// Fills the next cell in place.
    pub fn push(&mut self, panel: impl Into<Panel>) {
        self.panels.push(panel.into());
    }

    /// Renders the figure.
    ///
    /// # Errors
    /// [`Error::PanelCount`] when there are no panels or more than cells, and
    /// [`Error::Panel`] wrapping the first error of a panel.
    pub fn render(&self) -> Result<RgbImage> {
        let cells = self.rows * self.cols;
        if self.panels.is_empty() || self.panels.len() > cells {
            return Err(Error::PanelCount {
                rows: self.rows,
                cols: self.cols,
                found: self.panels.len(),
            });
        }
        let title_band = self.title_band(canvas::render_scale());
        let (width, height) = self.size.unwrap_or_else(|| {
            let to_u32 = |count: usize| u32::try_from(count).unwrap_or(u32::MAX);
            let title = (f64::from(title_band) / canvas::render_scale().factor()).ceil();
            (
                CELL_SIZE.0.saturating_mul(to_u32(self.cols)),
                CELL_SIZE.1.saturating_mul(to_u32(self.rows)) + title as u32,
            )
        });
        canvas::render(width, height, |area, scale| self.draw(area, scale))
    }

    /// Renders the figure and writes it as a PNG file, atomically (see
    /// [`Chart::save_png`](crate::Chart::save_png)).
    ///
    /// # Errors
    /// Those of [`render`](Figure::render), and [`Error::Write`] or [`Error::Encode`]
    /// naming `path`.
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<()> {
        png::write_png(&self.render()?, path.as_ref())
    }

    /// Backend pixels taken by the title band at the top.
    fn title_band(&self, scale: Scale) -> i32 {
        match self.title {
            Some(_) => scale.px(sizes::MARGIN) + text::title_band(scale),
            None => 0,
        }
    }

    fn draw(&self, area: &Area<'_>, scale: Scale) -> Result<()> {
        area.fill(&WHITE).map_err(draw_error)?;
        let band = self.title_band(scale);
        let (top, body) = area.split_vertically(band);
        if let Some(title) = &self.title {
            let center = i32::try_from(top.dim_in_pixel().0 / 2).unwrap_or(0);
            text::draw_title(&top, title, (center, band), scale)?;
        }
        let cells = body.split_evenly((self.rows, self.cols));
        for (index, (panel, cell)) in self.panels.iter().zip(&cells).enumerate() {
            let drawn = match panel {
                Panel::Chart(chart) => chart.draw(cell, scale),
                Panel::ImageGrid(grid) => grid.draw(cell, scale),
                Panel::Empty => Ok(()),
            };
            drawn.map_err(|source| Error::Panel {
                index,
                source: Box::new(source),
            })?;
        }
        Ok(())
    }
}
