//! The legend box: entries, matplotlib's layout and its `loc='best'` placement.

use crate::canvas::{Area, Scale, sizes};
use crate::error::Result;
use crate::palette::Color;
use crate::stroke::{self, Pen, Pixel};
use crate::text::{self, Align, Baseline};

/// Where a chart's legend goes (matplotlib's `loc`). Charts without labels have no legend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Legend {
    /// The corner that hides the fewest data points, preferring upper right (`loc='best'`).
    #[default]
    Best,
    /// Upper right corner of the axes.
    UpperRight,
    /// Upper left corner of the axes.
    UpperLeft,
    /// Lower left corner of the axes.
    LowerLeft,
    /// Lower right corner of the axes.
    LowerRight,
    /// No legend, even if series have labels.
    Hidden,
}

/// The sample drawn left of a legend label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Handle {
    /// A short line (for lines and reference lines).
    Line(Pen),
    /// One marker (for scatters).
    Marker(Color, f64),
    /// A filled swatch (for bands).
    Patch(Color, f64),
}

/// One legend row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// The label text.
    pub(crate) label: String,
    /// The sample drawn beside it.
    pub(crate) handle: Handle,
}

/// A box of backend pixels, `[left, right) × [top, bottom)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bounds {
    pub(crate) left: i32,
    pub(crate) top: i32,
    pub(crate) right: i32,
    pub(crate) bottom: i32,
}

impl Bounds {
    fn contains(&self, (x, y): Pixel) -> bool {
        (f64::from(self.left)..=f64::from(self.right)).contains(&x)
            && (f64::from(self.top)..=f64::from(self.bottom)).contains(&y)
    }
}

/// Draws `entries` inside `axes` at `legend`; `occupied` are the pixels data was drawn at,
/// which [`Legend::Best`] tries not to cover.
pub(crate) fn draw(
    area: &Area<'_>,
    entries: &[Entry],
    legend: Legend,
    axes: Bounds,
    occupied: &[Pixel],
    scale: Scale,
) -> Result<()> {
    if entries.is_empty() || legend == Legend::Hidden {
        return Ok(());
    }
    // matplotlib's legend layout, in units of the legend font size.
    let font = scale.font(sizes::TICK_FONT);
    let em = |fraction: f64| (fraction * font).round() as i32;
    let (border_pad, handle_length, handle_pad, spacing, axes_pad) =
        (em(0.4), em(2.0), em(0.8), em(0.5), em(0.5));
    let row_height = text::height(font);
    let mut text_width = 0;
    for entry in entries {
        text_width = text_width.max(text::width(&entry.label, font)?);
    }
    let rows = i32::try_from(entries.len()).unwrap_or(i32::MAX);
    let width = 2 * border_pad + handle_length + handle_pad + text_width;
    let height = 2 * border_pad + rows * row_height + (rows - 1) * spacing;
    let place = |corner: Legend| -> (i32, i32) {
        let left = match corner {
            Legend::UpperLeft | Legend::LowerLeft => axes.left + axes_pad,
            _ => axes.right - axes_pad - width,
        };
        let top = match corner {
            Legend::LowerLeft | Legend::LowerRight => axes.bottom - axes_pad - height,
            _ => axes.top + axes_pad,
        };
        (left, top)
    };
    let corner = match legend {
        Legend::Best => best_corner(|corner| {
            let (left, top) = place(corner);
            let bounds = Bounds {
                left,
                top,
                right: left + width,
                bottom: top + height,
            };
            occupied.iter().filter(|&&p| bounds.contains(p)).count()
        }),
        other => other,
    };
    let (left, top) = place(corner);
    stroke::fill_rect(
        area,
        (left, top),
        (left + width, top + height),
        Color::WHITE,
        0.8,
    )?;
    stroke::outline_rect(
        area,
        (left, top),
        (left + width, top + height),
        Color::rgb(204, 204, 204),
        scale.px(sizes::FRAME_WIDTH),
    )?;
    for (row, entry) in (0..).zip(entries) {
        let middle = top + border_pad + row * (row_height + spacing) + row_height / 2;
        let handle_left = left + border_pad;
        draw_handle(area, entry.handle, handle_left, handle_length, middle, font)?;
        text::draw(
            area,
            &entry.label,
            (handle_left + handle_length + handle_pad, middle),
            font,
            Color::BLACK,
            (Align::Start, Baseline::Middle),
        )?;
    }
    Ok(())
}

/// The corner whose legend box covers the fewest data pixels; ties go to the earlier
/// corner in matplotlib's order (upper right, upper left, lower left, lower right).
fn best_corner(covered: impl Fn(Legend) -> usize) -> Legend {
    let order = [
        Legend::UpperRight,
        Legend::UpperLeft,
        Legend::LowerLeft,
        Legend::LowerRight,
    ];
    order
        .into_iter()
        .min_by_key(|&corner| covered(corner))
        .unwrap_or(Legend::UpperRight)
}

fn draw_handle(
    area: &Area<'_>,
    handle: Handle,
    left: i32,
    length: i32,
    middle: i32,
    font: f64,
) -> Result<()> {
    let (start, end, y) = (f64::from(left), f64::from(left + length), f64::from(middle));
    match handle {
        Handle::Line(pen) => stroke::polyline(area, &[(start, y), (end, y)], pen),
        Handle::Marker(color, radius) => {
            stroke::disc(area, ((start + end) / 2.0, y), radius, color)
        }
        Handle::Patch(color, alpha) => {
            let half = (0.35 * font).round() as i32;
            stroke::fill_rect(
                area,
                (left, middle - half),
                (left + length, middle + half),
                color,
                alpha,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_prefers_upper_right_on_ties_and_avoids_data() {
        assert_eq!(best_corner(|_| 0), Legend::UpperRight);
        let crowded_top = |corner| match corner {
            Legend::UpperRight | Legend::UpperLeft => 10,
            Legend::LowerLeft => 3,
            _ => 1,
        };
        assert_eq!(best_corner(crowded_top), Legend::LowerRight);
    }
}
