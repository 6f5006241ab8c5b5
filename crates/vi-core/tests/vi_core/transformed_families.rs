//! LogNormal, HalfNormal and TanhNormal against torch.distributions
//! (PyTorch 2.13.0, CPU), float64 and float32, with extreme parameters
//! (`loc = 30`, `scale = 1e-3`, `scale = 10`, `scale = 1e-4`), seeded draws,
//! and the values outside the support.
//!
//! The golden constants were printed by (`rs` prints a flat list):
//! ```python
//! from torch.distributions import LogNormal, HalfNormal, Normal, TransformedDistribution as TD
//! from torch.distributions.transforms import TanhTransform
//! for dt, tag in ((torch.float64, "F64"), (torch.float32, "F32")):
//!     t = lambda v: torch.tensor(v, dtype=dt)
//!     p = t([0.1, 0.5, 0.9, 0.99])
//!     ln = LogNormal(t([0.0, 1.5, -2.0, 30.0]), t([1.0, 0.3, 10.0, 1e-3]))
//!     y = t([0.5, 4.0, 0.01, 1.0686e13])
//!     ln.log_prob(y); ln.cdf(y); ln.icdf(p); ln.mean; ln.mode; ln.variance; ln.entropy()
//!     torch.manual_seed(10); ln.sample((2,))                                   # LN_*
//!     hn = HalfNormal(t([1.0, 0.2, 5.0, 1e-4]))
//!     y = t([0.5, 0.1, 12.0, 1e-4])
//!     hn.log_prob(y); hn.cdf(y); hn.icdf(p); hn.mean; hn.variance; hn.entropy()
//!     torch.manual_seed(11); hn.rsample((2,))                                  # HN_*
//!     tn = TD(Normal(t([0.0, 1.0, -2.0, 5.0]), t([1.0, 0.5, 2.0, 0.1])), [TanhTransform()])
//!     y = t([0.3, 0.9, -0.999, 0.99995])
//!     tn.log_prob(y); tn.cdf(y); tn.icdf(p)
//!     torch.manual_seed(12); tn.rsample((2,))                                  # TN_*
//! ```

use tch::{Kind, Tensor};
use vi_core::{
    Constraint, Distribution, Error, Expand, HalfNormal, Independent, LogNormal, Rsample,
    TanhNormal, validation,
};

use crate::common::{assert_close, f64s, values};

#[rustfmt::skip]
const LN_LOG_PROB_F64: &[f64] = &[-0.46601785960382813, -1.1730877139604818, 1.349712001299566, -24.01212499153484];
#[rustfmt::skip]
const LN_CDF_F64: &[f64] = &[0.24410859578558275, 0.35233695299091183, 0.39723249473392247, 0.48228858176271144];
#[rustfmt::skip]
const LN_ICDF_F64: &[f64] = &[0.2776062418520097, 4.4816890703380645, 49787.322157182294, 10711363978421.082];
#[rustfmt::skip]
const LN_MEAN_F64: &[f64] = &[1.6487212707001282, 4.687971627022013, 7.016735912097631e+20, 10686479924763.076];
#[rustfmt::skip]
const LN_MODE_F64: &[f64] = &[0.36787944117144233, 4.095955404071176, 5.0345753587649823e-45, 10686463895055.213];
#[rustfmt::skip]
const LN_VARIANCE_F64: &[f64] = &[4.670774270471605, 2.069675576301074, 1.3234832615645704e+85, 1.1420091028280984e+20];
#[rustfmt::skip]
const LN_ENTROPY_F64: &[f64] = &[1.4189385332046727, 1.7149657288787366, 1.7215236261987186, 24.511183254222537];
#[rustfmt::skip]
const LN_SAMPLE_F64: &[f64] = &[0.5480477882519786, 3.307977813469039, 0.00658676702777911, 10673362992482.512, 2.5088594679670115, 4.036827784889355, 2.273054042282868e-05, 10676240012876.701];
#[rustfmt::skip]
const HN_LOG_PROB_F64: &[f64] = &[-0.3507913526447274, 1.2586465597893728, -4.715229265078827, 8.484549019331455];
#[rustfmt::skip]
const HN_CDF_F64: &[f64] = &[0.38292492254802624, 0.38292492254802624, 0.9836049281508079, 0.6826894921370859];
#[rustfmt::skip]
const HN_ICDF_F64: &[f64] = &[0.12566134685507416, 0.13489795003921637, 8.224268134757363, 0.0002575829303548901];
#[rustfmt::skip]
const HN_MEAN_F64: &[f64] = &[0.7978845608028654, 0.1595769121605731, 3.989422804014327, 7.978845608028655e-05];
#[rustfmt::skip]
const HN_VARIANCE_F64: &[f64] = &[0.3633802276324186, 0.014535209105296747, 9.084505690810465, 3.633802276324186e-09];
#[rustfmt::skip]
const HN_ENTROPY_F64: &[f64] = &[0.7257913526447274, -0.8836465597893729, 2.3352292650788273, -8.484549019331455];
#[rustfmt::skip]
const HN_SAMPLE_F64: &[f64] = &[0.7376294517619426, 0.3891858304992538, 3.4977080478345663, 0.00013022973799235347, 0.5132622016467678, 0.05392391329442917, 1.230923339175638, 4.839252962264386e-05];
#[rustfmt::skip]
const TN_LOG_PROB_F64: &[f64] = &[-0.8725290464264568, 0.9889573614924494, 4.197931979378133, 6.144722266425524];
#[rustfmt::skip]
const TN_CDF_F64: &[f64] = &[0.6215368490846358, 0.8275273147526725, 0.18403336273914855, 0.9985730369347119];
#[rustfmt::skip]
const TN_ICDF_F64: &[f64] = &[-0.8568977556984376, 0.7615941559557649, 0.51027619774436, 0.9999429824192483];
#[rustfmt::skip]
const TN_SAMPLE_F64: &[f64] = &[-0.2106140628687603, 0.3013635726191822, -0.9709848791606056, 0.9999170442685256, 0.6560404578598917, 0.42663952165653035, -0.9961060054968106, 0.999890565360629];
#[rustfmt::skip]
const LN_LOG_PROB_F32: &[f64] = &[-0.46601784229278564, -1.1730877161026, 1.3497118949890137, -24.012102127075195];
#[rustfmt::skip]
const LN_CDF_F32: &[f64] = &[0.24410858750343323, 0.35233694314956665, 0.3972325026988983, 0.48250439763069153];
#[rustfmt::skip]
const LN_ICDF_F32: &[f64] = &[0.27760621905326843, 4.481688976287842, 49787.26953125, 10711370563584.0];
#[rustfmt::skip]
const LN_MEAN_F32: &[f64] = &[1.6487212181091309, 4.687971591949463, 7.016735586870194e+20, 10686474223616.0];
#[rustfmt::skip]
const LN_MODE_F32: &[f64] = &[0.3678794503211975, 4.0959553718566895, 5.605193857299268e-45, 10686454300672.0];
#[rustfmt::skip]
const LN_VARIANCE_F32: &[f64] = &[4.670774459838867, 2.0696754455566406, f64::INFINITY, 1.142008016072333e+20];
#[rustfmt::skip]
const LN_ENTROPY_F32: &[f64] = &[1.4189385175704956, 1.7149657011032104, 1.7215237617492676, 24.51118278503418];
#[rustfmt::skip]
const LN_SAMPLE_F32: &[f64] = &[0.5480477809906006, 3.3079774379730225, 0.006586766801774502, 10673356537856.0, 2.508859395980835, 4.036827564239502, 2.2730542696081102e-05, 10676247461888.0];
#[rustfmt::skip]
const HN_LOG_PROB_F32: &[f64] = &[-0.350791335105896, 1.2586466073989868, -4.715229511260986, 8.484548568725586];
#[rustfmt::skip]
const HN_CDF_F32: &[f64] = &[0.3829249143600464, 0.3829249143600464, 0.983604907989502, 0.6826894283294678];
#[rustfmt::skip]
const HN_ICDF_F32: &[f64] = &[0.12566137313842773, 0.13489794731140137, 8.224267959594727, 0.0002575829566922039];
#[rustfmt::skip]
const HN_MEAN_F32: &[f64] = &[0.7978845834732056, 0.1595769226551056, 3.9894227981567383, 7.978845678735524e-05];
#[rustfmt::skip]
const HN_VARIANCE_F32: &[f64] = &[0.36338022351264954, 0.014535210095345974, 9.084506034851074, 3.633801926028468e-09];
#[rustfmt::skip]
const HN_ENTROPY_F32: &[f64] = &[0.725791335105896, -0.8836466073989868, 2.3352293968200684, -8.484548568725586];
#[rustfmt::skip]
const HN_SAMPLE_F32: &[f64] = &[0.7376294732093811, 0.3891858458518982, 3.4977080821990967, 0.0001302297314396128, 0.5132622122764587, 0.05392391234636307, 1.2309232950210571, 4.839252869714983e-05];
#[rustfmt::skip]
const TN_LOG_PROB_F32: &[f64] = &[-0.8725290894508362, 0.988957405090332, 4.19794225692749, 6.147026062011719];
#[rustfmt::skip]
const TN_CDF_F32: &[f64] = &[0.6215368509292603, 0.8275272846221924, 0.18403249979019165, 0.998569130897522];
#[rustfmt::skip]
const TN_ICDF_F32: &[f64] = &[-0.85689777135849, 0.7615941762924194, 0.5102760791778564, 0.99994295835495];
#[rustfmt::skip]
const TN_SAMPLE_F32: &[f64] = &[-0.21061407029628754, 0.3013635575771332, -0.9709848761558533, 0.9999170303344727, 0.6560404896736145, 0.42663949728012085, -0.9961060285568237, 0.9998905658721924];

fn t(values: &[f64], kind: Kind) -> Tensor {
    f64s(values, &[values.len() as i64]).to_kind(kind)
}

/// Values to rounding (float32: the same formulas, a few ulps apart where
/// torch's and vi-core's Normal order their operations differently);
/// infinities must match exactly.
#[track_caller]
fn assert_golden(actual: &Tensor, expected: &[f64], kind: Kind) {
    let (abs, rel) = match kind {
        Kind::Double => (1e-12, 1e-12),
        _ => (1e-6, 1e-5),
    };
    let actual_values = values(actual);
    for (i, (a, e)) in actual_values.iter().zip(expected).enumerate() {
        if e.is_infinite() {
            assert_eq!(a, e, "element {i}");
        }
    }
    let finite: Vec<usize> = (0..expected.len())
        .filter(|&i| expected[i].is_finite())
        .collect();
    let pick = |v: &[f64]| -> Vec<f64> { finite.iter().map(|&i| v[i]).collect() };
    assert_close(
        &f64s(&pick(&actual_values), &[finite.len() as i64]),
        &pick(expected),
        abs,
        rel,
    );
}

const P: [f64; 4] = [0.1, 0.5, 0.9, 0.99];

#[test]
fn log_normal_matches_torch() {
    for (kind, g) in [
        (
            Kind::Double,
            [
                LN_LOG_PROB_F64,
                LN_CDF_F64,
                LN_ICDF_F64,
                LN_MEAN_F64,
                LN_MODE_F64,
                LN_VARIANCE_F64,
                LN_ENTROPY_F64,
                LN_SAMPLE_F64,
            ],
        ),
        (
            Kind::Float,
            [
                LN_LOG_PROB_F32,
                LN_CDF_F32,
                LN_ICDF_F32,
                LN_MEAN_F32,
                LN_MODE_F32,
                LN_VARIANCE_F32,
                LN_ENTROPY_F32,
                LN_SAMPLE_F32,
            ],
        ),
    ] {
        let dist = LogNormal::new(
            &t(&[0.0, 1.5, -2.0, 30.0], kind),
            &t(&[1.0, 0.3, 10.0, 1e-3], kind),
        )
        .unwrap();
        let y = t(&[0.5, 4.0, 0.01, 1.0686e13], kind);
        assert_golden(&dist.log_prob(&y).unwrap(), g[0], kind);
        assert_golden(&dist.cdf(&y).unwrap(), g[1], kind);
        assert_golden(&dist.icdf(&t(&P, kind)).unwrap(), g[2], kind);
        assert_golden(&dist.mean().unwrap(), g[3], kind);
        assert_golden(&dist.mode().unwrap(), g[4], kind);
        assert_golden(&dist.variance().unwrap(), g[5], kind);
        assert_golden(&dist.entropy().unwrap(), g[6], kind);
        tch::manual_seed(10);
        let draw = dist.sample(&[2]).unwrap();
        assert_eq!((draw.size(), draw.kind()), (vec![2, 4], kind));
        assert_golden(&draw, g[7], kind);
        tch::manual_seed(10);
        assert!(dist.rsample(&[2]).unwrap().equal(&draw));
    }
}

#[test]
fn half_normal_matches_torch() {
    for (kind, g) in [
        (
            Kind::Double,
            [
                HN_LOG_PROB_F64,
                HN_CDF_F64,
                HN_ICDF_F64,
                HN_MEAN_F64,
                HN_VARIANCE_F64,
                HN_ENTROPY_F64,
                HN_SAMPLE_F64,
            ],
        ),
        (
            Kind::Float,
            [
                HN_LOG_PROB_F32,
                HN_CDF_F32,
                HN_ICDF_F32,
                HN_MEAN_F32,
                HN_VARIANCE_F32,
                HN_ENTROPY_F32,
                HN_SAMPLE_F32,
            ],
        ),
    ] {
        let dist = HalfNormal::new(&t(&[1.0, 0.2, 5.0, 1e-4], kind)).unwrap();
        let y = t(&[0.5, 0.1, 12.0, 1e-4], kind);
        assert_golden(&dist.log_prob(&y).unwrap(), g[0], kind);
        assert_golden(&dist.cdf(&y).unwrap(), g[1], kind);
        assert_golden(&dist.icdf(&t(&P, kind)).unwrap(), g[2], kind);
        assert_golden(&dist.mean().unwrap(), g[3], kind);
        assert_eq!(values(&dist.mode().unwrap()), [0.0; 4]);
        assert_golden(&dist.variance().unwrap(), g[4], kind);
        assert_golden(&dist.entropy().unwrap(), g[5], kind);
        tch::manual_seed(11);
        assert_golden(&dist.rsample(&[2]).unwrap(), g[6], kind);
        tch::manual_seed(11);
        assert_golden(&dist.sample(&[2]).unwrap(), g[6], kind);
    }
}

#[test]
fn tanh_normal_matches_the_torch_composite() {
    for (kind, g) in [
        (
            Kind::Double,
            [TN_LOG_PROB_F64, TN_CDF_F64, TN_ICDF_F64, TN_SAMPLE_F64],
        ),
        (
            Kind::Float,
            [TN_LOG_PROB_F32, TN_CDF_F32, TN_ICDF_F32, TN_SAMPLE_F32],
        ),
    ] {
        let dist = TanhNormal::new(
            &t(&[0.0, 1.0, -2.0, 5.0], kind),
            &t(&[1.0, 0.5, 2.0, 0.1], kind),
        )
        .unwrap();
        let y = t(&[0.3, 0.9, -0.999, 0.99995], kind);
        assert_golden(&dist.log_prob(&y).unwrap(), g[0], kind);
        assert_golden(&dist.cdf(&y).unwrap(), g[1], kind);
        assert_golden(&dist.icdf(&t(&P, kind)).unwrap(), g[2], kind);
        tch::manual_seed(12);
        assert_golden(&dist.rsample(&[2]).unwrap(), g[3], kind);
        for method in [dist.mean(), dist.variance(), dist.entropy(), dist.mode()] {
            assert!(matches!(
                method,
                Err(Error::NotImplemented {
                    family: "TanhNormal",
                    ..
                })
            ));
        }
    }
}

/// Outside the support: the true log density `−∞` and the true cdf
/// (torch gives NaN or a negative "probability" there without validation).
#[test]
fn values_outside_the_support() {
    let log_normal = LogNormal::new(&f64s(&[0.0], &[1]), &f64s(&[1.0], &[1])).unwrap();
    let y = f64s(&[-1.0, 0.0], &[2]);
    assert_eq!(
        values(&log_normal.log_prob(&y).unwrap()),
        [f64::NEG_INFINITY; 2]
    );
    assert_eq!(values(&log_normal.cdf(&y).unwrap()), [0.0, 0.0]);
    let half = HalfNormal::new(&f64s(&[1.0], &[1])).unwrap();
    let y = f64s(&[-0.5, 0.0, f64::NAN], &[3]);
    let log_prob = values(&half.log_prob(&y).unwrap());
    assert_eq!(
        log_prob[..2],
        [
            f64::NEG_INFINITY,
            -0.5 * (2.0 * std::f64::consts::PI).ln() + std::f64::consts::LN_2
        ]
    );
    assert!(log_prob[2].is_nan());
    assert_eq!(values(&half.cdf(&y.narrow(0, 0, 2)).unwrap()), [0.0, 0.0]);
    let tanh = TanhNormal::new(&f64s(&[0.0], &[1]), &f64s(&[1.0], &[1])).unwrap();
    let y = f64s(&[-1.5, -1.0, 1.0, 2.0], &[4]);
    assert_eq!(values(&tanh.log_prob(&y).unwrap()), [f64::NEG_INFINITY; 4]);
    assert_eq!(values(&tanh.cdf(&y).unwrap()), [0.0, 0.0, 1.0, 1.0]);
}

/// A squashed draw that rounds to 1 in float32 is scored from its
/// pre-image: finite, and equal to the one-pass `rsample_with_log_prob`.
#[test]
fn tanh_normal_scores_saturated_draws() {
    let dist = TanhNormal::from_log_scale(&Tensor::from(12.0f32), &Tensor::from(-1.0f32)).unwrap();
    tch::manual_seed(13);
    let y = dist.rsample(&[8]).unwrap();
    assert!(
        values(&y).iter().all(|&v| v == 1.0),
        "tanh(12 ± …) rounds to 1 in float32"
    );
    let log_prob = dist.log_prob(&y).unwrap();
    assert!(values(&log_prob).iter().all(|v| v.is_finite()));
    tch::manual_seed(13);
    let (again, one_pass) = dist.rsample_with_log_prob(&[8]).unwrap();
    assert!(again.equal(&y) && one_pass.equal(&log_prob));
    // The same value not drawn by this distribution is outside the open support.
    assert_eq!(
        values(&dist.log_prob(&y.copy()).unwrap()),
        [f64::NEG_INFINITY; 8]
    );
}

/// The SAC policy: a vector of squashed actions, `Independent` over the
/// action dimension, still scores its saturated draws through the cache.
#[test]
fn independent_tanh_normal_scores_its_own_draws() {
    let loc = Tensor::from_slice(&[12.0f32, 0.3, -11.0]);
    let dist = Independent::new(TanhNormal::new(&loc, &Tensor::from(0.3f32)).unwrap(), 1).unwrap();
    tch::manual_seed(14);
    let actions = dist.rsample(&[4]).unwrap();
    assert_eq!(actions.size(), [4, 3]);
    let log_prob = dist.log_prob(&actions).unwrap();
    assert_eq!(log_prob.size(), [4]);
    assert!(values(&log_prob).iter().all(|v| v.is_finite()));
}

#[test]
fn supports_shapes_and_expand() {
    let loc = f64s(&[0.0, 1.0], &[2]);
    let log_normal = LogNormal::new(&loc, &Tensor::from(0.5)).unwrap();
    assert!(matches!(log_normal.support(), Constraint::Positive));
    let wide = log_normal.expand(&[3, 2]).unwrap();
    assert_eq!(wide.sample(&[4]).unwrap().size(), [4, 3, 2]);
    assert!(matches!(
        log_normal.expand(&[3]),
        Err(Error::ShapeMismatch { .. })
    ));
    let half = HalfNormal::new(&f64s(&[1.0, 2.0], &[2])).unwrap();
    assert!(matches!(half.support(), Constraint::NonNegative));
    assert_eq!(half.expand(&[5, 2]).unwrap().batch_shape(), [5, 2]);
    let tanh = TanhNormal::new(&loc, &Tensor::from(0.5)).unwrap();
    assert!(matches!(tanh.support(), Constraint::Interval(..)));
    assert_eq!(
        tanh.expand(&[1, 2]).unwrap().rsample(&[3]).unwrap().size(),
        [3, 1, 2]
    );
}

/// Errors name the family and the parameter.
#[test]
fn bad_parameters_name_the_family() {
    let bad = f64s(&[1.0, -1.0], &[2]);
    let zero = f64s(&[0.0, 0.0], &[2]);
    let error = LogNormal::new(&zero, &bad).unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidParameter {
            family: "LogNormal",
            parameter: "scale",
            ..
        }
    ));
    assert!(matches!(
        HalfNormal::new(&bad),
        Err(Error::InvalidParameter {
            family: "HalfNormal",
            parameter: "scale",
            ..
        })
    ));
    assert!(matches!(
        TanhNormal::from_log_scale(&f64s(&[f64::NAN], &[1]), &zero),
        Err(Error::InvalidParameter {
            family: "TanhNormal",
            parameter: "loc",
            ..
        })
    ));
    assert!(matches!(
        LogNormal::new(&f64s(&[0.0; 3], &[3]), &f64s(&[1.0; 2], &[2])),
        Err(Error::ShapeMismatch {
            context: "LogNormal",
            ..
        })
    ));
    assert!(matches!(
        HalfNormal::new(&Tensor::from(1i64)),
        Err(Error::Dtype { .. })
    ));
    assert!(validation::without_validation(|| HalfNormal::new(&bad)).is_ok());
}
