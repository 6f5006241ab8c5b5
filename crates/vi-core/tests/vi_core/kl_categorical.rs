//! `KL(Categorical ‖ Categorical)` and `KL(OneHotCategorical ‖
//! OneHotCategorical)` against torch.distributions 2.13 and Monte Carlo.

use tch::Kind;
use vi_core::{Categorical, Error, Expand, OneHotCategorical, kl_divergence};

use crate::common::{assert_close, f64s, values};
use crate::kl::check_against_monte_carlo;

/// ```python
/// p = Categorical(probs=torch.tensor([[0.2, 0.3, 0.5], [0.0, 0.4, 0.6], [0.5, 0.5, 0.0]], dtype=dt))
/// q = Categorical(probs=torch.tensor([[0.1, 0.6, 0.3], [0.0, 0.5, 0.5], [0.5, 0.0, 0.5]], dtype=dt))
/// kl_divergence(p, q)
/// # float32 [0.18609806895256042, 0.020135559141635895, inf]
/// # float64 [0.18609809382700085, 0.02013551355068885, inf]
/// ql = Categorical(logits=torch.tensor([100.0, -100.0, 0.0], dtype=dt))
/// pl = Categorical(logits=torch.tensor([-100.0, 0.0, 100.0], dtype=dt))
/// kl_divergence(pl, ql), kl_divergence(ql, pl)
/// # float32 inf, inf (e^-200 underflows: q has a class of probability 0)
/// # float64 100.0, 200.0
/// ```
/// A class where both have probability 0 contributes 0; one where only `q`
/// has it makes the KL infinite.
#[test]
fn categorical_kl_matches_pytorch() {
    let cases = [
        (
            Kind::Float,
            [0.18609806895256042, 0.020135559141635895],
            [f64::INFINITY; 2],
            1e-6,
        ),
        (
            Kind::Double,
            [0.18609809382700085, 0.02013551355068885],
            [100.0, 200.0],
            1e-14,
        ),
    ];
    for (kind, finite, extreme, tol) in cases {
        let p = Categorical::from_probs(
            &f64s(&[0.2, 0.3, 0.5, 0.0, 0.4, 0.6, 0.5, 0.5, 0.0], &[3, 3]).to_kind(kind),
        )
        .unwrap();
        let q = Categorical::from_probs(
            &f64s(&[0.1, 0.6, 0.3, 0.0, 0.5, 0.5, 0.5, 0.0, 0.5], &[3, 3]).to_kind(kind),
        )
        .unwrap();
        let kl = values(&kl_divergence(&p, &q).unwrap());
        assert_close(&f64s(&kl[..2], &[2]), &finite, tol, tol);
        assert_eq!(kl[2], f64::INFINITY);
        let q_extreme =
            Categorical::from_logits(&f64s(&[100.0, -100.0, 0.0], &[3]).to_kind(kind)).unwrap();
        let p_extreme =
            Categorical::from_logits(&f64s(&[-100.0, 0.0, 100.0], &[3]).to_kind(kind)).unwrap();
        let forward = values(&kl_divergence(&p_extreme, &q_extreme).unwrap())[0];
        let backward = values(&kl_divergence(&q_extreme, &p_extreme).unwrap())[0];
        for (kl, expected) in [(forward, extreme[0]), (backward, extreme[1])] {
            assert!(
                kl == expected || (kl - expected).abs() <= tol * expected,
                "{kl} vs {expected}"
            );
        }
    }
}

#[test]
fn categorical_kl_matches_monte_carlo() {
    let p = Categorical::from_logits(&f64s(&[0.3, -1.0, 2.0, 0.0, 1.5, -0.5, 0.0, 0.7], &[2, 4]))
        .unwrap();
    let q = Categorical::from_probs(&f64s(&[0.1, 0.2, 0.3, 0.4], &[4])).unwrap();
    check_against_monte_carlo(&p, &q, 31);
    // Monte Carlo draws from the first argument, whose batch must cover
    // the second's.
    check_against_monte_carlo(&q.expand(&[2]).unwrap(), &p, 32);
}

#[test]
fn one_hot_categorical_kl_matches_monte_carlo_and_the_categorical_kl() {
    let p_logits = f64s(&[0.3, -1.0, 2.0, 0.0, 1.5, -0.5], &[2, 3]);
    let q_probs = f64s(&[0.5, 0.25, 0.25], &[3]);
    let p = OneHotCategorical::from_logits(&p_logits).unwrap();
    let q = OneHotCategorical::from_probs(&q_probs).unwrap();
    check_against_monte_carlo(&p, &q, 33);
    let categorical = kl_divergence(
        &Categorical::from_logits(&p_logits).unwrap(),
        &Categorical::from_probs(&q_probs).unwrap(),
    )
    .unwrap();
    assert_close(
        &kl_divergence(&p, &q).unwrap(),
        &values(&categorical),
        0.0,
        0.0,
    );
    assert_close(&kl_divergence(&p, &p).unwrap(), &[0.0, 0.0], 1e-15, 0.0);
}

#[test]
fn categorical_kl_refuses_different_numbers_of_classes() {
    let p = Categorical::from_probs(&f64s(&[0.5, 0.5], &[2])).unwrap();
    let q = Categorical::from_probs(&f64s(&[1.0], &[1])).unwrap();
    assert!(matches!(
        kl_divergence(&p, &q),
        Err(Error::KlUnsupported { .. })
    ));
    let p = OneHotCategorical::from_probs(&f64s(&[0.5, 0.5], &[2])).unwrap();
    let q = OneHotCategorical::from_probs(&f64s(&[0.2, 0.3, 0.5], &[3])).unwrap();
    let err = kl_divergence(&p, &q).unwrap_err();
    assert!(err.to_string().contains("OneHotCategorical"), "{err}");
    let p = Categorical::from_probs(&f64s(&[0.5, 0.5, 0.2, 0.8], &[2, 2])).unwrap();
    let q = Categorical::from_probs(&f64s(&[0.5, 0.5, 0.2, 0.8, 0.1, 0.9], &[3, 2])).unwrap();
    assert!(matches!(
        kl_divergence(&p, &q),
        Err(Error::ShapeMismatch { .. })
    ));
}
