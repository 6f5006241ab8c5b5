//! `biject_to` and `transform_to` (torch's `constraint_registry`): every
//! registered constraint gets a transform that maps unconstrained values
//! into it (`Constraint::check`) and back; discrete ones are refused.

use tch::{Device, Kind, Tensor};
use vi_core::{Bound, Constraint, Error, biject_to, transform_to};

use crate::common::{assert_close, f64s, values};

fn bound(values: &[f64]) -> Bound {
    Bound::Tensor(f64s(values, &[values.len() as i64]))
}

/// Unconstrained points of shape `[4, 5]`, spread over `[−3, 3]`.
fn unconstrained() -> Tensor {
    Tensor::linspace(-3.0, 3.0, 20, (Kind::Double, Device::Cpu)).reshape([4, 5])
}

#[track_caller]
fn assert_all(flags: &Tensor) {
    assert!(values(flags).iter().all(|&v| v == 1.0), "outside: {flags}");
}

/// Each bijection lands inside its constraint, inverts back, and has a
/// finite log-Jacobian; for the elementwise ones, of the input's shape.
#[test]
fn bijections_map_the_reals_onto_their_constraint() {
    let constraints = [
        Constraint::Real,
        Constraint::Positive,
        Constraint::NonNegative,
        Constraint::GreaterThan(Bound::Value(2.5)),
        Constraint::GreaterThanEq(bound(&[-1.0, 0.0, 1.0, 2.0, 3.0])),
        Constraint::LessThan(Bound::Value(-2.0)),
        Constraint::UnitInterval,
        Constraint::Interval(Bound::Value(-2.0), Bound::Value(5.0)),
        Constraint::Interval(bound(&[-1.0, 0.0, 1.0, 2.0, 3.0]), Bound::Value(4.0)),
        Constraint::HalfOpenInterval(Bound::Value(0.0), Bound::Value(1.0)),
        Constraint::Positive.independent(1),
        Constraint::Simplex,
        Constraint::Simplex.independent(1),
    ];
    let x = unconstrained();
    for constraint in constraints {
        let transform = biject_to(&constraint).unwrap();
        assert!(transform.bijective(), "{constraint}");
        let y = transform.forward(&x).unwrap();
        assert_all(&constraint.check(&y).unwrap());
        let back = transform.inverse(&y).unwrap();
        assert_close(&back, &values(&x), 1e-9, 1e-9);
        let log_det = transform.log_abs_det_jacobian(&x, &y).unwrap();
        assert!(
            values(&log_det).iter().all(|v| v.is_finite()),
            "{constraint}"
        );
        assert_eq!(
            log_det.size(),
            x.size()[..2 - constraint.event_dim()],
            "{constraint}"
        );
    }
}

/// `biject_to(simplex)` breaks a stick: `[.., K−1] → [.., K]`.
#[test]
fn the_simplex_bijection_adds_a_coordinate() {
    let transform = biject_to(&Constraint::Simplex).unwrap();
    let y = transform.forward(&unconstrained()).unwrap();
    assert_eq!(y.size(), [4, 6]);
    assert_eq!(transform.name(), "StickBreakingTransform");
}

/// The values torch's registry gives.
/// ```python
/// x = torch.tensor([-2.0, -0.3, 0.0, 0.8, 3.0], dtype=torch.float64)
/// for c in (constraints.greater_than(2.5), constraints.less_than(-2.0),
///           constraints.interval(-2.0, 5.0),
///           constraints.interval(torch.tensor([-1., 0., 1., 2., 3.], dtype=torch.float64),
///                                torch.tensor(4.0, dtype=torch.float64))):
///     t = biject_to(c); y = t(x); t.log_abs_det_jacobian(x, y)
/// ```
#[test]
fn bijections_match_torch() {
    let x = f64s(&[-2.0, -0.3, 0.0, 0.8, 3.0], &[5]);
    let cases: [(Constraint, [f64; 5], [f64; 5]); 4] = [
        (
            Constraint::GreaterThan(Bound::Value(2.5)),
            [
                2.635335283236613,
                3.2408182206817178,
                3.5,
                4.725540928492467,
                22.585536923187668,
            ],
            [-2.0, -0.3, 0.0, 0.8, 3.0],
        ),
        (
            Constraint::LessThan(Bound::Value(-2.0)),
            [
                -2.135335283236613,
                -2.7408182206817178,
                -3.0,
                -4.225540928492467,
                -22.085536923187668,
            ],
            [-2.0, -0.3, 0.0, 0.8, 3.0],
        ),
        (
            Constraint::Interval(Bound::Value(-2.0), Bound::Value(5.0)),
            [
                -1.1655795458451772,
                0.9789023823183873,
                1.5,
                2.8298213678932873,
                4.668018887757033,
            ],
            [
                -0.30794587303063214,
                0.5371996601182589,
                0.5596157879354227,
                0.4037088171597578,
                -1.1512645540921709,
            ],
        ),
        (
            Constraint::Interval(
                bound(&[-1.0, 0.0, 1.0, 2.0, 3.0]),
                Bound::Tensor(Tensor::from(4.0)),
            ),
            [
                -0.40398538988941224,
                1.702229932753364,
                2.5,
                3.379948962255225,
                3.9525741268224333,
            ],
            [
                -0.6444181096518451,
                -0.022416127817163733,
                -0.2876820724517808,
                -0.8490541513356101,
                -3.097174703147484,
            ],
        ),
    ];
    for (constraint, y_golden, ladj_golden) in cases {
        let transform = biject_to(&constraint).unwrap();
        let y = transform.forward(&x).unwrap();
        assert_close(&y, &y_golden, 1e-13, 1e-13);
        let log_det = transform.log_abs_det_jacobian(&x, &y).unwrap();
        assert_close(&log_det, &ladj_golden, 1e-13, 1e-13);
    }
}

/// Bounds given as numbers keep a float32 value float32.
#[test]
fn number_bounds_keep_the_value_type() {
    let transform =
        biject_to(&Constraint::Interval(Bound::Value(-2.0), Bound::Value(5.0))).unwrap();
    let x = unconstrained().to_kind(Kind::Float);
    let y = transform.forward(&x).unwrap();
    assert_eq!(y.kind(), Kind::Float);
    assert_eq!(
        transform.log_abs_det_jacobian(&x, &y).unwrap().kind(),
        Kind::Float
    );
}

/// `transform_to` differs where torch's does: softmax onto the simplex
/// (shape preserving, not bijective), and maps onto Cholesky factors and
/// positive-definite matrices, which have no bijection.
#[test]
fn transform_to_covers_matrix_and_simplex_constraints() {
    let x = unconstrained();
    let softmax = transform_to(&Constraint::Simplex).unwrap();
    assert!(!softmax.bijective());
    let y = softmax.forward(&x).unwrap();
    assert_eq!(y.size(), [4, 5]);
    assert_all(&Constraint::Simplex.check(&y).unwrap());
    let square = x.narrow(1, 0, 4);
    for constraint in [Constraint::LowerCholesky, Constraint::PositiveDefinite] {
        let y = transform_to(&constraint).unwrap().forward(&square).unwrap();
        assert_all(&constraint.check(&y).unwrap());
        assert!(matches!(
            biject_to(&constraint),
            Err(Error::NoBijection { .. })
        ));
    }
    // Elsewhere both registries agree.
    let positive = transform_to(&Constraint::Positive).unwrap();
    assert_eq!(positive.name(), "ExpTransform");
}

#[test]
fn discrete_constraints_have_no_bijection() {
    for constraint in [
        Constraint::Boolean,
        Constraint::NonNegativeInteger,
        Constraint::IntegerInterval(0, 4),
        Constraint::OneHot,
        Constraint::Boolean.independent(1),
    ] {
        let message = match biject_to(&constraint) {
            Err(error @ Error::NoBijection { .. }) => error.to_string(),
            other => panic!("{constraint}: {other:?}"),
        };
        assert!(message.contains(&constraint.to_string()), "{message}");
        assert!(matches!(
            transform_to(&constraint),
            Err(Error::NoBijection { .. })
        ));
    }
}
