//! Integration tests of vi-data, one module per topic under `tests/vi_data/`.

mod vi_data {
    mod fixtures;

    mod idx_format;
    mod messages;
    mod robustness;
    mod split_files;

    #[cfg(feature = "tensor")]
    mod batches;
    #[cfg(feature = "tensor")]
    mod dataset;
    #[cfg(feature = "tensor")]
    mod real_data;
    #[cfg(feature = "tensor")]
    mod shuffle_parity;
}
