//! PNG figures for the variational-inference tutorials, drawn in pure Rust.
//!
//! Everything the tutorials plot with matplotlib has a counterpart here:
//!
//! - [`Chart`]: one set of axes holding [`Series`] — [`Line`] (`plt.plot`), [`Scatter`]
//!   (`plt.scatter`, optionally coloured by class), [`Band`] (`plt.fill_between`) and
//!   [`RefLine`] (`plt.axhline` / `plt.axvline`) — with title, axis labels, ticks and a
//!   [`Legend`]. Colours follow matplotlib's `tab10` cycle ([`Color`], [`TAB10`]).
//! - [`ImageGrid`]: grayscale images tiled like torchvision's `make_grid`, optionally with
//!   row labels ("Data" / "Reconstruction").
//! - [`Figure`]: a grid of [`Panel`]s (charts and image grids) on one canvas.
//!
//! Each renders to an [`RgbImage`] or straight to a PNG file with `save_png`, which writes
//! it atomically through vi-fs (a temporary sibling, flushed to disk, renamed into place),
//! so a crash never leaves a truncated PNG behind.
//! Text uses an embedded DejaVu Sans (parsed once, on first use), so no system fonts are
//! needed and labels such as `p(Z|X_obs)`, `θ*`, `±2σ` or `‖μ‖₁` render as typed.
//!
//! Builders never fail; input is checked when rendering, and every problem is a variant of
//! [`Error`]. Non-finite values in chart data are skipped (lines break around them, as in
//! matplotlib); in image pixels they are an error.
//!
//! ```
//! use vi_plot::{Band, Chart, Color, Line, Scatter};
//!
//! let x: Vec<f64> = (0..20).map(|i| -3.0 + 0.3 * f64::from(i)).collect();
//! let y: Vec<f64> = x.iter().map(|x| 2.0 * x + 1.0).collect();
//! let lower: Vec<f64> = y.iter().map(|y| y - 1.0).collect();
//! let upper: Vec<f64> = y.iter().map(|y| y + 1.0).collect();
//! let chart = Chart::new()
//!     .series(Scatter::new(x.clone(), y.clone()))
//!     .series(Line::new(x.clone(), y).color(Color::RED).label("VI"))
//!     .series(Band::new(x, lower, upper).label("±2σ"));
//! let dir = tempfile::tempdir().unwrap();
//! chart.save_png(dir.path().join("regression.png"))?;
//! # Ok::<(), vi_plot::Error>(())
//! ```

#![deny(missing_docs)]

mod axes;
mod canvas;
mod chart;
mod clip;
mod error;
mod figure;
mod font;
mod image_grid;
mod legend;
mod marks;
mod palette;
mod png;
mod series;
mod stroke;
mod text;
mod ticks;

pub use chart::Chart;
pub use error::{Error, Result};
pub use figure::{Figure, Panel};
pub use image::RgbImage;
pub use image_grid::ImageGrid;
pub use legend::Legend;
pub use palette::{Color, TAB10};
pub use series::{Band, Line, Orientation, RefLine, Scatter, Series};
