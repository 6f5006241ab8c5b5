//! Drawing a chart's series inside its axes: clipping, colours, legend entries, and the
//! pixels covered (which the legend's `best` placement avoids).

use std::collections::BTreeMap;

use crate::axes::Axes;
use crate::canvas::{Area, Scale, sizes};
use crate::clip::{self, Point};
use crate::error::Result;
use crate::legend::{Entry, Handle};
use crate::palette::{Color, ColorCycle};
use crate::series::{Band, Line, Orientation, RefLine, Scatter, Series};
use crate::stroke::{self, Pen, Pixel};

/// matplotlib's `--` pattern for a 1.5 pt line: 5.55 pt on, 2.4 pt off (logical pixels).
const DASH: (f64, f64) = (7.4, 3.2);
/// Spacing of the samples taken along drawn lines for legend placement (logical pixels).
const SAMPLE_SPACING: f64 = 4.0;

/// What drawing the series produced besides pixels.
#[derive(Debug, Default)]
pub(crate) struct Drawn {
    /// Legend rows, in drawing order.
    pub(crate) entries: Vec<Entry>,
    /// Pixels covered by data.
    pub(crate) occupied: Vec<Pixel>,
}

/// Draws every series in order and collects their legend entries.
pub(crate) fn draw(area: &Area<'_>, series: &[Series], axes: &Axes, scale: Scale) -> Result<Drawn> {
    let mut painter = Painter {
        area,
        axes,
        scale,
        drawn: Drawn::default(),
    };
    let mut cycle = ColorCycle::default();
    for item in series {
        let mut next = || cycle.next_color();
        match item {
            Series::Line(line) => painter.line(line, line.color.unwrap_or_else(&mut next))?,
            Series::Scatter(scatter) => painter.scatter(scatter, &mut next)?,
            Series::Band(band) => painter.band(band, band.color.unwrap_or_else(&mut next))?,
            Series::RefLine(line) => painter.ref_line(line)?,
        }
    }
    Ok(painter.drawn)
}

struct Painter<'a, 'b> {
    area: &'a Area<'b>,
    axes: &'a Axes,
    scale: Scale,
    drawn: Drawn,
}

impl Painter<'_, '_> {
    fn pen(&self, color: Color, dashed: bool) -> Pen {
        Pen {
            color,
            width: self.scale.upx(sizes::LINE_WIDTH),
            dash: dashed.then(|| (self.scale.font(DASH.0), self.scale.font(DASH.1))),
        }
    }

    fn legend(&mut self, label: Option<&String>, handle: Handle) {
        if let Some(label) = label {
            self.drawn.entries.push(Entry {
                label: label.clone(),
                handle,
            });
        }
    }

    /// Draws a polyline in data coordinates, clipped to the axes, and records its pixels.
    fn path(&mut self, points: &[Point], pen: Pen) -> Result<()> {
        for piece in clip::clip_polyline(points, self.axes.clip_rect()) {
            let pixels: Vec<Pixel> = piece.iter().map(|&p| self.axes.to_pixel(p)).collect();
            stroke::polyline(self.area, &pixels, pen)?;
            self.sample(&pixels);
        }
        Ok(())
    }

    /// Records points every few pixels along a pixel path.
    fn sample(&mut self, pixels: &[Pixel]) {
        let spacing = self.scale.font(SAMPLE_SPACING);
        self.drawn.occupied.extend(pixels.first());
        for pair in pixels.windows(2) {
            let (start, end) = (pair[0], pair[1]);
            let steps = ((end.0 - start.0).hypot(end.1 - start.1) / spacing).ceil() as usize;
            for step in 1..=steps {
                let t = step as f64 / steps as f64;
                self.drawn.occupied.push((
                    start.0 + t * (end.0 - start.0),
                    start.1 + t * (end.1 - start.1),
                ));
            }
        }
    }

    fn line(&mut self, line: &Line, color: Color) -> Result<()> {
        let pen = self.pen(color, line.dashed);
        let points = line.x.iter().copied().zip(line.y.iter().copied());
        for run in clip::finite_runs(points, clip::is_finite) {
            self.path(&run, pen)?;
        }
        self.legend(line.label.as_ref(), Handle::Line(pen));
        Ok(())
    }

    fn scatter(&mut self, scatter: &Scatter, next: &mut dyn FnMut() -> Color) -> Result<()> {
        let radius = self.scale.font(scatter.radius);
        let points = |indices: &mut dyn Iterator<Item = usize>| -> Vec<Point> {
            indices.map(|i| (scatter.x[i], scatter.y[i])).collect()
        };
        match &scatter.classes {
            Some(classes) => {
                // One group per class, drawn in class order like one `plt.scatter` per digit.
                let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
                for (index, &class) in classes.iter().enumerate() {
                    groups.entry(class).or_default().push(index);
                }
                for (class, indices) in groups {
                    let color = Color::tab10(class);
                    self.discs(&points(&mut indices.into_iter()), radius, color)?;
                    let name = scatter.class_name(class);
                    self.legend(Some(&name), Handle::Marker(color, radius));
                }
            }
            None => {
                let color = scatter.color.unwrap_or_else(next);
                self.discs(&points(&mut (0..scatter.x.len())), radius, color)?;
                self.legend(scatter.label.as_ref(), Handle::Marker(color, radius));
            }
        }
        Ok(())
    }

    fn discs(&mut self, points: &[Point], radius: f64, color: Color) -> Result<()> {
        let rect = self.axes.clip_rect();
        for &point in points {
            if clip::is_finite(&point) && rect.contains(point) {
                let pixel = self.axes.to_pixel(point);
                stroke::disc(self.area, pixel, radius, color)?;
                self.drawn.occupied.push(pixel);
            }
        }
        Ok(())
    }

    fn band(&mut self, band: &Band, color: Color) -> Result<()> {
        let rows = (0..band.x.len()).map(|i| (band.x[i], band.lower[i], band.upper[i]));
        let runs = clip::finite_runs(rows, |&(x, lower, upper)| {
            x.is_finite() && lower.is_finite() && upper.is_finite()
        });
        for run in runs.iter().filter(|run| run.len() > 1) {
            let upper = run.iter().map(|&(x, _, upper)| (x, upper));
            let lower = run.iter().rev().map(|&(x, lower, _)| (x, lower));
            let outline: Vec<Point> = upper.chain(lower).collect();
            let clipped = clip::clip_polygon(&outline, self.axes.clip_rect());
            let pixels: Vec<Pixel> = clipped.iter().map(|&p| self.axes.to_pixel(p)).collect();
            stroke::polygon(self.area, &pixels, color, band.alpha)?;
            let middle: Vec<Pixel> = run
                .iter()
                .filter(|&&(x, lower, upper)| {
                    self.axes.clip_rect().contains((x, (lower + upper) / 2.0))
                })
                .map(|&(x, lower, upper)| self.axes.to_pixel((x, (lower + upper) / 2.0)))
                .collect();
            self.sample(&pixels);
            self.sample(&middle);
        }
        self.legend(band.label.as_ref(), Handle::Patch(color, band.alpha));
        Ok(())
    }

    fn ref_line(&mut self, line: &RefLine) -> Result<()> {
        let pen = self.pen(line.color, line.dashed);
        let rect = self.axes.clip_rect();
        let ends = match line.orientation {
            Orientation::Horizontal => [(rect.x_low, line.value), (rect.x_high, line.value)],
            Orientation::Vertical => [(line.value, rect.y_low), (line.value, rect.y_high)],
        };
        self.path(&ends, pen)?;
        self.legend(line.label.as_ref(), Handle::Line(pen));
        Ok(())
    }
}
