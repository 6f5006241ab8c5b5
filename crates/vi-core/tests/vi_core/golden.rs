//! Golden values from torch.distributions (PyTorch 2.13.0, CPU), with the
//! Python that produced them. Seeded draws must equal PyTorch's exactly
//! (same generator, same ops); computed values agree to float rounding.

use std::f64::consts::LN_2;

use tch::Tensor;
use vi_core::{
    Bernoulli, Distribution, Exponential, Independent, MultivariateNormal, Normal, Rsample,
    kl_divergence,
};

use crate::common::{assert_close, f32s, f64s};

/// Seeded draws are compared to 1e-6: the same float32 arithmetic.
const DRAW_TOL: f64 = 1e-6;

fn f32_scalar(value: f32) -> Tensor {
    Tensor::from(value)
}

/// libtorch's generator is PyTorch's:
/// `torch.manual_seed(0); torch.randn(100, 1)[0, 0]` → -1.1258398.
#[test]
fn libtorch_generator_matches_pytorch() {
    tch::manual_seed(0);
    let draws = Tensor::randn([100, 1], (tch::Kind::Float, tch::Device::Cpu));
    assert_close(&draws.get(0), &[-1.1258398], DRAW_TOL, 0.0);
}

/// Tutorial 2's data.
/// ```python
/// torch.manual_seed(0)
/// z = Exponential(1.0).sample()          # 3.508326292037964
/// x = Normal(z, 1.0).sample((5,))        # [3.2178, 2.4380, 4.7728, 2.8209, 3.6687]
/// ```
#[test]
fn tutorial_two_data_matches_pytorch() {
    tch::manual_seed(0);
    let z = Exponential::new(&f32_scalar(1.0))
        .unwrap()
        .sample(&[])
        .unwrap();
    assert_eq!(z.size(), [] as [i64; 0]);
    assert_close(&z, &[3.508326292037964], DRAW_TOL, 0.0);
    let x = Normal::new(&z, &f32_scalar(1.0))
        .unwrap()
        .sample(&[5])
        .unwrap();
    let expected = [
        3.2178170680999756,
        2.437955856323242,
        4.772785186767578,
        2.8208999633789062,
        3.6687076091766357,
    ];
    assert_close(&x, &expected, DRAW_TOL, 0.0);
}

/// ```python
/// torch.manual_seed(1)
/// Normal(torch.tensor([0.0, 1.0, -2.0]), torch.tensor([1.0, 0.5, 3.0])).rsample((2,))  # and .sample((2,))
/// ```
#[test]
fn normal_draws_match_pytorch() {
    let expected = [
        0.6613521575927734,
        1.1334620714187622,
        -1.814968228340149,
        0.6213173270225525,
        0.7740470170974731,
        -2.4983906745910645,
    ];
    let normal = Normal::new(
        &f32s(&[0.0, 1.0, -2.0], &[3]),
        &f32s(&[1.0, 0.5, 3.0], &[3]),
    )
    .unwrap();
    tch::manual_seed(1);
    assert_close(&normal.rsample(&[2]).unwrap(), &expected, DRAW_TOL, 0.0);
    tch::manual_seed(1);
    assert_close(&normal.sample(&[2]).unwrap(), &expected, DRAW_TOL, 0.0);
}

/// ```python
/// torch.manual_seed(2)
/// lv = torch.tensor([[0.3, -1.2], [2.0, 0.0]])
/// Normal(torch.tensor([0.5, -0.5]), torch.exp(0.5 * lv)).rsample((3,))
/// ```
#[test]
fn normal_from_log_var_draws_match_pytorch() {
    let log_var = f32s(&[0.3, -1.2, 2.0, 0.0], &[2, 2]);
    let normal = Normal::from_log_var(&f32s(&[0.5, -0.5], &[2]), &log_var).unwrap();
    tch::manual_seed(2);
    let draw = normal.rsample(&[3]).unwrap();
    assert_eq!(draw.size(), [3, 2, 2]);
    let expected = [
        0.9557838439941406,
        -0.6226945519447327,
        -0.3684917688369751,
        -1.7050371170043945,
        1.7134934663772583,
        -0.8475227355957031,
        2.057865619659424,
        0.04094743728637695,
        0.04467037320137024,
        -1.0722342729568481,
        4.084373474121094,
        0.247639000415802,
    ];
    assert_close(&draw, &expected, DRAW_TOL, DRAW_TOL);
}

/// ```python
/// torch.manual_seed(3); Exponential(torch.tensor([0.5, 2.0])).rsample((3,))
/// torch.manual_seed(4); Bernoulli(probs=torch.tensor([0.1, 0.5, 0.9, 0.3])).sample((3,))
/// ```
#[test]
fn exponential_and_bernoulli_draws_match_pytorch() {
    tch::manual_seed(3);
    let draw = Exponential::new(&f32s(&[0.5, 2.0], &[2]))
        .unwrap()
        .rsample(&[3])
        .unwrap();
    let expected = [
        0.0694069117307663,
        0.1689547896385193,
        2.9648613929748535,
        0.09614172577857971,
        2.8160157203674316,
        0.46856650710105896,
    ];
    assert_close(&draw, &expected, DRAW_TOL, DRAW_TOL);
    tch::manual_seed(4);
    let draw = Bernoulli::from_probs(&f32s(&[0.1, 0.5, 0.9, 0.3], &[4]))
        .unwrap()
        .sample(&[3])
        .unwrap();
    assert_close(
        &draw,
        &[0., 0., 1., 1., 1., 1., 0., 0., 0., 0., 1., 1.],
        0.0,
        0.0,
    );
}

/// ```python
/// L = torch.tensor([[1.0, 0.0], [0.5, 2.0]])
/// torch.manual_seed(5); MultivariateNormal(torch.tensor([1.0, -1.0]), scale_tril=L).rsample((3,))
/// torch.manual_seed(5)
/// MultivariateNormal(torch.tensor([[1.0, -1.0], [0.0, 0.0]]), scale_tril=L).rsample((2,))
/// ```
#[test]
fn multivariate_normal_draws_match_pytorch() {
    let tril = f32s(&[1.0, 0.0, 0.5, 2.0], &[2, 2]);
    tch::manual_seed(5);
    let mvn = MultivariateNormal::new(&f32s(&[1.0, -1.0], &[2]), &tril).unwrap();
    let expected = [
        0.5132192373275757,
        -2.451033592224121,
        0.4419037699699402,
        0.056000471115112305,
        0.8025848865509033,
        2.7868595123291016,
    ];
    assert_close(&mvn.rsample(&[3]).unwrap(), &expected, DRAW_TOL, DRAW_TOL);
    tch::manual_seed(5);
    let batched = MultivariateNormal::new(&f32s(&[1.0, -1.0, 0.0, 0.0], &[2, 2]), &tril).unwrap();
    let expected = [
        0.5132192373275757,
        -2.451033592224121,
        -0.5580962300300598,
        1.0560004711151123,
        0.8025848865509033,
        2.7868595123291016,
        -1.4017020463943481,
        -2.2259652614593506,
    ];
    assert_close(
        &batched.sample(&[2]).unwrap(),
        &expected,
        DRAW_TOL,
        DRAW_TOL,
    );
}

/// Values in float64; agreement to 1e-12 relative.
/// ```python
/// d = torch.float64
/// n = Normal(torch.tensor([0.0, 1.5, -2.0], dtype=d), torch.tensor([1.0, 0.3, 4.0], dtype=d))
/// n.log_prob(torch.tensor([0.5, 1.0, 3.0], dtype=d)); n.entropy().unwrap()
/// q = Normal(torch.tensor([0.2, -1.0, 0.0], dtype=d), torch.tensor([2.0, 0.7, 1.0], dtype=d))
/// kl_divergence(n, q)
/// e = Exponential(torch.tensor([0.5, 1.0, 3.0], dtype=d))
/// e.log_prob(torch.tensor([0.2, 1.0, 2.5], dtype=d)); e.entropy().unwrap()
/// kl_divergence(e, Exponential(torch.tensor([1.0, 4.0, 0.2], dtype=d)))
/// ```
#[test]
fn normal_and_exponential_values_match_pytorch() {
    let n = Normal::new(
        &f64s(&[0.0, 1.5, -2.0], &[3]),
        &f64s(&[1.0, 0.3, 4.0], &[3]),
    )
    .unwrap();
    let log_prob = n.log_prob(&f64s(&[0.5, 1.0, 3.0], &[3])).unwrap();
    assert_close(
        &log_prob,
        &[
            -1.0439385332046727,
            -1.1038546177676254,
            -3.0864828943245635,
        ],
        0.0,
        1e-12,
    );
    assert_close(
        &n.entropy().unwrap(),
        &[1.4189385332046727, 0.21496572887873655, 2.805232894324563],
        0.0,
        1e-12,
    );
    let q = Normal::new(
        &f64s(&[0.2, -1.0, 0.0], &[3]),
        &f64s(&[2.0, 0.7, 1.0], &[3]),
    )
    .unwrap();
    assert_close(
        &kl_divergence(&n, &q).unwrap(),
        &[0.3231471805599453, 6.816685615489245, 8.11370563888011],
        0.0,
        1e-12,
    );

    let e = Exponential::new(&f64s(&[0.5, 1.0, 3.0], &[3])).unwrap();
    let log_prob = e.log_prob(&f64s(&[0.2, 1.0, 2.5], &[3])).unwrap();
    assert_close(
        &log_prob,
        &[-0.7931471805599453, -1.0, -6.40138771133189],
        0.0,
        1e-12,
    );
    assert_close(
        &e.entropy().unwrap(),
        &[1.6931471805599454, 1.0, -0.09861228866810978],
        0.0,
        1e-12,
    );
    let f = Exponential::new(&f64s(&[1.0, 4.0, 0.2], &[3])).unwrap();
    assert_close(
        &kl_divergence(&e, &f).unwrap(),
        &[0.3068528194400546, 1.6137056388801092, 1.774716867768877],
        0.0,
        1e-12,
    );
}

/// ```python
/// b = Bernoulli(logits=torch.tensor([-3.0, 0.0, 2.5, 100.0, -100.0], dtype=d))
/// xb = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0], dtype=d)
/// b.log_prob(xb); b.entropy().unwrap()
/// bq = Bernoulli(probs=torch.tensor([0.2, 0.5, 0.01, 0.7, 0.4], dtype=d))
/// bq.log_prob(xb); bq.entropy().unwrap()
/// kl_divergence(Bernoulli(logits=torch.tensor([-3.0, 0.0, 2.5], dtype=d)),
///               Bernoulli(probs=torch.tensor([0.2, 0.5, 0.01], dtype=d)))
/// ```
#[test]
fn bernoulli_values_match_pytorch() {
    let x = f64s(&[1.0, 0.0, 1.0, 0.0, 1.0], &[5]);
    let b = Bernoulli::from_logits(&f64s(&[-3.0, 0.0, 2.5, 100.0, -100.0], &[5])).unwrap();
    let expected = [
        -3.048587351573742,
        -LN_2,
        -0.07888973429254963,
        -100.0,
        -100.0,
    ];
    assert_close(&b.log_prob(&x).unwrap(), &expected, 0.0, 1e-12);
    let expected = [
        0.1908649711064423,
        LN_2,
        0.26853518434565826,
        3.720075976020836e-44,
        0.0,
    ];
    assert_close(&b.entropy().unwrap(), &expected, 1e-300, 1e-12);
    let bq = Bernoulli::from_probs(&f64s(&[0.2, 0.5, 0.01, 0.7, 0.4], &[5])).unwrap();
    let expected = [
        -1.6094379124341003,
        -LN_2,
        -4.605170185988091,
        -1.203972804325936,
        -0.916290731874155,
    ];
    assert_close(&bq.log_prob(&x).unwrap(), &expected, 0.0, 1e-12);
    let expected = [
        0.5004024235381879,
        LN_2,
        0.05600153435484678,
        0.6108643020548935,
        0.6730116670092564,
    ];
    assert_close(&bq.entropy().unwrap(), &expected, 0.0, 1e-12);
    let p = Bernoulli::from_logits(&f64s(&[-3.0, 0.0, 2.5], &[3])).unwrap();
    let q = Bernoulli::from_probs(&f64s(&[0.2, 0.5, 0.01], &[3])).unwrap();
    assert_close(
        &kl_divergence(&p, &q).unwrap(),
        &[0.09802480076501525, 0.0, 3.988057572831734],
        1e-15,
        1e-12,
    );
}

/// ```python
/// L = torch.tensor([[1.0, 0.0, 0.0], [0.5, 2.0, 0.0], [-0.3, 0.8, 0.6]], dtype=d)
/// m = MultivariateNormal(torch.tensor([1.0, -1.0, 0.5], dtype=d), scale_tril=L)
/// m.log_prob(torch.tensor([[0.0, 0.0, 0.0], [1.0, 2.0, -1.0]], dtype=d)); m.entropy().unwrap(); m.variance
/// L2 = torch.tensor([[2.0, 0.0, 0.0], [-0.4, 1.0, 0.0], [0.1, 0.2, 1.5]], dtype=d)
/// kl_divergence(m, MultivariateNormal(torch.tensor([0.0, 0.5, -0.5], dtype=d), scale_tril=L2))
/// ```
#[test]
fn multivariate_normal_values_match_pytorch() {
    let tril = f64s(&[1.0, 0.0, 0.0, 0.5, 2.0, 0.0, -0.3, 0.8, 0.6], &[3, 3]);
    let m = MultivariateNormal::new(&f64s(&[1.0, -1.0, 0.5], &[3]), &tril).unwrap();
    let x = f64s(&[0.0, 0.0, 0.0, 1.0, 2.0, -1.0], &[2, 3]);
    assert_close(
        &m.log_prob(&x).unwrap(),
        &[-6.442609378630196, -14.189137156407977],
        0.0,
        1e-12,
    );
    assert_close(&m.entropy().unwrap(), &[4.439137156407973], 0.0, 1e-12);
    assert_close(&m.variance().unwrap(), &[1.0, 4.25, 1.09], 0.0, 1e-12);
    let tril2 = f64s(&[2.0, 0.0, 0.0, -0.4, 1.0, 0.0, 0.1, 0.2, 1.5], &[3, 3]);
    let m2 = MultivariateNormal::new(&f64s(&[0.0, 0.5, -0.5], &[3]), &tril2).unwrap();
    assert_close(
        &kl_divergence(&m, &m2).unwrap(),
        &[3.250557398540822],
        0.0,
        1e-12,
    );
}

/// ```python
/// ind = Independent(Normal(torch.tensor([[0.0, 1.0], [2.0, -1.0]], dtype=d),
///                          torch.tensor([[1.0, 2.0], [0.5, 1.5]], dtype=d)), 1)
/// ind.log_prob(torch.tensor([0.3, -0.7], dtype=d)); ind.entropy().unwrap()
/// kl_divergence(ind, Independent(Normal(torch.zeros(2, 2, dtype=d), torch.ones(2, 2, dtype=d)), 1))
/// ```
#[test]
fn independent_values_match_pytorch() {
    let base = Normal::new(
        &f64s(&[0.0, 1.0, 2.0, -1.0], &[2, 2]),
        &f64s(&[1.0, 2.0, 0.5, 1.5], &[2, 2]),
    )
    .unwrap();
    let ind = Independent::new(base, 1).unwrap();
    let log_prob = ind.log_prob(&f64s(&[0.3, -0.7], &[2])).unwrap();
    assert_close(
        &log_prob,
        &[-2.9372742469692907, -7.3501949939575635],
        0.0,
        1e-12,
    );
    assert_close(
        &ind.entropy().unwrap(),
        &[3.5310242469692907, 2.5501949939575645],
        0.0,
        1e-12,
    );
    let zeros = f64s(&[0.0; 4], &[2, 2]);
    let standard = Independent::new(Normal::standard_like(&zeros).unwrap(), 1).unwrap();
    assert_close(
        &kl_divergence(&ind, &standard).unwrap(),
        &[1.3068528194400546, 3.037682072451781],
        0.0,
        1e-12,
    );
}
