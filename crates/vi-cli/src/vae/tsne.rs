//! A t-SNE embedding (van der Maaten & Hinton 2008; Barnes-Hut, van der
//! Maaten 2014) of points in more than two dimensions, for the latent-space
//! figure: the `bhtsne` crate, given exact nearest neighbours and a seeded
//! initialization and run on one thread, so that the same points and seed
//! give the same picture.

use std::cmp::Ordering;

use anyhow::{Context, Result, bail};
use bhtsne::{Neighbor, tSNE};

/// The settings of [`embed`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TsneSettings {
    /// The perplexity, the effective number of neighbours (the common 30;
    /// lowered to `(N − 1)/3` for fewer than 91 points).
    pub perplexity: f32,
    /// Gradient iterations (t-SNE's usual 1000).
    pub epochs: usize,
    /// The Barnes-Hut accuracy `θ` (0.5, as van der Maaten 2014).
    pub theta: f32,
}

impl Default for TsneSettings {
    fn default() -> Self {
        Self {
            perplexity: 30.0,
            epochs: 1000,
            theta: 0.5,
        }
    }
}

/// Embeds `points` (`count` rows of `dims` values, row-major) in the plane,
/// starting from `initial` (`count` rows of 2: the caller's seeded draw of
/// `N(0, 10⁻⁴ I)`, t-SNE's random start), and returns the `count` rows of
/// 2 coordinates.
///
/// Neighbours: each point's `k = ⌊3 · perplexity⌋` nearest in Euclidean
/// distance, by brute force (`N ≤` a few thousand), ties broken by index;
/// then `bhtsne`'s Barnes-Hut fit with its defaults otherwise (early
/// exaggeration 12 for 250 iterations, learning rate `max(N/48, 50)`), in a
/// one-thread pool: its parallel sums would otherwise depend on how the
/// work is split.
///
/// # Errors
/// Fewer than 4 points, sizes that do not match, or a thread pool that
/// cannot be built.
pub fn embed(
    points: &[f32],
    dims: usize,
    initial: &[f32],
    settings: &TsneSettings,
) -> Result<Vec<f32>> {
    if dims == 0 || !points.len().is_multiple_of(dims) {
        bail!("t-SNE: {} values are not rows of {dims}", points.len());
    }
    let count = points.len() / dims;
    if count < 4 {
        bail!("t-SNE needs at least 4 points, found {count}");
    }
    if initial.len() != 2 * count {
        bail!(
            "t-SNE: the initial embedding has {} values, expected {}",
            initial.len(),
            2 * count
        );
    }
    let rows: Vec<&[f32]> = points.chunks(dims).collect();
    // bhtsne refuses N − 1 < 3 · ⌊perplexity⌋.
    let perplexity = settings.perplexity.min(((count - 1) / 3) as f32).floor();
    let neighbours = nearest_neighbours(&rows, (3.0 * perplexity) as usize);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .context("cannot build the thread pool of the t-SNE fit")?;
    Ok(pool.install(|| {
        let mut tsne: tSNE<'_, f32, &[f32]> = tSNE::new(&rows);
        tsne.perplexity(perplexity)
            .epochs(settings.epochs)
            .initial_embedding(initial.to_vec())
            .barnes_hut_with_neighbors(settings.theta, &neighbours);
        tsne.embedding()
    }))
}

/// Each row's `k` nearest other rows by Euclidean distance, nearest first,
/// ties by index.
fn nearest_neighbours(rows: &[&[f32]], k: usize) -> Vec<Vec<Neighbor<f32>>> {
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let mut others: Vec<Neighbor<f32>> = rows
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(j, other)| Neighbor {
                    index: j,
                    distance: row
                        .iter()
                        .zip(other.iter())
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum::<f32>()
                        .sqrt(),
                })
                .collect();
            others.sort_by(|a, b| {
                a.distance
                    .partial_cmp(&b.distance)
                    .unwrap_or(Ordering::Equal)
                    .then(a.index.cmp(&b.index))
            });
            others.truncate(k);
            others
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{TsneSettings, embed};

    /// Three well separated clusters in 5 dimensions: every point's nearest
    /// neighbour in the embedding belongs to its own cluster, and the same
    /// input gives the same output to the last bit.
    #[test]
    fn keeps_clusters_apart_and_is_reproducible() {
        let (per_cluster, dims) = (30, 5);
        let mut points = Vec::new();
        let mut labels = Vec::new();
        for cluster in 0..3 {
            for i in 0..per_cluster {
                for d in 0..dims {
                    // A deterministic jitter around the cluster's corner.
                    let jitter = ((i * 7 + d * 13) % 11) as f32 / 11.0 - 0.5;
                    let centre = if d == cluster { 20.0 } else { 0.0 };
                    points.push(centre + jitter);
                }
                labels.push(cluster);
            }
        }
        let count = labels.len();
        let initial: Vec<f32> = (0..2 * count)
            .map(|i| ((i * 37 % 101) as f32 / 101.0 - 0.5) * 1e-4)
            .collect();
        let settings = TsneSettings {
            epochs: 500,
            ..TsneSettings::default()
        };
        let embedding = embed(&points, dims, &initial, &settings).expect("fits");
        assert_eq!(embedding.len(), 2 * count);
        for i in 0..count {
            let nearest = (0..count)
                .filter(|&j| j != i)
                .min_by(|&a, &b| {
                    let distance = |j: usize| {
                        (embedding[2 * i] - embedding[2 * j]).powi(2)
                            + (embedding[2 * i + 1] - embedding[2 * j + 1]).powi(2)
                    };
                    distance(a).total_cmp(&distance(b))
                })
                .expect("other points");
            assert_eq!(labels[nearest], labels[i], "point {i}");
        }
        let again = embed(&points, dims, &initial, &settings).expect("fits");
        assert_eq!(embedding, again);
    }

    #[test]
    fn refuses_what_it_cannot_embed() {
        assert!(embed(&[0.0; 6], 2, &[0.0; 6], &TsneSettings::default()).is_err());
        assert!(embed(&[0.0; 10], 3, &[0.0; 6], &TsneSettings::default()).is_err());
        assert!(embed(&[0.0; 10], 2, &[0.0; 4], &TsneSettings::default()).is_err());
    }
}
