//! Writes one PNG of every figure kind the tutorials draw, from synthetic data, into the
//! directory given as the only argument: `cargo run -p vi-plot --example gallery -- out/`.

use std::error::Error;
use std::f64::consts::PI;
use std::path::{Path, PathBuf};

use vi_plot::{Band, Chart, Color, Figure, ImageGrid, Line, RefLine, Scatter};

/// Side of the synthetic digits, as in MNIST.
const SIDE: usize = 28;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: gallery <output-directory>")?;
    std::fs::create_dir_all(&dir)?;
    let mut rng = Rng(0x5eed);
    regression(&dir, &mut rng)?;
    posterior(&dir)?;
    kl_divergence(&dir)?;
    parameter_trace(&dir, &mut rng)?;
    elbo_curves(&dir, &mut rng)?;
    reconstruction(&dir, &mut rng)?;
    samples(&dir, &mut rng)?;
    manifold(&dir)?;
    latent_space(&dir, &mut rng)?;
    cvae_panels(&dir, &mut rng)?;
    Ok(())
}

/// Tutorial 1: data, the MLE line and the VI predictive mean with a ±2σ band.
fn regression(dir: &Path, rng: &mut Rng) -> vi_plot::Result<()> {
    let x: Vec<f64> = (0..100).map(|_| rng.uniform(-3.0, 3.0)).collect();
    let y: Vec<f64> = x.iter().map(|x| 2.0 * x + 1.0 + rng.normal()).collect();
    let x_test = linspace(-3.0, 3.0, 100);
    let mle: Vec<f64> = x_test.iter().map(|x| 1.98 * x + 1.05).collect();
    let mean: Vec<f64> = x_test.iter().map(|x| 1.95 * x + 1.1).collect();
    let std: Vec<f64> = x_test.iter().map(|x| 0.6 + 0.15 * x.abs()).collect();
    let lower: Vec<f64> = mean.iter().zip(&std).map(|(m, s)| m - 2.0 * s).collect();
    let upper: Vec<f64> = mean.iter().zip(&std).map(|(m, s)| m + 2.0 * s).collect();
    Chart::new()
        .series(Scatter::new(x, y))
        .series(
            Line::new(x_test.clone(), mle)
                .color(Color::GREEN)
                .label("MLE"),
        )
        .series(
            Line::new(x_test.clone(), mean)
                .color(Color::RED)
                .label("VI"),
        )
        .series(Band::new(x_test, lower, upper).label("VI ± 2σ"))
        .save_png(dir.join("1-regression.png"))
}

/// Tutorial 2: joint, numerical posterior and variational posterior on z ∈ [0, 5].
fn posterior(dir: &Path) -> vi_plot::Result<()> {
    let z = linspace(0.0, 5.0, 500);
    let joint: Vec<f64> = z
        .iter()
        .map(|z| 0.35 * (-(z - 1.3f64).powi(2) / 0.5).exp())
        .collect();
    let normaliser: f64 = joint.iter().sum::<f64>() * (z[1] - z[0]);
    let posterior: Vec<f64> = joint.iter().map(|j| j / normaliser).collect();
    let variational: Vec<f64> = z.iter().map(|z| 0.77 * (-0.77 * z).exp()).collect();
    Chart::new()
        .x_label("Z")
        .y_label("p(Z|X_obs)")
        .x_range(0.0, 5.0)
        .series(Line::new(z.clone(), joint).label("joint"))
        .series(Line::new(z.clone(), posterior).label("numerical posterior"))
        .series(Line::new(z, variational).label("variational posterior"))
        .save_png(dir.join("2-posterior.png"))
}

/// Tutorial 2: KL divergence against the rate θ of the exponential family.
fn kl_divergence(dir: &Path) -> vi_plot::Result<()> {
    let thetas = linspace(0.5, 2.0, 500);
    let kl: Vec<f64> = thetas
        .iter()
        .map(|t| 0.8 * (t / 0.77 - (t / 0.77).ln() - 1.0) + 0.4)
        .collect();
    Chart::new()
        .x_label("θ")
        .y_label("KL Divergence")
        .series(Line::new(thetas, kl))
        .series(RefLine::vertical(0.77).label("θ* = 0.77"))
        .save_png(dir.join("2-kl.png"))
}

/// Tutorial 2: the variational parameter over SGD steps, approaching θ*.
fn parameter_trace(dir: &Path, rng: &mut Rng) -> vi_plot::Result<()> {
    let steps: Vec<f64> = (0..1000).map(f64::from).collect();
    let theta: Vec<f64> = steps
        .iter()
        .map(|s| 0.77 + 0.23 * (-s / 180.0).exp() + 0.01 * rng.normal())
        .collect();
    Chart::new()
        .title("SGD on the ELBO")
        .x_label("SGD step")
        .y_label("θ")
        .series(Line::new(steps, theta).label("θ"))
        .series(RefLine::horizontal(0.77).label("θ* (grid search)"))
        .save_png(dir.join("2-trace.png"))
}

/// Tutorial 3: train and test ELBO per epoch.
fn elbo_curves(dir: &Path, rng: &mut Rng) -> vi_plot::Result<()> {
    let epochs: Vec<f64> = (0..50).map(f64::from).collect();
    let train: Vec<f64> = epochs
        .iter()
        .map(|e| -98.0 - 90.0 * (-e / 3.0).exp() + 0.3 * rng.normal())
        .collect();
    let test: Vec<f64> = epochs
        .iter()
        .map(|e| -100.0 - 70.0 * (-e / 3.5).exp() + 0.3 * rng.normal())
        .collect();
    Chart::new()
        .x_label("epoch")
        .y_label("ELBO")
        .series(Line::new(epochs.clone(), train).label("Train"))
        .series(Line::new(epochs, test).label("Test"))
        .save_png(dir.join("3-elbo.png"))
}

/// Tutorial 3: 16 data digits above their reconstructions.
fn reconstruction(dir: &Path, rng: &mut Rng) -> vi_plot::Result<()> {
    let data: Vec<Vec<f32>> = (0..16)
        .map(|i| digit(i % 10, rng.uniform(-0.25, 0.25), 1.0))
        .collect();
    let mut pixels: Vec<f32> = data.iter().flatten().copied().collect();
    pixels.extend(data.iter().flat_map(|image| blur(image)));
    ImageGrid::new(pixels, SIDE, SIDE)
        .nrow(16)
        .row_labels(["Data", "Reconstruction"])
        .save_png(dir.join("3-reconstruction.png"))
}

/// Tutorial 3: 64 samples from the decoder, 8 per row.
fn samples(dir: &Path, rng: &mut Rng) -> vi_plot::Result<()> {
    let pixels: Vec<f32> = (0..64)
        .flat_map(|_| {
            let class = (rng.next() % 10) as usize;
            blur(&digit(
                class,
                rng.uniform(-0.3, 0.3),
                rng.uniform(0.85, 1.1),
            ))
        })
        .collect();
    ImageGrid::new(pixels, SIDE, SIDE).save_png(dir.join("3-samples.png"))
}

/// Tutorial 3: decoder outputs on a 20 × 20 grid of the 2-D latent space.
fn manifold(dir: &Path) -> vi_plot::Result<()> {
    let corners = [
        digit(0, 0.0, 1.0),
        digit(1, 0.0, 1.0),
        digit(7, 0.0, 1.0),
        digit(8, 0.0, 1.0),
    ];
    let mut pixels = Vec::with_capacity(400 * SIDE * SIDE);
    for row in 0..20 {
        for col in 0..20 {
            let (u, v) = (f64::from(col) / 19.0, f64::from(row) / 19.0);
            let weights = [(1.0 - u) * (1.0 - v), u * (1.0 - v), (1.0 - u) * v, u * v];
            let mixed: Vec<f32> = (0..SIDE * SIDE)
                .map(|p| {
                    let value: f64 = corners
                        .iter()
                        .zip(weights)
                        .map(|(c, w)| f64::from(c[p]) * w)
                        .sum();
                    value as f32
                })
                .collect();
            pixels.extend(blur(&mixed));
        }
    }
    ImageGrid::new(pixels, SIDE, SIDE)
        .nrow(20)
        .save_png(dir.join("3-manifold.png"))
}

/// Tutorial 3: 2-D latent means of test digits, coloured by class.
fn latent_space(dir: &Path, rng: &mut Rng) -> vi_plot::Result<()> {
    let (mut x, mut y, mut classes) = (Vec::new(), Vec::new(), Vec::new());
    for class in 0..10usize {
        let angle = 2.0 * PI * class as f64 / 10.0;
        let (cx, cy) = (1.8 * angle.cos(), 1.8 * angle.sin());
        for _ in 0..150 {
            x.push(cx + 0.55 * rng.normal());
            y.push(cy + 0.55 * rng.normal());
            classes.push(class);
        }
    }
    Chart::new()
        .size(640, 560)
        .title("Latent means of the test set")
        .x_label("z₁")
        .y_label("z₂")
        .series(Scatter::new(x, y).classes(classes).radius(2.5))
        .save_png(dir.join("3-latent.png"))
}

/// Tutorial 4: an image, its reconstruction, and two training curves.
fn cvae_panels(dir: &Path, rng: &mut Rng) -> vi_plot::Result<()> {
    let image = digit(3, 0.1, 1.0);
    let reconstruction = blur(&blur(&image));
    let epochs: Vec<f64> = (1..=30).map(f64::from).collect();
    let l1: Vec<f64> = epochs
        .iter()
        .map(|e| 40.0 + 25.0 * (1.0 - (-e / 6.0).exp()) + rng.normal())
        .collect();
    let sigma: Vec<f64> = epochs
        .iter()
        .map(|e| 0.2 + 0.8 * (-e / 5.0).exp())
        .collect();
    Figure::new(2, 2)
        .title("CVAE after 30 epochs")
        .panel(ImageGrid::new(image, SIDE, SIDE).padding(0).title("Input"))
        .panel(
            ImageGrid::new(reconstruction, SIDE, SIDE)
                .padding(0)
                .title("Reconstruction"),
        )
        .panel(
            Chart::new()
                .title("L1 norm of the encoder mean")
                .x_label("epoch")
                .y_label("‖μ‖₁")
                .series(Line::new(epochs.clone(), l1)),
        )
        .panel(
            Chart::new()
                .title("Mean σ of the encoder")
                .x_label("epoch")
                .y_label("mean σ")
                .series(Line::new(epochs, sigma).color(Color::ORANGE)),
        )
        .save_png(dir.join("4-cvae.png"))
}

/// `count` evenly spaced values from `low` to `high` inclusive (`torch.linspace`).
fn linspace(low: f64, high: f64, count: usize) -> Vec<f64> {
    (0..count)
        .map(|i| low + (high - low) * i as f64 / (count - 1) as f64)
        .collect()
}

/// A seven-segment digit drawn with soft, slanted strokes on a 28 × 28 canvas.
fn digit(class: usize, slant: f64, size: f64) -> Vec<f32> {
    // Segments a–g as (x0, y0, x1, y1) in a unit box, y down.
    const SEGMENTS: [(f64, f64, f64, f64); 7] = [
        (0.0, 0.0, 1.0, 0.0),
        (1.0, 0.0, 1.0, 0.5),
        (1.0, 0.5, 1.0, 1.0),
        (0.0, 1.0, 1.0, 1.0),
        (0.0, 0.5, 0.0, 1.0),
        (0.0, 0.0, 0.0, 0.5),
        (0.0, 0.5, 1.0, 0.5),
    ];
    const LIT: [&str; 10] = [
        "abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg",
    ];
    let segments: Vec<_> = LIT[class % 10]
        .bytes()
        .map(|segment| SEGMENTS[usize::from(segment - b'a')])
        .collect();
    let (width, height) = (9.0 * size, 16.0 * size);
    let (left, top) = (14.0 - width / 2.0, 14.0 - height / 2.0);
    let place = |x: f64, y: f64| {
        (
            left + x * width + slant * (0.5 - y) * height,
            top + y * height,
        )
    };
    let mut pixels = vec![0.0f32; SIDE * SIDE];
    for (index, pixel) in pixels.iter_mut().enumerate() {
        let (px, py) = ((index % SIDE) as f64 + 0.5, (index / SIDE) as f64 + 0.5);
        let distance = segments
            .iter()
            .map(|&(x0, y0, x1, y1)| {
                let (ax, ay) = place(x0, y0);
                let (bx, by) = place(x1, y1);
                let (dx, dy) = (bx - ax, by - ay);
                let t = (((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
                (px - ax - t * dx).hypot(py - ay - t * dy)
            })
            .fold(f64::INFINITY, f64::min);
        *pixel = (2.2 - distance).clamp(0.0, 1.0) as f32;
    }
    pixels
}

/// A 3 × 3 box blur, the look of a VAE's reconstructions.
fn blur(image: &[f32]) -> Vec<f32> {
    let at = |x: isize, y: isize| {
        let inside = (0..SIDE as isize).contains(&x) && (0..SIDE as isize).contains(&y);
        if inside {
            image[y as usize * SIDE + x as usize]
        } else {
            0.0
        }
    };
    (0..SIDE * SIDE)
        .map(|index| {
            let (x, y) = ((index % SIDE) as isize, (index / SIDE) as isize);
            let sum: f32 = (-1..=1)
                .flat_map(|dy| (-1..=1).map(move |dx| (dx, dy)))
                .map(|(dx, dy)| at(x + dx, y + dy))
                .sum();
            (sum / 9.0 * 1.3).min(1.0)
        })
        .collect()
}

/// A small deterministic generator (xorshift64*), so the gallery is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal draw (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.uniform(f64::EPSILON, 1.0);
        let v = self.uniform(0.0, 1.0);
        (-2.0 * u.ln()).sqrt() * (2.0 * PI * v).cos()
    }
}
