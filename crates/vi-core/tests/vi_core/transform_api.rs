//! The parts of the `Transform` interface that are not numbers: shapes,
//! domains and event dimensions, signs, `same_as`, and the typed errors
//! that replace libtorch panics.

use tch::{Kind, Tensor};
use vi_core::transforms::{
    AbsTransform, AffineTransform, ComposeTransform, ExpTransform, IndependentTransform,
    InverseTransform, LowerCholeskyTransform, PositiveDefiniteTransform, PowerTransform,
    SigmoidTransform, Sign, SoftmaxTransform, StickBreakingTransform, TanhTransform,
};
use vi_core::{Constraint, Error, Transform, validation};

use crate::common::{f32s, f64s, values};

fn affine(loc: &[f64], scale: &[f64]) -> AffineTransform {
    let shape = [loc.len() as i64];
    AffineTransform::new(&f64s(loc, &shape), &f64s(scale, &[scale.len() as i64]))
        .expect("test fixture")
}

#[test]
fn shapes_follow_torch() {
    let sb = StickBreakingTransform;
    assert_eq!(sb.forward_shape(&[2, 3]).unwrap(), [2, 4]);
    assert_eq!(sb.inverse_shape(&[2, 4]).unwrap(), [2, 3]);
    assert!(matches!(
        sb.forward_shape(&[]),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        sb.inverse_shape(&[2, 0]),
        Err(Error::ShapeMismatch { .. })
    ));
    // Parameters broadcast into the shape, as torch's forward_shape.
    let loc = f64s(&[0.0, 1.0], &[2, 1]);
    let wide = AffineTransform::new(&loc, &Tensor::from(2.0)).unwrap();
    assert_eq!(wide.forward_shape(&[3]).unwrap(), [2, 3]);
    assert!(matches!(
        wide.forward_shape(&[2, 4, 5]),
        Err(Error::ShapeMismatch { .. })
    ));
    let chain = ComposeTransform::new(vec![Box::new(wide), Box::new(StickBreakingTransform)]);
    assert_eq!(chain.forward_shape(&[3]).unwrap(), [2, 4]);
    assert_eq!(chain.inverse_shape(&[2, 4]).unwrap(), [2, 3]);
}

/// torch's `ComposeTransform.domain`/`codomain`: the event grows to the
/// most any part couples.
#[test]
fn chains_widen_their_constraints() {
    let chain = ComposeTransform::new(vec![
        Box::new(ExpTransform),
        Box::new(StickBreakingTransform),
    ]);
    assert!(
        matches!(chain.domain(), Constraint::Independent(inner, 1) if matches!(*inner, Constraint::Real))
    );
    assert!(matches!(chain.codomain(), Constraint::Simplex));
    let chain = ComposeTransform::new(vec![
        Box::new(StickBreakingTransform),
        Box::new(ExpTransform),
    ]);
    assert!(
        matches!(chain.codomain(), Constraint::Independent(inner, 1) if matches!(*inner, Constraint::Positive))
    );
    assert!(matches!(
        ComposeTransform::identity().domain(),
        Constraint::Real
    ));
    let vector = IndependentTransform::new(Box::new(SigmoidTransform), 2);
    assert_eq!(vector.domain().event_dim(), 2);
    assert!(
        matches!(vector.codomain(), Constraint::Independent(inner, 2) if matches!(*inner, Constraint::UnitInterval))
    );
    let logit = InverseTransform::new(Box::new(SigmoidTransform));
    assert!(matches!(logit.domain(), Constraint::UnitInterval));
    assert!(matches!(logit.codomain(), Constraint::Real));
}

fn sign_values(sign: Option<Sign>) -> Option<Vec<f64>> {
    sign.map(|sign| match sign {
        Sign::Increasing => vec![1.0],
        Sign::Decreasing => vec![-1.0],
        Sign::Elementwise(signs) => values(&signs),
    })
}

#[test]
fn signs_multiply_along_a_chain() {
    assert_eq!(sign_values(ExpTransform.sign()), Some(vec![1.0]));
    assert_eq!(
        sign_values(affine(&[0.0, 0.0], &[2.0, -3.0]).sign()),
        Some(vec![1.0, -1.0])
    );
    let chain = ComposeTransform::new(vec![
        Box::new(affine(&[0.0, 0.0], &[2.0, -3.0])),
        Box::new(TanhTransform),
        Box::new(affine(&[1.0], &[-1.0])),
    ]);
    assert_eq!(sign_values(chain.sign()), Some(vec![-1.0, 1.0]));
    let power = PowerTransform::new(&f64s(&[2.0, -0.5], &[2])).unwrap();
    assert_eq!(sign_values(power.sign()), Some(vec![1.0, -1.0]));
    assert!(AbsTransform.sign().is_none());
    assert!(StickBreakingTransform.sign().is_none());
    let folded = ComposeTransform::new(vec![Box::new(ExpTransform), Box::new(AbsTransform)]);
    assert!(folded.sign().is_none());
    assert!(!folded.bijective());
    let p = f64s(&[0.2, 0.9], &[2]);
    assert_eq!(
        values(&Sign::Decreasing.monotonize(&p).unwrap()),
        [0.8, 0.09999999999999998]
    );
}

#[test]
fn same_as_compares_maps_not_objects() {
    assert!(ExpTransform.same_as(&ExpTransform));
    assert!(!ExpTransform.same_as(&SigmoidTransform));
    assert!(affine(&[1.0, 2.0], &[3.0, 4.0]).same_as(&affine(&[1.0, 2.0], &[3.0, 4.0])));
    assert!(!affine(&[1.0, 2.0], &[3.0, 4.0]).same_as(&affine(&[1.0, 2.0], &[3.0, 5.0])));
    // Equal after broadcasting, as torch's `(a == b).all()`.
    assert!(
        affine(&[1.0, 1.0], &[3.0, 3.0]).same_as(&AffineTransform::from_values(1.0, 3.0).unwrap())
    );
    let vector =
        AffineTransform::with_event_dim(&Tensor::from(1.0), &Tensor::from(3.0), 1).unwrap();
    assert!(!vector.same_as(&AffineTransform::from_values(1.0, 3.0).unwrap()));
    let chain = || -> ComposeTransform {
        ComposeTransform::new(vec![
            Box::new(ExpTransform),
            Box::new(affine(&[1.0], &[2.0])),
        ])
    };
    assert!(chain().same_as(&chain()));
    let longer = ComposeTransform::new(vec![Box::new(chain()), Box::new(TanhTransform)]);
    assert!(!chain().same_as(&longer));
    let independent = |n| IndependentTransform::new(Box::new(ExpTransform), n);
    assert!(independent(1).same_as(&independent(1)));
    assert!(!independent(1).same_as(&independent(2)));
    let inverse = |t: Box<dyn Transform>| InverseTransform::new(t);
    assert!(inverse(Box::new(TanhTransform)).same_as(&inverse(Box::new(TanhTransform))));
    assert!(!inverse(Box::new(TanhTransform)).same_as(&TanhTransform));
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let integers = Tensor::from_slice(&[1i64, 2]);
    assert!(matches!(
        ExpTransform.forward(&integers),
        Err(Error::Dtype { .. })
    ));
    assert!(matches!(
        StickBreakingTransform.forward(&Tensor::from(1.0)),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        StickBreakingTransform.inverse(&Tensor::zeros([2, 0], (Kind::Double, tch::Device::Cpu))),
        Err(Error::ShapeMismatch { .. })
    ));
    let x = f64s(&[0.1, 0.2], &[2]);
    let y = StickBreakingTransform.forward(&x).unwrap();
    assert!(matches!(
        StickBreakingTransform.log_abs_det_jacobian(&x, &y.narrow(0, 0, 2)),
        Err(Error::ShapeMismatch { .. })
    ));
    let three = affine(&[0.0, 0.0, 0.0], &[1.0, 1.0, 1.0]);
    assert!(matches!(
        three.forward(&f64s(&[1.0; 4], &[4])),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        three.inverse(&f64s(&[1.0; 4], &[4])),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        AffineTransform::new(&f64s(&[0.0; 3], &[3]), &f64s(&[1.0; 4], &[4])),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        AffineTransform::new(&f32s(&[0.0], &[1]), &f64s(&[1.0], &[1])),
        Err(Error::Dtype { .. })
    ));
    assert!(matches!(
        LowerCholeskyTransform.forward(&f64s(&[1.0; 6], &[2, 3])),
        Err(Error::ShapeMismatch { .. })
    ));
    let no_categories = Tensor::zeros([2, 0], (Kind::Double, tch::Device::Cpu));
    assert!(matches!(
        SoftmaxTransform.forward(&no_categories),
        Err(Error::ShapeMismatch { .. })
    ));
    assert_eq!(
        StickBreakingTransform
            .forward(&no_categories)
            .unwrap()
            .size(),
        [2, 1]
    );
    let not_spd = f64s(&[1.0, 2.0, 2.0, 1.0], &[2, 2]);
    assert!(matches!(
        PositiveDefiniteTransform.inverse(&not_spd),
        Err(Error::Torch(_))
    ));
}

/// Transforms that are not one-to-one have no log-Jacobian, as in torch.
#[test]
fn maps_that_are_not_bijective_have_no_log_jacobian() {
    let x = f64s(&[0.5, -1.0], &[2]);
    let m = f64s(&[1.0, 0.0, 0.5, 2.0], &[2, 2]);
    let cases: [(&dyn Transform, &Tensor); 4] = [
        (&AbsTransform, &x),
        (&SoftmaxTransform, &x),
        (&LowerCholeskyTransform, &m),
        (&PositiveDefiniteTransform, &m),
    ];
    for (transform, input) in cases {
        assert!(!transform.bijective());
        let y = transform.forward(input).unwrap();
        assert!(matches!(
            transform.log_abs_det_jacobian(input, &y),
            Err(Error::NotImplemented { .. })
        ));
    }
    // The pseudo-inverse of |x| is the identity (torch's).
    assert!(AbsTransform.inverse(&x).unwrap().equal(&x));
}

/// A zero scale or exponent makes the map constant: refused while
/// validating, accepted when the caller vouches for the parameters.
#[test]
fn degenerate_parameters_are_refused() {
    let zero = f64s(&[1.0, 0.0], &[2]);
    assert!(matches!(
        AffineTransform::new(&Tensor::from(0.0), &zero),
        Err(Error::InvalidParameter {
            parameter: "scale",
            ..
        })
    ));
    assert!(matches!(
        AffineTransform::new(&f64s(&[f64::NAN], &[1]), &Tensor::from(1.0)),
        Err(Error::InvalidParameter {
            parameter: "loc",
            ..
        })
    ));
    assert!(matches!(
        PowerTransform::new(&zero),
        Err(Error::InvalidParameter {
            parameter: "exponent",
            ..
        })
    ));
    assert!(
        validation::without_validation(|| AffineTransform::new(&Tensor::from(0.0), &zero)).is_ok()
    );
}

/// Gradients flow to the affine map's tensor parameters.
#[test]
fn affine_parameters_receive_gradients() {
    let loc = f64s(&[0.5, -1.0], &[2]).set_requires_grad(true);
    let scale = f64s(&[2.0, -3.0], &[2]).set_requires_grad(true);
    let transform = AffineTransform::new(&loc, &scale).unwrap();
    let x = f64s(&[1.5, 4.0], &[2]);
    let y = transform.forward(&x).unwrap();
    let objective = y.sum(Kind::Double)
        + transform
            .log_abs_det_jacobian(&x, &y)
            .unwrap()
            .sum(Kind::Double);
    let grads = Tensor::run_backward(&[objective], &[&loc, &scale], false, false);
    assert_eq!(values(&grads[0]), [1.0, 1.0]);
    // ∂/∂s (s x + log |s|) = x + 1/s.
    assert_eq!(values(&grads[1]), [1.5 + 0.5, 4.0 - 1.0 / 3.0]);
}
