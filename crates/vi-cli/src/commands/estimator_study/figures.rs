//! The study's two figures, against `log₁₀ k` (vi-plot draws linear axes,
//! so the logarithm is taken here and the axis says so):
//! `ll_vs_k.png`, the test log-likelihood of each run beside Burda et
//! al.'s IWAE numbers, and `snr_vs_k.png`, the gradient SNR of the
//! inference and generative networks.

use vi_models::Objective;
use vi_plot::{Band, Chart, Color, Figure, Line, Scatter};

use super::burda::IWAE_TEST_NLL;
use super::snr::SnrPoint;
use super::table::{RunRow, label};

/// The estimators of the figures and their colours.
const FAMILIES: [(&str, Color); 4] = [
    ("ELBO", Color::BLUE),
    ("IWAE", Color::ORANGE),
    ("DReG", Color::GREEN),
    ("STL", Color::PURPLE),
];

/// The x axis: `log₁₀ k`, with the values of the study's `k`.
fn log_k_label(ks: &[usize]) -> String {
    let values: Vec<String> = ks
        .iter()
        .map(|&k| format!("{k} → {:.2}", (k as f64).log10()))
        .collect();
    format!("log₁₀ k ({})", values.join(", "))
}

/// The test log-likelihood against `log₁₀ k`: one line (with a ± standard
/// error band) per estimator, the IWAE line starting from the one-sample
/// ELBO run (IWAE at `k = 1` is the ELBO), STL as a point, Burda et al.'s
/// IWAE numbers dashed in grey.
pub fn ll_vs_k(rows: &[RunRow], budget: &str, ks: &[usize], ll_samples: i64) -> Chart {
    let mut chart = Chart::new()
        .title(format!("Test log-likelihood against k ({budget})"))
        .x_label(log_k_label(ks))
        .y_label(format!(
            "test log p(x), nats ({ll_samples} importance samples)"
        ));
    let elbo_one = rows
        .iter()
        .find(|row| row.objective == Objective::Elbo { samples: 1 });
    for (family, color) in FAMILIES {
        let mut points: Vec<&RunRow> = rows
            .iter()
            .filter(|row| label(&row.objective) == family)
            .collect();
        if family == "IWAE"
            && let Some(first) = elbo_one
        {
            points.insert(0, first);
        }
        if points.is_empty() {
            continue;
        }
        let x: Vec<f64> = points.iter().map(|row| (row.k as f64).log10()).collect();
        let y: Vec<f64> = points.iter().map(|row| row.log_likelihood.mean).collect();
        let low: Vec<f64> = points
            .iter()
            .map(|row| row.log_likelihood.mean - row.log_likelihood.standard_error)
            .collect();
        let high: Vec<f64> = points
            .iter()
            .map(|row| row.log_likelihood.mean + row.log_likelihood.standard_error)
            .collect();
        if points.len() > 1 {
            chart = chart
                .series(Band::new(x.clone(), low, high).color(color).alpha(0.12))
                .series(Line::new(x.clone(), y.clone()).color(color).label(family));
            chart = chart.series(Scatter::new(x, y).color(color));
        } else {
            chart = chart.series(Scatter::new(x, y).color(color).label(family));
        }
    }
    let x: Vec<f64> = IWAE_TEST_NLL
        .iter()
        .map(|&(k, _)| (k as f64).log10())
        .collect();
    let y: Vec<f64> = IWAE_TEST_NLL.iter().map(|&(_, nll)| -nll).collect();
    chart
        .series(
            Line::new(x.clone(), y.clone())
                .color(Color::GRAY)
                .dashed()
                .label("IWAE, Burda et al. (3,280 epochs)"),
        )
        .series(Scatter::new(x, y).color(Color::GRAY))
}

/// The median SNR over each network's parameters (robust to the few
/// parameters whose gradient is nearly deterministic) against `log₁₀ k`,
/// both on a log scale: the inference network (left) and the generative
/// network (right), one line per estimator.
pub fn snr_vs_k(points: &[SnrPoint], ks: &[usize], repeats: usize, images: usize) -> Figure {
    let panel = |title: &str, pick: fn(&SnrPoint) -> f64| {
        let mut chart = Chart::new()
            .title(title)
            .x_label(log_k_label(ks))
            .y_label("log₁₀ SNR (median over parameters)");
        for (family, color) in FAMILIES.into_iter().take(3) {
            let chosen: Vec<&SnrPoint> = points
                .iter()
                .filter(|point| label(&point.snr.objective) == family)
                .collect();
            if chosen.is_empty() {
                continue;
            }
            let x: Vec<f64> = chosen.iter().map(|p| (p.k as f64).log10()).collect();
            let y: Vec<f64> = chosen.iter().map(|p| pick(p).log10()).collect();
            // DReG's decoder gradient is IWAE's: dashed, so that the IWAE
            // line beneath it shows.
            let line = Line::new(x.clone(), y.clone()).color(color).label(family);
            let line = if family == "DReG" {
                line.dashed()
            } else {
                line
            };
            chart = chart.series(line).series(Scatter::new(x, y).color(color));
        }
        chart
    };
    Figure::new(1, 2)
        .title(format!(
            "Gradient SNR against k at the trained one-sample ELBO model ({repeats} estimates \
             on {images} training images; DReG at k = 1 is STL)"
        ))
        .size(1400, 560)
        .panel(panel("inference network φ (encoder)", |p| {
            p.snr.inference.median
        }))
        .panel(panel(
            "generative network θ (decoder; DReG's gradient is IWAE's)",
            |p| p.snr.generative.median,
        ))
}
