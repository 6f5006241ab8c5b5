//! The axes of a chart: where the plotting box goes, how data maps to pixels, and the
//! frame, ticks, tick labels, axis labels and title around it.

use crate::canvas::{Area, Scale, sizes};
use crate::clip;
use crate::error::{Error, Result};
use crate::legend::Bounds;
use crate::palette::Color;
use crate::stroke::{self, Pixel};
use crate::text::{self, Align, Baseline};
use crate::ticks;

/// Gap between a tick mark and its label (matplotlib: 3.5 pt).
const TICK_PAD: f64 = 5.0;
/// Gap between tick labels and the axis label (matplotlib: 4 pt).
const LABEL_PAD: f64 = 6.0;
/// Logical pixels per tick that the automatic tick count aims for, per axis.
const X_TICK_SPACING: f64 = 75.0;
const Y_TICK_SPACING: f64 = 55.0;
/// The plotting box must keep at least this many logical pixels each way.
const MIN_PLOT_SIDE: f64 = 20.0;

/// The texts around the axes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Labels<'a> {
    pub(crate) title: Option<&'a str>,
    pub(crate) x: Option<&'a str>,
    pub(crate) y: Option<&'a str>,
}

/// One axis: its data range and ticks.
#[derive(Debug, Clone, PartialEq)]
struct Axis {
    low: f64,
    high: f64,
    ticks: Vec<f64>,
    labels: Vec<String>,
}

impl Axis {
    fn new(low: f64, high: f64, length_logical: f64, spacing: f64) -> Self {
        let max_ticks = ((length_logical / spacing).round() as usize).clamp(3, 11);
        let ticks = ticks::nice_ticks(low, high, max_ticks);
        let decimals = ticks::decimals(&ticks);
        let labels = ticks
            .iter()
            .map(|&tick| ticks::format_tick(tick, decimals))
            .collect();
        Self {
            low,
            high,
            ticks,
            labels,
        }
    }

    /// Where `value` falls between `start` (at `low`) and `end` (at `high`), in pixels.
    fn map(&self, value: f64, start: i32, end: i32) -> f64 {
        let fraction = (value - self.low) / (self.high - self.low);
        f64::from(start) + fraction * f64::from(end - start)
    }
}

/// A laid-out plotting box with its two axes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axes {
    bounds: Bounds,
    x: Axis,
    y: Axis,
}

impl Axes {
    /// Lays out axes for the data ranges `x` and `y` inside an area of `size` backend pixels.
    pub(crate) fn layout(
        size: (u32, u32),
        labels: Labels<'_>,
        x: (f64, f64),
        y: (f64, f64),
        scale: Scale,
    ) -> Result<Self> {
        let (width, height) = (
            i32::try_from(size.0).unwrap_or(i32::MAX),
            i32::try_from(size.1).unwrap_or(i32::MAX),
        );
        let tick_font = scale.font(sizes::TICK_FONT);
        let label_font = scale.font(sizes::LABEL_FONT);
        let margin = scale.px(sizes::MARGIN);
        let tick_band = scale.px(sizes::TICK_LENGTH) + scale.px(TICK_PAD);
        let tick_text = text::height(tick_font);
        let label_band = |label: Option<&str>| {
            label.map_or(0, |_| text::height(label_font) + scale.px(LABEL_PAD))
        };

        let top = margin
            + match labels.title {
                Some(_) => text::title_band(scale),
                None => tick_text / 2,
            };
        let bottom = height - margin - tick_band - tick_text - label_band(labels.x);
        let y_axis = Axis::new(
            y.0,
            y.1,
            f64::from(bottom - top) / scale.factor(),
            Y_TICK_SPACING,
        );
        let mut y_tick_width = 0;
        for label in &y_axis.labels {
            y_tick_width = y_tick_width.max(text::width(label, tick_font)?);
        }
        let left = margin + label_band(labels.y) + y_tick_width + tick_band;
        let x_axis = Axis::new(
            x.0,
            x.1,
            f64::from(width - left - 2 * margin) / scale.factor(),
            X_TICK_SPACING,
        );
        let last_x_label = match x_axis.labels.last() {
            Some(label) => text::width(label, tick_font)?,
            None => 0,
        };
        let right = width - (2 * margin).max(margin + last_x_label / 2);

        // Frame lines on whole output pixels stay crisp after downsampling.
        let snap = |value: i32| {
            let factor = scale.px(1.0).max(1);
            value.div_euclid(factor) * factor
        };
        let bounds = Bounds {
            left: snap(left),
            top: snap(top),
            right: snap(right),
            bottom: snap(bottom),
        };
        let min_side = scale.px(MIN_PLOT_SIDE);
        if bounds.right - bounds.left < min_side || bounds.bottom - bounds.top < min_side {
            let output = |side: i32| (f64::from(side) / scale.factor()).round() as u32;
            return Err(Error::InvalidSize {
                width: output(width),
                height: output(height),
            });
        }
        Ok(Self {
            bounds,
            x: x_axis,
            y: y_axis,
        })
    }

    /// The plotting box in backend pixels.
    pub(crate) fn bounds(&self) -> Bounds {
        self.bounds
    }

    /// The visible data rectangle.
    pub(crate) fn clip_rect(&self) -> clip::Rect {
        clip::Rect {
            x_low: self.x.low,
            x_high: self.x.high,
            y_low: self.y.low,
            y_high: self.y.high,
        }
    }

    /// The backend pixel of a data point.
    pub(crate) fn to_pixel(&self, (x, y): clip::Point) -> Pixel {
        (
            self.x.map(x, self.bounds.left, self.bounds.right),
            self.y.map(y, self.bounds.bottom, self.bounds.top),
        )
    }

    /// Draws the frame, ticks, tick labels, axis labels and title.
    pub(crate) fn draw_decorations(
        &self,
        area: &Area<'_>,
        labels: Labels<'_>,
        scale: Scale,
    ) -> Result<()> {
        let Bounds {
            left,
            top,
            right,
            bottom,
        } = self.bounds;
        let line = scale.px(sizes::FRAME_WIDTH).max(1);
        let tick_length = scale.px(sizes::TICK_LENGTH);
        let tick_font = scale.font(sizes::TICK_FONT);
        let label_font = scale.font(sizes::LABEL_FONT);
        let black = Color::BLACK;
        stroke::outline_rect(area, (left, top), (right, bottom), black, line)?;

        for (tick, label) in self.x.ticks.iter().zip(&self.x.labels) {
            let x = snap_line(self.x.map(*tick, left, right), line, (left, right));
            stroke::fill_rect(
                area,
                (x, bottom),
                (x + line, bottom + tick_length),
                black,
                1.0,
            )?;
            let anchor = (x + line / 2, bottom + tick_length + scale.px(TICK_PAD));
            text::draw(
                area,
                label,
                anchor,
                tick_font,
                black,
                (Align::Center, Baseline::Top),
            )?;
        }
        for (tick, label) in self.y.ticks.iter().zip(&self.y.labels) {
            let y = snap_line(self.y.map(*tick, bottom, top), line, (top, bottom));
            stroke::fill_rect(area, (left - tick_length, y), (left, y + line), black, 1.0)?;
            let anchor = (left - tick_length - scale.px(TICK_PAD), y + line / 2);
            text::draw(
                area,
                label,
                anchor,
                tick_font,
                black,
                (Align::End, Baseline::Middle),
            )?;
        }

        let middle_x = (left + right) / 2;
        if let Some(x_label) = labels.x {
            let y = bottom
                + tick_length
                + scale.px(TICK_PAD)
                + text::height(tick_font)
                + scale.px(LABEL_PAD);
            text::draw(
                area,
                x_label,
                (middle_x, y),
                label_font,
                black,
                (Align::Center, Baseline::Top),
            )?;
        }
        if let Some(y_label) = labels.y {
            let x = scale.px(sizes::MARGIN);
            text::draw_vertical(area, y_label, (x, (top + bottom) / 2), label_font, black)?;
        }
        if let Some(title) = labels.title {
            text::draw_title(area, title, (middle_x, top), scale)?;
        }
        Ok(())
    }
}

/// The first pixel of a `line`-wide tick at `position`, on the grid of whole output pixels
/// (`line` backend pixels) and inside the frame's span `[start, end)`.
fn snap_line(position: f64, line: i32, (start, end): (i32, i32)) -> i32 {
    let snapped = (position / f64::from(line)).floor() as i32 * line;
    snapped.clamp(start, end - line)
}
