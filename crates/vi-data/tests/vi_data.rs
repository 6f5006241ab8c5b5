//! Integration tests of vi-data, one module per topic under `tests/vi_data/`.

mod vi_data {
    mod fixtures;

    mod idx_format;
    mod robustness;
    mod split_files;
}
