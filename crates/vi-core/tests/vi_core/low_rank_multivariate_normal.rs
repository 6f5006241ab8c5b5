//! `LowRankMultivariateNormal` against torch.distributions 2.13 (golden
//! values, extreme parameters, seeded draws), against the full-covariance
//! `MultivariateNormal` it equals, against Monte Carlo (entropy, mean,
//! variance), and its reparameterized gradient against the closed form.

use tch::{Device, Kind, Tensor};
use vi_core::{
    Distribution, Expand, Independent, LowRankMultivariateNormal, MultivariateNormal, Normal,
    Rsample,
};

use crate::common::{
    assert_close, assert_tensors_close, assert_within_stderr, f64s, mean_and_stderr, values,
};

/// The parameters of most tests: batch `[2]` (from `loc` and `cov_diag`),
/// `n = 3`, rank 2 (`cov_factor` shared by the batch).
fn example(kind: Kind) -> LowRankMultivariateNormal {
    LowRankMultivariateNormal::new(
        &f64s(&[0.5, -1.0, 2.0, 0.0, 0.3, -0.4], &[2, 3]).to_kind(kind),
        &f64s(&[1.0, 0.2, -0.5, 0.7, 0.3, -1.1], &[3, 2]).to_kind(kind),
        &f64s(&[0.5, 1.5, 0.8, 2.0, 0.1, 1.0], &[2, 3]).to_kind(kind),
    )
    .expect("valid parameters")
}

struct Golden {
    kind: Kind,
    tol: f64,
    log_prob: [f64; 4],
    entropy: [f64; 2],
    covariance: [f64; 9],
    precision: [f64; 9],
    scale_tril: [f64; 9],
}

/// ```python
/// loc = torch.tensor([[0.5, -1.0, 2.0], [0.0, 0.3, -0.4]], dtype=dt)
/// W = torch.tensor([[1.0, 0.2], [-0.5, 0.7], [0.3, -1.1]], dtype=dt)
/// D = torch.tensor([[0.5, 1.5, 0.8], [2.0, 0.1, 1.0]], dtype=dt)
/// m = LowRankMultivariateNormal(loc, W, D)
/// v = torch.tensor([[[0.0, 0.0, 0.0]], [[1.0, -2.0, 0.5]]], dtype=dt)   # [2, 1, 3]
/// m.log_prob(v).flatten()   # shape [2, 2]
/// m.entropy(); m.variance
/// m.covariance_matrix[1]; m.precision_matrix[1]; m.scale_tril[1]
/// ```
/// variance (both types) `[1.54, 2.24, 2.1, 3.04, 0.84, 2.3]`.
#[test]
fn low_rank_matches_pytorch() {
    let float32 = Golden {
        kind: Kind::Float,
        tol: 2e-6,
        log_prob: [
            -4.638823986053467,
            -3.3720932006835938,
            -4.934415340423584,
            -7.502923011779785,
        ],
        entropy: [5.127679824829102, 4.814346790313721],
        covariance: [
            3.0399999618530273,
            -0.36000001430511475,
            0.07999999821186066,
            -0.36000001430511475,
            0.8400000333786011,
            -0.9199999570846558,
            0.07999999821186066,
            -0.9199999570846558,
            2.3000001907348633,
        ],
        precision: [
            0.3559623956680298,
            0.2473636269569397,
            0.08656422048807144,
            0.2473636269569397,
            2.2905406951904297,
            0.9076124429702759,
            0.08656422048807144,
            0.9076124429702759,
            0.7948166131973267,
        ],
        scale_tril: [
            1.74355947971344,
            0.0,
            0.0,
            -0.206474170088768,
            0.8929548859596252,
            0.0,
            0.045883141458034515,
            -1.0196778774261475,
            1.1216737031936646,
        ],
    };
    let float64 = Golden {
        kind: Kind::Double,
        tol: 1e-13,
        log_prob: [
            -4.6388236857599985,
            -3.3720932324195583,
            -4.93441521926154,
            -7.502923199367776,
        ],
        entropy: [5.127679867425264, 4.814347049113332],
        covariance: [
            3.04,
            -0.36,
            0.07999999999999996,
            -0.36,
            0.84,
            -0.92,
            0.07999999999999996,
            -0.92,
            2.3000000000000003,
        ],
        precision: [
            0.3559624363884371,
            0.2473637269817951,
            0.08656418865746818,
            0.2473637269817951,
            2.2905408950212474,
            0.9076124022873933,
            0.08656418865746818,
            0.9076124022873933,
            0.79481664130948,
        ],
        scale_tril: [
            1.7435595774162695,
            0.0,
            0.0,
            -0.20647416048350556,
            0.8929548818684131,
            0.0,
            0.04588314677411233,
            -1.0196778519025445,
            1.121673666973384,
        ],
    };
    for golden in [float32, float64] {
        let tol = golden.tol;
        let low_rank = example(golden.kind);
        assert_eq!(low_rank.batch_shape(), [2]);
        assert_eq!(low_rank.event_shape(), [3]);
        assert_eq!(low_rank.rank(), 2);
        let value = f64s(&[0.0, 0.0, 0.0, 1.0, -2.0, 0.5], &[2, 1, 3]).to_kind(golden.kind);
        let log_prob = low_rank.log_prob(&value).unwrap();
        assert_eq!(log_prob.size(), [2, 2]);
        assert_close(&log_prob, &golden.log_prob, tol, tol);
        assert_close(&low_rank.entropy().unwrap(), &golden.entropy, tol, tol);
        let variance = [1.54, 2.24, 2.1, 3.04, 0.84, 2.3];
        assert_close(&low_rank.variance().unwrap(), &variance, tol, tol);
        assert_close(
            &low_rank.mean().unwrap(),
            &[0.5, -1.0, 2.0, 0.0, 0.3, -0.4],
            tol,
            tol,
        );
        assert_close(&low_rank.mode().unwrap(), &values(low_rank.loc()), 0.0, 0.0);
        let covariance = low_rank.covariance_matrix();
        assert_eq!(covariance.size(), [2, 3, 3]);
        assert_close(&covariance.get(1), &golden.covariance, tol, tol);
        assert_close(
            &low_rank.precision_matrix().get(1),
            &golden.precision,
            tol,
            tol,
        );
        let scale_tril = low_rank.scale_tril().unwrap();
        assert_eq!(scale_tril.size(), [2, 3, 3]);
        assert_close(&scale_tril.get(1), &golden.scale_tril, tol, tol);
    }
}

/// Entries from 1e-6 to 1e6:
/// ```python
/// loc = torch.tensor([1e3, -1e3, 0.0], dtype=dt)
/// W = torch.tensor([[1e3, 0.0], [1e-3, 2.0], [0.0, 1e2]], dtype=dt)
/// D = torch.tensor([1e-6, 1e6, 1e-3], dtype=dt)
/// m = LowRankMultivariateNormal(loc, W, D)
/// m.log_prob(torch.tensor([[1e3, -1e3, 0.0], [1001.0, -999.0, 5.0]], dtype=dt)); m.entropy()
/// # float32 [-21.177494049072266, -21.177494049072266], 22.677494049072266
/// # float64 [-21.177496393567083, -21.17874729843544], 22.677496393567083
/// ```
/// (float32 loses the second value's Mahalanobis term to cancellation, as
/// torch's does: the same formula in the same precision.)
#[test]
fn low_rank_extreme_parameters_match_pytorch() {
    let cases = [
        (
            Kind::Float,
            [-21.177494049072266, -21.177494049072266],
            22.677494049072266,
            1e-6,
        ),
        (
            Kind::Double,
            [-21.177496393567083, -21.17874729843544],
            22.677496393567083,
            1e-12,
        ),
    ];
    for (kind, log_prob, entropy, tol) in cases {
        let low_rank = LowRankMultivariateNormal::new(
            &f64s(&[1e3, -1e3, 0.0], &[3]).to_kind(kind),
            &f64s(&[1e3, 0.0, 1e-3, 2.0, 0.0, 1e2], &[3, 2]).to_kind(kind),
            &f64s(&[1e-6, 1e6, 1e-3], &[3]).to_kind(kind),
        )
        .unwrap();
        let value = f64s(&[1e3, -1e3, 0.0, 1001.0, -999.0, 5.0], &[2, 3]).to_kind(kind);
        assert_close(&low_rank.log_prob(&value).unwrap(), &log_prob, 0.0, tol);
        assert_close(&low_rank.entropy().unwrap(), &[entropy], 0.0, tol);
    }
}

/// `ε_W` (shape `[2, 2, 2]`) is drawn before `ε_D` (`[2, 2, 3]`):
/// ```python
/// torch.manual_seed(12)
/// LowRankMultivariateNormal(loc, W, D).rsample((2,))   # float32, parameters of `example`; also .sample((2,))
/// ```
#[test]
fn low_rank_draws_match_pytorch() {
    let expected = [
        0.04448208957910538,
        -1.960978388786316,
        3.320086717605591,
        1.1091281175613403,
        0.6897558569908142,
        -1.917140245437622,
        0.5108225345611572,
        -3.143726348876953,
        3.1685566902160645,
        -0.953336238861084,
        0.04153969883918762,
        0.8921138048171997,
    ];
    let low_rank = example(Kind::Float);
    tch::manual_seed(12);
    let draws = low_rank.rsample(&[2]).unwrap();
    assert_eq!(draws.size(), [2, 2, 3]);
    assert_close(&draws, &expected, 1e-6, 1e-6);
    tch::manual_seed(12);
    assert_close(&low_rank.sample(&[2]).unwrap(), &expected, 1e-6, 1e-6);
}

/// The same Gaussian written with its full covariance: log density and
/// entropy agree with `MultivariateNormal` (an independent Cholesky-based
/// computation), and the `scale_tril` reproduces the covariance.
#[test]
fn low_rank_equals_the_full_covariance_normal() {
    let low_rank = example(Kind::Double);
    let covariance = low_rank.covariance_matrix();
    let full = MultivariateNormal::from_covariance_matrix(low_rank.loc(), &covariance).unwrap();
    tch::manual_seed(13);
    let points = Tensor::randn([5, 2, 3], (Kind::Double, Device::Cpu)) * 2.0;
    assert_tensors_close(
        &low_rank.log_prob(&points).unwrap(),
        &full.log_prob(&points).unwrap(),
        1e-12,
    );
    assert_tensors_close(
        &low_rank.entropy().unwrap(),
        &full.entropy().unwrap(),
        1e-12,
    );
    let tril = low_rank.scale_tril().unwrap();
    assert_tensors_close(&tril.matmul(&tril.transpose(-2, -1)), &covariance, 1e-12);
    let identity = low_rank.precision_matrix().matmul(&covariance);
    let eye = Tensor::eye(3, (Kind::Double, Device::Cpu)).expand([2, 3, 3], false);
    assert_tensors_close(&identity, &eye, 1e-12);
}

/// A rank of 0 is a diagonal Gaussian (torch's capacitance computation
/// raises for it); an event size of 0 has log density and entropy 0.
#[test]
fn low_rank_of_rank_zero_is_a_diagonal_normal() {
    let loc = f64s(&[0.5, -1.0, 2.0], &[3]);
    let diag = f64s(&[0.5, 1.5, 0.8], &[3]);
    let low_rank = LowRankMultivariateNormal::new(
        &loc,
        &Tensor::zeros([3, 0], (Kind::Double, Device::Cpu)),
        &diag,
    )
    .unwrap();
    let diagonal = Independent::new(Normal::new(&loc, &diag.sqrt()).unwrap(), 1).unwrap();
    let points = f64s(&[0.0, 0.0, 0.0, 1.0, -2.0, 0.5], &[2, 3]);
    assert_tensors_close(
        &low_rank.log_prob(&points).unwrap(),
        &diagonal.log_prob(&points).unwrap(),
        1e-13,
    );
    assert_tensors_close(
        &low_rank.entropy().unwrap(),
        &diagonal.entropy().unwrap(),
        1e-13,
    );
    assert_eq!(low_rank.rsample(&[4]).unwrap().size(), [4, 3]);

    let options = (Kind::Double, Device::Cpu);
    let empty = LowRankMultivariateNormal::new(
        &Tensor::zeros([0], options),
        &Tensor::zeros([0, 2], options),
        &Tensor::ones([0], options),
    )
    .unwrap();
    assert_close(
        &empty.log_prob(&Tensor::zeros([4, 0], options)).unwrap(),
        &[0.0; 4],
        0.0,
        0.0,
    );
    assert_close(&empty.entropy().unwrap(), &[0.0], 0.0, 0.0);
}

/// Over 200 000 draws: the sample mean within 4 standard errors of `μ`,
/// the sample variance within 4 standard errors of `Σⱼ Wᵢⱼ² + Dᵢ`, and the
/// entropy within 4 standard errors of the mean of `−log p(z)`.
#[test]
fn low_rank_moments_and_entropy_match_monte_carlo() {
    let low_rank = example(Kind::Double);
    tch::manual_seed(14);
    let draws = low_rank.sample(&[200_000]).unwrap();
    let (mean, stderr) = mean_and_stderr(&draws);
    assert_within_stderr(&mean, &low_rank.mean().unwrap(), &stderr, 4.0, 1e-12);
    let (variance, stderr) = mean_and_stderr(&(&draws - &mean).square());
    assert_within_stderr(
        &variance,
        &low_rank.variance().unwrap(),
        &stderr,
        4.0,
        1e-12,
    );
    let (entropy, stderr) = mean_and_stderr(&-low_rank.log_prob(&draws).unwrap());
    assert_within_stderr(&entropy, &low_rank.entropy().unwrap(), &stderr, 4.0, 1e-12);
}

/// `z = μ + W ε_W + √D ε_D`, so `∂Σz/∂μ = S` (the number of draws),
/// `∂Σz/∂Wᵢⱼ = Σ_s ε_W[s, j]` and `∂Σz/∂Dᵢ = Σ_s ε_D[s, i] / (2√Dᵢ)`, with the
/// noise redrawn from the same seed in torch's order (`ε_W` first).
#[test]
fn low_rank_rsample_gradients_match_the_closed_form() {
    let options = (Kind::Double, Device::Cpu);
    let loc = f64s(&[0.5, -1.0, 2.0], &[3]).set_requires_grad(true);
    let factor = f64s(&[1.0, 0.2, -0.5, 0.7, 0.3, -1.1], &[3, 2]).set_requires_grad(true);
    let diag = f64s(&[0.5, 1.5, 0.8], &[3]).set_requires_grad(true);
    let low_rank = LowRankMultivariateNormal::new(&loc, &factor, &diag).unwrap();
    tch::manual_seed(15);
    low_rank.rsample(&[6]).unwrap().sum(Kind::Double).backward();
    tch::manual_seed(15);
    let eps_w = Tensor::randn([6, 2], options);
    let eps_d = Tensor::randn([6, 3], options);
    assert_close(&loc.grad(), &[6.0; 3], 1e-13, 0.0);
    let column_sums = values(&eps_w.sum_dim_intlist(0, false, None::<Kind>));
    let expected_factor: Vec<f64> = (0..3).flat_map(|_| column_sums.clone()).collect();
    assert_close(&factor.grad(), &expected_factor, 1e-12, 1e-12);
    let expected_diag =
        eps_d.sum_dim_intlist(0, false, None::<Kind>) / (diag.detach().sqrt() * 2.0);
    assert_close(&diag.grad(), &values(&expected_diag), 1e-12, 1e-12);
}

#[test]
fn low_rank_expands_its_batch() {
    let low_rank = example(Kind::Double);
    let expanded = low_rank.expand(&[4, 2]).unwrap();
    assert_eq!(expanded.batch_shape(), [4, 2]);
    assert_eq!(expanded.cov_factor().size(), [4, 2, 3, 2]);
    let point = f64s(&[1.0, -2.0, 0.5], &[3]);
    let log_prob = expanded.log_prob(&point).unwrap();
    assert_eq!(log_prob.size(), [4, 2]);
    assert_close(
        &log_prob.get(3),
        &values(&low_rank.log_prob(&point).unwrap()),
        1e-14,
        1e-14,
    );
    assert_eq!(expanded.entropy().unwrap().size(), [4, 2]);
    assert_eq!(expanded.rsample(&[3]).unwrap().size(), [3, 4, 2, 3]);
}
