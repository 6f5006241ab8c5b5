//! The KL pairs of `LowRankMultivariateNormal` (with itself and with
//! `MultivariateNormal`, both ways) against torch.distributions 2.13, the
//! full-covariance formula and Monte Carlo.

use tch::{Device, Kind, Tensor};
use vi_core::{Error, LowRankMultivariateNormal, MultivariateNormal, kl_divergence};

use crate::common::{assert_close, assert_tensors_close, f64s, item};
use crate::kl::check_against_monte_carlo;

/// `p`: batch `[2]` (from `loc` and `cov_diag`), `n = 3`, rank 2.
fn p_low_rank(kind: Kind) -> LowRankMultivariateNormal {
    LowRankMultivariateNormal::new(
        &f64s(&[0.5, -1.0, 2.0, 0.0, 0.3, -0.4], &[2, 3]).to_kind(kind),
        &f64s(&[1.0, 0.2, -0.5, 0.7, 0.3, -1.1], &[3, 2]).to_kind(kind),
        &f64s(&[0.5, 1.5, 0.8, 2.0, 0.1, 1.0], &[2, 3]).to_kind(kind),
    )
    .expect("valid parameters")
}

/// `q`: batch `[2]` from `cov_factor`, rank 1.
fn q_low_rank(kind: Kind) -> LowRankMultivariateNormal {
    LowRankMultivariateNormal::new(
        &f64s(&[0.1, 0.2, 0.3], &[3]).to_kind(kind),
        &f64s(&[0.4, 0.0, -0.9, 1.5, 0.2, 0.1], &[2, 3, 1]).to_kind(kind),
        &f64s(&[1.0, 0.7, 1.3], &[3]).to_kind(kind),
    )
    .expect("valid parameters")
}

/// `r`: batch `[2]` from `loc`, one shared `scale_tril`.
fn r_full(kind: Kind) -> MultivariateNormal {
    MultivariateNormal::new(
        &f64s(&[0.0, 0.0, 0.0, 1.0, -1.0, 0.5], &[2, 3]).to_kind(kind),
        &f64s(&[1.2, 0.0, 0.0, 0.3, 0.9, 0.0, -0.4, 0.5, 1.1], &[3, 3]).to_kind(kind),
    )
    .expect("valid parameters")
}

/// ```python
/// p = LowRankMultivariateNormal(torch.tensor([[0.5, -1.0, 2.0], [0.0, 0.3, -0.4]], dtype=dt),
///        torch.tensor([[1.0, 0.2], [-0.5, 0.7], [0.3, -1.1]], dtype=dt),
///        torch.tensor([[0.5, 1.5, 0.8], [2.0, 0.1, 1.0]], dtype=dt))
/// q = LowRankMultivariateNormal(torch.tensor([0.1, 0.2, 0.3], dtype=dt),
///        torch.tensor([[[0.4], [0.0], [-0.9]], [[1.5], [0.2], [0.1]]], dtype=dt),
///        torch.tensor([1.0, 0.7, 1.3], dtype=dt))
/// L = torch.tensor([[1.2, 0.0, 0.0], [0.3, 0.9, 0.0], [-0.4, 0.5, 1.1]], dtype=dt)
/// r = MultivariateNormal(torch.tensor([[0.0, 0.0, 0.0], [1.0, -1.0, 0.5]], dtype=dt), scale_tril=L)
/// kl_divergence(p, q), kl_divergence(q, p), kl_divergence(r, p)
/// # torch raises for kl_divergence(p, r) (it broadcasts D only to the batch of W and L);
/// # the same p with W.expand(2, 3, 2) gives:
/// kl_divergence(p_expanded, r)
/// ```
#[test]
fn low_rank_kl_pairs_match_pytorch() {
    let float32 = (
        Kind::Float,
        2e-6,
        [2.6400585174560547, 0.700840950012207],
        [1.0893754959106445, 0.7053885459899902],
        [1.5325977802276611, 2.292926549911499],
        [5.804879188537598, 5.429490566253662],
    );
    let float64 = (
        Kind::Double,
        1e-13,
        [2.640058558229752, 0.7008407137375277],
        [1.0893757199991514, 0.705388406389619],
        [1.5325985136495972, 2.2929277171481237],
        [5.804879175351429, 5.429490817252793],
    );
    for (kind, tol, p_q, q_p, r_p, p_r) in [float32, float64] {
        let (p, q, r) = (p_low_rank(kind), q_low_rank(kind), r_full(kind));
        assert_close(&kl_divergence(&p, &q).unwrap(), &p_q, tol, tol);
        assert_close(&kl_divergence(&q, &p).unwrap(), &q_p, tol, tol);
        assert_close(&kl_divergence(&r, &p).unwrap(), &r_p, tol, tol);
        assert_close(&kl_divergence(&p, &r).unwrap(), &p_r, tol, tol);
    }
}

/// Each pair equals `KL(MultivariateNormal ‖ MultivariateNormal)` of the
/// same Gaussians written with full covariances (an independent
/// computation by Cholesky factors), and is 0 for `p = q`.
#[test]
fn low_rank_kl_pairs_equal_the_full_covariance_kl() {
    let (p, q, r) = (
        p_low_rank(Kind::Double),
        q_low_rank(Kind::Double),
        r_full(Kind::Double),
    );
    let full = |low_rank: &LowRankMultivariateNormal| {
        MultivariateNormal::from_covariance_matrix(low_rank.loc(), &low_rank.covariance_matrix())
            .unwrap()
    };
    let (p_full, q_full) = (full(&p), full(&q));
    let pairs = [
        (kl_divergence(&p, &q), kl_divergence(&p_full, &q_full)),
        (kl_divergence(&q, &p), kl_divergence(&q_full, &p_full)),
        (kl_divergence(&r, &p), kl_divergence(&r, &p_full)),
        (kl_divergence(&p, &r), kl_divergence(&p_full, &r)),
    ];
    for (low_rank, reference) in pairs {
        assert_tensors_close(&low_rank.unwrap(), &reference.unwrap(), 1e-12);
    }
    assert_close(&kl_divergence(&p, &p).unwrap(), &[0.0; 2], 1e-13, 0.0);
}

#[test]
fn low_rank_kl_pairs_match_monte_carlo() {
    let (p, q, r) = (
        p_low_rank(Kind::Double),
        q_low_rank(Kind::Double),
        r_full(Kind::Double),
    );
    check_against_monte_carlo(&p, &q, 41);
    check_against_monte_carlo(&q, &p, 42);
    check_against_monte_carlo(&r, &p, 43);
    check_against_monte_carlo(&p, &r, 44);
}

/// 500 random pairs with batch and rank broadcasting; every KL is ≥ 0.
#[test]
fn low_rank_kl_is_non_negative_on_random_parameters() {
    tch::manual_seed(45);
    let options = (Kind::Double, Device::Cpu);
    let random = |shape: &[i64]| Tensor::randn(shape, options);
    let low_rank = |rank: i64| {
        LowRankMultivariateNormal::new(
            &random(&[500, 4]),
            &random(&[500, 4, rank]),
            &(random(&[500, 4]) * 2.0).exp(),
        )
        .unwrap()
    };
    let (p, q) = (low_rank(2), low_rank(3));
    let tril = random(&[500, 4, 4]).tril(-1) + random(&[500, 4]).exp().diag_embed(0, -2, -1);
    let r = MultivariateNormal::new(&random(&[500, 4]), &tril).unwrap();
    for kl in [
        kl_divergence(&p, &q),
        kl_divergence(&r, &p),
        kl_divergence(&p, &r),
    ] {
        let min = item(&kl.unwrap().min());
        assert!(min >= -1e-10, "negative KL {min}");
    }
}

#[test]
fn low_rank_kl_refuses_different_event_shapes_and_types() {
    // float32 against float64: the matrix products do not promote.
    assert!(matches!(
        kl_divergence(&p_low_rank(Kind::Float), &q_low_rank(Kind::Double)),
        Err(Error::Dtype { name: "q", .. })
    ));
    assert!(matches!(
        kl_divergence(&r_full(Kind::Double), &p_low_rank(Kind::Float)),
        Err(Error::Dtype { .. })
    ));
    let two = LowRankMultivariateNormal::new(
        &f64s(&[0.0, 0.0], &[2]),
        &f64s(&[1.0, 0.0], &[2, 1]),
        &f64s(&[1.0, 1.0], &[2]),
    )
    .unwrap();
    let three = p_low_rank(Kind::Double);
    assert!(matches!(
        kl_divergence(&two, &three),
        Err(Error::KlUnsupported { .. })
    ));
    assert!(matches!(
        kl_divergence(&two, &r_full(Kind::Double)),
        Err(Error::KlUnsupported { .. })
    ));
    assert!(matches!(
        kl_divergence(&r_full(Kind::Double), &two),
        Err(Error::KlUnsupported { .. })
    ));
}
