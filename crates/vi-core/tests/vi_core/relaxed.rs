//! The relaxed (Concrete / Gumbel-softmax) families against
//! torch.distributions (PyTorch 2.13.0, CPU): log densities and seeded
//! draws in float64 and float32, with extreme parameters (probabilities 0
//! and 1, temperature 0.05).
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
//!     rb = RelaxedBernoulli(t(0.05), probs=t([0.0, 1.0, 0.5]))
//!     rb.log_prob(t([0.001, 0.999, 0.5]))                         # RB_EXTREME_LOG_PROB
//!     torch.manual_seed(28); rb.sample((2,))                      # RB_EXTREME_SAMPLE
//!     rc = RelaxedOneHotCategorical(t(0.05), probs=t([0.0, 0.3, 0.7]))
//!     rc.log_prob(t([0.001, 0.01, 0.989]))                        # RC_EXTREME_LOG_PROB
//!     torch.manual_seed(29); rc.sample((2,))                      # RC_EXTREME_SAMPLE
//! ```

use tch::{Kind, Tensor};
use vi_core::{
    Distribution, ExpRelaxedCategorical, LogitRelaxedBernoulli, RelaxedBernoulli,
    RelaxedOneHotCategorical, Rsample,
};

use crate::common::{assert_close, f64s};

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

#[rustfmt::skip]
const RB_EXTREME_LOG_PROB_F64: &[f64] = &[-31.785292144422996, -31.785292144422996, -2.9957322735539904];
#[rustfmt::skip]
const RB_EXTREME_SAMPLE_F64: &[f64] = &[2.2250738585072014e-308, 0.9999999999999998, 0.9999999999999998, 2.2250738585072014e-308, 0.9999999999999998, 0.7485857953172725];
#[rustfmt::skip]
const RC_EXTREME_LOG_PROB_F64: &[f64] = &[-31.027935694424723];
#[rustfmt::skip]
const RC_EXTREME_SAMPLE_F64: &[f64] = &[4.049344761197369e-272, 0.9999996731332496, 3.268667517787816e-07, 5e-324, 1.2688041048844214e-19, 1.0];
#[rustfmt::skip]
const RB_EXTREME_LOG_PROB_F32: &[f64] = &[-11.684022903442383, -11.684008598327637, -2.995732307434082];
#[rustfmt::skip]
const RB_EXTREME_SAMPLE_F32: &[f64] = &[1.1754943508222875e-38, 0.9999998807907104, 0.9999996423721313, 1.1754943508222875e-38, 0.9999998807907104, 8.296571858981866e-27];
#[rustfmt::skip]
const RC_EXTREME_LOG_PROB_F32: &[f64] = &[-10.926666259765625];
#[rustfmt::skip]
const RC_EXTREME_SAMPLE_F32: &[f64] = &[0.0, 3.818540506017598e-08, 1.0, 0.0, 0.9999403953552246, 5.9619342209771276e-05];

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

/// Probabilities 0 and 1 (clamped to `[ε, 1 − ε]` as torch does) and a
/// temperature of 0.05, where draws sit at the clipped ends of `(0, 1)`.
#[test]
fn extreme_parameters_match_torch() {
    for (kind, g) in [
        (
            Kind::Double,
            [
                RB_EXTREME_LOG_PROB_F64,
                RB_EXTREME_SAMPLE_F64,
                RC_EXTREME_LOG_PROB_F64,
                RC_EXTREME_SAMPLE_F64,
            ],
        ),
        (
            Kind::Float,
            [
                RB_EXTREME_LOG_PROB_F32,
                RB_EXTREME_SAMPLE_F32,
                RC_EXTREME_LOG_PROB_F32,
                RC_EXTREME_SAMPLE_F32,
            ],
        ),
    ] {
        let (abs, rel) = tol(kind);
        let temperature = t(&[0.05], &[], kind);
        let binary =
            RelaxedBernoulli::from_probs(&temperature, &t(&[0.0, 1.0, 0.5], &[3], kind)).unwrap();
        let y = t(&[0.001, 0.999, 0.5], &[3], kind);
        assert_close(&binary.log_prob(&y).unwrap(), g[0], abs, rel);
        tch::manual_seed(28);
        assert_close(&binary.sample(&[2]).unwrap(), g[1], abs, rel);
        let categorical =
            RelaxedOneHotCategorical::from_probs(&temperature, &t(&[0.0, 0.3, 0.7], &[3], kind))
                .unwrap();
        let y = t(&[0.001, 0.01, 0.989], &[3], kind);
        assert_close(&categorical.log_prob(&y).unwrap(), g[2], abs, rel);
        tch::manual_seed(29);
        assert_close(&categorical.sample(&[2]).unwrap(), g[3], abs, rel);
    }
}
