//! Principal components of a set of points, for drawing a latent space of
//! more than two dimensions in the plane.

use anyhow::{Context, Result, bail};
use tch::{Kind, Tensor};

use crate::tensor_values::values;

/// The projection of `N` points `[N, D]` on their first two principal
/// components, and the share of the variance each one explains.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalComponents {
    /// Coordinates along the first component, one per point.
    pub first: Vec<f64>,
    /// Coordinates along the second component, one per point.
    pub second: Vec<f64>,
    /// Fraction of the total variance along each of the two components.
    pub explained: [f64; 2],
}

impl PrincipalComponents {
    /// Centres `points` `[N, D]` (`N ≥ 2`, `D ≥ 2`) and diagonalises their
    /// covariance `C = (X − x̄)ᵀ(X − x̄) / (N − 1) = V Λ Vᵀ` (in double
    /// precision): the eigenvectors of the two largest eigenvalues are the
    /// principal directions, `(X − x̄) V` the coordinates, and `λᵢ / Σ λ` the
    /// explained variance. Each direction's sign is chosen
    /// so that its largest loading is positive, which makes the picture
    /// independent of the SVD routine's sign convention.
    ///
    /// # Errors
    /// Fewer than two points or dimensions; libtorch's errors.
    pub fn fit(points: &Tensor) -> Result<Self> {
        let size = points.size();
        let [count, dims] = size[..] else {
            bail!("principal components need points [N, D], found shape {size:?}");
        };
        if count < 2 || dims < 2 {
            bail!(
                "principal components need at least 2 points of at least 2 dimensions, found {count} of {dims}"
            );
        }
        let points = points.to_kind(Kind::Double);
        let centred = &points - points.mean_dim([0i64].as_slice(), true, Kind::Double);
        // The covariance's eigenvectors, eigenvalues ascending: the last two
        // are the principal directions.
        let covariance = centred.transpose(0, 1).matmul(&centred) / (count - 1) as f64;
        let (eigenvalues, eigenvectors) = covariance
            .f_linalg_eigh("L")
            .context("the eigendecomposition of the covariance failed")?;
        let directions = Tensor::stack(
            &[
                eigenvectors.select(1, dims - 1),
                eigenvectors.select(1, dims - 2),
            ],
            0,
        );
        // Flip each direction so that its largest-magnitude loading is positive.
        let largest = directions.abs().argmax(1, true);
        let signs = directions.gather(1, &largest, false).sign();
        let directions = directions * signs;
        let coordinates = centred.matmul(&directions.transpose(0, 1));
        let total = eigenvalues.sum(Kind::Double).double_value(&[]);
        let share = |index: i64| {
            if total > 0.0 {
                eigenvalues.double_value(&[index]) / total
            } else {
                0.0
            }
        };
        Ok(Self {
            first: values(&coordinates.select(1, 0))?,
            second: values(&coordinates.select(1, 1))?,
            explained: [share(dims - 1), share(dims - 2)],
        })
    }
}

#[cfg(test)]
mod tests {
    use tch::{Kind, Tensor};

    use super::PrincipalComponents;

    /// Points spread 3:1 along (1, 1)/√2 and (1, −1)/√2, with no spread in
    /// the third dimension: the first component is the long diagonal and
    /// explains 9/10 of the variance.
    #[test]
    fn finds_the_long_axis_and_its_share_of_the_variance() {
        let along: [f64; 4] = [-3.0, 3.0, 0.0, 0.0];
        let across: [f64; 4] = [0.0, 0.0, -1.0, 1.0];
        let half = std::f64::consts::FRAC_1_SQRT_2;
        let rows: Vec<f64> = along
            .iter()
            .zip(across)
            .flat_map(|(a, b)| [half * (a + b) + 5.0, half * (a - b) - 2.0, 7.0])
            .collect();
        let points = Tensor::from_slice(&rows).view([4, 3]).to_kind(Kind::Float);
        let pca = PrincipalComponents::fit(&points).expect("fits");
        assert!((pca.explained[0] - 0.9).abs() < 1e-6, "{:?}", pca.explained);
        assert!((pca.explained[1] - 0.1).abs() < 1e-6, "{:?}", pca.explained);
        for (found, expected) in pca.first.iter().zip(along) {
            assert!(
                (found.abs() - expected.abs()).abs() < 1e-5,
                "{:?}",
                pca.first
            );
        }
        for (found, expected) in pca.second.iter().zip(across) {
            assert!(
                (found.abs() - expected.abs()).abs() < 1e-5,
                "{:?}",
                pca.second
            );
        }
    }

    #[test]
    fn refuses_too_few_points() {
        let one = Tensor::zeros([1, 3], (Kind::Float, tch::Device::Cpu));
        assert!(PrincipalComponents::fit(&one).is_err());
        let flat = Tensor::zeros([5], (Kind::Float, tch::Device::Cpu));
        assert!(PrincipalComponents::fit(&flat).is_err());
    }
}
