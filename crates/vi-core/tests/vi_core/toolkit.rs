//! The extension toolkit: parameter checks and broadcasting, value
//! checks switched off by `validation`, constraints, errors carried out of
//! closures, and a family written outside vi-core (the Gumbel of the
//! toolkit's docs) checked against torch.distributions.

use tch::{Device, Kind, Tensor};
use vi_core::toolkit::{self, broadcast_params};
use vi_core::{
    Bernoulli, Constraint, Distribution, Error, Exponential, Independent, MultivariateNormal,
    Normal, Result, Rsample, monte_carlo_elbo, validation,
};

use crate::common::{assert_close, f32s, f64s, mean_and_stderr, scalar, values};

#[test]
fn broadcast_params_checks_and_broadcasts() {
    let params = broadcast_params(
        "Test",
        &[
            ("a", &f64s(&[1.0, 2.0, 3.0], &[3])),
            ("b", &scalar(2.0)),
            ("c", &f64s(&[1.0, 2.0], &[2, 1])),
        ],
    )
    .unwrap();
    assert_eq!(params.batch_shape, [2, 3]);
    assert_eq!(params.kind, Kind::Double);
    assert_eq!(params.tensors[1].size(), [] as [i64; 0]);
    assert!(params.expanded().iter().all(|t| t.size() == [2, 3]));

    let clash = broadcast_params(
        "Test",
        &[("a", &f64s(&[1.0; 3], &[3])), ("b", &f64s(&[1.0; 4], &[4]))],
    );
    assert!(matches!(
        clash,
        Err(Error::ShapeMismatch {
            left: "a",
            right: "b",
            ..
        })
    ));
    let integer = broadcast_params("Test", &[("a", &scalar(1.0)), ("n", &Tensor::from(3i64))]);
    assert!(matches!(integer, Err(Error::Dtype { name: "n", .. })));
    let mixed = broadcast_params("Test", &[("a", &scalar(1.0)), ("b", &Tensor::from(1.0f32))]);
    assert!(matches!(mixed, Err(Error::Dtype { name: "b", .. })));
    assert!(matches!(
        broadcast_params("Test", &[]),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn value_checks_follow_the_validation_switch() {
    let (loc, bad_scale) = (scalar(0.0), scalar(-1.0));
    assert!(matches!(
        Normal::new(&loc, &bad_scale),
        Err(Error::InvalidParameter {
            parameter: "scale",
            ..
        })
    ));
    let unchecked = validation::without_validation(|| Normal::new(&loc, &bad_scale)).unwrap();
    // Invalid parameters then give NaN, never a panic.
    let log_prob = unchecked.log_prob(&scalar(0.5)).unwrap();
    assert!(values(&log_prob)[0].is_nan());
    // Shapes are still checked without validation.
    let shapes = validation::without_validation(|| {
        Normal::new(&f64s(&[0.0; 3], &[3]), &f64s(&[1.0; 2], &[2]))
    });
    assert!(matches!(shapes, Err(Error::ShapeMismatch { .. })));
    // And the probabilities of a Bernoulli, the diagonal of a Cholesky factor...
    validation::without_validation(|| {
        assert!(Bernoulli::from_probs(&scalar(1.5)).is_ok());
        assert!(Exponential::new(&scalar(-2.0)).is_ok());
        let tril = f64s(&[1.0, 5.0, 0.0, -1.0], &[2, 2]);
        assert!(MultivariateNormal::new(&f64s(&[0.0, 0.0], &[2]), &tril).is_ok());
    });
    assert!(validation::enabled());
}

#[test]
fn constraints_check_like_torch() {
    // torch.distributions.constraints.<c>.check(value) for the same values.
    let x = f64s(&[-1.0, 0.0, 0.5, 1.0, 2.0, f64::NAN, f64::INFINITY], &[7]);
    let check = |c: Constraint| -> Vec<f64> { values(&c.check(&x).unwrap().to_kind(Kind::Double)) };
    assert_eq!(check(Constraint::Real), [1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0]);
    assert_eq!(
        check(Constraint::Positive),
        [0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0]
    );
    assert_eq!(
        check(Constraint::NonNegative),
        [0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 1.0]
    );
    assert_eq!(
        check(Constraint::UnitInterval),
        [0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(
        check(Constraint::HalfOpenInterval(0.0.into(), 1.0.into())),
        [0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(
        check(Constraint::Boolean),
        [0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0]
    );
    assert_eq!(
        check(Constraint::NonNegativeInteger),
        [0.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0]
    );
    assert_eq!(
        check(Constraint::GreaterThan(0.5.into())),
        [0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0]
    );
    let lows = f64s(&[-2.0, 1.0], &[2, 1]);
    let between = Constraint::Interval(Bound::from(&lows), 1.0.into())
        .check(&x)
        .unwrap();
    assert_eq!(between.size(), [2, 7]);

    let simplex = f64s(&[0.2, 0.3, 0.5, 0.5, 0.6, -0.1, 1.0, 0.0, 0.0], &[3, 3]);
    assert_eq!(
        values(
            &Constraint::Simplex
                .check(&simplex)
                .unwrap()
                .to_kind(Kind::Double)
        ),
        [1.0, 0.0, 1.0]
    );
    let one_hot = f64s(&[0.0, 1.0, 0.0, 1.0, 1.0, 0.0], &[2, 3]);
    assert_eq!(
        values(
            &Constraint::OneHot
                .check(&one_hot)
                .unwrap()
                .to_kind(Kind::Double)
        ),
        [1.0, 0.0]
    );
    let lower = f64s(&[1.0, 0.0, 0.5, 2.0, 1.0, 0.3, 0.0, 2.0], &[2, 2, 2]);
    assert_eq!(
        values(
            &Constraint::LowerCholesky
                .check(&lower)
                .unwrap()
                .to_kind(Kind::Double)
        ),
        [1.0, 0.0]
    );
    let spd = f64s(&[2.0, 0.5, 0.5, 1.0, 1.0, 2.0, 2.0, 1.0], &[2, 2, 2]);
    assert_eq!(
        values(
            &Constraint::PositiveDefinite
                .check(&spd)
                .unwrap()
                .to_kind(Kind::Double)
        ),
        [1.0, 0.0]
    );
    let vectors = Constraint::Positive.independent(1).check(&simplex).unwrap();
    assert_eq!(values(&vectors.to_kind(Kind::Double)), [1.0, 0.0, 0.0]);
    assert!(Constraint::Simplex.check(&scalar(1.0)).is_err());
    assert_eq!(Constraint::Simplex.event_dim(), 1);
    assert_eq!(Constraint::Real.independent(2).event_dim(), 2);
    assert!(Constraint::OneHot.is_discrete() && !Constraint::Simplex.is_discrete());
}

use vi_core::Bound;

#[test]
fn supports_are_those_of_torch() {
    let normal = Normal::new(&scalar(0.0), &scalar(1.0)).unwrap();
    assert!(matches!(normal.support(), Constraint::Real));
    let exponential = Exponential::new(&scalar(1.0)).unwrap();
    assert!(matches!(exponential.support(), Constraint::NonNegative));
    let bernoulli = Bernoulli::from_logits(&scalar(0.0)).unwrap();
    assert!(matches!(bernoulli.support(), Constraint::Boolean));
    let diagonal =
        Independent::new(Normal::standard_like(&f64s(&[0.0; 4], &[2, 2])).unwrap(), 1).unwrap();
    assert!(
        matches!(diagonal.support(), Constraint::Independent(ref inner, 1) if matches!(**inner, Constraint::Real))
    );
}

#[derive(Debug, thiserror::Error)]
#[error("decoder failed on batch {0}")]
struct DecoderError(usize);

/// A model's own error leaves the likelihood closure as `Error::custom` and
/// comes back out of the ELBO intact.
#[test]
fn a_callers_error_travels_through_an_estimator() {
    let posterior = Normal::new(&f64s(&[0.0, 1.0], &[2]), &scalar(1.0)).unwrap();
    let prior = Normal::new(&scalar(0.0), &scalar(1.0)).unwrap();
    let error = monte_carlo_elbo(&posterior, &prior, 4, |_z| {
        Err(Error::custom(DecoderError(7)))
    })
    .unwrap_err();
    assert_eq!(error.to_string(), "decoder failed on batch 7");
    let mine: DecoderError = error.downcast_custom().unwrap();
    assert_eq!(mine.0, 7);
    let other = Error::custom(DecoderError(1)).downcast_custom::<std::fmt::Error>();
    assert!(matches!(other, Err(Error::Custom(_))));
}

/// The Gumbel family of the toolkit's documentation, written with the
/// public toolkit only.
#[derive(Debug)]
struct Gumbel {
    loc: Tensor,
    scale: Tensor,
    batch_shape: Vec<i64>,
}

const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

impl Gumbel {
    fn new(loc: &Tensor, scale: &Tensor) -> Result<Self> {
        let params = broadcast_params("Gumbel", &[("loc", loc), ("scale", scale)])?;
        let batch_shape = params.batch_shape.clone();
        let [loc, scale] = params.into_array()?;
        toolkit::check_finite("Gumbel", "loc", &loc)?;
        toolkit::check_positive("Gumbel", "scale", &scale)?;
        Ok(Self {
            loc: loc.expand(batch_shape.as_slice(), false),
            scale: scale.expand(batch_shape.as_slice(), false),
            batch_shape,
        })
    }
}

impl Distribution for Gumbel {
    fn name(&self) -> &'static str {
        "Gumbel"
    }
    fn batch_shape(&self) -> &[i64] {
        &self.batch_shape
    }
    fn event_shape(&self) -> &[i64] {
        &[]
    }
    fn kind(&self) -> Kind {
        self.loc.kind()
    }
    fn device(&self) -> Device {
        self.loc.device()
    }
    fn support(&self) -> Constraint {
        Constraint::Real
    }
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        tch::no_grad(|| self.rsample(sample_shape))
    }
    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let z = (value - &self.loc) / &self.scale;
        Ok(-(&z + (-&z).exp()) - self.scale.log())
    }
    fn entropy(&self) -> Result<Tensor> {
        Ok(self.scale.log() + 1.0 + EULER_GAMMA)
    }
    fn mean(&self) -> Result<Tensor> {
        Ok(&self.loc + &self.scale * EULER_GAMMA)
    }
    fn variance(&self) -> Result<Tensor> {
        Ok(self.scale.square() * (std::f64::consts::PI.powi(2) / 6.0))
    }
}

impl Rsample for Gumbel {
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape = toolkit::extended_shape("Gumbel", sample_shape, &self.batch_shape, &[])?;
        let u = toolkit::clamp_probs(&Tensor::rand(
            shape.as_slice(),
            (self.kind(), self.device()),
        ));
        Ok(&self.loc - &self.scale * u.log().neg().log())
    }
}

/// ```python
/// g = Gumbel(torch.tensor([0.0, 1.0], dtype=torch.float64), torch.tensor([2.0, 0.5], dtype=torch.float64))
/// g.log_prob(torch.tensor([[0.3, -0.4], [5.0, 1.0]], dtype=torch.float64)).flatten()
/// # [-1.7038551569850031, -12.951499590537102, -3.275232179183844, -0.3068528194400547]
/// g.entropy(), g.mean, g.variance
/// # [2.270362845461478, 0.8840684843415875] [1.1544313298030657, 1.2886078324507664] [6.579736267392906, 0.4112335167120566]
/// ```
#[test]
fn a_family_written_with_the_toolkit_matches_torch() {
    let gumbel = Gumbel::new(&f64s(&[0.0, 1.0], &[2]), &f64s(&[2.0, 0.5], &[2])).unwrap();
    let value = f64s(&[0.3, -0.4, 5.0, 1.0], &[2, 2]);
    let expected = [
        -1.7038551569850031,
        -12.951499590537102,
        -3.275232179183844,
        -0.3068528194400547,
    ];
    assert_close(&gumbel.log_prob(&value).unwrap(), &expected, 1e-12, 1e-12);
    assert_close(
        &gumbel.entropy().unwrap(),
        &[2.270362845461478, 0.8840684843415875],
        1e-12,
        1e-12,
    );
    assert_close(
        &gumbel.mean().unwrap(),
        &[1.1544313298030657, 1.2886078324507664],
        1e-12,
        1e-12,
    );
    assert_close(
        &gumbel.variance().unwrap(),
        &[6.579736267392906, 0.4112335167120566],
        1e-12,
        1e-12,
    );
    // Its errors are vi-core's, named after the family.
    assert!(matches!(
        Gumbel::new(&scalar(0.0), &scalar(0.0)),
        Err(Error::InvalidParameter {
            family: "Gumbel",
            parameter: "scale",
            ..
        })
    ));
    assert!(matches!(
        gumbel.log_prob(&f64s(&[1.0; 3], &[3])),
        Err(Error::ValueShape {
            family: "Gumbel",
            ..
        })
    ));
    // What it does not provide is a typed error, not a panic.
    assert!(matches!(
        gumbel.cdf(&scalar(0.0)),
        Err(Error::NotImplemented {
            family: "Gumbel",
            method: "cdf",
            ..
        })
    ));
    // Its reparameterized draws have the closed-form mean (4 standard errors).
    tch::manual_seed(0);
    let draws = gumbel.rsample(&[200_000]).unwrap();
    let (mean, stderr) = mean_and_stderr(&draws);
    let exact = gumbel.mean().unwrap();
    let (mean, stderr, exact) = (values(&mean), values(&stderr), values(&exact));
    for i in 0..2 {
        assert!(
            (mean[i] - exact[i]).abs() < 4.0 * stderr[i],
            "{mean:?} vs {exact:?}"
        );
    }
}

#[test]
fn float32_toolkit_constants_are_torchs() {
    // torch.finfo(torch.float32).eps, .tiny; torch.finfo(torch.float64).eps
    assert_eq!(
        toolkit::machine_epsilon(Kind::Float),
        1.1920928955078125e-07
    );
    assert_eq!(toolkit::tiny(Kind::Float), 1.1754943508222875e-38);
    assert_eq!(
        toolkit::machine_epsilon(Kind::Double),
        2.220446049250313e-16
    );
    let probs = f32s(&[0.0, 0.5, 1.0], &[3]);
    let logits = toolkit::probs_to_logits(&probs, true);
    assert!(values(&logits).iter().all(|l| l.is_finite()));
    assert_close(
        &toolkit::logits_to_probs(&f64s(&[0.0], &[1]), true),
        &[0.5],
        0.0,
        0.0,
    );
}
