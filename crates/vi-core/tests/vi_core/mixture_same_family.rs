//! `MixtureSameFamily` against torch.distributions 2.13 (golden values,
//! seeded draws), numerical integration (density and cdf) and Monte Carlo
//! (mean and variance).

use tch::{Device, Kind, Tensor};
use vi_core::{
    Categorical, Distribution, Error, Expand, Exponential, Independent, MixtureSameFamily,
    MultivariateNormal, Normal,
};

use crate::common::{
    assert_close, assert_tensors_close, assert_within_stderr, f32s, f64s, grid, mean_and_stderr,
    simpson, values,
};

/// Two mixtures of two scalar Normals: batch `[2]`, `K = 2`.
fn scalar_mixture(kind: Kind) -> MixtureSameFamily<Normal> {
    let mixture = Categorical::from_probs(&f64s(&[0.3, 0.7, 0.5, 0.5], &[2, 2]).to_kind(kind))
        .expect("valid parameters");
    let component = Normal::new(
        &f64s(&[-1.0, 2.0, 0.0, 10.0], &[2, 2]).to_kind(kind),
        &f64s(&[0.5, 1.5, 1.0, 0.1], &[2, 2]).to_kind(kind),
    )
    .expect("valid parameters");
    MixtureSameFamily::new(mixture, component).expect("valid parameters")
}

/// One mixture of three diagonal Gaussians in two dimensions.
fn vector_mixture(kind: Kind) -> MixtureSameFamily<Independent<Normal>> {
    let mixture = Categorical::from_logits(&f64s(&[0.0, 1.0, -1.0], &[3]).to_kind(kind))
        .expect("valid parameters");
    let component = Normal::new(
        &f64s(&[0.0, 1.0, 2.0, -1.0, 5.0, 5.0], &[3, 2]).to_kind(kind),
        &f64s(&[1.0, 0.5, 0.3, 2.0, 1.0, 1.0], &[3, 2]).to_kind(kind),
    )
    .expect("valid parameters");
    MixtureSameFamily::new(
        mixture,
        Independent::new(component, 1).expect("valid parameters"),
    )
    .expect("valid parameters")
}

/// ```python
/// mix = Categorical(probs=torch.tensor([[0.3, 0.7], [0.5, 0.5]], dtype=dt))
/// comp = Normal(torch.tensor([[-1.0, 2.0], [0.0, 10.0]], dtype=dt), torch.tensor([[0.5, 1.5], [1.0, 0.1]], dtype=dt))
/// m = MixtureSameFamily(mix, comp)
/// v = torch.tensor([[0.0], [2.5], [-40.0]], dtype=dt)
/// m.log_prob(v).flatten(); m.mean; m.variance; m.cdf(v).flatten()
/// mix2 = Categorical(logits=torch.tensor([0.0, 1.0, -1.0], dtype=dt))
/// comp2 = Independent(Normal(torch.tensor([[0.0, 1.0], [2.0, -1.0], [5.0, 5.0]], dtype=dt),
///                            torch.tensor([[1.0, 0.5], [0.3, 2.0], [1.0, 1.0]], dtype=dt)), 1)
/// m2 = MixtureSameFamily(mix2, comp2)
/// m2.log_prob(torch.tensor([[0.5, 0.5], [2.0, -1.0]], dtype=dt)); m2.mean; m2.variance
/// ```
#[test]
fn mixture_matches_pytorch() {
    let float32 = (
        Kind::Float,
        1e-6,
        [
            -2.2170257568359375,
            -1.6120857000350952,
            -1.7366342544555664,
            -4.737085819244385,
            -393.68109130859375,
            -801.6121215820312,
        ],
        [
            0.35702282190322876,
            0.25,
            0.7413910627365112,
            0.4968951642513275,
            0.0,
            0.0,
        ],
        [-3.177323818206787, -1.7346372604370117],
        [1.7806347608566284, 0.029640406370162964],
        [2.1356985569000244, 5.972032070159912],
    );
    let float64 = (
        Kind::Double,
        1e-14,
        [
            -2.2170258011667876,
            -1.612085713764618,
            -1.7366341407760038,
            -4.737085713764618,
            -393.68107858525156,
            -801.6120857137646,
        ],
        [
            0.3570228142236538,
            0.25,
            0.7413910618723814,
            0.4968951673371119,
            0.0,
            0.0,
        ],
        [-3.177323945044913, -1.7346373652338878],
        [1.7806347774015459, 0.029640381131878057],
        [2.1356986721118574, 5.972031717928855],
    );
    for (kind, tol, log_prob, cdf, vector_log_prob, vector_mean, vector_variance) in
        [float32, float64]
    {
        let mixture = scalar_mixture(kind);
        assert_eq!(mixture.batch_shape(), [2]);
        assert_eq!(mixture.event_shape(), [] as [i64; 0]);
        let value = f64s(&[0.0, 2.5, -40.0], &[3, 1]).to_kind(kind);
        let computed = mixture.log_prob(&value).unwrap();
        assert_eq!(computed.size(), [3, 2]);
        assert_close(&computed, &log_prob, tol, tol);
        assert_close(&mixture.mean().unwrap(), &[1.1, 5.0], tol, tol);
        assert_close(&mixture.variance().unwrap(), &[3.54, 25.505], tol, tol);
        assert_close(&mixture.cdf(&value).unwrap(), &cdf, tol, tol);

        let mixture = vector_mixture(kind);
        assert_eq!(mixture.batch_shape(), [] as [i64; 0]);
        assert_eq!(mixture.event_shape(), [2]);
        let value = f64s(&[0.5, 0.5, 2.0, -1.0], &[2, 2]).to_kind(kind);
        assert_close(
            &mixture.log_prob(&value).unwrap(),
            &vector_log_prob,
            tol,
            tol,
        );
        assert_close(&mixture.mean().unwrap(), &vector_mean, tol, tol);
        assert_close(&mixture.variance().unwrap(), &vector_variance, tol, tol);
        assert!(matches!(
            mixture.cdf(&value),
            Err(Error::NotImplemented { method: "cdf", .. })
        ));
    }
}

/// The component index is drawn first, then every component, then the
/// chosen draw is gathered:
/// ```python
/// torch.manual_seed(16); MixtureSameFamily(mix, comp).sample((3,))     # float32 `scalar_mixture`
/// # [1.907212495803833, 0.6414395570755005, 3.1737184524536133, 9.975973129272461, 1.7532198429107666, 9.846199989318848]
/// torch.manual_seed(17); MixtureSameFamily(mix2, comp2).sample((2,))   # float32 `vector_mixture`
/// # [1.9956434965133667, -2.2247238159179688, 2.046034336090088, -6.326175212860107]
/// ```
#[test]
fn mixture_draws_match_pytorch() {
    tch::manual_seed(16);
    let draws = scalar_mixture(Kind::Float).sample(&[3]).unwrap();
    assert_eq!(draws.size(), [3, 2]);
    let expected = [
        1.907212495803833,
        0.6414395570755005,
        3.1737184524536133,
        9.975973129272461,
        1.7532198429107666,
        9.846199989318848,
    ];
    assert_close(&draws, &expected, 1e-6, 1e-6);
    tch::manual_seed(17);
    let draws = vector_mixture(Kind::Float).sample(&[2]).unwrap();
    assert_eq!(draws.size(), [2, 2]);
    let expected = [
        1.9956434965133667,
        -2.2247238159179688,
        2.046034336090088,
        -6.326175212860107,
    ];
    assert_close(&draws, &expected, 1e-6, 1e-6);
}

/// The density integrates to 1 and the cdf is its integral (Simpson's
/// rule on `[−30, 30]`, 60 001 points, float64).
#[test]
fn mixture_density_and_cdf_match_numerical_integration() {
    let mixture = scalar_mixture(Kind::Double);
    let (points, dx) = grid(-30.0, 30.0, 60_001);
    let density = mixture.log_prob(&points.unsqueeze(-1)).unwrap().exp();
    assert_close(&simpson(&density, dx), &[1.0, 1.0], 1e-9, 0.0);
    // cdf(1.3) = ∫_{−30}^{1.3} p: the grid up to index 31 300 (x = 1.3).
    let below = density.narrow(0, 0, 31_301);
    let cdf = mixture.cdf(&f64s(&[1.3], &[1])).unwrap();
    assert_close(&cdf, &values(&simpson(&below, dx)), 1e-9, 0.0);
}

/// Over 200 000 draws, the sample mean and variance lie within 4 standard
/// errors of the laws of total expectation and variance.
#[test]
fn mixture_moments_match_monte_carlo() {
    let scalar = scalar_mixture(Kind::Double);
    let vector = vector_mixture(Kind::Double);
    tch::manual_seed(18);
    for (draws, mean, variance) in [
        (
            scalar.sample(&[200_000]).unwrap(),
            scalar.mean().unwrap(),
            scalar.variance().unwrap(),
        ),
        (
            vector.sample(&[200_000]).unwrap(),
            vector.mean().unwrap(),
            vector.variance().unwrap(),
        ),
    ] {
        let (sample_mean, stderr) = mean_and_stderr(&draws);
        assert_within_stderr(&sample_mean, &mean, &stderr, 4.0, 1e-12);
        let (sample_variance, stderr) = mean_and_stderr(&(&draws - &sample_mean).square());
        assert_within_stderr(&sample_variance, &variance, &stderr, 4.0, 1e-12);
    }
}

/// Mixing weights of batch `[]` against components of batch `[3, K]` are
/// expanded, so each of the 3 mixtures draws its own component (torch's
/// `sample` fails on this case); the values equal those of explicitly
/// expanded weights.
#[test]
fn mixture_weights_broadcast_to_the_component_batch() {
    let options = (Kind::Double, Device::Cpu);
    let weights = f64s(&[0.2, 0.8], &[2]);
    let component = || Exponential::new(&f64s(&[0.5, 4.0, 1.0, 2.0, 3.0, 0.1], &[3, 2])).unwrap();
    let shared =
        MixtureSameFamily::new(Categorical::from_probs(&weights).unwrap(), component()).unwrap();
    let explicit = MixtureSameFamily::new(
        Categorical::from_probs(&weights.expand([3, 2], false)).unwrap(),
        component(),
    )
    .unwrap();
    assert_eq!(shared.batch_shape(), [3]);
    assert_eq!(shared.mixture_distribution().batch_shape(), [3]);
    let points = Tensor::rand([5, 3], options) * 3.0;
    assert_tensors_close(
        &shared.log_prob(&points).unwrap(),
        &explicit.log_prob(&points).unwrap(),
        0.0,
    );
    tch::manual_seed(19);
    let draws = shared.sample(&[100_000]).unwrap();
    assert_eq!(draws.size(), [100_000, 3]);
    let (mean, stderr) = mean_and_stderr(&draws);
    assert_within_stderr(&mean, &shared.mean().unwrap(), &stderr, 4.0, 1e-12);
    // Independent batch elements: the draws of two mixtures are uncorrelated.
    let centred = &draws - &mean;
    let covariance = (centred.select(1, 0) * centred.select(1, 1)).mean(Kind::Double);
    let scale = values(&draws.std_dim(0, true, false));
    let correlation = values(&covariance)[0] / (scale[0] * scale[1]);
    assert!(
        correlation.abs() < 4.0 / (100_000f64).sqrt(),
        "{correlation}"
    );
}

/// A mixture of categoricals: a discrete component; its mass sums to 1
/// over the component's support.
#[test]
fn mixture_of_categoricals_carries_all_mass() {
    let component =
        Categorical::from_probs(&f32s(&[0.1, 0.2, 0.7, 0.5, 0.5, 0.0], &[2, 3])).unwrap();
    let mixture = MixtureSameFamily::new(
        Categorical::from_probs(&f32s(&[0.4, 0.6], &[2])).unwrap(),
        component,
    )
    .unwrap();
    let support = Tensor::arange(3, (Kind::Int64, Device::Cpu));
    let mass = mixture.log_prob(&support).unwrap().exp();
    assert_close(&mass, &[0.34, 0.38, 0.28], 1e-6, 1e-6);
    let draws = mixture.sample(&[7]).unwrap();
    assert_eq!((draws.size(), draws.kind()), (vec![7], Kind::Int64));
}

#[test]
fn mixture_lacks_entropy_and_expands() {
    let mixture = scalar_mixture(Kind::Double);
    assert!(matches!(
        mixture.entropy(),
        Err(Error::NotImplemented {
            method: "entropy",
            ..
        })
    ));
    assert!(matches!(mixture.mode(), Err(Error::NotImplemented { .. })));
    let expanded = mixture.expand(&[4, 2]).unwrap();
    assert_eq!(expanded.batch_shape(), [4, 2]);
    assert_eq!(expanded.component_distribution().batch_shape(), [4, 2, 2]);
    let value = f64s(&[0.7], &[1]);
    assert_close(
        &expanded.log_prob(&value).unwrap().get(3),
        &values(&mixture.log_prob(&value).unwrap()),
        1e-15,
        1e-15,
    );
    assert_eq!(expanded.sample(&[5]).unwrap().size(), [5, 4, 2]);
}

#[test]
fn mixture_rejects_mismatched_parts() {
    let normal =
        || Normal::new(&f64s(&[0.0, 1.0, 2.0], &[3]), &f64s(&[1.0, 1.0, 1.0], &[3])).unwrap();
    let two = Categorical::from_probs(&f64s(&[0.5, 0.5], &[2])).unwrap();
    assert!(matches!(
        MixtureSameFamily::new(two, normal()),
        Err(Error::ShapeMismatch { .. })
    ));
    let batched = Categorical::from_probs(&f64s(&[1.0; 6], &[2, 3])).unwrap();
    assert!(matches!(
        MixtureSameFamily::new(batched, normal()),
        Err(Error::ShapeMismatch { .. })
    ));
    let scalar = Normal::new(&f64s(&[0.0], &[]), &f64s(&[1.0], &[])).unwrap();
    let one = Categorical::from_probs(&f64s(&[1.0], &[1])).unwrap();
    assert!(matches!(
        MixtureSameFamily::new(one, scalar),
        Err(Error::InvalidArgument { .. })
    ));
    let float32 = Categorical::from_probs(&f32s(&[0.2, 0.3, 0.5], &[3])).unwrap();
    assert!(matches!(
        MixtureSameFamily::new(float32, normal()),
        Err(Error::Dtype { .. })
    ));
    // A full-covariance component: the mixture has its event shape.
    let mvn = MultivariateNormal::new(
        &Tensor::zeros([3, 2], (Kind::Double, Device::Cpu)),
        &Tensor::eye(2, (Kind::Double, Device::Cpu)),
    )
    .unwrap();
    let weights = Categorical::from_probs(&f64s(&[0.2, 0.3, 0.5], &[3])).unwrap();
    let mixture = MixtureSameFamily::new(weights, mvn).unwrap();
    assert_eq!(mixture.event_shape(), [2]);
    assert_eq!(mixture.sample(&[4]).unwrap().size(), [4, 2]);
}

/// Weights from logits of ±100 and scales from 1e-3 to 1e3:
/// ```python
/// mix = Categorical(logits=torch.tensor([100.0, -100.0, 0.0], dtype=dt))
/// comp = Normal(torch.tensor([0.0, 1e3, -5.0], dtype=dt), torch.tensor([1e-3, 1e3, 1.0], dtype=dt))
/// m = MixtureSameFamily(mix, comp)
/// v = torch.tensor([0.0, 1e-3, 1e3, -5.0], dtype=dt)
/// m.log_prob(v); m.mean; m.variance; m.cdf(v)
/// ```
/// (The mean is a denormal, `−5 · e^{−100}`: compared to 1e-45.)
#[test]
fn mixture_extreme_parameters_match_pytorch() {
    let float32 = (
        Kind::Float,
        1e-6,
        [
            5.988816738128662,
            5.488816738128662,
            -207.82669067382812,
            -100.91893768310547,
        ],
        -1.891752926838503e-43,
        1.0000001111620804e-06,
        [0.5, 0.8413447141647339, 1.0, 1.961817850054744e-44],
    );
    let float64 = (
        Kind::Double,
        1e-13,
        [
            5.988816745777465,
            5.488816745777465,
            -207.82669381218682,
            -100.91893853320467,
        ],
        -1.860037988010418e-43,
        1e-06,
        [0.5, 0.8413447460685429, 1.0, 1.860037988010418e-44],
    );
    for (kind, tol, log_prob, mean, variance, cdf) in [float32, float64] {
        let mixture = MixtureSameFamily::new(
            Categorical::from_logits(&f64s(&[100.0, -100.0, 0.0], &[3]).to_kind(kind)).unwrap(),
            Normal::new(
                &f64s(&[0.0, 1e3, -5.0], &[3]).to_kind(kind),
                &f64s(&[1e-3, 1e3, 1.0], &[3]).to_kind(kind),
            )
            .unwrap(),
        )
        .unwrap();
        let value = f64s(&[0.0, 1e-3, 1e3, -5.0], &[4]).to_kind(kind);
        assert_close(&mixture.log_prob(&value).unwrap(), &log_prob, tol, tol);
        assert_close(&mixture.mean().unwrap(), &[mean], 1e-45, tol);
        assert_close(&mixture.variance().unwrap(), &[variance], 0.0, tol);
        assert_close(&mixture.cdf(&value).unwrap(), &cdf, 1e-45, tol);
    }
}
