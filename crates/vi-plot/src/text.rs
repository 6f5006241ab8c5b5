//! Text: measuring and rasterising labels with the embedded font, anchored by its metrics.
//!
//! Glyphs are laid out with their advances and kerning and rasterised with `ab_glyph`
//! (anti-aliased coverage blended into the canvas). plotters' own text path is not used:
//! in 0.3.7 it drops every glyph's left side bearing, so letters touch ("VI", "jo").

use ab_glyph::{Font, FontRef, Glyph, PxScale, ScaleFont, point};
use plotters::style::Color as _;

use crate::canvas::{Area, Scale, sizes};
use crate::error::{Result, draw_error};
use crate::font;
use crate::palette::Color;

/// Gap between a title and the axes or grid below it, logical pixels (matplotlib: 6 pt).
const TITLE_PAD: f64 = 8.0;
/// DejaVu Sans cap height over its ascent (1493 / 1901 font units).
const CAP_PER_ASCENT: f64 = 1493.0 / 1901.0;

/// Where the anchor point sits horizontally, along the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    /// The text starts at the anchor.
    Start,
    /// The text is centred on the anchor.
    Center,
    /// The text ends at the anchor.
    End,
}

/// Where the anchor point sits vertically, across the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Baseline {
    /// The anchor is at the top of the tallest glyphs (the font's ascent).
    Top,
    /// The anchor is half-way up the capital letters.
    Middle,
    /// The anchor is at the bottom of the descenders.
    Bottom,
}

/// A line of text laid out at one size: glyphs positioned along a baseline at y = 0.
struct Layout {
    font: &'static FontRef<'static>,
    glyphs: Vec<Glyph>,
    width: f64,
    ascent: f64,
    descent: f64,
}

fn layout(text: &str, size: f64) -> Result<Layout> {
    let font = font::font()?;
    let scale = PxScale::from(size as f32);
    let scaled = font.as_scaled(scale);
    let mut glyphs = Vec::with_capacity(text.len());
    let mut caret = 0.0f32;
    let mut previous = None;
    for character in text.chars() {
        let id = scaled.glyph_id(character);
        if let Some(previous) = previous {
            caret += scaled.kern(previous, id);
        }
        glyphs.push(id.with_scale_and_position(scale, point(caret, 0.0)));
        caret += scaled.h_advance(id);
        previous = Some(id);
    }
    Ok(Layout {
        font,
        glyphs,
        width: f64::from(caret),
        ascent: f64::from(scaled.ascent()),
        descent: f64::from(-scaled.descent()),
    })
}

/// The advance width of `text` at `size` backend pixels, rounded up.
pub(crate) fn width(text: &str, size: f64) -> Result<i32> {
    Ok(layout(text, size)?.width.ceil() as i32)
}

/// The line height (ascent + descent) at `size` backend pixels; `size` is exactly that.
pub(crate) fn height(size: f64) -> i32 {
    size.ceil() as i32
}

/// Draws horizontal `text` anchored at `(x, y)`.
pub(crate) fn draw(
    area: &Area<'_>,
    text: &str,
    (x, y): (i32, i32),
    size: f64,
    color: Color,
    (align, baseline): (Align, Baseline),
) -> Result<()> {
    let layout = layout(text, size)?;
    // Whole-pixel origins keep the glyphs' pixel grid on the canvas grid.
    let left = (f64::from(x)
        - match align {
            Align::Start => 0.0,
            Align::Center => layout.width / 2.0,
            Align::End => layout.width,
        })
    .round();
    let baseline_y = (f64::from(y)
        + match baseline {
            Baseline::Top => layout.ascent,
            Baseline::Middle => layout.ascent * CAP_PER_ASCENT / 2.0,
            Baseline::Bottom => -layout.descent,
        })
    .round();
    rasterise(area, &layout, color, |along, across| {
        (left + along, baseline_y + across)
    })
}

/// Draws `text` rotated a quarter turn to read upwards (a y-axis label): the tops of its
/// tallest glyphs on the column `x`, centred on row `y`.
pub(crate) fn draw_vertical(
    area: &Area<'_>,
    text: &str,
    (x, y): (i32, i32),
    size: f64,
    color: Color,
) -> Result<()> {
    let layout = layout(text, size)?;
    // The text runs up from `bottom`; its "down" points right, so the baseline lies one
    // ascent right of `x`.
    let bottom = (f64::from(y) + layout.width / 2.0).round();
    let baseline_x = (f64::from(x) + layout.ascent).round();
    rasterise(area, &layout, color, |along, across| {
        (baseline_x + across, bottom - along)
    })
}

/// Backend pixels a title takes above what it names, gap included.
pub(crate) fn title_band(scale: Scale) -> i32 {
    height(scale.font(sizes::TITLE_FONT)) + scale.px(TITLE_PAD)
}

/// Draws a title centred on `center_x`, ending a title gap above `top`.
pub(crate) fn draw_title(
    area: &Area<'_>,
    title: &str,
    (center_x, top): (i32, i32),
    scale: Scale,
) -> Result<()> {
    draw(
        area,
        title,
        (center_x, top - scale.px(TITLE_PAD)),
        scale.font(sizes::TITLE_FONT),
        Color::BLACK,
        (Align::Center, Baseline::Bottom),
    )
}

/// Blends every glyph's coverage into the area; `place` maps a point given along the
/// baseline and across it (down, from the baseline) to backend pixels.
fn rasterise(
    area: &Area<'_>,
    layout: &Layout,
    color: Color,
    place: impl Fn(f64, f64) -> (f64, f64),
) -> Result<()> {
    let color = color.to_plotters();
    for glyph in &layout.glyphs {
        let Some(outline) = layout.font.outline_glyph(glyph.clone()) else {
            continue; // A space.
        };
        let bounds = outline.px_bounds();
        let mut pixels = Vec::new();
        outline.draw(|column, row, coverage| {
            if coverage > 0.0 {
                let along = f64::from(bounds.min.x) + f64::from(column) + 0.5;
                let across = f64::from(bounds.min.y) + f64::from(row) + 0.5;
                pixels.push((place(along, across), coverage));
            }
        });
        for ((x, y), coverage) in pixels {
            let pixel = (x.floor() as i32, y.floor() as i32);
            area.draw_pixel(pixel, &color.mix(f64::from(coverage.min(1.0))))
                .map_err(draw_error)?;
        }
    }
    Ok(())
}
