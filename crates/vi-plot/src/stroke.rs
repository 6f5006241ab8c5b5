//! Drawing primitives in backend pixel coordinates: solid and dashed polylines, discs,
//! translucent polygons and rectangles.

use plotters::element::{Circle, PathElement, Polygon, Rectangle};
use plotters::style::{Color as _, ShapeStyle};

use crate::canvas::Area;
use crate::error::{Result, draw_error};
use crate::palette::Color;

/// A point in backend pixels (x right, y down), before rounding.
pub(crate) type Pixel = (f64, f64);

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pen {
    /// Line colour.
    pub(crate) color: Color,
    /// Line width in backend pixels.
    pub(crate) width: u32,
    /// Dash and gap lengths in backend pixels, or `None` for a solid line.
    pub(crate) dash: Option<(f64, f64)>,
}

fn round((x, y): Pixel) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

/// Draws the polyline through `points` with `pen`.
pub(crate) fn polyline(area: &Area<'_>, points: &[Pixel], pen: Pen) -> Result<()> {
    let pieces = match pen.dash {
        None => vec![points.to_vec()],
        Some((dash, gap)) => dashes(points, dash, gap),
    };
    for piece in pieces.iter().filter(|piece| piece.len() > 1) {
        if pen.width <= 1 {
            let path: Vec<_> = piece.iter().copied().map(round).collect();
            let style = ShapeStyle::from(pen.color.to_plotters());
            area.draw(&PathElement::new(path, style))
                .map_err(draw_error)?;
        } else {
            thick_path(area, piece, pen)?;
        }
    }
    Ok(())
}

/// A wide line as one filled quadrilateral per segment plus a disc on every inner vertex
/// (matplotlib's round joins). plotters' own wide paths thin out on steep segments.
fn thick_path(area: &Area<'_>, points: &[Pixel], pen: Pen) -> Result<()> {
    let half = f64::from(pen.width) / 2.0;
    let style = pen.color.to_plotters().filled();
    for pair in points.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let length = (end.0 - start.0).hypot(end.1 - start.1);
        if length == 0.0 {
            continue;
        }
        let normal = (
            -(end.1 - start.1) / length * half,
            (end.0 - start.0) / length * half,
        );
        let quad = [
            (start.0 + normal.0, start.1 + normal.1),
            (end.0 + normal.0, end.1 + normal.1),
            (end.0 - normal.0, end.1 - normal.1),
            (start.0 - normal.0, start.1 - normal.1),
        ];
        let quad: Vec<_> = quad.into_iter().map(round).collect();
        area.draw(&Polygon::new(quad, style)).map_err(draw_error)?;
    }
    for &joint in points.iter().skip(1).take(points.len().saturating_sub(2)) {
        area.draw(&Circle::new(round(joint), half, style))
            .map_err(draw_error)?;
    }
    Ok(())
}

/// Cuts a polyline into the "on" pieces of a `dash`-on, `gap`-off pattern measured along it.
fn dashes(points: &[Pixel], dash: f64, gap: f64) -> Vec<Vec<Pixel>> {
    let period = dash + gap;
    if period <= 0.0 {
        return vec![points.to_vec()];
    }
    let mut pieces = Vec::new();
    let mut current: Vec<Pixel> = Vec::new();
    // Distance travelled within the current period.
    let mut phase = 0.0f64;
    for pair in points.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let length = (end.0 - start.0).hypot(end.1 - start.1);
        let at = |t: f64| {
            let fraction = if length > 0.0 { t / length } else { 0.0 };
            (
                start.0 + fraction * (end.0 - start.0),
                start.1 + fraction * (end.1 - start.1),
            )
        };
        let mut travelled = 0.0f64;
        while travelled < length {
            let on = phase < dash;
            let boundary = if on { dash } else { period };
            let step = (boundary - phase).min(length - travelled);
            if on {
                if current.is_empty() {
                    current.push(at(travelled));
                }
                current.push(at(travelled + step));
            }
            travelled += step;
            phase += step;
            if phase >= dash && !current.is_empty() {
                pieces.push(std::mem::take(&mut current));
            }
            if phase >= period {
                phase -= period;
            }
        }
    }
    if current.len() > 1 {
        pieces.push(current);
    }
    pieces
}

/// Draws a filled disc.
pub(crate) fn disc(area: &Area<'_>, center: Pixel, radius: f64, color: Color) -> Result<()> {
    let radius = radius.round().max(1.0) as i32;
    area.draw(&Circle::new(
        round(center),
        radius,
        color.to_plotters().filled(),
    ))
    .map_err(draw_error)
}

/// Fills a polygon with `color` at opacity `alpha`.
pub(crate) fn polygon(area: &Area<'_>, points: &[Pixel], color: Color, alpha: f64) -> Result<()> {
    if points.len() < 3 {
        return Ok(());
    }
    let path: Vec<_> = points.iter().copied().map(round).collect();
    let style = color.to_plotters().mix(alpha.clamp(0.0, 1.0)).filled();
    area.draw(&Polygon::new(path, style)).map_err(draw_error)
}

/// Fills the pixels `[left, right) × [top, bottom)` with `color` at opacity `alpha`
/// (plotters' bitmap backend fills rectangles half-open).
pub(crate) fn fill_rect(
    area: &Area<'_>,
    (left, top): (i32, i32),
    (right, bottom): (i32, i32),
    color: Color,
    alpha: f64,
) -> Result<()> {
    let style = color.to_plotters().mix(alpha.clamp(0.0, 1.0)).filled();
    area.draw(&Rectangle::new([(left, top), (right, bottom)], style))
        .map_err(draw_error)
}

/// Outlines the pixels `[left, right) × [top, bottom)` with a solid `width`-pixel border
/// drawn inside them.
pub(crate) fn outline_rect(
    area: &Area<'_>,
    (left, top): (i32, i32),
    (right, bottom): (i32, i32),
    color: Color,
    width: i32,
) -> Result<()> {
    let width = width.max(1);
    let bars = [
        ((left, top), (right, top + width)),
        ((left, bottom - width), (right, bottom)),
        ((left, top), (left + width, bottom)),
        ((right - width, top), (right, bottom)),
    ];
    for (from, to) in bars {
        fill_rect(area, from, to, color, 1.0)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashes_alternate_along_the_path() {
        // 0 → 20 along x with 4 on / 2 off: on [0,4], [6,10], [12,16], [18,20].
        let pieces = dashes(&[(0.0, 0.0), (20.0, 0.0)], 4.0, 2.0);
        let spans: Vec<_> = pieces
            .iter()
            .map(|piece| (piece[0].0, piece[piece.len() - 1].0))
            .collect();
        assert_eq!(
            spans,
            vec![(0.0, 4.0), (6.0, 10.0), (12.0, 16.0), (18.0, 20.0)]
        );
    }

    #[test]
    fn dashes_continue_around_corners() {
        // The first dash turns the corner at (3, 0) and ends at (3, 1).
        let pieces = dashes(&[(0.0, 0.0), (3.0, 0.0), (3.0, 10.0)], 4.0, 2.0);
        assert_eq!(pieces[0], vec![(0.0, 0.0), (3.0, 0.0), (3.0, 1.0)]);
    }
}
