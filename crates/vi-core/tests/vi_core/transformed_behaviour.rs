//! `TransformedDistribution` beyond golden values: the cache that scores a
//! flow's own samples, the cache-free `rsample_with_log_prob`, `expand`,
//! normalisation by quadrature, the cdf by Monte Carlo, rsample gradients
//! by finite differences, and what it refuses.

use tch::{Kind, Tensor};
use vi_core::transforms::{
    AffineTransform, ComposeTransform, ExpTransform, StickBreakingTransform, TanhTransform,
};
use vi_core::{
    Constraint, Distribution, Error, Expand, Normal, Result, Rsample, Transform,
    TransformedDistribution,
};

use crate::common::{
    assert_close, assert_within_stderr, f64s, grid, item, mean_and_stderr, simpson, values,
};

/// `tanh` with no inverse: a stand-in for a flow (an inverse
/// autoregressive flow) that can only run forwards.
#[derive(Debug)]
struct ForwardOnlyTanh;

impl Transform for ForwardOnlyTanh {
    fn name(&self) -> &'static str {
        "ForwardOnlyTanh"
    }
    fn domain(&self) -> Constraint {
        Constraint::Real
    }
    fn codomain(&self) -> Constraint {
        TanhTransform.codomain()
    }
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        TanhTransform.forward(x)
    }
    fn inverse(&self, _y: &Tensor) -> Result<Tensor> {
        Err(Error::not_implemented(
            "ForwardOnlyTanh",
            "inverse",
            "a flow",
        ))
    }
    fn log_abs_det_jacobian(&self, x: &Tensor, y: &Tensor) -> Result<Tensor> {
        TanhTransform.log_abs_det_jacobian(x, y)
    }
}

fn standard(shape: &[i64]) -> Normal {
    let zeros = Tensor::zeros(shape, (Kind::Double, tch::Device::Cpu));
    Normal::new(&zeros, &zeros.ones_like()).expect("test fixture")
}

fn flow(loc: &[f64], scale: &[f64]) -> TransformedDistribution<Normal> {
    let n = [loc.len() as i64];
    let base = Normal::new(&f64s(loc, &n), &f64s(scale, &n)).expect("test fixture");
    TransformedDistribution::new(base, vec![Box::new(ForwardOnlyTanh)]).expect("test fixture")
}

/// The last draw is scored from its cached pre-image (equal to inverting
/// with `atanh`); any other tensor, or the draw changed in place, needs the
/// inverse the flow does not have.
#[test]
fn a_flow_scores_its_own_samples() {
    let (loc, scale) = ([0.3, -1.0, 0.0], [0.5, 1.2, 2.0]);
    let dist = flow(&loc, &scale);
    let invertible = TransformedDistribution::new(
        Normal::new(&f64s(&loc, &[3]), &f64s(&scale, &[3])).unwrap(),
        vec![Box::new(TanhTransform)],
    )
    .unwrap();
    tch::manual_seed(1);
    let y = dist.rsample(&[4]).unwrap();
    let cached = dist.log_prob(&y).unwrap();
    assert_close(
        &cached,
        &values(&invertible.log_prob(&y).unwrap()),
        1e-9,
        1e-9,
    );
    // A view of the same storage and geometry is the same value.
    assert!(dist.log_prob(&y.shallow_clone()).is_ok());
    assert!(matches!(
        dist.log_prob(&y.copy()),
        Err(Error::NotImplemented { .. })
    ));
    let z = dist.sample(&[4]).unwrap();
    assert!(dist.log_prob(&z).is_ok());
    assert!(matches!(
        dist.log_prob(&y),
        Err(Error::NotImplemented { .. })
    ));
    let mut z = z;
    let _ = z.g_add_scalar_(0.0); // an in-place write bumps the version counter
    assert!(matches!(
        dist.log_prob(&z),
        Err(Error::NotImplemented { .. })
    ));
    let w = dist.sample(&[2]).unwrap();
    dist.clear_cache();
    assert!(matches!(
        dist.log_prob(&w),
        Err(Error::NotImplemented { .. })
    ));
}

/// A detached draw is another value: scored by inverting, with the
/// gradient at a fixed `y` (through `x = f⁻¹(y)`), not through the cached
/// pre-image, which is a function of the parameters.
#[test]
fn a_detached_draw_is_scored_at_a_fixed_value() {
    let loc = f64s(&[0.3, -1.0], &[2]).set_requires_grad(true);
    let scale = f64s(&[0.5, 1.2], &[2]);
    let tanh = || -> Vec<Box<dyn Transform>> { vec![Box::new(TanhTransform)] };
    let dist = TransformedDistribution::new(Normal::new(&loc, &scale).unwrap(), tanh()).unwrap();
    tch::manual_seed(5);
    let y = dist.rsample(&[3]).unwrap();
    // d/dμ log q(y) at fixed y: (atanh y − μ)/σ² per element.
    let fixed = y.detach();
    let log_prob = dist.log_prob(&fixed).unwrap().sum(Kind::Double);
    let grad = Tensor::run_backward(&[log_prob], &[&loc], false, false).remove(0);
    let expected =
        ((fixed.atanh() - loc.detach()) / scale.square()).sum_dim_intlist(0, false, None::<Kind>);
    assert_close(&grad, &values(&expected), 1e-9, 1e-9);
    // A flow cannot invert, so it refuses a detached draw, or one made a leaf.
    let flow = TransformedDistribution::new(
        Normal::new(&loc, &scale).unwrap(),
        vec![Box::new(ForwardOnlyTanh)],
    )
    .unwrap();
    let y = flow.rsample(&[3]).unwrap();
    assert!(flow.log_prob(&y).is_ok());
    assert!(matches!(
        flow.log_prob(&y.detach()),
        Err(Error::NotImplemented { .. })
    ));
    let leaf = y.detach().set_requires_grad(true);
    assert!(matches!(
        flow.log_prob(&leaf),
        Err(Error::NotImplemented { .. })
    ));
}

/// Scoring its own draw keeps the gradient path through the pre-image,
/// which is what a reparameterized ELBO needs.
#[test]
fn cached_scores_carry_gradients_to_the_parameters() {
    let loc = f64s(&[0.3, -1.0], &[2]).set_requires_grad(true);
    let scale = f64s(&[0.5, 1.2], &[2]).set_requires_grad(true);
    let dist = TransformedDistribution::new(
        Normal::new(&loc, &scale).unwrap(),
        vec![Box::new(ForwardOnlyTanh)],
    )
    .unwrap();
    tch::manual_seed(2);
    let y = dist.rsample(&[3]).unwrap();
    let log_prob = dist.log_prob(&y).unwrap().sum(Kind::Double);
    let grads = Tensor::run_backward(&[log_prob], &[&loc, &scale], false, false);
    assert!(
        grads
            .iter()
            .all(|g| values(g).iter().all(|v| v.is_finite()))
    );
}

/// One pass, no cache, no inverse: the same numbers as `rsample` then
/// `log_prob` (operation for operation), for a chain with a reshaping part.
#[test]
fn rsample_with_log_prob_equals_rsample_then_log_prob() {
    let base = Normal::new(
        &f64s(&[0.1, -0.3, 0.5], &[3]),
        &f64s(&[1.0, 0.7, 1.5], &[3]),
    )
    .unwrap();
    let dist = TransformedDistribution::new(
        base,
        vec![
            Box::new(AffineTransform::from_values(0.5, 2.0).unwrap()),
            Box::new(StickBreakingTransform),
            Box::new(ExpTransform),
        ],
    )
    .unwrap();
    assert_eq!(
        (dist.batch_shape(), dist.event_shape()),
        (&[][..], &[4][..])
    );
    tch::manual_seed(3);
    let (y, log_prob) = dist.rsample_with_log_prob(&[5]).unwrap();
    assert_eq!((y.size(), log_prob.size()), (vec![5, 4], vec![5]));
    tch::manual_seed(3);
    let again = dist.rsample(&[5]).unwrap();
    assert!(again.equal(&y));
    assert!(dist.log_prob(&again).unwrap().equal(&log_prob));
    // And by inverting (no cache): equal to rounding.
    assert_close(
        &dist.log_prob(&again.copy()).unwrap(),
        &values(&log_prob),
        1e-9,
        1e-9,
    );
    // The flow never needs its inverse here.
    let flow = flow(&[0.3], &[0.5]);
    let (_, log_prob) = flow.rsample_with_log_prob(&[3]).unwrap();
    assert!(values(&log_prob).iter().all(|v| v.is_finite()));
}

/// `p(y)` integrates to 1 (Simpson's rule) for a chain through tanh and a
/// decreasing affine map onto `(−1, 3)`.
#[test]
fn the_density_integrates_to_one() {
    let dist = TransformedDistribution::new(
        Normal::new(&f64s(&[0.4, -0.5], &[2]), &f64s(&[0.8, 0.6], &[2])).unwrap(),
        vec![
            Box::new(TanhTransform),
            Box::new(AffineTransform::from_values(1.0, -2.0).unwrap()),
        ],
    )
    .unwrap();
    let (points, dx) = grid(-1.0 + 1e-9, 3.0 - 1e-9, 40_001);
    let density = dist.log_prob(&points.unsqueeze(-1)).unwrap().exp();
    assert_close(&simpson(&density, dx), &[1.0, 1.0], 2e-4, 0.0);
}

/// The monotonized cdf of a decreasing chain equals the fraction of draws
/// at or below `q` (4 standard errors of a Bernoulli mean), and `icdf`
/// inverts it.
#[test]
fn the_cdf_of_a_decreasing_chain_matches_draws() {
    let dist = TransformedDistribution::new(
        Normal::new(&f64s(&[0.3, -0.2], &[2]), &f64s(&[0.8, 1.2], &[2])).unwrap(),
        vec![
            Box::new(ExpTransform),
            Box::new(AffineTransform::new(&Tensor::from(3.0), &Tensor::from(-0.5)).unwrap()),
        ],
    )
    .unwrap();
    tch::manual_seed(4);
    let draws = dist.sample(&[200_000]).unwrap();
    let q = f64s(&[2.0, 2.9], &[2]);
    let below = draws.le_tensor(&q).to_kind(Kind::Double);
    let (fraction, stderr) = mean_and_stderr(&below);
    assert_within_stderr(&fraction, &dist.cdf(&q).unwrap(), &stderr, 4.0, 0.0);
    let p = f64s(&[0.25, 0.8], &[2]);
    assert_close(
        &dist.cdf(&dist.icdf(&p).unwrap()).unwrap(),
        &[0.25, 0.8],
        1e-12,
        1e-12,
    );
}

/// `∂y/∂θ` of `rsample` (autograd) equals the central difference of two
/// draws with the same seed, for the base's and the transform's parameters.
#[test]
fn rsample_gradients_match_finite_differences() {
    let draw = |loc: f64, scale: f64, shift: f64| -> Tensor {
        let base = Normal::new(&Tensor::from(loc), &Tensor::from(scale)).unwrap();
        let affine = AffineTransform::new(&Tensor::from(shift), &Tensor::from(-1.5)).unwrap();
        let dist =
            TransformedDistribution::new(base, vec![Box::new(TanhTransform), Box::new(affine)])
                .unwrap();
        tch::manual_seed(9);
        dist.rsample(&[6]).unwrap()
    };
    let (loc, scale, shift) = (0.2, 0.9, 0.5);
    let params: Vec<Tensor> = [loc, scale, shift]
        .iter()
        .map(|&v| Tensor::from(v).set_requires_grad(true))
        .collect();
    let base = Normal::new(&params[0], &params[1]).unwrap();
    let affine = AffineTransform::new(&params[2], &Tensor::from(-1.5)).unwrap();
    let dist = TransformedDistribution::new(base, vec![Box::new(TanhTransform), Box::new(affine)])
        .unwrap();
    tch::manual_seed(9);
    let y = dist.rsample(&[6]).unwrap();
    let h = 1e-6;
    let differences = [
        (draw(loc + h, scale, shift) - draw(loc - h, scale, shift)) / (2.0 * h),
        (draw(loc, scale + h, shift) - draw(loc, scale - h, shift)) / (2.0 * h),
        (draw(loc, scale, shift + h) - draw(loc, scale, shift - h)) / (2.0 * h),
    ];
    for (param, numeric) in params.iter().zip(differences) {
        // Per draw: d yᵢ / dθ through one backward pass each.
        let autograd: Vec<f64> = (0..6)
            .map(|i| item(&Tensor::run_backward(&[y.get(i)], &[param], true, false)[0]))
            .collect();
        assert_close(&numeric, &autograd, 1e-7, 1e-6);
    }
}

#[test]
fn expand_keeps_the_transforms_and_broadcasts_the_base() {
    let dist = TransformedDistribution::new(
        standard(&[]),
        vec![Box::new(
            AffineTransform::new(&f64s(&[-1.0, 0.0, 1.0], &[3]), &Tensor::from(2.0)).unwrap(),
        )],
    )
    .unwrap();
    let wide = dist.expand(&[2, 3]).unwrap();
    assert_eq!(wide.batch_shape(), [2, 3]);
    assert_eq!(wide.base().batch_shape(), [2, 3]);
    assert_eq!(wide.sample(&[5]).unwrap().size(), [5, 2, 3]);
    let y = f64s(&[0.5, -0.5, 2.0], &[3]);
    let narrow = dist.log_prob(&y).unwrap();
    assert_close(
        &wide.log_prob(&y).unwrap(),
        &[values(&narrow), values(&narrow)].concat(),
        0.0,
        0.0,
    );
    assert!(matches!(
        dist.expand(&[4]),
        Err(Error::ShapeMismatch { .. })
    ));
    let simplex =
        TransformedDistribution::new(standard(&[3]), vec![Box::new(StickBreakingTransform)])
            .unwrap();
    let batch = simplex.expand(&[5]).unwrap();
    assert_eq!(
        (batch.batch_shape(), batch.event_shape()),
        (&[5][..], &[4][..])
    );
    assert_eq!(batch.base().batch_shape(), [5, 3]);
}

#[test]
fn what_has_no_closed_form_is_not_implemented() {
    let dist = TransformedDistribution::new(standard(&[2]), vec![Box::new(ExpTransform)]).unwrap();
    assert!(matches!(dist.mean(), Err(Error::NotImplemented { .. })));
    assert!(matches!(dist.variance(), Err(Error::NotImplemented { .. })));
    assert!(matches!(dist.entropy(), Err(Error::NotImplemented { .. })));
    assert!(matches!(dist.mode(), Err(Error::NotImplemented { .. })));
    let simplex =
        TransformedDistribution::new(standard(&[3]), vec![Box::new(StickBreakingTransform)])
            .unwrap();
    let y = f64s(&[0.25; 4], &[4]);
    assert!(matches!(simplex.cdf(&y), Err(Error::NotImplemented { .. })));
    // No transforms: the base itself.
    let identity = TransformedDistribution::new(standard(&[2]), Vec::new()).unwrap();
    let x = f64s(&[0.3, -0.7], &[2]);
    assert!(
        identity
            .log_prob(&x)
            .unwrap()
            .equal(&standard(&[2]).log_prob(&x).unwrap())
    );
    assert!(matches!(identity.support(), Constraint::Real));
    let chain = ComposeTransform::new(vec![Box::new(ExpTransform)]);
    assert!(TransformedDistribution::new(standard(&[2]), vec![Box::new(chain)]).is_ok());
}

#[test]
fn bad_shapes_are_errors() {
    // Stick-breaking needs a vector; a scalar base has none.
    assert!(matches!(
        TransformedDistribution::new(standard(&[]), vec![Box::new(StickBreakingTransform)]),
        Err(Error::ShapeMismatch { .. })
    ));
    let affine = AffineTransform::new(&f64s(&[0.0; 4], &[4]), &Tensor::from(1.0)).unwrap();
    assert!(matches!(
        TransformedDistribution::new(standard(&[3]), vec![Box::new(affine)]),
        Err(Error::ShapeMismatch { .. })
    ));
    let dist = TransformedDistribution::new(standard(&[3]), vec![Box::new(ExpTransform)]).unwrap();
    assert!(matches!(
        dist.log_prob(&f64s(&[1.0; 4], &[4])),
        Err(Error::ValueShape { .. })
    ));
    assert!(matches!(
        dist.sample(&[-1]),
        Err(Error::InvalidArgument { .. })
    ));
}
