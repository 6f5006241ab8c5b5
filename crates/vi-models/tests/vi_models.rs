//! Integration tests of vi-models, one module per topic under
//! `tests/vi_models/`. Golden values come from the PyTorch scripts in
//! `tests/reference/` and `reference/` (PyTorch 2.13, CPU); each test quotes
//! the lines it uses. The VAE tests need MNIST in the workspace's
//! `data/mnist` (`cargo xtask data mnist`).

mod vi_models {
    mod common;

    mod bayesian_linear_regression;
    mod bernoulli_conv_vae;
    mod binary_vae;
    mod checkpoint;
    mod checkpoint_identity;
    mod config_errors;
    mod conjugate_posterior;
    mod elbo_estimators;
    mod evaluate;
    mod exponential_posterior;
    mod exponential_sgd;
    mod gaussian_conv_vae;
    mod iaf;
    mod linear_regression;
    mod mlp_vae;
    mod objectives;
    mod synthetic_parity;
    mod training;
    mod vae_trait;
}
