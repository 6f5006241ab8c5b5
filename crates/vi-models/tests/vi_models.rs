//! Integration tests of vi-models, one module per topic under
//! `tests/vi_models/`. Golden values come from the PyTorch scripts in
//! `tests/reference/` (PyTorch 2.13, CPU); each test quotes the lines it uses.

mod vi_models {
    mod common;

    mod bayesian_linear_regression;
    mod config_errors;
    mod conjugate_posterior;
    mod exponential_posterior;
    mod exponential_sgd;
    mod linear_regression;
    mod synthetic_parity;
}
