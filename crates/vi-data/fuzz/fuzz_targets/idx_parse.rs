//! Fuzz target: arbitrary bytes, raw or gzip, fed to both IDX readers; they
//! must return a value or an error, never panic, hang or over-allocate, and
//! what they accept must be self-consistent.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use vi_data::{IMAGE_PIXELS, NUM_CLASSES, read_images, read_labels};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz-input");
    if let Ok(images) = read_images(data, path) {
        assert_eq!(images.pixels().len(), images.len() * IMAGE_PIXELS);
    }
    if let Ok(labels) = read_labels(data, path) {
        assert!(labels.labels().iter().all(|&label| label < NUM_CLASSES));
    }
});
