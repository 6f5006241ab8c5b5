//! Geometry for drawing data inside the axes: splitting at non-finite values and clipping
//! polylines and polygons to the visible rectangle (plotters itself does not clip).

/// A point in data coordinates.
pub(crate) type Point = (f64, f64);

/// The visible data rectangle `[x_low, x_high] × [y_low, y_high]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x_low: f64,
    pub(crate) x_high: f64,
    pub(crate) y_low: f64,
    pub(crate) y_high: f64,
}

impl Rect {
    /// Whether `point` lies inside or on the border.
    pub(crate) fn contains(&self, (x, y): Point) -> bool {
        (self.x_low..=self.x_high).contains(&x) && (self.y_low..=self.y_high).contains(&y)
    }
}

/// Splits `items` into maximal runs of items that pass `finite` (matplotlib breaks lines
/// and fills at NaN); empty runs are dropped.
pub(crate) fn finite_runs<T>(
    items: impl IntoIterator<Item = T>,
    finite: impl Fn(&T) -> bool,
) -> Vec<Vec<T>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for item in items {
        if finite(&item) {
            current.push(item);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// Whether both coordinates of a point are finite.
pub(crate) fn is_finite(&(x, y): &Point) -> bool {
    x.is_finite() && y.is_finite()
}

/// Clips a polyline of finite points to `rect`; what leaves and re-enters becomes a new piece.
pub(crate) fn clip_polyline(points: &[Point], rect: Rect) -> Vec<Vec<Point>> {
    let mut pieces: Vec<Vec<Point>> = Vec::new();
    let mut current: Vec<Point> = Vec::new();
    if let [only] = points {
        if rect.contains(*only) {
            pieces.push(vec![*only]);
        }
        return pieces;
    }
    for pair in points.windows(2) {
        match clip_segment(pair[0], pair[1], rect) {
            Some((start, end)) => {
                if current.last() != Some(&start) {
                    if current.len() > 1 {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(start);
                }
                current.push(end);
            }
            None => {
                if current.len() > 1 {
                    pieces.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() > 1 {
        pieces.push(current);
    }
    pieces
}

/// Liang–Barsky clipping of the segment `a → b` to `rect`.
fn clip_segment(a: Point, b: Point, rect: Rect) -> Option<(Point, Point)> {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let mut t_low = 0.0f64;
    let mut t_high = 1.0f64;
    let edges = [
        (-dx, a.0 - rect.x_low),
        (dx, rect.x_high - a.0),
        (-dy, a.1 - rect.y_low),
        (dy, rect.y_high - a.1),
    ];
    for (p, q) in edges {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t_low = t_low.max(t);
            } else {
                t_high = t_high.min(t);
            }
        }
    }
    if t_low > t_high {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            (a.0 + t * dx, a.1 + t * dy)
        }
    };
    Some((at(t_low), at(t_high)))
}

/// The point where segment `a → b` crosses the vertical line at `x`.
fn cross_x(a: Point, b: Point, x: f64) -> Point {
    (x, a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0))
}

/// The point where segment `a → b` crosses the horizontal line at `y`.
fn cross_y(a: Point, b: Point, y: f64) -> Point {
    (a.0 + (b.0 - a.0) * (y - a.1) / (b.1 - a.1), y)
}

/// Sutherland–Hodgman clipping of a polygon to `rect` (the rectangle is convex, so one pass
/// per edge is exact).
pub(crate) fn clip_polygon(polygon: &[Point], rect: Rect) -> Vec<Point> {
    type Inside = fn(Point, Rect) -> bool;
    type Cross = fn(Point, Point, Rect) -> Point;
    let edges: [(Inside, Cross); 4] = [
        (|p, r| p.0 >= r.x_low, |a, b, r| cross_x(a, b, r.x_low)),
        (|p, r| p.0 <= r.x_high, |a, b, r| cross_x(a, b, r.x_high)),
        (|p, r| p.1 >= r.y_low, |a, b, r| cross_y(a, b, r.y_low)),
        (|p, r| p.1 <= r.y_high, |a, b, r| cross_y(a, b, r.y_high)),
    ];
    let mut output = polygon.to_vec();
    for (inside, cross) in edges {
        let input = std::mem::take(&mut output);
        let Some(&last) = input.last() else {
            break;
        };
        let mut previous = last;
        for &point in &input {
            match (inside(point, rect), inside(previous, rect)) {
                (true, true) => output.push(point),
                (true, false) => {
                    output.push(cross(previous, point, rect));
                    output.push(point);
                }
                (false, true) => output.push(cross(previous, point, rect)),
                (false, false) => {}
            }
            previous = point;
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT: Rect = Rect {
        x_low: 0.0,
        x_high: 1.0,
        y_low: 0.0,
        y_high: 1.0,
    };

    #[test]
    fn runs_break_at_nan() {
        let runs = finite_runs(
            [(0.0, 0.0), (1.0, f64::NAN), (2.0, 2.0), (3.0, 3.0)],
            is_finite,
        );
        assert_eq!(runs, vec![vec![(0.0, 0.0)], vec![(2.0, 2.0), (3.0, 3.0)]]);
    }

    #[test]
    fn polyline_leaving_and_reentering_splits() {
        let pieces = clip_polyline(&[(0.0, 0.5), (0.5, 2.0), (1.0, 0.5)], UNIT);
        assert_eq!(pieces.len(), 2);
        let first_end = pieces[0][1];
        assert!((first_end.0 - 1.0 / 6.0).abs() < 1e-12 && first_end.1 == 1.0);
    }

    #[test]
    fn polyline_inside_is_kept_whole() {
        let line = [(0.1, 0.1), (0.5, 0.9), (0.9, 0.1)];
        assert_eq!(clip_polyline(&line, UNIT), vec![line.to_vec()]);
    }

    #[test]
    fn polygon_is_cut_at_the_border() {
        let square = [(-1.0, -1.0), (2.0, -1.0), (2.0, 2.0), (-1.0, 2.0)];
        let clipped = clip_polygon(&square, UNIT);
        assert_eq!(clipped.len(), 4);
        assert!(clipped.iter().all(|&p| UNIT.contains(p)));
    }
}
