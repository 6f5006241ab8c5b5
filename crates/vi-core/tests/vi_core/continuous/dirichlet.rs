//! The Dirichlet family: torch's values, the implicit reparameterization
//! gradient (against torch's `_Dirichlet` backward and Monte Carlo),
//! moments by Monte Carlo, the simplex, refusals.

use tch::{Kind, Tensor};
use vi_core::{Dirichlet, Distribution, Error, Expand, Rsample};

use super::{
    FLOAT32_TOL, FLOAT64_TOL, NUM_STDERR, Torch, assert_matches, check_against_torch,
    check_entropy, check_mean, check_variance, draws, gradient_estimates, replicated, tensor,
};
use crate::common::{assert_close, assert_within_stderr, f64s, scalar, values};

/// torch.distributions 2.13 with `dt = torch.float32`, then `torch.float64`:
/// ```python
/// T = lambda v: torch.tensor(v, dtype=dt)
/// d = Dirichlet(T([[0.5, 1.0, 2.0], [3.0, 0.2, 1.0], [0.3, 0.5, 0.9], [2.0, 2.0, 2.0]]))
/// x = T([[0.2, 0.3, 0.5], [0.7, 0.1, 0.2], [0.1, 0.1, 0.8], [0.25, 0.25, 0.5]])
/// d.log_prob(x), d.entropy(), d.mean, d.variance, d.stddev, d.mode
/// ```
/// vi-core evaluates float32 `log_prob` and `entropy` in float64, so those
/// are compared with torch's float64 values (torch's own float32 values
/// are quoted beside them).
#[test]
fn dirichlet_matches_pytorch() {
    let cases = [
        (
            Kind::Float,
            FLOAT32_TOL,
            Torch {
                // torch float32: log_prob [0.740180492401123, 0.9600625038146973, 0.9550695419311523, 1.3217558860778809]
                log_prob: &[
                    0.7401804350794791,
                    0.9600628204876318,
                    0.9550695918396912,
                    1.3217558399823193,
                ],
                // torch float32: entropy [-1.4815700054168701, -4.334538459777832, -1.9497807025909424, -0.9374915361404419]
                entropy: &[
                    -1.4815696872089312,
                    -4.3345385518966255,
                    -1.9497800259964668,
                    -0.9374917427820464,
                ],
                mean: &[
                    0.1428571492433548,
                    0.2857142984867096,
                    0.5714285969734192,
                    0.7142857313156128,
                    0.0476190522313118,
                    0.2380952537059784,
                    0.1764705926179886,
                    0.29411762952804565,
                    0.5294117331504822,
                    0.3333333432674408,
                    0.3333333432674408,
                    0.3333333432674408,
                ],
                variance: &[
                    0.027210883796215057,
                    0.04535147547721863,
                    0.054421767592430115,
                    0.03924646973609924,
                    0.008721438236534595,
                    0.03488575294613838,
                    0.05382545292377472,
                    0.07689350098371506,
                    0.09227219969034195,
                    0.0317460335791111,
                    0.0317460335791111,
                    0.0317460335791111,
                ],
                stddev: &[
                    0.1649572104215622,
                    0.21295885741710663,
                    0.23328474164009094,
                    0.19810722768306732,
                    0.0933886393904686,
                    0.1867772787809372,
                    0.2320031225681305,
                    0.277296781539917,
                    0.30376338958740234,
                    0.17817416787147522,
                    0.17817416787147522,
                    0.17817416787147522,
                ],
                mode: &[
                    0.0,
                    0.0,
                    1.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    0.3333333432674408,
                    0.3333333432674408,
                    0.3333333432674408,
                ],
                cdf: None,
                icdf: None,
            },
        ),
        (
            Kind::Double,
            FLOAT64_TOL,
            Torch {
                log_prob: &[
                    0.7401804350794791,
                    0.9600628204876318,
                    0.9550695918396912,
                    1.3217558399823193,
                ],
                entropy: &[
                    -1.4815696872089312,
                    -4.3345385518966255,
                    -1.9497800259964668,
                    -0.9374917427820464,
                ],
                mean: &[
                    0.14285714285714285,
                    0.2857142857142857,
                    0.5714285714285714,
                    0.7142857142857143,
                    0.047619047619047616,
                    0.23809523809523808,
                    0.1764705882352941,
                    0.2941176470588235,
                    0.5294117647058824,
                    0.3333333333333333,
                    0.3333333333333333,
                    0.3333333333333333,
                ],
                variance: &[
                    0.027210884353741496,
                    0.045351473922902494,
                    0.05442176870748299,
                    0.03924646781789639,
                    0.008721437292865864,
                    0.034885749171463455,
                    0.05382545174932717,
                    0.07689350249903883,
                    0.0922722029988466,
                    0.031746031746031744,
                    0.031746031746031744,
                    0.031746031746031744,
                ],
                stddev: &[
                    0.1649572197684645,
                    0.21295885499997996,
                    0.23328473740792172,
                    0.19810721293758182,
                    0.09338863578008763,
                    0.18677727156017526,
                    0.23200312874900453,
                    0.277296776935901,
                    0.3037633997025425,
                    0.1781741612749496,
                    0.1781741612749496,
                    0.1781741612749496,
                ],
                mode: &[
                    0.0,
                    0.0,
                    1.0,
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    0.0,
                    0.3333333333333333,
                    0.3333333333333333,
                    0.3333333333333333,
                ],
                cdf: None,
                icdf: None,
            },
        ),
    ];
    for (kind, tol, torch) in cases {
        let t = |v: &[f64], shape: &[i64]| tensor(v, shape, kind);
        let d = Dirichlet::new(&t(
            &[0.5, 1.0, 2.0, 3.0, 0.2, 1.0, 0.3, 0.5, 0.9, 2.0, 2.0, 2.0],
            &[4, 3],
        ))
        .unwrap();
        check_against_torch(
            &d,
            &t(
                &[0.2, 0.3, 0.5, 0.7, 0.1, 0.2, 0.1, 0.1, 0.8, 0.25, 0.25, 0.5],
                &[4, 3],
            ),
            &t(&[0.5; 4], &[4]),
            &torch,
            tol,
        );
    }
}

/// The gradient of a weighted sum of draws equals torch's, whose
/// `_Dirichlet.backward` is `G · (g − Σⱼ xⱼ gⱼ)`:
/// ```python
/// torch.manual_seed(60)
/// a = torch.tensor([[0.5, 1.0, 2.0], [3.0, 0.2, 1.0]], dtype=dt, requires_grad=True)
/// x = Dirichlet(a).rsample((2,))
/// (x * torch.tensor([1.0, -2.0, 0.5], dtype=dt)).sum().backward()   # x, a.grad
/// ```
#[test]
fn dirichlet_rsample_gradient_matches_torch() {
    let cases = [
        (
            Kind::Float,
            FLOAT32_TOL,
            [
                0.24255725741386414,
                -0.572068452835083,
                0.03447122871875763,
                0.0889042466878891,
                -0.386766254901886,
                -0.2322377860546112,
            ],
            [
                0.602565348148346,
                0.009410398080945015,
                0.388024240732193,
                0.6748549938201904,
                0.0024656979367136955,
                0.3226793110370636,
                0.010255172848701477,
                0.1063675656914711,
                0.8833772540092468,
                0.6906996965408325,
                0.0041295732371509075,
                0.3051707148551941,
            ],
        ),
        (
            Kind::Double,
            FLOAT64_TOL,
            [
                0.24255720246195225,
                -0.5720684655377982,
                0.03447119546545374,
                0.08890424807754163,
                -0.38676626511308243,
                -0.23223779152441648,
            ],
            [
                0.6025653548118425,
                0.009410397998329153,
                0.38802424718982836,
                0.6748550041063021,
                0.0024656977909594505,
                0.32267929810273843,
                0.010255173003812247,
                0.10636756855069462,
                0.8833772584454931,
                0.6906997214597433,
                0.004129573190971027,
                0.3051707053492857,
            ],
        ),
    ];
    for (kind, tol, torch_grad, draw) in cases {
        let alpha = tensor(&[0.5, 1.0, 2.0, 3.0, 0.2, 1.0], &[2, 3], kind).set_requires_grad(true);
        tch::manual_seed(60);
        let x = Dirichlet::new(&alpha).unwrap().rsample(&[2]).unwrap();
        assert_close(&x, &draw, 0.0, 0.0);
        let weights = tensor(&[1.0, -2.0, 0.5], &[3], kind);
        let grads = Tensor::run_backward(&[(x * weights).sum(kind)], &[&alpha], false, false);
        assert_matches("∂/∂α", &grads[0], &torch_grad, tol);
    }
}

/// `E[xᵢ] = αᵢ/α₀` with `α₀ = Σⱼ αⱼ`, so `∂E[x₁]/∂αⱼ = (δ₁ⱼ α₀ − α₁)/α₀²`
/// (the first component, index 0 in code), estimated from per-draw
/// gradients within 4 standard errors.
#[test]
fn dirichlet_rsample_gradient_matches_the_mean_by_monte_carlo() {
    let concentration = [0.4, 1.5, 3.0];
    let total: f64 = concentration.iter().sum();
    let alpha = replicated(&concentration, 200_000);
    tch::manual_seed(62);
    let x = Dirichlet::new(&alpha).unwrap().rsample(&[]).unwrap();
    let (mean, stderr) = &gradient_estimates(&[&alpha], &x.select(-1, 0))[0];
    let exact: Vec<f64> = (0..3)
        .map(|j| (if j == 0 { total } else { 0.0 } - concentration[0]) / (total * total))
        .collect();
    assert_within_stderr(mean, &f64s(&exact, &[3]), stderr, NUM_STDERR, 0.0);
}

#[test]
fn dirichlet_moments_match_monte_carlo() {
    let dirichlet = Dirichlet::new(&f64s(&[0.5, 1.0, 2.0, 3.0, 0.2, 1.0], &[2, 3])).unwrap();
    let draws = draws(&dirichlet, 200_000, 63);
    check_mean(&dirichlet, &draws);
    check_variance(&dirichlet, &draws);
    check_entropy(&dirichlet, &draws);
    // Every draw sums to one.
    let sums = draws.sum_dim_intlist(-1, false, None::<Kind>);
    assert!((sums - 1.0).abs().max().double_value(&[]) < 1e-12);
}

/// A value with a component outside `[0, 1]` has no density (torch raises
/// when validating and returns NaN otherwise); a value must have `K`
/// components.
#[test]
fn dirichlet_log_prob_outside_the_simplex() {
    let dirichlet = Dirichlet::new(&f64s(&[2.0, 3.0, 4.0], &[3])).unwrap();
    let outside = f64s(&[-0.1, 0.6, 0.5, 1.2, -0.1, -0.1], &[2, 3]);
    assert_eq!(
        values(&dirichlet.log_prob(&outside).unwrap()),
        [f64::NEG_INFINITY; 2]
    );
    assert!(matches!(
        dirichlet.log_prob(&f64s(&[0.5, 0.5], &[2])),
        Err(Error::ValueShape { .. })
    ));
    assert!(matches!(
        dirichlet.cdf(&f64s(&[0.2, 0.3, 0.5], &[3])),
        Err(Error::NotImplemented { .. })
    ));
}

#[test]
fn dirichlet_expands_and_refuses_bad_parameters() {
    let dirichlet = Dirichlet::new(&f64s(&[1.0, 2.0], &[2])).unwrap();
    assert_eq!(
        (dirichlet.batch_shape(), dirichlet.event_shape()),
        (&[][..], &[2][..])
    );
    let wide = dirichlet.expand(&[4]).unwrap();
    assert_eq!(wide.concentration().size(), [4, 2]);
    assert_eq!(wide.rsample(&[3]).unwrap().size(), [3, 4, 2]);
    assert!(matches!(
        wide.expand(&[2]),
        Err(Error::ShapeMismatch { .. })
    ));
    for concentration in [
        scalar(1.0),
        Tensor::zeros([3, 0], (Kind::Double, tch::Device::Cpu)),
    ] {
        let err = Dirichlet::new(&concentration).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    name: "concentration",
                    ..
                }
            ),
            "{err}"
        );
    }
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let err = Dirichlet::new(&f64s(&[1.0, bad], &[2])).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidParameter {
                    family: "Dirichlet",
                    ..
                }
            ),
            "{err}"
        );
    }
    assert!(matches!(
        Dirichlet::new(&Tensor::from_slice(&[1i64, 2])),
        Err(Error::Dtype { .. })
    ));
    assert!(matches!(
        dirichlet.sample(&[-1]),
        Err(Error::InvalidArgument { .. })
    ));
    // An empty batch and a single category are valid.
    let empty = Dirichlet::new(&Tensor::ones([0, 3], (Kind::Double, tch::Device::Cpu))).unwrap();
    assert_eq!(empty.sample(&[2]).unwrap().size(), [2, 0, 3]);
    let single = Dirichlet::new(&f64s(&[2.5], &[1])).unwrap();
    // torch's `_sample_dirichlet` normalizes g/g in its own arithmetic: 1 to rounding.
    assert_close(&single.sample(&[2]).unwrap(), &[1.0, 1.0], 1e-15, 0.0);
    assert_close(
        &single.log_prob(&f64s(&[1.0], &[1])).unwrap(),
        &[0.0],
        1e-15,
        0.0,
    );
}
