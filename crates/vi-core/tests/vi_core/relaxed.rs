//! The relaxed (Concrete / Gumbel-softmax) families against
//! torch.distributions (PyTorch 2.13.0, CPU): log densities and seeded
//! draws in float64 and float32; normalisation by quadrature; the exact
//! property `P(argmax) = p` of Gumbel-max draws by Monte Carlo; rsample
//! gradients by finite differences; parameter errors.
//!
//! The golden constants were printed by (`rs` prints a flat list):
//! ```python
//! from torch.distributions import RelaxedBernoulli, RelaxedOneHotCategorical
//! from torch.distributions.relaxed_bernoulli import LogitRelaxedBernoulli
//! from torch.distributions.relaxed_categorical import ExpRelaxedCategorical
//! for dt, tag in ((torch.float64, "F64"), (torch.float32, "F32")):
//!     t = lambda v: torch.tensor(v, dtype=dt)
//!     rb = RelaxedBernoulli(t(0.7), probs=t([0.1, 0.5, 0.9, 0.999]))
//!     y = t([0.05, 0.5, 0.97, 0.9999])
//!     rb.log_prob(y); torch.manual_seed(20); rb.sample((2,))     # RB_PROBS_*
//!     rl = RelaxedBernoulli(t([0.3, 1.0, 2.0, 0.1]), logits=t([-3.0, 0.0, 2.5, 8.0]))
//!     rl.log_prob(y); torch.manual_seed(21); rl.rsample((2,))    # RB_LOGITS_*
//!     lrb = LogitRelaxedBernoulli(t([0.3, 1.0, 2.0, 0.1]), logits=t([-3.0, 0.0, 2.5, 8.0]))
//!     lrb.log_prob(t([-2.0, 0.5, 30.0, 100.0]))                  # LRB_LOG_PROB
//!     rc = RelaxedOneHotCategorical(t(0.5), probs=t([[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]]))
//!     rc.log_prob(t([[0.2, 0.3, 0.5], [0.05, 0.05, 0.9]]))
//!     torch.manual_seed(22); rc.sample((2,))                      # RC_PROBS_*
//!     rcl = RelaxedOneHotCategorical(t([2.2]), logits=t([1.0, -2.0, 0.5, 3.0]))
//!     rcl.log_prob(t([0.1, 0.2, 0.3, 0.4]))   # shape [1] in torch, [] in vi-core
//!     torch.manual_seed(23); rcl.rsample((3,))                    # RC_LOGITS_*
//!     erc = ExpRelaxedCategorical(t(0.5), logits=t([1.0, -2.0, 0.5, 3.0]))
//!     erc.log_prob(t([[-2.3, -1.6, -1.2, -0.9], [-0.1, -5.0, -3.0, -4.0]]))  # ERC_LOG_PROB
//! ```

use tch::{Kind, Tensor};
use vi_core::{
    Distribution, Error, ExpRelaxedCategorical, Expand, LogitRelaxedBernoulli, RelaxedBernoulli,
    RelaxedOneHotCategorical, Rsample,
};

use crate::common::{
    assert_close, assert_within_stderr, f64s, grid, item, mean_and_stderr, simpson, values,
};

#[rustfmt::skip]
const RB_PROBS_LOG_PROB_F64: &[f64] = &[1.2994278550543572, -0.35667494393873245, 1.7801507653300281, 7.415124415334679];
#[rustfmt::skip]
const RB_PROBS_SAMPLE_F64: &[f64] = &[0.03972039668583838, 0.5252858563594791, 0.9965740141746945, 0.9999948922331777, 0.04195798271134206, 0.7934434661441798, 0.9664200486890557, 0.9999981107291604];
#[rustfmt::skip]
const RB_LOGITS_LOG_PROB_F64: &[f64] = &[-0.5010445573438096, 0.0, -0.24520421503196843, -0.17280524087666294];
#[rustfmt::skip]
const RB_LOGITS_RSAMPLE_F64: &[f64] = &[0.003638005664586081, 0.09658464424237012, 0.7905643661333305, 0.9999999999999998, 0.0012448081029530775, 0.9836421760627143, 0.4518524775640815, 0.9999999999999998];
#[rustfmt::skip]
const LRB_LOG_PROB_F64: &[f64] = &[-3.777645108633836, -1.4481539683602134, -56.80685281944005, -4.55644111507999];
#[rustfmt::skip]
const RC_PROBS_LOG_PROB_F64: &[f64] = &[-1.0718223158430442, 1.7288915807340626];
#[rustfmt::skip]
const RC_PROBS_SAMPLE_F64: &[f64] = &[0.8339145149934836, 0.03596568473320188, 0.1301198002733145, 9.769398403244306e-05, 6.464741280090325e-05, 0.9998376586031673, 0.001986600528769645, 0.037067813900713856, 0.9609455855705165, 0.9258654405473727, 0.04841112289766699, 0.025723436554960295];
#[rustfmt::skip]
const RC_LOGITS_LOG_PROB_F64: &[f64] = &[0.3093929321464852];
#[rustfmt::skip]
const RC_LOGITS_RSAMPLE_F64: &[f64] = &[0.2174549518067063, 0.05247962945853785, 0.2408962502755677, 0.489169168459188, 0.23786093323409124, 0.03871697263232331, 0.10898046185447421, 0.6144416322791113, 0.3286333620653579, 0.06497888122640999, 0.08565873331093377, 0.5207290233972982];
#[rustfmt::skip]
const ERC_LOG_PROB_F64: &[f64] = &[-9.868654392272067, -12.046084593140925];
#[rustfmt::skip]
const RB_PROBS_LOG_PROB_F32: &[f64] = &[1.2994279861450195, -0.3566749095916748, 1.780151605606079, 7.414929389953613];
#[rustfmt::skip]
const RB_PROBS_SAMPLE_F32: &[f64] = &[0.0580979660153389, 0.10051152110099792, 0.994803249835968, 0.9998569488525391, 0.00776728754863143, 0.8622966408729553, 0.9965527057647705, 0.9988260865211487];
#[rustfmt::skip]
const RB_LOGITS_LOG_PROB_F32: &[f64] = &[-0.5010442733764648, 0.0, -0.24520540237426758, -0.1729869842529297];
#[rustfmt::skip]
const RB_LOGITS_RSAMPLE_F32: &[f64] = &[3.190395000274293e-05, 0.6135987639427185, 0.2784191071987152, 0.9999998807907104, 0.00011209805234102532, 0.25380611419677734, 0.7887858152389526, 0.9999998807907104];
#[rustfmt::skip]
const LRB_LOG_PROB_F32: &[f64] = &[-3.7776451110839844, -1.4481539726257324, -56.806854248046875, -4.556441307067871];
#[rustfmt::skip]
const RC_PROBS_LOG_PROB_F32: &[f64] = &[-1.0718226432800293, 1.7288918495178223];
#[rustfmt::skip]
const RC_PROBS_SAMPLE_F32: &[f64] = &[0.014364995062351227, 0.4659123420715332, 0.5197226405143738, 0.007262648548930883, 0.8891398310661316, 0.10359753668308258, 0.23998333513736725, 0.017726682126522064, 0.7422899603843689, 0.34471508860588074, 0.31883397698402405, 0.33645087480545044];
#[rustfmt::skip]
const RC_LOGITS_LOG_PROB_F32: &[f64] = &[0.30939435958862305];
#[rustfmt::skip]
const RC_LOGITS_RSAMPLE_F32: &[f64] = &[0.23374196887016296, 0.05026031285524368, 0.18487045168876648, 0.5311272740364075, 0.32635799050331116, 0.013963893987238407, 0.05682855844497681, 0.6028496623039246, 0.3001941442489624, 0.04165302962064743, 0.27336934208869934, 0.384783536195755];
#[rustfmt::skip]
const ERC_LOG_PROB_F32: &[f64] = &[-9.868654251098633, -12.046083450317383];

fn tol(kind: Kind) -> (f64, f64) {
    match kind {
        Kind::Double => (1e-12, 1e-12),
        _ => (2e-6, 2e-6),
    }
}

fn t(values: &[f64], shape: &[i64], kind: Kind) -> Tensor {
    f64s(values, shape).to_kind(kind)
}

#[test]
fn relaxed_bernoulli_matches_torch() {
    for (kind, g) in [
        (
            Kind::Double,
            [
                RB_PROBS_LOG_PROB_F64,
                RB_PROBS_SAMPLE_F64,
                RB_LOGITS_LOG_PROB_F64,
                RB_LOGITS_RSAMPLE_F64,
                LRB_LOG_PROB_F64,
            ],
        ),
        (
            Kind::Float,
            [
                RB_PROBS_LOG_PROB_F32,
                RB_PROBS_SAMPLE_F32,
                RB_LOGITS_LOG_PROB_F32,
                RB_LOGITS_RSAMPLE_F32,
                LRB_LOG_PROB_F32,
            ],
        ),
    ] {
        let (abs, rel) = tol(kind);
        let y = t(&[0.05, 0.5, 0.97, 0.9999], &[4], kind);
        let from_probs = RelaxedBernoulli::from_probs(
            &t(&[0.7], &[], kind),
            &t(&[0.1, 0.5, 0.9, 0.999], &[4], kind),
        )
        .unwrap();
        assert_close(&from_probs.log_prob(&y).unwrap(), g[0], abs, rel);
        tch::manual_seed(20);
        assert_close(&from_probs.sample(&[2]).unwrap(), g[1], abs, rel);
        let temperature = t(&[0.3, 1.0, 2.0, 0.1], &[4], kind);
        let logits = t(&[-3.0, 0.0, 2.5, 8.0], &[4], kind);
        let from_logits = RelaxedBernoulli::from_logits(&temperature, &logits).unwrap();
        assert_close(&from_logits.log_prob(&y).unwrap(), g[2], abs, rel);
        tch::manual_seed(21);
        assert_close(&from_logits.rsample(&[2]).unwrap(), g[3], abs, rel);
        let logit = LogitRelaxedBernoulli::from_logits(&temperature, &logits).unwrap();
        let x = t(&[-2.0, 0.5, 30.0, 100.0], &[4], kind);
        assert_close(&logit.log_prob(&x).unwrap(), g[4], abs, rel);
    }
}

/// torch's float32 `log1p(exp(d))` overflows at `d = 100` and gives `−∞`;
/// its float64 value, `−100`, is the true one, and vi-core gives it in
/// both types.
/// ```python
/// LogitRelaxedBernoulli(torch.tensor(1.0), logits=torch.tensor(0.0)).log_prob(torch.tensor([-100.0]))
/// # float32: [-inf]; float64: [-100.0]
/// ```
#[test]
fn logit_relaxed_bernoulli_stays_finite_where_torch_overflows() {
    for kind in [Kind::Float, Kind::Double] {
        let dist = LogitRelaxedBernoulli::from_logits(&t(&[1.0], &[], kind), &t(&[0.0], &[], kind))
            .unwrap();
        assert_close(
            &dist.log_prob(&t(&[-100.0, 100.0], &[2], kind)).unwrap(),
            &[-100.0, -100.0],
            1e-5,
            0.0,
        );
    }
}

#[test]
fn relaxed_one_hot_categorical_matches_torch() {
    for (kind, g) in [
        (
            Kind::Double,
            [
                RC_PROBS_LOG_PROB_F64,
                RC_PROBS_SAMPLE_F64,
                RC_LOGITS_LOG_PROB_F64,
                RC_LOGITS_RSAMPLE_F64,
                ERC_LOG_PROB_F64,
            ],
        ),
        (
            Kind::Float,
            [
                RC_PROBS_LOG_PROB_F32,
                RC_PROBS_SAMPLE_F32,
                RC_LOGITS_LOG_PROB_F32,
                RC_LOGITS_RSAMPLE_F32,
                ERC_LOG_PROB_F32,
            ],
        ),
    ] {
        let (abs, rel) = tol(kind);
        let probs = t(&[0.1, 0.2, 0.7, 0.3, 0.3, 0.4], &[2, 3], kind);
        let dist = RelaxedOneHotCategorical::from_probs(&t(&[0.5], &[], kind), &probs).unwrap();
        assert_eq!(
            (dist.batch_shape(), dist.event_shape()),
            (&[2][..], &[3][..])
        );
        let y = t(&[0.2, 0.3, 0.5, 0.05, 0.05, 0.9], &[2, 3], kind);
        assert_close(&dist.log_prob(&y).unwrap(), g[0], abs, rel);
        tch::manual_seed(22);
        let draw = dist.sample(&[2]).unwrap();
        assert_eq!(draw.size(), [2, 2, 3]);
        assert_close(&draw, g[1], abs, rel);
        // torch's documented `temperature = tensor([2.2])`: a single element is a scalar.
        let logits = t(&[1.0, -2.0, 0.5, 3.0], &[4], kind);
        let dist = RelaxedOneHotCategorical::from_logits(&t(&[2.2], &[1], kind), &logits).unwrap();
        let log_prob = dist
            .log_prob(&t(&[0.1, 0.2, 0.3, 0.4], &[4], kind))
            .unwrap();
        assert_eq!(log_prob.size(), [] as [i64; 0]);
        assert_close(&log_prob, g[2], abs, rel);
        tch::manual_seed(23);
        assert_close(&dist.rsample(&[3]).unwrap(), g[3], abs, rel);
        let base = ExpRelaxedCategorical::from_logits(&t(&[0.5], &[], kind), &logits).unwrap();
        let x = t(
            &[-2.3, -1.6, -1.2, -0.9, -0.1, -5.0, -3.0, -4.0],
            &[2, 4],
            kind,
        );
        assert_close(&base.log_prob(&x).unwrap(), g[4], abs, rel);
    }
}

/// The binary Concrete density integrates to 1 over `(0, 1)`, and so does
/// the two-category one over the 1-simplex `(y, 1 − y)` (Simpson's rule;
/// temperatures ≥ 1, where the densities are bounded).
#[test]
fn relaxed_densities_integrate_to_one() {
    let (points, dx) = grid(1e-7, 1.0 - 1e-7, 20_001);
    let binary = RelaxedBernoulli::from_logits(
        &f64s(&[1.0, 1.5, 3.0], &[3]),
        &f64s(&[-1.0, 0.5, 2.0], &[3]),
    )
    .unwrap();
    let density = binary.log_prob(&points.unsqueeze(-1)).unwrap().exp();
    assert_close(&simpson(&density, dx), &[1.0, 1.0, 1.0], 1e-4, 0.0);
    let pair = Tensor::stack(&[&points, &(1.0 - &points)], -1).unsqueeze(1);
    let categorical = RelaxedOneHotCategorical::from_probs(
        &f64s(&[1.0, 2.0], &[2]),
        &f64s(&[0.3, 0.7, 0.8, 0.2], &[2, 2]),
    )
    .unwrap();
    let density = categorical.log_prob(&pair).unwrap().exp();
    assert_close(&simpson(&density, dx), &[1.0, 1.0], 1e-4, 0.0);
}

/// Whatever the temperature, `P(Y > ½) = p` for the relaxed Bernoulli and
/// `P(argmax Y = k) = p_k` for the relaxed categorical (the Gumbel-max
/// trick; Maddison et al. 2017, prop. 1): the fraction of 200 000 draws
/// lies within 4 standard errors.
#[test]
fn draws_keep_the_discrete_probabilities() {
    let p = f64s(&[0.1, 0.5, 0.85], &[3]);
    let binary = RelaxedBernoulli::from_probs(&f64s(&[0.2, 1.0, 5.0], &[3]), &p).unwrap();
    tch::manual_seed(24);
    let ones = binary
        .sample(&[200_000])
        .unwrap()
        .gt(0.5)
        .to_kind(Kind::Double);
    let (fraction, stderr) = mean_and_stderr(&ones);
    assert_within_stderr(&fraction, &p, &stderr, 4.0, 0.0);
    let probs = f64s(&[0.1, 0.2, 0.7], &[3]);
    let categorical = RelaxedOneHotCategorical::from_probs(&f64s(&[0.7], &[]), &probs).unwrap();
    tch::manual_seed(25);
    let draws = categorical.sample(&[200_000]).unwrap();
    let winners = draws.argmax(-1, false).one_hot(3).to_kind(Kind::Double);
    let (fraction, stderr) = mean_and_stderr(&winners);
    assert_within_stderr(&fraction, &probs, &stderr, 4.0, 0.0);
}

/// `∂y/∂θ` of `rsample` (autograd, per draw) equals the central difference
/// of two draws with the same seed, for the logits and the temperature.
#[test]
fn rsample_gradients_match_finite_differences() {
    type Draw = fn(&Tensor, &Tensor) -> Tensor;
    fn binary(logit: &Tensor, temperature: &Tensor) -> Tensor {
        let dist = RelaxedBernoulli::from_logits(temperature, logit).unwrap();
        tch::manual_seed(26);
        dist.rsample(&[5]).unwrap()
    }
    fn categorical(logit: &Tensor, temperature: &Tensor) -> Tensor {
        let others = f64s(&[0.3, -1.0], &[2]);
        let logits = Tensor::cat(&[logit.reshape([1]), others], 0);
        let dist = RelaxedOneHotCategorical::from_logits(temperature, &logits).unwrap();
        tch::manual_seed(27);
        dist.rsample(&[5]).unwrap().select(-1, 0)
    }
    let h = 1e-6;
    for draw in [binary as Draw, categorical as Draw] {
        let plain =
            |logit: f64, temperature: f64| draw(&Tensor::from(logit), &Tensor::from(temperature));
        let (logit, temperature) = (0.4, 0.8);
        let params = [
            Tensor::from(logit).set_requires_grad(true),
            Tensor::from(temperature).set_requires_grad(true),
        ];
        let y = draw(&params[0], &params[1]);
        let numeric = [
            (plain(logit + h, temperature) - plain(logit - h, temperature)) / (2.0 * h),
            (plain(logit, temperature + h) - plain(logit, temperature - h)) / (2.0 * h),
        ];
        for (param, numeric) in params.iter().zip(numeric) {
            let autograd: Vec<f64> = (0..5)
                .map(|i| item(&Tensor::run_backward(&[y.get(i)], &[param], true, false)[0]))
                .collect();
            assert_close(&numeric, &autograd, 1e-7, 1e-6);
        }
    }
}

#[test]
fn what_torch_does_not_define_is_not_implemented() {
    let dist = RelaxedBernoulli::from_probs(&Tensor::from(0.5), &Tensor::from(0.3)).unwrap();
    assert!(matches!(dist.mean(), Err(Error::NotImplemented { .. })));
    assert!(matches!(dist.entropy(), Err(Error::NotImplemented { .. })));
    assert!(matches!(
        dist.cdf(&Tensor::from(0.5)),
        Err(Error::NotImplemented { .. })
    ));
    let dist =
        RelaxedOneHotCategorical::from_probs(&Tensor::from(0.5), &f64s(&[0.5, 0.5], &[2])).unwrap();
    assert!(matches!(dist.variance(), Err(Error::NotImplemented { .. })));
    // Outside [0, 1] the relaxed Bernoulli has no mass.
    let outside =
        RelaxedBernoulli::from_probs(&Tensor::from(0.5), &f64s(&[0.3, 0.3], &[2])).unwrap();
    assert_eq!(
        values(&outside.log_prob(&f64s(&[-0.1, 1.1], &[2])).unwrap()),
        [f64::NEG_INFINITY; 2]
    );
}

#[test]
fn shapes_and_expand() {
    let dist = RelaxedOneHotCategorical::from_logits(
        &f64s(&[0.5, 2.0], &[2]),
        &Tensor::zeros([2, 5], (Kind::Double, tch::Device::Cpu)),
    )
    .unwrap();
    let wide = dist.expand(&[3, 2]).unwrap();
    assert_eq!(wide.rsample(&[4]).unwrap().size(), [4, 3, 2, 5]);
    assert_eq!(
        wide.log_prob(&wide.sample(&[]).unwrap()).unwrap().size(),
        [3, 2]
    );
    let binary =
        RelaxedBernoulli::from_probs(&Tensor::from(0.5), &f64s(&[0.1, 0.9], &[2])).unwrap();
    assert_eq!(
        binary.expand(&[3, 2]).unwrap().sample(&[1]).unwrap().size(),
        [1, 3, 2]
    );
    assert!(matches!(
        binary.expand(&[3]),
        Err(Error::ShapeMismatch { .. })
    ));
}

#[test]
fn bad_parameters_are_errors() {
    let probs = f64s(&[0.2, 0.8], &[2]);
    assert!(matches!(
        RelaxedBernoulli::from_probs(&Tensor::from(-1.0), &probs),
        Err(Error::InvalidParameter {
            parameter: "temperature",
            ..
        })
    ));
    assert!(matches!(
        RelaxedBernoulli::from_probs(&f64s(&[1.0; 3], &[3]), &probs),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        RelaxedBernoulli::from_probs(&Tensor::from(1.0), &f64s(&[1.5], &[1])),
        Err(Error::InvalidParameter {
            parameter: "probs",
            ..
        })
    ));
    assert!(matches!(
        RelaxedBernoulli::from_probs(&Tensor::from(1.0f32), &probs),
        Err(Error::Dtype { .. })
    ));
    assert!(matches!(
        RelaxedOneHotCategorical::from_probs(&Tensor::from(1.0), &f64s(&[0.5, -0.1], &[2])),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        RelaxedOneHotCategorical::from_probs(&Tensor::from(1.0), &f64s(&[0.0, 0.0], &[2])),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        RelaxedOneHotCategorical::from_logits(&Tensor::from(1.0), &Tensor::from(0.5)),
        Err(Error::ShapeMismatch { .. })
    ));
    let empty = Tensor::zeros([3, 0], (Kind::Double, tch::Device::Cpu));
    assert!(matches!(
        RelaxedOneHotCategorical::from_logits(&Tensor::from(1.0), &empty),
        Err(Error::ShapeMismatch { .. })
    ));
    assert!(matches!(
        RelaxedOneHotCategorical::from_logits(
            &Tensor::from(1.0),
            &f64s(&[f64::INFINITY, 0.0], &[2])
        ),
        Err(Error::InvalidParameter {
            parameter: "logits",
            ..
        })
    ));
    let dist = RelaxedOneHotCategorical::from_probs(&Tensor::from(1.0), &probs).unwrap();
    assert!(matches!(
        dist.log_prob(&f64s(&[0.3, 0.3, 0.4], &[3])),
        Err(Error::ValueShape { .. })
    ));
}
