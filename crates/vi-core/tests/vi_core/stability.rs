//! Extreme but legal parameters give finite values: Bernoulli logits of
//! ±100 and Normal `log_var` of ±30, in float32 as networks produce them.

use tch::{Kind, Tensor};
use vi_core::{
    Bernoulli, Distribution, Independent, Normal, Rsample, kl_divergence, monte_carlo_elbo,
};

use crate::common::{assert_close, assert_finite, f32s};

#[test]
fn bernoulli_extreme_logits_are_finite() {
    let logits = f32s(&[-100.0, 100.0, -100.0, 100.0], &[4]);
    let bernoulli = Bernoulli::from_logits(&logits).unwrap();
    let x = f32s(&[1.0, 0.0, 0.0, 1.0], &[4]);
    let log_prob = bernoulli.log_prob(&x).unwrap();
    // log σ(−100) = −100 − log(1 + e⁻¹⁰⁰) and log σ(100) ≈ −e⁻¹⁰⁰ ≈ 0:
    // a `log(sigmoid(ℓ))` would give −inf for the first two.
    assert_close(&log_prob, &[-100.0, -100.0, 0.0, 0.0], 1e-5, 1e-6);
    assert_finite(&bernoulli.entropy().unwrap());
    let flipped = Bernoulli::from_logits(&-&logits).unwrap();
    let kl = kl_divergence(&bernoulli, &flipped).unwrap();
    // KL(Ber(σ(ℓ)) ‖ Ber(σ(−ℓ))) = ℓ (2σ(ℓ) − 1) → 100 for |ℓ| = 100.
    assert_close(&kl, &[100.0; 4], 1e-3, 1e-5);
    assert_close(
        &kl_divergence(&flipped, &bernoulli).unwrap(),
        &[100.0; 4],
        1e-3,
        1e-5,
    );
}

#[test]
fn normal_extreme_log_var_is_finite() {
    let loc = f32s(&[0.0, 0.0], &[2]);
    let log_var = f32s(&[30.0, -30.0], &[2]).set_requires_grad(true);
    let normal = Normal::from_log_var(&loc, &log_var).unwrap();
    assert_finite(&normal.log_prob(&f32s(&[1.0, 1e-3], &[2])).unwrap());
    assert_finite(&normal.entropy().unwrap());
    assert_finite(&normal.variance().unwrap());
    let draws = normal.rsample(&[100]).unwrap();
    assert_finite(&draws);
    assert_finite(&normal.log_prob(&draws).unwrap());
    let kl = kl_divergence(&normal, &Normal::standard_like(&loc).unwrap()).unwrap();
    assert_finite(&kl);
    // KL(N(0, e^{lv}) ‖ N(0, 1)) = ½ (e^{lv} − 1 − lv): torch gives
    // [5343237111808.0, 14.5] in float32 for lv = ±30.
    assert_close(&kl, &[5_343_237_111_808.0, 14.5], 0.0, 1e-5);
    let grads = Tensor::run_backward(&[kl.sum(Kind::Float)], &[&log_var], false, false);
    assert_finite(&grads[0]);
}

#[test]
fn vae_elbo_with_extreme_encoder_outputs_is_finite() {
    tch::manual_seed(41);
    let mean = f32s(&[0.0, 5.0, -5.0, 0.0], &[2, 2]);
    let log_var = f32s(&[30.0, -30.0, -30.0, 30.0], &[2, 2]);
    let posterior = Independent::new(Normal::from_log_var(&mean, &log_var).unwrap(), 1).unwrap();
    let prior = Independent::new(Normal::standard_like(&mean).unwrap(), 1).unwrap();
    let images = f32s(&[1.0, 0.0, 1.0, 1.0, 0.0, 0.0], &[2, 3]);
    let elbo = monte_carlo_elbo(&posterior, &prior, 4, |z| {
        // Saturating logits of ±100 from a linear decoder.
        let logits = (z.sum_dim_intlist(-1, true, None) * 1e3)
            .clamp(-100.0, 100.0)
            .expand([-1, -1, 3], false);
        Independent::new(Bernoulli::from_logits(&logits)?, 1)?.log_prob(&images)
    })
    .unwrap();
    assert_eq!(elbo.size(), [2]);
    assert_finite(&elbo);
}
