//! Fuzz target: arbitrary bytes, raw or gzip, fed to both IDX readers; they
//! must return a value or an error, never panic, hang or over-allocate, and
//! what they accept must be self-consistent; every error's message is
//! formatted too, as a user would read it.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use vi_data::{IMAGE_PIXELS, NUM_CLASSES, read_images, read_labels};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz-input");
    match read_images(data, path) {
        Ok(images) => assert_eq!(images.pixels().len(), images.len() * IMAGE_PIXELS),
        Err(error) => assert!(error.to_string().contains("fuzz-input")),
    }
    match read_labels(data, path) {
        Ok(labels) => assert!(labels.labels().iter().all(|&label| label < NUM_CLASSES)),
        Err(error) => assert!(error.to_string().contains("fuzz-input")),
    }
});
