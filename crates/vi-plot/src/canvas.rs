//! The drawing surface: an RGB buffer rendered at twice the size and box-filtered down,
//! which anti-aliases lines, markers and text; plus the logical sizes every figure uses.

use image::RgbImage;
use plotters::backend::BitMapBackend;
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};

use crate::error::{Error, Result, draw_error};
use crate::font;

/// The area every element draws into.
pub(crate) type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// Linear supersampling factor: figures are drawn at this multiple of their size.
const SUPERSAMPLE: u32 = 2;

/// Smallest and largest accepted side of an output image, in pixels (the supersampled
/// buffer of the largest is 8192² × 4 × 3 bytes, 768 MiB).
const MIN_SIDE: u32 = 1;
const MAX_SIDE: u32 = 8_192;

/// Logical sizes (output pixels) shared by all figures, matched by eye to matplotlib's
/// defaults at 100 dpi.
pub(crate) mod sizes {
    /// Title font size.
    pub(crate) const TITLE_FONT: f64 = 18.0;
    /// Axis-label font size.
    pub(crate) const LABEL_FONT: f64 = 15.0;
    /// Tick-label and legend font size.
    pub(crate) const TICK_FONT: f64 = 14.0;
    /// Width of data lines (matplotlib: 1.5 pt).
    pub(crate) const LINE_WIDTH: f64 = 2.0;
    /// Width of the axes frame (matplotlib: 0.8 pt).
    pub(crate) const FRAME_WIDTH: f64 = 1.0;
    /// Length of tick marks (matplotlib: 3.5 pt).
    pub(crate) const TICK_LENGTH: f64 = 5.0;
    /// Radius of scatter markers (matplotlib `s=36`: a 6 pt disc).
    pub(crate) const MARKER_RADIUS: f64 = 4.0;
    /// Blank border around a figure or panel.
    pub(crate) const MARGIN: f64 = 12.0;
}

/// Converts logical sizes to backend pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale(f64);

impl Scale {
    /// A logical length in backend pixels, rounded.
    pub(crate) fn px(self, logical: f64) -> i32 {
        (logical * self.0).round() as i32
    }

    /// A logical length in backend pixels as `u32` (for plotters' sizes), at least 1.
    pub(crate) fn upx(self, logical: f64) -> u32 {
        self.px(logical).max(1).unsigned_abs()
    }

    /// A logical font size in backend pixels.
    pub(crate) fn font(self, logical: f64) -> f64 {
        logical * self.0
    }

    /// The factor itself.
    pub(crate) fn factor(self) -> f64 {
        self.0
    }
}

/// The scale [`render`] draws at, for measuring text before rendering.
pub(crate) fn render_scale() -> Scale {
    Scale(f64::from(SUPERSAMPLE))
}

/// Checks that a requested output size is drawable.
pub(crate) fn check_size(width: u32, height: u32) -> Result<()> {
    let ok = |side: u32| (MIN_SIDE..=MAX_SIDE).contains(&side);
    if ok(width) && ok(height) {
        Ok(())
    } else {
        Err(Error::InvalidSize { width, height })
    }
}

/// Renders `width × height` output pixels: `draw` gets a white area of the supersampled
/// size and the [`Scale`] to convert logical sizes with.
pub(crate) fn render<F>(width: u32, height: u32, draw: F) -> Result<RgbImage>
where
    F: FnOnce(&Area<'_>, Scale) -> Result<()>,
{
    check_size(width, height)?;
    font::font()?;
    let (big_width, big_height) = (width * SUPERSAMPLE, height * SUPERSAMPLE);
    let mut buffer = vec![255u8; big_width as usize * big_height as usize * 3];
    {
        let root =
            BitMapBackend::with_buffer(&mut buffer, (big_width, big_height)).into_drawing_area();
        draw(&root, render_scale())?;
        root.present().map_err(draw_error)?;
    }
    Ok(downsample(&buffer, width, height, SUPERSAMPLE))
}

/// Averages each `factor × factor` block of an RGB buffer into one output pixel.
fn downsample(buffer: &[u8], width: u32, height: u32, factor: u32) -> RgbImage {
    let (width_us, factor_us) = (width as usize, factor as usize);
    let big_width = width_us * factor_us;
    let count = factor * factor;
    RgbImage::from_fn(width, height, |x, y| {
        let mut sum = [0u32; 3];
        for dy in 0..factor_us {
            let row = (y as usize * factor_us + dy) * big_width;
            for dx in 0..factor_us {
                let at = (row + x as usize * factor_us + dx) * 3;
                for (channel, total) in sum.iter_mut().enumerate() {
                    *total += u32::from(buffer[at + channel]);
                }
            }
        }
        image::Rgb(sum.map(|total| ((total + count / 2) / count) as u8))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downsample_averages_blocks() {
        // 4×2 big pixels → 2×1: a black/white block averages to mid-gray.
        let mut big = vec![255u8; 4 * 2 * 3];
        big[..3].copy_from_slice(&[0, 0, 0]);
        big[12..15].copy_from_slice(&[0, 0, 0]);
        let small = downsample(&big, 2, 1, 2);
        assert_eq!(small.get_pixel(0, 0).0, [128, 128, 128]);
        assert_eq!(small.get_pixel(1, 0).0, [255, 255, 255]);
    }

    #[test]
    fn rejects_degenerate_sizes() {
        assert!(matches!(
            check_size(0, 100),
            Err(Error::InvalidSize { width: 0, .. })
        ));
        assert!(check_size(640, 480).is_ok());
    }
}
