//! A grid of grayscale images with padding, like torchvision's `make_grid` shown with
//! `plt.imshow`: data digits above their reconstructions, samples, latent-space manifolds.

use std::path::Path;

use image::RgbImage;
use plotters::element::BitMapElement;

use crate::canvas::{self, Area, Scale, sizes};
use crate::error::{Error, Result, draw_error};
use crate::palette::Color;
use crate::png;
use crate::text::{self, Align, Baseline};

/// Gap between the row labels and the grid, logical pixels.
const LABEL_GAP: f64 = 8.0;

/// Grayscale images tiled into rows, as `torchvision.utils.make_grid(images, nrow, padding=2)`
/// lays them out, then scaled up without smoothing.
///
/// `pixels` holds `num_images × image_height × image_width` values in row-major order —
/// exactly the memory of a contiguous `[num_images, 1, height, width]` (or
/// `[num_images, height * width]`) tensor. Values are intensities in `[0, 1]` (0 black,
/// 1 white); values outside are clamped. Image `k` sits in grid row `k / nrow`, column
/// `k % nrow`; the padding (default 2 pixels, value 0 = black as in torchvision) surrounds
/// every image, and unused cells of the last row are padding too.
///
/// Rendered on its own with neither title nor row labels, the PNG is the `make_grid` image
/// with every pixel enlarged to `scale × scale`; with text, a 12-pixel white margin and
/// the label column / title band surround it.
///
/// ```
/// use vi_plot::ImageGrid;
///
/// // Two 28×28 images: a black one and a white one, side by side.
/// let mut pixels = vec![0.0f32; 28 * 28];
/// pixels.extend(vec![1.0f32; 28 * 28]);
/// let grid = ImageGrid::new(pixels, 28, 28).nrow(2).scale(1);
/// let image = grid.render()?;
/// assert_eq!(image.dimensions(), (2 * (28 + 2) + 2, 28 + 2 + 2));
/// assert_eq!(image.get_pixel(2 + 30, 2).0, [255, 255, 255]);
/// # Ok::<(), vi_plot::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ImageGrid {
    pixels: Vec<f32>,
    image_height: usize,
    image_width: usize,
    nrow: usize,
    padding: usize,
    pad_value: f32,
    scale: u32,
    row_labels: Vec<String>,
    title: Option<String>,
}

/// The checked shape of a grid.
#[derive(Debug, Clone, Copy)]
struct Shape {
    cols: usize,
    /// Grid size in image pixels, padding included.
    width: usize,
    height: usize,
}

impl ImageGrid {
    /// A grid of the images in `pixels` (`num_images × image_height × image_width`,
    /// row-major, values in `[0, 1]`), eight per row, padding 2, scale 2.
    pub fn new(pixels: impl Into<Vec<f32>>, image_height: usize, image_width: usize) -> Self {
        Self {
            pixels: pixels.into(),
            image_height,
            image_width,
            nrow: 8,
            padding: 2,
            pad_value: 0.0,
            scale: 2,
            row_labels: Vec::new(),
            title: None,
        }
    }

    /// Images per grid row (torchvision's `nrow`, default 8).
    pub fn nrow(mut self, nrow: usize) -> Self {
        self.nrow = nrow;
        self
    }

    /// Padding between and around images, in image pixels (default 2).
    pub fn padding(mut self, padding: usize) -> Self {
        self.padding = padding;
        self
    }

    /// Intensity of the padding in `[0, 1]` (default 0, black).
    pub fn pad_value(mut self, value: f32) -> Self {
        self.pad_value = value;
        self
    }

    /// Output pixels per image pixel when rendered on its own (default 2); inside a
    /// [`Figure`](crate::Figure) the grid is scaled to fill its cell instead.
    pub fn scale(mut self, scale: u32) -> Self {
        self.scale = scale;
        self
    }

    /// One label per grid row, drawn left of the row's middle (the tutorials'
    /// `plt.yticks([14, 42], ['Data', 'Reconstruction'])`).
    pub fn row_labels<S: Into<String>>(mut self, labels: impl IntoIterator<Item = S>) -> Self {
        self.row_labels = labels.into_iter().map(Into::into).collect();
        self
    }

    /// A title above the grid.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The number of whole images in `pixels`, if they divide evenly.
    pub fn num_images(&self) -> Option<usize> {
        let per_image = self.image_height * self.image_width;
        (per_image > 0 && self.pixels.len().is_multiple_of(per_image))
            .then(|| self.pixels.len() / per_image)
    }

    /// Renders the grid on its own at its [`scale`](ImageGrid::scale).
    ///
    /// # Errors
    /// [`Error::NoImages`], [`Error::ImageShape`], [`Error::NonFinitePixel`],
    /// [`Error::RowLabelCount`] or [`Error::ZeroSetting`] for bad input.
    pub fn render(&self) -> Result<RgbImage> {
        let shape = self.shape()?;
        crate::font::font()?;
        // Measure text at the scale it is drawn at, then round up to whole output pixels,
        // so that the grid gets exactly `scale` output pixels per image pixel.
        let render_scale = canvas::render_scale();
        let logical = |backend: i32| (f64::from(backend) / render_scale.factor()).ceil();
        let (label_width, title_height) = self.text_space(render_scale)?;
        let title_width = match &self.title {
            Some(title) => logical(text::width(title, render_scale.font(sizes::TITLE_FONT))?),
            None => 0.0,
        };
        let margin = if self.has_text() { sizes::MARGIN } else { 0.0 };
        let scale = self.scale as usize;
        let grid_width = logical(label_width) + (shape.width * scale) as f64;
        let width = 2.0 * margin + grid_width.max(title_width);
        let height = 2.0 * margin + logical(title_height) + (shape.height * scale) as f64;
        let (width, height) = (
            u32::try_from(width as u64).unwrap_or(u32::MAX),
            u32::try_from(height as u64).unwrap_or(u32::MAX),
        );
        canvas::render(width, height, |area, scale| {
            self.draw_with_margin(area, scale, margin)
        })
    }

    /// Renders the grid and writes it as a PNG file, atomically (see
    /// [`Chart::save_png`](crate::Chart::save_png)).
    ///
    /// # Errors
    /// Those of [`render`](ImageGrid::render), and [`Error::Write`] or [`Error::Encode`]
    /// naming `path`.
    pub fn save_png(&self, path: impl AsRef<Path>) -> Result<()> {
        png::write_png(&self.render()?, path.as_ref())
    }

    /// Draws the grid as large as fits into `area` (a figure cell).
    pub(crate) fn draw(&self, area: &Area<'_>, scale: Scale) -> Result<()> {
        self.draw_with_margin(area, scale, sizes::MARGIN)
    }

    fn has_text(&self) -> bool {
        self.title.is_some() || !self.row_labels.is_empty()
    }

    /// Backend pixels taken by the row-label column and the title band.
    fn text_space(&self, scale: Scale) -> Result<(i32, i32)> {
        let font = scale.font(sizes::LABEL_FONT);
        let mut label_width = 0;
        for label in &self.row_labels {
            label_width = label_width.max(text::width(label, font)?);
        }
        if label_width > 0 {
            label_width += scale.px(LABEL_GAP);
        }
        let title_height = match self.title {
            Some(_) => text::title_band(scale),
            None => 0,
        };
        Ok((label_width, title_height))
    }

    fn shape(&self) -> Result<Shape> {
        if self.pixels.is_empty() {
            return Err(Error::NoImages);
        }
        let num_images = self.num_images().ok_or(Error::ImageShape {
            found: self.pixels.len(),
            height: self.image_height,
            width: self.image_width,
        })?;
        for (setting, value) in [("nrow", self.nrow), ("scale", self.scale as usize)] {
            if value == 0 {
                return Err(Error::ZeroSetting { setting });
            }
        }
        let per_image = self.image_height * self.image_width;
        if let Some(index) = self.pixels.iter().position(|value| !value.is_finite()) {
            return Err(Error::NonFinitePixel {
                image: index / per_image,
                index: index % per_image,
                value: self.pixels[index],
            });
        }
        let cols = self.nrow.min(num_images);
        let rows = num_images.div_ceil(cols);
        if !self.row_labels.is_empty() && self.row_labels.len() != rows {
            return Err(Error::RowLabelCount {
                expected: rows,
                found: self.row_labels.len(),
            });
        }
        Ok(Shape {
            cols,
            width: cols * (self.image_width + self.padding) + self.padding,
            height: rows * (self.image_height + self.padding) + self.padding,
        })
    }

    /// The `make_grid` image as 8-bit intensities, row-major.
    fn grid_intensities(&self, shape: Shape) -> Vec<u8> {
        let to_byte = |value: f32| (value.clamp(0.0, 1.0) * 255.0).round() as u8;
        let mut grid = vec![to_byte(self.pad_value); shape.width * shape.height];
        let (height, width, padding) = (self.image_height, self.image_width, self.padding);
        for (index, image) in self.pixels.chunks_exact(height * width).enumerate() {
            let top = padding + (index / shape.cols) * (height + padding);
            let left = padding + (index % shape.cols) * (width + padding);
            for (row, values) in image.chunks_exact(width).enumerate() {
                let start = (top + row) * shape.width + left;
                for (cell, &value) in grid[start..start + width].iter_mut().zip(values) {
                    *cell = to_byte(value);
                }
            }
        }
        grid
    }

    fn draw_with_margin(&self, area: &Area<'_>, scale: Scale, margin: f64) -> Result<()> {
        let shape = self.shape()?;
        area.fill(&plotters::style::WHITE).map_err(draw_error)?;
        let (area_width, area_height) = area.dim_in_pixel();
        let (label_width, title_height) = self.text_space(scale)?;
        let margin = scale.px(margin);
        let available = (
            f64::from(area_width) - f64::from(2 * margin + label_width),
            f64::from(area_height) - f64::from(2 * margin + title_height),
        );
        // Backend pixels per grid pixel: whole output pixels when enlarging, so every image
        // pixel stays a sharp square after downsampling.
        let mut zoom = (available.0 / shape.width as f64).min(available.1 / shape.height as f64);
        if zoom >= scale.factor() {
            zoom = (zoom / scale.factor()).floor() * scale.factor();
        }
        let drawn = (
            (shape.width as f64 * zoom).floor() as usize,
            (shape.height as f64 * zoom).floor() as usize,
        );
        if drawn.0 == 0 || drawn.1 == 0 {
            return Err(Error::InvalidSize {
                width: area_width,
                height: area_height,
            });
        }
        let left = margin + label_width + ((available.0 - drawn.0 as f64) / 2.0).floor() as i32;
        let top = margin + title_height + ((available.1 - drawn.1 as f64) / 2.0).floor() as i32;

        let grid = self.grid_intensities(shape);
        let mut rgb = Vec::with_capacity(drawn.0 * drawn.1 * 3);
        for y in 0..drawn.1 {
            let source_row = ((y as f64 / zoom) as usize).min(shape.height - 1) * shape.width;
            for x in 0..drawn.0 {
                let source = source_row + ((x as f64 / zoom) as usize).min(shape.width - 1);
                rgb.extend([grid[source]; 3]);
            }
        }
        let size = (
            u32::try_from(drawn.0).unwrap_or(u32::MAX),
            u32::try_from(drawn.1).unwrap_or(u32::MAX),
        );
        let bitmap = BitMapElement::with_owned_buffer((left, top), size, rgb)
            .ok_or_else(|| Error::Draw("image grid buffer has the wrong size".to_string()))?;
        area.draw(&bitmap).map_err(draw_error)?;

        let label_font = scale.font(sizes::LABEL_FONT);
        for (row, label) in self.row_labels.iter().enumerate() {
            let middle = self.padding as f64
                + row as f64 * (self.image_height + self.padding) as f64
                + self.image_height as f64 / 2.0;
            let anchor = (
                left - scale.px(LABEL_GAP),
                top + (middle * zoom).round() as i32,
            );
            text::draw(
                area,
                label,
                anchor,
                label_font,
                Color::BLACK,
                (Align::End, Baseline::Middle),
            )?;
        }
        if let Some(title) = &self.title {
            text::draw_title(area, title, (left + (drawn.0 / 2) as i32, top), scale)?;
        }
        Ok(())
    }
}
