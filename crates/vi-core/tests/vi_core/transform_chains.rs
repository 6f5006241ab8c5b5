//! Affine, power, softmax, matrix transforms and chains (compose,
//! independent, inverse) against torch.distributions.transforms (PyTorch
//! 2.13.0, CPU), and every log-Jacobian against the Jacobian that autograd
//! computes in float64.
//!
//! The golden constants were printed by:
//! ```python
//! from torch.distributions.transforms import *
//! for dt, tag in ((torch.float64, "F64"), (torch.float32, "F32")):
//!     a = AffineTransform(torch.tensor([0.5, -1.0], dtype=dt),
//!                         torch.tensor([2.0, -3.0], dtype=dt), event_dim=1)
//!     xa = torch.tensor([[1.0, 2.0], [-0.5, 0.25], [3.0, -4.0]], dtype=dt)
//!     ya = a(xa); a.log_abs_det_jacobian(xa, ya)          # AFFINE_Y, AFFINE_LADJ
//!     p = PowerTransform(torch.tensor([2.0, 0.5, -1.0], dtype=dt))
//!     xp = torch.tensor([0.5, 2.0, 3.0], dtype=dt)
//!     yp = p(xp); p.log_abs_det_jacobian(xp, yp)          # POWER_Y, POWER_LADJ
//!     xs = torch.tensor([[0.3, -1.2, 2.0], [0.0, 0.0, 0.0], [50.0, -50.0, 30.0]], dtype=dt)
//!     SoftmaxTransform()(xs)                              # SOFTMAX_Y
//!     xm = torch.tensor([[0.3, 5.0, -1.0], [-1.2, 2.0, 7.0], [0.4, -0.6, -0.8]], dtype=dt)
//!     LowerCholeskyTransform()(xm)                        # LOWER_CHOLESKY_Y
//!     PositiveDefiniteTransform()(xm)                     # POSITIVE_DEFINITE_Y
//!     c = ComposeTransform([StickBreakingTransform(), ExpTransform()])
//!     yc = c(xs[:2]); c.log_abs_det_jacobian(xs[:2], yc)  # SB_EXP_Y, SB_EXP_LADJ
//!     c2 = ComposeTransform([ExpTransform(), StickBreakingTransform()])
//!     yc2 = c2(xs[:2]); c2.log_abs_det_jacobian(xs[:2], yc2)  # EXP_SB_Y, EXP_SB_LADJ
//! (c.domain.event_dim, c.codomain.event_dim, c2.domain.event_dim, c2.codomain.event_dim)
//! # (1, 1, 1, 1)
//! ```

// Some golden values printed by torch are √2 and ln 2 themselves.
#![allow(clippy::approx_constant)]

use tch::{Kind, Tensor};
use vi_core::Transform;
use vi_core::transforms::{
    AffineTransform, ComposeTransform, ExpTransform, IndependentTransform, InverseTransform,
    LowerCholeskyTransform, PositiveDefiniteTransform, PowerTransform, SigmoidTransform,
    SoftmaxTransform, SoftplusTransform, StickBreakingTransform, TanhTransform,
};

use crate::common::{assert_close, f64s, item, values};

#[rustfmt::skip]
const AFFINE_Y_F64: &[f64] = &[2.5, -7.0, -0.5, -1.75, 6.5, 11.0];
#[rustfmt::skip]
const AFFINE_LADJ_F64: &[f64] = &[1.791759469228055, 1.791759469228055, 1.791759469228055];
#[rustfmt::skip]
const POWER_Y_F64: &[f64] = &[0.25, 1.4142135623730951, 0.3333333333333333];
#[rustfmt::skip]
const POWER_LADJ_F64: &[f64] = &[0.0, -1.0397207708399179, -2.1972245773362196];
#[rustfmt::skip]
const SOFTMAX_Y_F64: &[f64] = &[0.14931886218339122, 0.0333175416321614, 0.8173635961844474, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.9999999979388463, 3.7200759683531877e-44, 2.0611536181902033e-09];
#[rustfmt::skip]
const LOWER_CHOLESKY_Y_F64: &[f64] = &[1.3498588075760032, 0.0, 0.0, -1.2, 7.38905609893065, 0.0, 0.4, -0.6, 0.44932896411722156];
#[rustfmt::skip]
const POSITIVE_DEFINITE_Y_F64: &[f64] = &[1.822118800390509, -1.6198305690912038, 0.5399435230304013, -1.6198305690912038, 56.03815003314424, -4.91343365935839, 0.5399435230304013, -4.91343365935839, 0.7218965179946554];
#[rustfmt::skip]
const SB_EXP_Y_F64: &[f64] = &[1.3638648105541848, 1.0944688408276415, 1.6954652005703048, 1.0740657688329325, 1.2840254166877414, 1.2840254166877414, 1.2840254166877414, 1.2840254166877414];
#[rustfmt::skip]
const SB_EXP_LADJ_F64: &[f64] = &[-5.85258297341167, -4.545177444479562];
#[rustfmt::skip]
const EXP_SB_Y_F64: &[f64] = &[0.5624832878568097, 0.17642741178664775, 0.26092805230249255, 0.0001612480540499974, 0.4753668864186717, 0.3022499950414722, 0.16257508655105501, 0.05980803198880098];
#[rustfmt::skip]
const EXP_SB_LADJ_F64: &[f64] = &[-11.286316849293302, -6.573399812223096];
#[rustfmt::skip]
const AFFINE_Y_F32: &[f64] = &[2.5, -7.0, -0.5, -1.75, 6.5, 11.0];
#[rustfmt::skip]
const AFFINE_LADJ_F32: &[f64] = &[1.7917594909667969, 1.7917594909667969, 1.7917594909667969];
#[rustfmt::skip]
const POWER_Y_F32: &[f64] = &[0.25, 1.4142135381698608, 0.3333333432674408];
#[rustfmt::skip]
const POWER_LADJ_F32: &[f64] = &[0.0, -1.0397207736968994, -2.1972246170043945];
#[rustfmt::skip]
const SOFTMAX_Y_F32: &[f64] = &[0.1493188589811325, 0.03331753984093666, 0.8173636198043823, 0.3333333432674408, 0.3333333432674408, 0.3333333432674408, 1.0, 3.783505853677006e-44, 2.06115369216775e-09];
#[rustfmt::skip]
const LOWER_CHOLESKY_Y_F32: &[f64] = &[1.3498588800430298, 0.0, 0.0, -1.2000000476837158, 7.389056205749512, 0.0, 0.4000000059604645, -0.6000000238418579, 0.4493289589881897];
#[rustfmt::skip]
const POSITIVE_DEFINITE_Y_F32: &[f64] = &[1.8221189975738525, -1.6198307275772095, 0.5399435758590698, -1.6198307275772095, 56.038150787353516, -4.913434028625488, 0.5399435758590698, -4.913434028625488, 0.7218965291976929];
#[rustfmt::skip]
const SB_EXP_Y_F32: &[f64] = &[1.363864779472351, 1.0944688320159912, 1.6954652070999146, 1.0740658044815063, 1.2840254306793213, 1.2840254306793213, 1.2840254306793213, 1.2840254306793213];
#[rustfmt::skip]
const SB_EXP_LADJ_F32: &[f64] = &[-5.852582931518555, -4.545177459716797];
#[rustfmt::skip]
const EXP_SB_Y_F32: &[f64] = &[0.5624833106994629, 0.17642739415168762, 0.26092803478240967, 0.00016125483671203256, 0.4753669202327728, 0.302249938249588, 0.16257508099079132, 0.059808023273944855];
#[rustfmt::skip]
const EXP_SB_LADJ_F32: &[f64] = &[-11.286317825317383, -6.573400020599365];

fn tol(kind: Kind) -> (f64, f64) {
    match kind {
        Kind::Double => (1e-13, 1e-12),
        _ => (1e-6, 2e-6),
    }
}

fn input(values: &[f64], shape: &[i64], kind: Kind) -> Tensor {
    f64s(values, shape).to_kind(kind)
}

#[rustfmt::skip]
const SB_X: &[f64] = &[0.3, -1.2, 2.0, 0.0, 0.0, 0.0, 50.0, -50.0, 30.0];
#[rustfmt::skip]
const MATRIX: &[f64] = &[0.3, 5.0, -1.0, -1.2, 2.0, 7.0, 0.4, -0.6, -0.8];

#[test]
fn parameterized_and_matrix_transforms_match_torch() {
    for (kind, golden) in [
        (
            Kind::Double,
            [
                AFFINE_Y_F64,
                AFFINE_LADJ_F64,
                POWER_Y_F64,
                POWER_LADJ_F64,
                SOFTMAX_Y_F64,
                LOWER_CHOLESKY_Y_F64,
                POSITIVE_DEFINITE_Y_F64,
            ],
        ),
        (
            Kind::Float,
            [
                AFFINE_Y_F32,
                AFFINE_LADJ_F32,
                POWER_Y_F32,
                POWER_LADJ_F32,
                SOFTMAX_Y_F32,
                LOWER_CHOLESKY_Y_F32,
                POSITIVE_DEFINITE_Y_F32,
            ],
        ),
    ] {
        let (abs, rel) = tol(kind);
        let affine = AffineTransform::with_event_dim(
            &input(&[0.5, -1.0], &[2], kind),
            &input(&[2.0, -3.0], &[2], kind),
            1,
        )
        .unwrap();
        let x = input(&[1.0, 2.0, -0.5, 0.25, 3.0, -4.0], &[3, 2], kind);
        let y = affine.forward(&x).unwrap();
        assert_close(&y, golden[0], abs, rel);
        assert_close(
            &affine.log_abs_det_jacobian(&x, &y).unwrap(),
            golden[1],
            abs,
            rel,
        );
        assert_close(&affine.inverse(&y).unwrap(), &values(&x), abs, rel);

        let power = PowerTransform::new(&input(&[2.0, 0.5, -1.0], &[3], kind)).unwrap();
        let x = input(&[0.5, 2.0, 3.0], &[3], kind);
        let y = power.forward(&x).unwrap();
        assert_close(&y, golden[2], abs, rel);
        assert_close(
            &power.log_abs_det_jacobian(&x, &y).unwrap(),
            golden[3],
            abs,
            rel,
        );
        assert_close(&power.inverse(&y).unwrap(), &values(&x), abs, rel);

        let x = input(SB_X, &[3, 3], kind);
        assert_close(&SoftmaxTransform.forward(&x).unwrap(), golden[4], abs, rel);
        let m = input(MATRIX, &[3, 3], kind);
        let lower = LowerCholeskyTransform.forward(&m).unwrap();
        assert_close(&lower, golden[5], abs, rel);
        assert_close(
            &LowerCholeskyTransform.inverse(&lower).unwrap(),
            &values(&m.tril(0)),
            abs,
            rel,
        );
        let spd = PositiveDefiniteTransform.forward(&m).unwrap();
        assert_close(&spd, golden[6], abs, 10.0 * rel);
        let back = PositiveDefiniteTransform.inverse(&spd).unwrap();
        assert_close(&back, &values(&m.tril(0)), abs, rel);
    }
}

/// torch's `AffineTransform(0., torch.tensor(2.), event_dim=1)` counts
/// `log 2` once for a 3-vector (0.6931); the true log-determinant, which
/// torch gives for the number `2.` (2.0794415416798357), is `3 log 2`.
#[test]
fn affine_with_a_scalar_scale_sums_over_the_whole_event() {
    let affine =
        AffineTransform::with_event_dim(&Tensor::from(0.0), &Tensor::from(2.0), 1).unwrap();
    let x = f64s(&[1.0, 2.0, 3.0], &[3]);
    let log_det = affine.log_abs_det_jacobian(&x, &x).unwrap();
    assert_eq!(log_det.size(), [] as [i64; 0]);
    assert_close(&log_det, &[2.0794415416798357], 1e-15, 0.0);
    // A 0-d float64 parameter keeps a float32 value float32, as torch's numbers do.
    let x32 = x.to_kind(Kind::Float);
    assert_eq!(affine.forward(&x32).unwrap().kind(), Kind::Float);
    assert_eq!(
        affine.log_abs_det_jacobian(&x32, &x32).unwrap().kind(),
        Kind::Float
    );
}

/// Event dimensions of a chain follow torch's `ComposeTransform`, and the
/// log-Jacobian sums each part down to the chain's event.
#[test]
fn compositions_match_torch() {
    for (kind, golden) in [
        (
            Kind::Double,
            [SB_EXP_Y_F64, SB_EXP_LADJ_F64, EXP_SB_Y_F64, EXP_SB_LADJ_F64],
        ),
        (
            Kind::Float,
            [SB_EXP_Y_F32, SB_EXP_LADJ_F32, EXP_SB_Y_F32, EXP_SB_LADJ_F32],
        ),
    ] {
        let (abs, rel) = tol(kind);
        let x = input(&SB_X[..6], &[2, 3], kind);
        let chains = [
            ComposeTransform::new(vec![
                Box::new(StickBreakingTransform),
                Box::new(ExpTransform),
            ]),
            ComposeTransform::new(vec![
                Box::new(ExpTransform),
                Box::new(StickBreakingTransform),
            ]),
        ];
        for (chain, (y_golden, ladj_golden)) in chains.iter().zip([(0, 1), (2, 3)]) {
            assert_eq!(chain.domain().event_dim(), 1);
            assert_eq!(chain.codomain().event_dim(), 1);
            let y = chain.forward(&x).unwrap();
            assert_eq!(y.size(), [2, 4]);
            assert_close(&y, golden[y_golden], abs, rel);
            let log_det = chain.log_abs_det_jacobian(&x, &y).unwrap();
            assert_close(&log_det, golden[ladj_golden], abs, rel);
            let (y_once, log_det_once) = chain.forward_with_log_abs_det_jacobian(&x).unwrap();
            assert!(y_once.equal(&y) && log_det_once.equal(&log_det));
            // Inverting through a short remaining stick costs float32 digits.
            let round_trip = if kind == Kind::Double { 1e-12 } else { 1e-4 };
            let back = chain.inverse(&y).unwrap();
            assert_close(&back, &values(&x), round_trip, round_trip);
        }
    }
    // The empty chain is the identity, with log-Jacobian 0.
    let identity = ComposeTransform::identity();
    let x = f64s(&[1.0, -2.0], &[2]);
    assert!(identity.forward(&x).unwrap().equal(&x));
    assert_eq!(
        values(&identity.log_abs_det_jacobian(&x, &x).unwrap()),
        [0.0, 0.0]
    );
}

/// `J[i][j] = ∂yᵢ/∂xⱼ` of `f` at `x` (a vector), by one backward pass per
/// output.
fn jacobian(f: impl Fn(&Tensor) -> Tensor, x: &[f64]) -> Tensor {
    let x = f64s(x, &[x.len() as i64]).set_requires_grad(true);
    let y = f(&x);
    let rows: Vec<Tensor> = (0..y.size()[0])
        .map(|i| Tensor::run_backward(&[y.get(i)], &[&x], true, false).remove(0))
        .collect();
    Tensor::stack(&rows, 0)
}

fn log_abs_det(matrix: &Tensor) -> f64 {
    let (_, log_abs) = Tensor::linalg_slogdet(matrix);
    item(&log_abs)
}

/// `log |det J|` of every bijective transform equals the log-determinant of
/// the Jacobian autograd computes (float64, to 1e-10).
#[test]
fn log_jacobians_match_autograd() {
    let x = [-2.3, -0.4, 0.6, 1.7];
    let positive = [0.3, 1.1, 2.5, 4.0];
    let affine = AffineTransform::new(
        &f64s(&[0.5, -1.0, 2.0, 0.0], &[4]),
        &f64s(&[2.0, -3.0, 0.25, 1.5], &[4]),
    )
    .unwrap();
    let power = PowerTransform::new(&f64s(&[2.0, 0.5, -1.0, 3.0], &[4])).unwrap();
    let logit = InverseTransform::new(Box::new(SigmoidTransform));
    let chain = ComposeTransform::new(vec![
        Box::new(AffineTransform::from_values(0.3, -2.0).unwrap()),
        Box::new(TanhTransform),
        Box::new(AffineTransform::from_values(1.0, 4.0).unwrap()),
        Box::new(SoftplusTransform),
    ]);
    let vector = IndependentTransform::new(Box::new(ExpTransform), 1);
    let cases: [(&dyn Transform, &[f64]); 9] = [
        (&ExpTransform, &x),
        (&SigmoidTransform, &x),
        (&TanhTransform, &x),
        (&SoftplusTransform, &x),
        (&affine, &x),
        (&power, &positive),
        (&logit, &[0.1, 0.45, 0.5, 0.93]),
        (&chain, &x),
        (&vector, &x),
    ];
    for (transform, point) in cases {
        let jac = jacobian(|x| transform.forward(x).unwrap(), point);
        let x = f64s(point, &[4]);
        let y = transform.forward(&x).unwrap();
        let log_det = transform.log_abs_det_jacobian(&x, &y).unwrap();
        let expected = log_abs_det(&jac);
        let total = item(&log_det.sum(Kind::Double));
        assert!(
            (total - expected).abs() < 1e-10,
            "{}: {total} vs autograd {expected}",
            transform.name()
        );
    }
}

/// Stick-breaking maps `ℝ^{K−1}` into the `K−1` free coordinates of the
/// simplex; its log-Jacobian is that square Jacobian's.
#[test]
fn stick_breaking_log_jacobian_matches_autograd() {
    for point in [[0.3, -1.2, 2.0], [0.0, 0.0, 0.0], [4.0, -6.0, 1.5]] {
        let jac = jacobian(
            |x| StickBreakingTransform.forward(x).unwrap().narrow(0, 0, 3),
            &point,
        );
        let x = f64s(&point, &[3]);
        let y = StickBreakingTransform.forward(&x).unwrap();
        let log_det = StickBreakingTransform.log_abs_det_jacobian(&x, &y).unwrap();
        assert_close(&log_det, &[log_abs_det(&jac)], 1e-10, 1e-10);
    }
}

/// `inverse(forward(x)) = x` for the bijective transforms, float64.
#[test]
fn round_trips_recover_the_input() {
    let x = f64s(&[-4.0, -0.7, 0.0, 0.3, 5.0], &[5]);
    let transforms: [&dyn Transform; 4] = [
        &ExpTransform,
        &SigmoidTransform,
        &TanhTransform,
        &SoftplusTransform,
    ];
    for transform in transforms {
        let back = transform.inverse(&transform.forward(&x).unwrap()).unwrap();
        assert_close(&back, &values(&x), 1e-12, 1e-12);
    }
    let simplex = StickBreakingTransform.forward(&x).unwrap();
    assert_close(&simplex.sum(Kind::Double), &[1.0], 1e-15, 0.0);
    let back = StickBreakingTransform.inverse(&simplex).unwrap();
    assert_close(&back, &values(&x), 1e-12, 1e-12);
}
