//! Axis ranges and tick marks: matplotlib-like 5 % margins, "nice" tick steps and labels.

/// The automatic range of an axis holding `values`: their finite extent widened by 5 % on
/// each side (matplotlib's `axes.xmargin`), or `None` when no value is finite.
pub(crate) fn auto_range(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let (low, high) = values.into_iter().filter(|value| value.is_finite()).fold(
        None,
        |bounds: Option<(f64, f64)>, value| match bounds {
            None => Some((value, value)),
            Some((low, high)) => Some((low.min(value), high.max(value))),
        },
    )?;
    let span = high - low;
    if span > 0.0 {
        Some((low - 0.05 * span, high + 0.05 * span))
    } else {
        // A single value: centre it in a small window.
        let half = (low.abs() * 0.1).max(0.5);
        Some((low - half, high + half))
    }
}

/// At most `max_ticks` tick positions inside `[low, high]`, the multiples of the smallest
/// step in {1, 2, 2.5, 5} × 10^k that keeps within the budget (matplotlib's `MaxNLocator`).
pub(crate) fn nice_ticks(low: f64, high: f64, max_ticks: usize) -> Vec<f64> {
    let max_ticks = max_ticks.max(2);
    let span = high - low;
    if !(span > 0.0 && span.is_finite()) {
        return Vec::new();
    }
    let raw_step = span / (max_ticks - 1) as f64;
    let magnitude = 10f64.powf(raw_step.log10().floor());
    for multiple in [1.0, 2.0, 2.5, 5.0, 10.0, 20.0] {
        let step = multiple * magnitude;
        // The small slack keeps ticks that sit on the range ends despite rounding.
        let first = (low / step - 1e-9).ceil() as i64;
        let last = (high / step + 1e-9).floor() as i64;
        let count = last - first + 1;
        if count <= max_ticks as i64 {
            return (first..=last)
                .map(|index| clean(index as f64 * step, step))
                .collect();
        }
    }
    vec![low, high]
}

/// Removes floating-point noise (`0.30000000000000004`) and negative zero from a tick.
fn clean(value: f64, step: f64) -> f64 {
    let digits = decimals_for_step(step) as i32;
    let factor = 10f64.powi(digits);
    let rounded = (value * factor).round() / factor;
    if rounded == 0.0 { 0.0 } else { rounded }
}

fn decimals_for_step(step: f64) -> usize {
    (0..=12)
        .find(|&digits| {
            let factor = 10f64.powi(digits as i32);
            ((step * factor).round() - step * factor).abs() < 1e-6
        })
        .unwrap_or(12)
}

/// The number of decimals that shows every tick of an evenly spaced list exactly.
pub(crate) fn decimals(ticks: &[f64]) -> usize {
    match ticks {
        [first, second, ..] => decimals_for_step(second - first),
        [single] => decimals_for_step(*single),
        [] => 0,
    }
}

/// A tick label with `decimals` decimals and a typographic minus sign, as matplotlib writes.
pub(crate) fn format_tick(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match text.strip_prefix('-') {
        // `-0.0` and friends are zero; show them without a sign.
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        Some(rest) => format!("\u{2212}{rest}"),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_get_five_percent_margins() {
        assert_eq!(auto_range([0.0, 10.0, f64::NAN]), Some((-0.5, 10.5)));
        assert_eq!(auto_range([2.0]), Some((1.5, 2.5)));
        assert_eq!(auto_range([f64::INFINITY]), None);
    }

    #[test]
    fn ticks_match_matplotlib_on_tutorial_ranges() {
        // matplotlib: plt.xlim(0, 5) shows 0, 1, …, 5.
        assert_eq!(nice_ticks(0.0, 5.0, 7), vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
        // plt.plot(np.linspace(-3, 3, 100), …): −3 … 3.
        assert_eq!(nice_ticks(-3.3, 3.3, 7).len(), 7);
        // thetas = linspace(0.5, 2, 500): 0.50, 0.75, …, 2.00 with the 2.5 step.
        let thetas = nice_ticks(0.425, 2.075, 7);
        assert_eq!(thetas, vec![0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]);
        assert_eq!(decimals(&thetas), 2);
    }

    #[test]
    fn labels_use_minus_sign_and_drop_negative_zero() {
        assert_eq!(format_tick(-1.5, 1), "\u{2212}1.5");
        assert_eq!(format_tick(-0.0001, 1), "0.0");
        assert_eq!(format_tick(0.1 + 0.2, 1), "0.3");
    }
}
