//! `TransformedDistribution` against torch's (PyTorch 2.13.0, CPU): shapes,
//! log densities, cdf/icdf through monotone chains, seeded draws; then the
//! cache that scores a flow's own samples, the cache-free
//! `rsample_with_log_prob`, `expand`, normalisation by quadrature, the cdf
//! by Monte Carlo, and rsample gradients by finite differences.
//!
//! The golden constants were printed by (`rs` prints a flat list):
//! ```python
//! from torch.distributions import Normal, TransformedDistribution as TD
//! from torch.distributions.transforms import *
//! for dt, tag in ((torch.float64, "F64"), (torch.float32, "F32")):
//!     t = lambda v: torch.tensor(v, dtype=dt)
//!     a = TD(Normal(t([0.5, -1.0, 2.0]), t([1.0, 0.5, 2.0])), [AffineTransform(1.0, -2.0)])
//!     y = t([0.2, 2.5, -4.0])
//!     a.log_prob(y); a.cdf(y); a.icdf(t([0.1, 0.5, 0.95]))   # AFFINE_LOG_PROB, _CDF, _ICDF
//!     torch.manual_seed(5); a.sample((2,))                  # AFFINE_SAMPLE
//!     b = TD(Normal(t([[0.1, -0.3, 0.5], [0.0, 0.2, -1.0]]),
//!                   t([[1.0, 0.7, 1.5], [0.3, 1.0, 2.0]])), [StickBreakingTransform()])
//!     # batch_shape [2], event_shape [4]
//!     b.log_prob(t([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]]))  # SIMPLEX_LOG_PROB
//!     torch.manual_seed(6); b.sample((2,))                  # SIMPLEX_SAMPLE
//!     c = TD(Normal(t(0.0), t(1.0)), [AffineTransform(t([-1.0, 0.0, 1.0]), 1.0)])
//!     # batch_shape [3], event_shape []
//!     torch.manual_seed(7); c.sample((2,))                  # EXPANDED_SAMPLE
//!     c.log_prob(t([0.5, 0.5, 0.5]))                        # EXPANDED_LOG_PROB
//!     d = TD(Normal(t([[0.1, -0.3, 0.5], [0.0, 0.2, -1.0]]),
//!                   t([[1.0, 0.7, 1.5], [0.3, 1.0, 2.0]])),
//!            [AffineTransform(t(0.5), t([2.0, -1.0, 0.5]), event_dim=1)])
//!     # batch_shape [2], event_shape [3]
//!     d.log_prob(t([[1.0, -2.0, 0.3], [0.0, 0.5, 4.0]]))   # VECTOR_LOG_PROB
//!     e = TD(Normal(t([0.3, -0.2]), t([0.8, 1.2])),
//!            [ExpTransform(), AffineTransform(t(3.0), t(-0.5))])
//!     e.log_prob(t([2.0, 2.9])); e.cdf(t([2.0, 2.9]))       # CHAIN_LOG_PROB, CHAIN_CDF
//!     torch.manual_seed(8); e.rsample((3,))                 # CHAIN_RSAMPLE
//! ```

use tch::{Kind, Tensor};
use vi_core::transforms::{AffineTransform, ExpTransform, StickBreakingTransform};
use vi_core::{Constraint, Distribution, Normal, Rsample, TransformedDistribution};

use crate::common::{assert_close, f64s};

#[rustfmt::skip]
const AFFINE_LOG_PROB_F64: &[f64] = &[-1.617085713764618, -1.0439385332046727, -2.3364828943245635];
#[rustfmt::skip]
const AFFINE_CDF_F64: &[f64] = &[0.539827837277029, 0.3085375387259869, 0.4012936743170763];
#[rustfmt::skip]
const AFFINE_ICDF_F64: &[f64] = &[-2.5631031310892016, 3.0, 3.5794145078058897];
#[rustfmt::skip]
const AFFINE_SAMPLE_F64: &[f64] = &[0.9735615014248535, 3.6038215878840036, -0.7676150767052925, -1.3350486030689792, 3.1974150932340057, -10.771134131664773];
#[rustfmt::skip]
const SIMPLEX_LOG_PROB_F64: &[f64] = &[2.301692961004637, 3.1541874686315348];
#[rustfmt::skip]
const SIMPLEX_SAMPLE_F64: &[f64] = &[0.05350397197849452, 0.14760167635448526, 0.6621864755813606, 0.13670787608565954, 0.2127968404666488, 0.09679374156042805, 0.23764412860017048, 0.4527652893727527, 0.6123168720202199, 0.14229597352340664, 0.2374874972347763, 0.007899657221597167, 0.19144336674147594, 0.2757302377250825, 0.237738999115268, 0.2950873964181737];
#[rustfmt::skip]
const EXPANDED_SAMPLE_F64: &[f64] = &[-1.1467950974849952, 0.7861412987235358, 1.9468216090039565, -2.1143440212610307, 1.6907901257942333, 0.10517212082736138];
#[rustfmt::skip]
const EXPANDED_LOG_PROB_F64: &[f64] = &[-2.0439385332046727, -1.0439385332046727, -1.0439385332046727];
#[rustfmt::skip]
const VECTOR_LOG_PROB_F64: &[f64] = &[-10.99685576378345, -10.613212198070249];
#[rustfmt::skip]
const CHAIN_LOG_PROB_F64: &[f64] = &[-0.8165486581265834, 0.5115627707014618];
#[rustfmt::skip]
const CHAIN_CDF_F64: &[f64] = &[0.3115597694549934, 0.8799089175451398];
#[rustfmt::skip]
const CHAIN_RSAMPLE_F64: &[f64] = &[2.161487651624946, 2.9111360866836966, 1.9909488212887634, 2.3239243885031855, 2.595329972937453, 2.8147542710551514];
#[rustfmt::skip]
const AFFINE_LOG_PROB_F32: &[f64] = &[-1.6170856952667236, -1.0439385175704956, -2.3364830017089844];
#[rustfmt::skip]
const AFFINE_CDF_F32: &[f64] = &[0.539827823638916, 0.3085375428199768, 0.40129369497299194];
#[rustfmt::skip]
const AFFINE_ICDF_F32: &[f64] = &[-2.563102960586548, 3.0, 3.5794143676757812];
#[rustfmt::skip]
const AFFINE_SAMPLE_F32: &[f64] = &[0.9735615253448486, 3.6038215160369873, -0.7676150798797607, -1.3350486755371094, 3.1974151134490967, -10.771133422851562];
#[rustfmt::skip]
const SIMPLEX_LOG_PROB_F32: &[f64] = &[2.3016932010650635, 3.1541876792907715];
#[rustfmt::skip]
const SIMPLEX_SAMPLE_F32: &[f64] = &[0.05350397154688835, 0.1476016789674759, 0.6621864438056946, 0.13670788705348969, 0.21279683709144592, 0.0967937484383583, 0.23764416575431824, 0.4527653157711029, 0.612316906452179, 0.1422959715127945, 0.23748749494552612, 0.007899646647274494, 0.19144335389137268, 0.2757302224636078, 0.23773899674415588, 0.29508742690086365];
#[rustfmt::skip]
const EXPANDED_SAMPLE_F32: &[f64] = &[-1.1467950344085693, 0.7861412763595581, 1.946821689605713, -2.1143441200256348, 1.6907901763916016, 0.10517209768295288];
const EXPANDED_LOG_PROB_F32: &[f64] =
    &[-2.043938636779785, -1.0439385175704956, -1.0439385175704956];
#[rustfmt::skip]
const VECTOR_LOG_PROB_F32: &[f64] = &[-10.996854782104492, -10.613212585449219];
#[rustfmt::skip]
const CHAIN_LOG_PROB_F32: &[f64] = &[-0.8165486454963684, 0.5115628242492676];
#[rustfmt::skip]
const CHAIN_CDF_F32: &[f64] = &[0.311559796333313, 0.8799090385437012];
#[rustfmt::skip]
const CHAIN_RSAMPLE_F32: &[f64] = &[2.161487579345703, 2.9111361503601074, 1.9909487962722778, 2.3239243030548096, 2.595329999923706, 2.8147542476654053];

/// Seeded draws are the same float operations: equal to 1e-6 (float32) or
/// 1e-12 (float64); computed values to rounding.
fn tol(kind: Kind) -> (f64, f64) {
    match kind {
        Kind::Double => (1e-12, 1e-12),
        _ => (2e-6, 2e-6),
    }
}

fn t(values: &[f64], shape: &[i64], kind: Kind) -> Tensor {
    f64s(values, shape).to_kind(kind)
}

fn normal(loc: &[f64], scale: &[f64], shape: &[i64], kind: Kind) -> Normal {
    Normal::new(&t(loc, shape, kind), &t(scale, shape, kind)).expect("test fixture")
}

const LOC_23: [f64; 6] = [0.1, -0.3, 0.5, 0.0, 0.2, -1.0];
const SCALE_23: [f64; 6] = [1.0, 0.7, 1.5, 0.3, 1.0, 2.0];

#[test]
fn scalar_chains_match_torch() {
    for (kind, golden) in [
        (
            Kind::Double,
            [
                AFFINE_LOG_PROB_F64,
                AFFINE_CDF_F64,
                AFFINE_ICDF_F64,
                AFFINE_SAMPLE_F64,
                CHAIN_LOG_PROB_F64,
                CHAIN_CDF_F64,
                CHAIN_RSAMPLE_F64,
            ],
        ),
        (
            Kind::Float,
            [
                AFFINE_LOG_PROB_F32,
                AFFINE_CDF_F32,
                AFFINE_ICDF_F32,
                AFFINE_SAMPLE_F32,
                CHAIN_LOG_PROB_F32,
                CHAIN_CDF_F32,
                CHAIN_RSAMPLE_F32,
            ],
        ),
    ] {
        let (abs, rel) = tol(kind);
        let flipped = TransformedDistribution::new(
            normal(&[0.5, -1.0, 2.0], &[1.0, 0.5, 2.0], &[3], kind),
            vec![Box::new(AffineTransform::from_values(1.0, -2.0).unwrap())],
        )
        .unwrap();
        assert_eq!(
            (flipped.batch_shape(), flipped.event_shape()),
            (&[3][..], &[][..])
        );
        let y = t(&[0.2, 2.5, -4.0], &[3], kind);
        assert_close(&flipped.log_prob(&y).unwrap(), golden[0], abs, rel);
        assert_close(&flipped.cdf(&y).unwrap(), golden[1], abs, rel);
        let p = t(&[0.1, 0.5, 0.95], &[3], kind);
        assert_close(&flipped.icdf(&p).unwrap(), golden[2], abs, rel);
        tch::manual_seed(5);
        assert_close(&flipped.sample(&[2]).unwrap(), golden[3], abs, rel);

        let chain = TransformedDistribution::new(
            normal(&[0.3, -0.2], &[0.8, 1.2], &[2], kind),
            vec![
                Box::new(ExpTransform),
                Box::new(
                    AffineTransform::new(&t(&[3.0], &[], kind), &t(&[-0.5], &[], kind)).unwrap(),
                ),
            ],
        )
        .unwrap();
        let y = t(&[2.0, 2.9], &[2], kind);
        assert_close(&chain.log_prob(&y).unwrap(), golden[4], abs, rel);
        assert_close(&chain.cdf(&y).unwrap(), golden[5], abs, rel);
        tch::manual_seed(8);
        let draw = chain.rsample(&[3]).unwrap();
        assert_eq!(draw.size(), [3, 2]);
        assert_close(&draw, golden[6], abs, rel);
    }
}

#[test]
fn event_dimensions_grow_as_in_torch() {
    for (kind, golden) in [
        (
            Kind::Double,
            [
                SIMPLEX_LOG_PROB_F64,
                SIMPLEX_SAMPLE_F64,
                EXPANDED_SAMPLE_F64,
                EXPANDED_LOG_PROB_F64,
                VECTOR_LOG_PROB_F64,
            ],
        ),
        (
            Kind::Float,
            [
                SIMPLEX_LOG_PROB_F32,
                SIMPLEX_SAMPLE_F32,
                EXPANDED_SAMPLE_F32,
                EXPANDED_LOG_PROB_F32,
                VECTOR_LOG_PROB_F32,
            ],
        ),
    ] {
        let (abs, rel) = tol(kind);
        // Stick-breaking couples the last base dimension: [2, 3] → batch [2], event [4].
        let simplex = TransformedDistribution::new(
            normal(&LOC_23, &SCALE_23, &[2, 3], kind),
            vec![Box::new(StickBreakingTransform)],
        )
        .unwrap();
        assert_eq!(
            (simplex.batch_shape(), simplex.event_shape()),
            (&[2][..], &[4][..])
        );
        assert_eq!(simplex.reinterpreted_batch_ndims(), 1);
        assert!(matches!(simplex.support(), Constraint::Simplex));
        let y = t(&[0.1, 0.2, 0.3, 0.4, 0.25, 0.25, 0.25, 0.25], &[2, 4], kind);
        assert_close(&simplex.log_prob(&y).unwrap(), golden[0], abs, rel);
        tch::manual_seed(6);
        let draw = simplex.sample(&[2]).unwrap();
        assert_eq!(draw.size(), [2, 2, 4]);
        assert_close(&draw, golden[1], abs, rel);

        // A scalar base expanded to the transform's parameters: three independent draws.
        let expanded = TransformedDistribution::new(
            normal(&[0.0], &[1.0], &[], kind),
            vec![Box::new(
                AffineTransform::new(&t(&[-1.0, 0.0, 1.0], &[3], kind), &Tensor::from(1.0))
                    .unwrap(),
            )],
        )
        .unwrap();
        assert_eq!(expanded.batch_shape(), [3]);
        assert_eq!(expanded.base().batch_shape(), [3]);
        tch::manual_seed(7);
        assert_close(&expanded.sample(&[2]).unwrap(), golden[2], abs, rel);
        assert_close(
            &expanded.log_prob(&t(&[0.5; 3], &[3], kind)).unwrap(),
            golden[3],
            abs,
            rel,
        );

        // An affine map over vectors reinterprets the base's last batch dimension.
        let vector = TransformedDistribution::new(
            normal(&LOC_23, &SCALE_23, &[2, 3], kind),
            vec![Box::new(
                AffineTransform::with_event_dim(
                    &t(&[0.5], &[], kind),
                    &t(&[2.0, -1.0, 0.5], &[3], kind),
                    1,
                )
                .unwrap(),
            )],
        )
        .unwrap();
        assert_eq!(
            (vector.batch_shape(), vector.event_shape()),
            (&[2][..], &[3][..])
        );
        assert!(matches!(vector.support(), Constraint::Independent(_, 1)));
        let y = t(&[1.0, -2.0, 0.3, 0.0, 0.5, 4.0], &[2, 3], kind);
        assert_close(&vector.log_prob(&y).unwrap(), golden[4], abs, rel);
    }
}
