//! The crate's error type: what went wrong while checking, drawing or saving a figure.

use std::path::PathBuf;

/// Everything that can go wrong while rendering or saving a figure.
///
/// Input is checked when a figure is rendered ([`Chart::render`](crate::Chart::render),
/// [`save_png`](crate::Chart::save_png) and their twins on [`ImageGrid`](crate::ImageGrid)
/// and [`Figure`](crate::Figure)); builders never fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A series' columns do not all have the length of its `x` column.
    #[error("{series}: {column} has {found} values but x has {expected}")]
    LengthMismatch {
        /// Which series, e.g. `line 1 ("MLE")`.
        series: String,
        /// The column whose length differs (`y`, `lower`, `upper`, `classes`).
        column: &'static str,
        /// The length of `x`.
        expected: usize,
        /// The length found.
        found: usize,
    },
    /// An axis range given by the caller is not a finite, increasing interval.
    #[error("{axis} range [{low}, {high}] is not a finite interval with low < high")]
    InvalidRange {
        /// `"x"` or `"y"`.
        axis: &'static str,
        /// Lower end as given.
        low: f64,
        /// Upper end as given.
        high: f64,
    },
    /// No series holds a finite value to derive an axis range from.
    #[error("no finite data to set the {axis} range from; give the range explicitly")]
    NoFiniteData {
        /// `"x"` or `"y"`.
        axis: &'static str,
    },
    /// The pixel buffer of an image grid is not `num_images × height × width`.
    #[error(
        "image grid: {found} pixel values is not a positive multiple of one {height}×{width} image"
    )]
    ImageShape {
        /// Number of pixel values given.
        found: usize,
        /// Height of one image.
        height: usize,
        /// Width of one image.
        width: usize,
    },
    /// An image grid holds no images.
    #[error("image grid has no images")]
    NoImages,
    /// A pixel value of an image grid is NaN or infinite.
    #[error("image grid: pixel {index} of image {image} is {value}, not a finite number")]
    NonFinitePixel {
        /// Index of the image in the grid (row-major).
        image: usize,
        /// Index of the pixel inside that image (row-major).
        index: usize,
        /// The value found.
        value: f32,
    },
    /// The number of row labels differs from the number of rows of an image grid.
    #[error("image grid: {found} row labels for {expected} rows")]
    RowLabelCount {
        /// Rows in the grid.
        expected: usize,
        /// Labels given.
        found: usize,
    },
    /// An image-grid setting is out of range (`nrow` or `scale` of zero).
    #[error("image grid: {setting} must be at least 1")]
    ZeroSetting {
        /// The setting's name.
        setting: &'static str,
    },
    /// A figure was given more panels than its grid has cells, or none.
    #[error("figure: {found} panels for a {rows}×{cols} grid (need 1 to {})", rows * cols)]
    PanelCount {
        /// Rows of the panel grid.
        rows: usize,
        /// Columns of the panel grid.
        cols: usize,
        /// Panels given.
        found: usize,
    },
    /// A panel of a figure could not be drawn.
    #[error("figure panel {index}: {source}")]
    Panel {
        /// Index of the panel (row-major, from 0).
        index: usize,
        /// What went wrong in it.
        #[source]
        source: Box<Error>,
    },
    /// The requested image size is empty, larger than 8192 pixels a side, or too small
    /// to hold the axes and their labels.
    #[error(
        "image size {width}×{height} is too small for its content or outside 1 to 8192 pixels a side"
    )]
    InvalidSize {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The embedded font could not be parsed.
    #[error("the embedded DejaVu Sans font could not be loaded")]
    Font,
    /// The drawing backend reported an error.
    #[error("drawing failed: {0}")]
    Draw(String),
    /// Writing the output file failed (creating, writing, flushing or renaming it); the
    /// error names the step and the file, and nothing is left under the final name.
    #[error(transparent)]
    Write(#[from] vi_fs::Error),
    /// PNG encoding failed.
    #[error("could not encode {path} as PNG: {source}")]
    Encode {
        /// The file that was being written.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: image::ImageError,
    },
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Turns any plotters drawing error into [`Error::Draw`].
pub(crate) fn draw_error<E: std::fmt::Display>(error: E) -> Error {
    Error::Draw(error.to_string())
}
