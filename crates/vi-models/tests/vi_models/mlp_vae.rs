//! The MLP VAE: PyTorch-equal initialization and names, the loss against a
//! hand computation, shapes, and refused inputs.

use rstest::rstest;
use tch::{Device, Kind, Tensor, nn};
use vi_data::Split;
use vi_models::{Error, MlpVae, MlpVaeConfig, Vae};

use super::common::{mnist, set};

fn build(config: &MlpVaeConfig) -> (nn::VarStore, MlpVae) {
    let var_store = nn::VarStore::new(Device::Cpu);
    let model = MlpVae::new(&var_store.root(), config).expect("a valid configuration");
    (var_store, model)
}

fn tutorial_model(seed: i64) -> (nn::VarStore, MlpVae) {
    tch::manual_seed(seed);
    build(&MlpVaeConfig::default())
}

/// Golden values from PyTorch 2.13, the tutorial's module:
/// ```python
/// torch.manual_seed(0); m = VAE()
/// for k, v in m.state_dict().items():
///     print(k, tuple(v.shape), v.flatten()[:3].tolist(), v.double().sum().item())
/// ```
#[rstest]
#[case("encoder.0.weight", &[256, 784], [-0.000_267_386_436_462_402_34, 0.019_158_700_481_057_167, -0.029_394_470_155_239_105], 11.015_339_755_864_801)]
#[case("encoder.0.bias", &[256], [-0.011_717_779_561_877_25, 0.013_269_922_696_053_982, -0.002_468_675_374_984_741], -0.579_402_983_668_842_4)]
#[case("encoder.2.weight", &[128, 256], [-0.015_371_456_742_286_682, 0.009_675_912_559_032_44, 0.044_459_581_375_122_07], 0.491_726_748_645_305_63)]
#[case("mu.weight", &[2, 128], [0.060_404_136_776_924_13, -0.013_507_537_543_773_651, 0.077_734_820_544_719_7], 0.356_547_972_580_301_6)]
#[case("logvar.bias", &[2], [-0.042_145_635_932_683_945, 0.052_171_863_615_512_85, 0.0], 0.010_026_227_682_828_903)]
#[case("decoder.0.weight", &[128, 2], [-0.697_143_733_501_434_3, -0.597_803_235_054_016_1, -0.212_102_159_857_749_94], -2.320_582_911_837_846)]
#[case("decoder.2.bias", &[256], [0.072_208_590_805_530_55, -0.001_170_523_348_264_396_2, -0.038_969_080_895_185_47], -0.109_081_175_734_900_17)]
#[case("decoder.4.weight", &[784, 256], [0.015_779_636_800_289_154, -0.014_632_076_025_009_155, 0.038_908_310_234_546_66], 25.520_693_235_099_316)]
fn initialization_equals_pytorch(
    #[case] name: &str,
    #[case] shape: &[i64],
    #[case] first: [f64; 3],
    #[case] sum: f64,
) {
    let (var_store, _) = tutorial_model(0);
    let variables = var_store.variables();
    let tensor = &variables[name];
    assert_eq!(tensor.size(), shape);
    let flat = tensor.flatten(0, -1);
    for (i, expected) in first
        .iter()
        .enumerate()
        .take(flat.size()[0].min(3) as usize)
    {
        // Same generator, same operations: equal to the last bit of float32.
        assert_eq!(flat.double_value(&[i as i64]), *expected, "{name}[{i}]");
    }
    let found = tensor.sum(Kind::Double).double_value(&[]);
    assert!((found - sum).abs() < 1e-9, "{name}: sum {found} vs {sum}");
}

#[test]
fn parameters_carry_the_tutorials_names_and_shapes() {
    let (var_store, _) = tutorial_model(0);
    let mut found: Vec<(String, Vec<i64>)> = var_store
        .variables()
        .into_iter()
        .map(|(name, tensor)| (name, tensor.size()))
        .collect();
    found.sort();
    let expected = [
        ("decoder.0.bias", vec![128]),
        ("decoder.0.weight", vec![128, 2]),
        ("decoder.2.bias", vec![256]),
        ("decoder.2.weight", vec![256, 128]),
        ("decoder.4.bias", vec![784]),
        ("decoder.4.weight", vec![784, 256]),
        ("encoder.0.bias", vec![256]),
        ("encoder.0.weight", vec![256, 784]),
        ("encoder.2.bias", vec![128]),
        ("encoder.2.weight", vec![128, 256]),
        ("logvar.bias", vec![2]),
        ("logvar.weight", vec![2, 128]),
        ("mu.bias", vec![2]),
        ("mu.weight", vec![2, 128]),
    ];
    let expected: Vec<(String, Vec<i64>)> = expected
        .into_iter()
        .map(|(name, shape)| (name.to_string(), shape))
        .collect();
    assert_eq!(found, expected);
}

/// A 2-pixel VAE with one hidden unit and a 1-dimensional latent, weights
/// set by hand:
///
/// ```text
/// h = ReLU(x₁ − x₂ + 0.5),  μ = 2h − 1,  log σ² = −h + 0.2
/// z = μ + exp(log σ² / 2) ε,  d = ReLU(1.5 z + 0.1),  ℓ = (d, −2d + 0.3)
/// −ELBO = Σⱼ [softplus(ℓⱼ) − xⱼ ℓⱼ] + ½ (σ² + μ² − 1 − log σ²)
/// ```
///
/// For x = (1, 0) and (1, 1), with ε the first two draws of
/// `torch.manual_seed(7); torch.randn(1, 2, 1)` (−0.14679509, 0.78614128),
/// the same formula in Python (float64) gives the golden values below.
#[test]
fn negative_elbo_equals_a_hand_computation() {
    let config = MlpVaeConfig {
        input_dim: 2,
        hidden_dims: vec![1],
        latent_dim: 1,
        ..MlpVaeConfig::default()
    };
    let (var_store, model) = build(&config);
    set(&var_store, "encoder.0.weight", &[1.0, -1.0]);
    set(&var_store, "encoder.0.bias", &[0.5]);
    set(&var_store, "mu.weight", &[2.0]);
    set(&var_store, "mu.bias", &[-1.0]);
    set(&var_store, "logvar.weight", &[-1.0]);
    set(&var_store, "logvar.bias", &[0.2]);
    set(&var_store, "decoder.0.weight", &[1.5]);
    set(&var_store, "decoder.0.bias", &[0.1]);
    set(&var_store, "decoder.2.weight", &[1.0, -2.0]);
    set(&var_store, "decoder.2.bias", &[0.0, 0.3]);
    let images = Tensor::from_slice(&[1.0f32, 0.0, 1.0, 1.0]).view([2, 2]);

    // The same formula in Rust, from the same draws.
    tch::manual_seed(7);
    let eps = Tensor::randn([1, 2, 1], (Kind::Float, Device::Cpu));
    let by_hand: Vec<f64> = [(1.0, 0.0), (1.0, 1.0)]
        .iter()
        .enumerate()
        .map(|(i, &(x1, x2)): (usize, &(f64, f64))| {
            let h = (x1 - x2 + 0.5f64).max(0.0);
            let (mu, log_var) = (2.0 * h - 1.0, -h + 0.2);
            let z = mu + (log_var / 2.0).exp() * eps.double_value(&[0, i as i64, 0]);
            let d = (1.5 * z + 0.1f64).max(0.0);
            let logits = [d, -2.0 * d + 0.3];
            let softplus = |t: f64| t.exp().ln_1p();
            let bce: f64 = logits
                .iter()
                .zip([x1, x2])
                .map(|(&l, x)| softplus(l) - x * l)
                .sum();
            bce + 0.5 * (log_var.exp() + mu * mu - 1.0 - log_var)
        })
        .collect();
    let golden = [2.339_008_962_807_991_3, 2.369_489_093_580_801_5];

    tch::manual_seed(7);
    let loss = model.negative_elbo(&images).expect("valid input");
    assert_eq!(loss.size(), [2]);
    for i in 0..2 {
        let found = loss.double_value(&[i as i64]);
        assert!(
            (found - by_hand[i]).abs() < 1e-5,
            "{found} vs {}",
            by_hand[i]
        );
        assert!((found - golden[i]).abs() < 1e-5, "{found} vs {}", golden[i]);
    }
}

#[test]
fn methods_have_the_documented_shapes() {
    let (_vs, model) = tutorial_model(1);
    let images = mnist(Split::Test, 8).images().bernoulli();

    let (mean, log_var) = model.encode(&images).expect("valid input");
    assert_eq!((mean.size(), log_var.size()), (vec![8, 2], vec![8, 2]));
    assert_eq!(model.negative_elbo(&images).expect("valid").size(), [8]);
    assert_eq!(
        model.log_likelihood(&images, 7, 3).expect("valid").size(),
        [8]
    );
    let reconstruction = model.reconstruct(&images).expect("valid");
    assert_eq!(reconstruction.size(), [8, 784]);
    assert!(!reconstruction.requires_grad());

    let z = Tensor::randn([3, 5, 2], (Kind::Float, Device::Cpu));
    assert_eq!(model.decode_logits(&z).expect("valid").size(), [3, 5, 784]);
    let probabilities = model.decode(&z).expect("valid");
    assert_eq!(probabilities.size(), [3, 5, 784]);
    let (low, high) = (
        probabilities.min().double_value(&[]),
        probabilities.max().double_value(&[]),
    );
    assert!(0.0 < low && high < 1.0);
    let log_lik = model
        .conditional_log_likelihood(&images.narrow(0, 0, 5), &z)
        .expect("valid");
    assert_eq!(log_lik.size(), [3, 5]);
    assert_eq!(model.sample_images(64).expect("valid").size(), [64, 784]);
}

#[test]
fn the_importance_sampled_likelihood_bounds_the_elbo_from_above() {
    // E[L_k] grows with k (Burda et al. 2015, Theorem 1): averaged over 100
    // images the k = 200 estimate lies well above the one-sample ELBO.
    let (_vs, model) = tutorial_model(2);
    let images = mnist(Split::Test, 100).images().bernoulli();
    let elbo = -model
        .negative_elbo(&images)
        .expect("valid")
        .mean(Kind::Double)
        .double_value(&[]);
    let iwae = model
        .log_likelihood(&images, 200, 64)
        .expect("valid")
        .mean(Kind::Double)
        .double_value(&[]);
    assert!(iwae > elbo, "IWAE {iwae} vs ELBO {elbo}");
    // A chunk size that does not divide k draws the same total.
    let again = model.log_likelihood(&images, 7, 3).expect("valid");
    assert!(again.isfinite().all().int64_value(&[]) == 1);
}

#[rstest]
#[case::zero_latent(MlpVaeConfig { latent_dim: 0, ..MlpVaeConfig::default() }, "latent_dim")]
#[case::zero_input(MlpVaeConfig { input_dim: 0, ..MlpVaeConfig::default() }, "input_dim")]
#[case::no_hidden_layer(MlpVaeConfig { hidden_dims: vec![], ..MlpVaeConfig::default() }, "hidden_dims")]
#[case::zero_width(MlpVaeConfig { hidden_dims: vec![256, 0], ..MlpVaeConfig::default() }, "hidden_dims")]
fn bad_configurations_are_refused(#[case] config: MlpVaeConfig, #[case] field: &str) {
    let var_store = nn::VarStore::new(Device::Cpu);
    match MlpVae::new(&var_store.root(), &config) {
        Err(Error::InvalidConfig { name, .. }) => assert_eq!(name, field),
        other => panic!("expected InvalidConfig for {field}, got {other:?}"),
    }
}

#[test]
fn inputs_of_the_wrong_shape_are_refused() {
    let (_vs, model) = tutorial_model(0);
    let options = (Kind::Float, Device::Cpu);
    let error = model
        .encode(&Tensor::zeros([4, 100], options))
        .expect_err("wrong width");
    assert!(
        matches!(&error, Error::InputShape { name: "images", found, .. } if found == &[4, 100]),
        "{error:?}"
    );
    assert!(error.to_string().contains("[batch, 784]"), "{error}");
    let error = model
        .decode(&Tensor::zeros([4, 3], options))
        .expect_err("wrong latent");
    assert!(
        matches!(error, Error::InputShape { name: "z", .. }),
        "{error:?}"
    );
    let error = model
        .conditional_log_likelihood(
            &Tensor::zeros([4, 784], options),
            &Tensor::zeros([1, 5, 2], options),
        )
        .expect_err("batch sizes differ");
    assert!(
        matches!(error, vi_core::Error::ShapeMismatch { .. }),
        "{error:?}"
    );
    let error = model.sample_images(-1).expect_err("negative count");
    assert!(
        matches!(error, Error::Core(vi_core::Error::InvalidArgument { .. })),
        "{error:?}"
    );
}
