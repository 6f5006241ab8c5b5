//! Integration tests of vi-models, one module per topic under
//! `tests/vi_models/`. They need MNIST in the workspace's `data/mnist`
//! (`cargo xtask data mnist`).

mod vi_models {
    mod common;

    mod checkpoint;
    mod evaluate;
    mod mlp_vae;
    mod training;
}
