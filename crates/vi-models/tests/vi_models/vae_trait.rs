//! The `Vae` trait's provided methods: with the tutorials' posterior and
//! prior they draw and compute exactly what the earlier formulation with a
//! prior of batch shape `[B]` did; with another prior (a correlated Gaussian
//! that has no closed-form KL to a diagonal posterior) the Monte Carlo ELBO,
//! the trainer and the prior samples work, and the analytic-KL ELBO is a
//! typed error.

use std::f64::consts::PI;

use tch::{Device, Kind, Tensor, nn};
use vi_core::{
    Distribution, Estimate, Independent, MultivariateNormal, Normal, analytic_kl_elbo,
    monte_carlo_elbo,
};
use vi_data::Split;
use vi_models::{
    ElboEstimator, Error, GaussianConvVae, GaussianConvVaeConfig, MlpPosterior, MlpVae,
    MlpVaeConfig, NullObserver, Objective, Trainer, Vae, presets, reparameterized_loss,
};

use super::common::{mnist, short_config, values};

fn mlp_vae(seed: i64) -> (nn::VarStore, MlpVae) {
    tch::manual_seed(seed);
    let var_store = nn::VarStore::new(Device::Cpu);
    let model = MlpVae::new(&var_store.root(), &MlpVaeConfig::default()).expect("valid");
    (var_store, model)
}

/// The prior's draws are `torch.randn(n, L)`:
/// ```python
/// torch.manual_seed(7); print(torch.randn(3, 2).flatten().tolist())
/// ```
/// and the decoded samples equal those of the earlier prior
/// `N(0, I)` of batch shape `[n]`, `standard_like(zeros([n, L])).sample([])`.
#[test]
fn prior_samples_are_torch_randn_decoded() {
    let (_vs, model) = mlp_vae(0);
    tch::manual_seed(7);
    let z = model.prior().expect("valid").sample(&[3]).expect("valid");
    let golden = [
        -0.146_795_094_013_214_1,
        0.786_141_276_359_558_1,
        0.946_821_630_001_068_1,
        -1.114_344_000_816_345_2,
        1.690_790_176_391_601_6,
        -0.894_827_902_317_047_1,
    ];
    assert_eq!(z.size(), [3, 2]);
    assert_eq!(values(&z), golden);

    tch::manual_seed(11);
    let samples = model.sample_images(5).expect("valid");
    tch::manual_seed(11);
    let zeros = Tensor::zeros([5, 2], (Kind::Float, Device::Cpu));
    let earlier = Normal::standard_like(&zeros)
        .expect("float")
        .sample(&[])
        .expect("valid");
    let expected = tch::no_grad(|| model.decode(&earlier)).expect("valid");
    assert!(samples.equal(&expected));
}

/// Both estimators, through the prior of batch shape `[]`, equal vi-core's
/// estimators with the earlier prior of the posterior's batch shape `[B]`,
/// to the last bit: the same draw, the same arithmetic.
#[test]
fn the_estimators_equal_the_batch_shaped_prior_formulation() {
    let (_vs, model) = mlp_vae(1);
    let images = mnist(Split::Test, 8).images().bernoulli();
    for estimator in [ElboEstimator::AnalyticKl, ElboEstimator::MonteCarlo] {
        tch::manual_seed(5);
        let found = model.negative_elbo_with(&images, estimator).expect("valid");
        tch::manual_seed(5);
        let posterior = model.posterior(&images).expect("valid");
        let posterior = posterior.gaussian();
        let prior = Independent::new(
            Normal::standard_like(posterior.base().loc()).expect("float"),
            1,
        )
        .expect("valid");
        let log_likelihood = |z: &Tensor| model.conditional_log_likelihood(&images, z);
        let elbo = match estimator {
            ElboEstimator::AnalyticKl => analytic_kl_elbo(posterior, &prior, 1, log_likelihood),
            ElboEstimator::MonteCarlo => monte_carlo_elbo(posterior, &prior, 1, log_likelihood),
        }
        .expect("valid");
        assert!(found.equal(&-elbo), "{estimator:?}");
    }
    // The tutorials' models default to their tutorial's estimator.
    assert_eq!(model.estimator(), ElboEstimator::AnalyticKl);
    let var_store = nn::VarStore::new(Device::Cpu);
    let conv =
        GaussianConvVae::new(&var_store.root(), &GaussianConvVaeConfig::default()).expect("valid");
    assert_eq!(conv.estimator(), ElboEstimator::MonteCarlo);
}

/// Tutorial 3's networks with a correlated prior
/// `p(z) = N(0, [[1, ρ], [ρ, 1]])`: a prior that no closed-form KL pairs
/// with the diagonal posterior.
#[derive(Debug)]
struct CorrelatedPriorVae {
    inner: MlpVae,
}

const RHO: f64 = 0.6;

impl Vae for CorrelatedPriorVae {
    type Config = MlpVaeConfig;
    type Posterior = MlpPosterior;
    type Prior = MultivariateNormal;

    fn loss(&self, images: &Tensor, objective: &Objective) -> vi_models::Result<Estimate> {
        reparameterized_loss(self, images, objective)
    }

    fn build(path: &nn::Path<'_>, config: &MlpVaeConfig) -> vi_models::Result<Self> {
        Ok(Self {
            inner: MlpVae::new(path, config)?,
        })
    }

    fn config(&self) -> &MlpVaeConfig {
        self.inner.config()
    }

    fn latent_dim(&self) -> i64 {
        self.inner.latent_dim()
    }

    fn device(&self) -> Device {
        self.inner.device()
    }

    fn posterior(&self, images: &Tensor) -> vi_models::Result<MlpPosterior> {
        self.inner.posterior(images)
    }

    fn prior(&self) -> vi_models::Result<MultivariateNormal> {
        let options = (Kind::Float, Device::Cpu);
        let covariance = Tensor::from_slice(&[1.0, RHO, RHO, 1.0])
            .view([2, 2])
            .to_kind(Kind::Float);
        Ok(MultivariateNormal::from_covariance_matrix(
            &Tensor::zeros([2], options),
            &covariance,
        )?)
    }

    fn conditional_log_likelihood(&self, images: &Tensor, z: &Tensor) -> vi_core::Result<Tensor> {
        self.inner.conditional_log_likelihood(images, z)
    }

    fn decode(&self, z: &Tensor) -> vi_models::Result<Tensor> {
        self.inner.decode(z)
    }
}

/// `log N(z; 0, [[1, ρ], [ρ, 1]])` in closed form, per row of `z` `[..., 2]`.
fn correlated_log_density(z: &Tensor) -> Tensor {
    let z = z.to_kind(Kind::Double);
    let (z1, z2) = (z.select(-1, 0), z.select(-1, 1));
    let quadratic = (z1.square() - &z1 * &z2 * (2.0 * RHO) + z2.square()) / (1.0 - RHO * RHO);
    quadratic * -0.5 - (2.0 * PI).ln() - 0.5 * (1.0 - RHO * RHO).ln()
}

#[test]
fn another_prior_trains_on_the_monte_carlo_elbo_and_refuses_the_analytic_one() {
    tch::manual_seed(2);
    let var_store = nn::VarStore::new(Device::Cpu);
    let model =
        CorrelatedPriorVae::build(&var_store.root(), &MlpVaeConfig::default()).expect("valid");
    let images = mnist(Split::Test, 6).images().bernoulli();

    let error = model
        .negative_elbo_with(&images, ElboEstimator::AnalyticKl)
        .expect_err("no closed form");
    assert!(
        matches!(
            error,
            Error::NoClosedFormKl {
                model: "CorrelatedPriorVae",
                posterior: "Independent",
                prior: "MultivariateNormal",
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("MonteCarlo"), "{error}");

    // The default estimator is the Monte Carlo ELBO, computed with the
    // model's prior: −[log p(x|z) + log p(z) − log q(z|x)] at the draw z.
    assert_eq!(model.estimator(), ElboEstimator::MonteCarlo);
    tch::manual_seed(9);
    let loss = model.negative_elbo(&images).expect("valid");
    tch::manual_seed(9);
    let posterior = model.posterior(&images).expect("valid");
    let z = tch::no_grad(|| posterior.sample(&[1])).expect("valid");
    let by_hand = -(model
        .conditional_log_likelihood(&images, &z)
        .expect("valid")
        .to_kind(Kind::Double)
        + correlated_log_density(&z)
        - posterior.log_prob(&z).expect("valid").to_kind(Kind::Double));
    let gap = (loss.to_kind(Kind::Double) - by_hand.squeeze_dim(0))
        .abs()
        .max()
        .double_value(&[]);
    assert!(gap < 1e-3, "{gap}");

    // The log-likelihood and the prior samples use the model's prior too.
    assert_eq!(
        model.log_likelihood(&images, 4, 2).expect("valid").size(),
        [6]
    );
    assert_eq!(model.sample_images(3).expect("valid").size(), [3, 784]);

    // And the trainer takes it as it is.
    let train = mnist(Split::Train, 200);
    let config = short_config(1, 4);
    let mut trainer =
        Trainer::<CorrelatedPriorVae>::new(&presets::mlp_vae().model, config, Device::Cpu)
            .expect("valid");
    let history = trainer
        .fit(&train, None, &mut NullObserver, None)
        .expect("trains");
    assert!(history.records()[0].train_neg_elbo.is_finite());
}
