//! Transforms against torch.distributions.transforms (PyTorch 2.13.0,
//! CPU): golden values in float64 and float32, including saturated inputs,
//! round trips, and log-Jacobians against the Jacobian autograd computes.
//!
//! The golden constants below were printed by:
//! ```python
//! from torch.distributions.transforms import *
//! for dt, tag in ((torch.float64, "F64"), (torch.float32, "F32")):
//!     x = torch.tensor([-3.0, -0.5, 0.0, 0.7, 2.5], dtype=dt)
//!     ext = torch.tensor([-100.0, -20.0, 20.0, 100.0], dtype=dt)
//!     for T, n in ((ExpTransform(), "EXP"), (SigmoidTransform(), "SIGMOID"),
//!                  (TanhTransform(), "TANH"), (SoftplusTransform(), "SOFTPLUS")):
//!         y = T(x)                                  # {n}_Y_{tag}
//!         T.log_abs_det_jacobian(x, y)              # {n}_LADJ_{tag}
//!         if n != "EXP":
//!             y = T(ext)                            # {n}_EXT_Y_{tag}
//!             T.log_abs_det_jacobian(ext, y)        # {n}_EXT_LADJ_{tag}
//!             T.inv(y)                              # {n}_EXT_INV_{tag} (not for TANH: ±inf)
//!     xs = torch.tensor([[0.3, -1.2, 2.0], [0.0, 0.0, 0.0], [50.0, -50.0, 30.0]], dtype=dt)
//!     sb = StickBreakingTransform(); ys = sb(xs)    # SB_Y_{tag}
//!     sb.log_abs_det_jacobian(xs, ys)               # SB_LADJ_{tag}
//!     sb.inv(ys)                                    # SB_INV_{tag}
//! ```

// Some golden values printed by torch are √2 and ln 2 themselves.
#![allow(clippy::approx_constant)]

use tch::{Kind, Tensor};
use vi_core::Transform;
use vi_core::transforms::{
    ExpTransform, SigmoidTransform, SoftplusTransform, StickBreakingTransform, TanhTransform,
};

use crate::common::{assert_close, f64s, values};

#[rustfmt::skip]
const EXP_Y_F64: &[f64] = &[0.049787068367863944, 0.6065306597126334, 1.0, 2.0137527074704766, 12.182493960703473];
#[rustfmt::skip]
const EXP_LADJ_F64: &[f64] = &[-3.0, -0.5, 0.0, 0.7, 2.5];
#[rustfmt::skip]
const SIGMOID_Y_F64: &[f64] = &[0.04742587317756678, 0.3775406687981454, 0.5, 0.6681877721681662, 0.9241418199787566];
#[rustfmt::skip]
const SIGMOID_LADJ_F64: &[f64] = &[-3.097174703147484, -1.4481539683602134, -1.3862943611198906, -1.5063720977709159, -2.6577794685850993];
#[rustfmt::skip]
const SIGMOID_EXT_Y_F64: &[f64] = &[3.7200759760208356e-44, 2.0611536181902037e-09, 0.9999999979388463, 0.9999999999999998];
#[rustfmt::skip]
const SIGMOID_EXT_LADJ_F64: &[f64] = &[-100.0, -20.000000004122306, -20.000000004122306, -100.0];
#[rustfmt::skip]
const SIGMOID_EXT_INV_F64: &[f64] = &[-100.0, -20.0, 19.99999996410867, 36.04365338911715];
#[rustfmt::skip]
const TANH_Y_F64: &[f64] = &[-0.9950547536867305, -0.46211715726000974, 0.0, 0.6043677771171635, 0.9866142981514303];
#[rustfmt::skip]
const TANH_LADJ_F64: &[f64] = &[-4.618657009155569, -0.24022901391655482, 0.0, -0.4545404587170112, -3.6271363358583453];
#[rustfmt::skip]
const TANH_EXT_Y_F64: &[f64] = &[-1.0, -1.0, 1.0, 1.0];
#[rustfmt::skip]
const TANH_EXT_LADJ_F64: &[f64] = &[-198.6137056388801, -38.61370563888011, -38.61370563888011, -198.6137056388801];
#[rustfmt::skip]
const SOFTPLUS_Y_F64: &[f64] = &[0.04858735157374206, 0.4740769841801067, 0.6931471805599453, 1.103186048885458, 2.5788897342925496];
#[rustfmt::skip]
const SOFTPLUS_LADJ_F64: &[f64] = &[-3.048587351573742, -0.9740769841801067, -0.6931471805599453, -0.4031860488854579, -0.07888973429254963];
#[rustfmt::skip]
const SOFTPLUS_EXT_Y_F64: &[f64] = &[3.720075976020836e-44, 2.061153620314381e-09, 20.000000002061153, 100.0];
#[rustfmt::skip]
const SOFTPLUS_EXT_LADJ_F64: &[f64] = &[-100.0, -20.000000002061153, -2.061153620314381e-09, -3.720075976020836e-44];
#[rustfmt::skip]
const SOFTPLUS_EXT_INV_F64: &[f64] = &[-100.0, -20.0, 20.0, 100.0];
#[rustfmt::skip]
const SB_Y_F64: &[f64] = &[0.3103224420123704, 0.09026916871088567, 0.527957157790385, 0.07145123148635886, 0.25, 0.25, 0.25, 0.25, 0.9999999999999998, 2.1413424899518075e-38, 2.2204460492501055e-16, 2.0756902568627873e-29];
#[rustfmt::skip]
const SB_LADJ_F64: &[f64] = &[-6.85258297341167, -5.545177444479562, -201.68184167012632];
#[rustfmt::skip]
const SB_INV_F64: &[f64] = &[0.30000000000000004, -1.1999999999999997, 1.9999999999999982, 2.220446049250313e-16, 0.0, 0.0, 37.14226567778526, -50.0, 672.3527651431468];
#[rustfmt::skip]
const EXP_Y_F32: &[f64] = &[0.049787066876888275, 0.6065306663513184, 1.0, 2.0137526988983154, 12.182494163513184];
#[rustfmt::skip]
const EXP_LADJ_F32: &[f64] = &[-3.0, -0.5, 0.0, 0.699999988079071, 2.5];
#[rustfmt::skip]
const SIGMOID_Y_F32: &[f64] = &[0.04742587357759476, 0.3775406777858734, 0.5, 0.6681877374649048, 0.9241418242454529];
#[rustfmt::skip]
const SIGMOID_LADJ_F32: &[f64] = &[-3.097174644470215, -1.4481539726257324, -1.3862943649291992, -1.506372094154358, -2.6577796936035156];
#[rustfmt::skip]
const SIGMOID_EXT_Y_F32: &[f64] = &[1.1754943508222875e-38, 2.06115369216775e-09, 0.9999998807907104, 0.9999998807907104];
#[rustfmt::skip]
const SIGMOID_EXT_LADJ_F32: &[f64] = &[-100.0, -20.0, -20.0, -100.0];
#[rustfmt::skip]
const SIGMOID_EXT_INV_F32: &[f64] = &[-87.3365478515625, -20.0, 15.942384719848633, 15.942384719848633];
#[rustfmt::skip]
const TANH_Y_F32: &[f64] = &[-0.9950547814369202, -0.46211716532707214, 0.0, 0.6043677926063538, 0.9866142868995667];
#[rustfmt::skip]
const TANH_LADJ_F32: &[f64] = &[-4.618657112121582, -0.24022889137268066, 0.0, -0.4545404613018036, -3.62713623046875];
#[rustfmt::skip]
const TANH_EXT_Y_F32: &[f64] = &[-1.0, -1.0, 1.0, 1.0];
#[rustfmt::skip]
const TANH_EXT_LADJ_F32: &[f64] = &[-198.61370849609375, -38.613704681396484, -38.613704681396484, -198.61370849609375];
#[rustfmt::skip]
const SOFTPLUS_Y_F32: &[f64] = &[0.04858735203742981, 0.4740769863128662, 0.6931471824645996, 1.103186011314392, 2.578889846801758];
#[rustfmt::skip]
const SOFTPLUS_LADJ_F32: &[f64] = &[-3.0485873222351074, -0.9740769863128662, -0.6931471824645996, -0.40318605303764343, -0.07888973504304886];
#[rustfmt::skip]
const SOFTPLUS_EXT_Y_F32: &[f64] = &[3.783505853677006e-44, 2.06115369216775e-09, 20.0, 100.0];
const SOFTPLUS_EXT_LADJ_F32: &[f64] =
    &[-100.0, -20.0, -2.06115369216775e-09, -3.783505853677006e-44];
#[rustfmt::skip]
const SOFTPLUS_EXT_INV_F32: &[f64] = &[-99.98309326171875, -20.0, 20.0, 100.0];
#[rustfmt::skip]
const SB_Y_F32: &[f64] = &[0.31032243371009827, 0.09026917815208435, 0.5279571413993835, 0.07145126163959503, 0.25, 0.25, 0.2499999850988388, 0.2499999850988388, 0.9999998807907104, 1.1496261024036288e-29, 1.1920927533992653e-07, 1.4210854715202004e-14];
#[rustfmt::skip]
const SB_LADJ_F32: &[f64] = &[-6.852582931518555, -5.545177459716797, -161.4792938232422];
#[rustfmt::skip]
const SB_INV_F32: &[f64] = &[0.2999999523162842, -1.1999998092651367, 1.9999996423721313, 0.0, 0.0, 0.0, 17.040996551513672, -50.0, 71.3941650390625];

#[rustfmt::skip]
const X: &[f64] = &[-3.0, -0.5, 0.0, 0.7, 2.5];
#[rustfmt::skip]
const EXTREME: &[f64] = &[-100.0, -20.0, 20.0, 100.0];
#[rustfmt::skip]
const SB_X: &[f64] = &[0.3, -1.2, 2.0, 0.0, 0.0, 0.0, 50.0, -50.0, 30.0];

/// Tolerances `(abs, rel)` for computed values: float rounding of the same
/// formulas.
fn tol(kind: Kind) -> (f64, f64) {
    match kind {
        Kind::Double => (1e-13, 1e-12),
        _ => (1e-6, 2e-6),
    }
}

fn input(values: &[f64], shape: &[i64], kind: Kind) -> Tensor {
    f64s(values, shape).to_kind(kind)
}

/// `forward` and `log_abs_det_jacobian` equal torch's; the result keeps
/// the input's type.
#[track_caller]
fn check_golden(transform: &dyn Transform, x: &Tensor, y: &[f64], ladj: &[f64]) {
    let (abs, rel) = tol(x.kind());
    let forward = transform.forward(x).expect("test fixture");
    assert_eq!(forward.kind(), x.kind());
    assert_close(&forward, y, abs, rel);
    let log_det = transform
        .log_abs_det_jacobian(x, &forward)
        .expect("test fixture");
    assert_eq!(
        log_det.size(),
        x.size()[..x.dim() - transform.domain().event_dim()]
    );
    assert_close(&log_det, ladj, abs, rel);
}

#[test]
fn elementwise_transforms_match_torch() {
    type Golden = [&'static [f64]; 8];
    let cases: [(Kind, Golden); 2] = [
        (
            Kind::Double,
            [
                EXP_Y_F64,
                EXP_LADJ_F64,
                SIGMOID_Y_F64,
                SIGMOID_LADJ_F64,
                TANH_Y_F64,
                TANH_LADJ_F64,
                SOFTPLUS_Y_F64,
                SOFTPLUS_LADJ_F64,
            ],
        ),
        (
            Kind::Float,
            [
                EXP_Y_F32,
                EXP_LADJ_F32,
                SIGMOID_Y_F32,
                SIGMOID_LADJ_F32,
                TANH_Y_F32,
                TANH_LADJ_F32,
                SOFTPLUS_Y_F32,
                SOFTPLUS_LADJ_F32,
            ],
        ),
    ];
    for (kind, golden) in cases {
        let x = input(X, &[5], kind);
        let transforms: [&dyn Transform; 4] = [
            &ExpTransform,
            &SigmoidTransform,
            &TanhTransform,
            &SoftplusTransform,
        ];
        for (i, transform) in transforms.into_iter().enumerate() {
            check_golden(transform, &x, golden[2 * i], golden[2 * i + 1]);
        }
    }
}

/// Saturated inputs: the sigmoid is clipped into `[tiny, 1 − ε]` so its
/// inverse is finite; tanh's log-Jacobian stays finite where `1 − tanh²`
/// underflows; softplus is linear above 20.
#[test]
fn saturated_inputs_match_torch() {
    type Golden = [&'static [f64]; 8];
    let cases: [(Kind, Golden); 2] = [
        (
            Kind::Double,
            [
                SIGMOID_EXT_Y_F64,
                SIGMOID_EXT_LADJ_F64,
                SIGMOID_EXT_INV_F64,
                TANH_EXT_Y_F64,
                TANH_EXT_LADJ_F64,
                SOFTPLUS_EXT_Y_F64,
                SOFTPLUS_EXT_LADJ_F64,
                SOFTPLUS_EXT_INV_F64,
            ],
        ),
        (
            Kind::Float,
            [
                SIGMOID_EXT_Y_F32,
                SIGMOID_EXT_LADJ_F32,
                SIGMOID_EXT_INV_F32,
                TANH_EXT_Y_F32,
                TANH_EXT_LADJ_F32,
                SOFTPLUS_EXT_Y_F32,
                SOFTPLUS_EXT_LADJ_F32,
                SOFTPLUS_EXT_INV_F32,
            ],
        ),
    ];
    for (kind, [sy, sl, si, ty, tl, py, pl, pi]) in cases {
        let (abs, rel) = tol(kind);
        let x = input(EXTREME, &[4], kind);
        check_golden(&SigmoidTransform, &x, sy, sl);
        assert_close(
            &SigmoidTransform.inverse(&input(sy, &[4], kind)).unwrap(),
            si,
            abs,
            rel,
        );
        check_golden(&TanhTransform, &x, ty, tl);
        let atanh = values(&TanhTransform.inverse(&input(ty, &[4], kind)).unwrap());
        assert_eq!(
            atanh,
            [
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
                f64::INFINITY,
                f64::INFINITY
            ]
        );
        check_golden(&SoftplusTransform, &x, py, pl);
        let inverse = SoftplusTransform.inverse(&input(py, &[4], kind)).unwrap();
        // float32 softplus(−100) is a subnormal: its inverse is −99.98 in torch too.
        assert_close(&inverse, pi, abs, rel);
    }
}

/// `[.., K−1] → [.., K]`, the centre `x = 0` onto `(¼, ¼, ¼, ¼)`, and a
/// saturated row whose inverse is clamped (torch's values, both types).
#[test]
fn stick_breaking_matches_torch() {
    for (kind, y, ladj, inverse) in [
        (Kind::Double, SB_Y_F64, SB_LADJ_F64, SB_INV_F64),
        (Kind::Float, SB_Y_F32, SB_LADJ_F32, SB_INV_F32),
    ] {
        let (abs, rel) = tol(kind);
        let x = input(SB_X, &[3, 3], kind);
        let forward = StickBreakingTransform.forward(&x).unwrap();
        assert_eq!(forward.size(), [3, 4]);
        assert_close(&forward, y, abs, rel);
        let log_det = StickBreakingTransform
            .log_abs_det_jacobian(&x, &forward)
            .unwrap();
        assert_close(&log_det, ladj, abs, rel);
        let back = StickBreakingTransform.inverse(&forward).unwrap();
        // Saturated coordinates lose precision in both implementations alike.
        assert_close(&back, inverse, abs, rel);
    }
}
