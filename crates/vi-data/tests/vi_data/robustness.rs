//! The IDX reader on many truncated and mutated files: it returns a value or
//! an error and never panics (the `idx_parse` fuzz target explores further).

use std::path::Path;

use vi_data::{read_images, read_labels};

use super::fixtures::{cycling_labels, gzip, header, labels_idx, mnist_images};

/// Feeds `bytes` to both readers; whatever they accept must be consistent.
fn check(bytes: &[u8]) {
    let path = Path::new("mutant");
    if let Ok(images) = read_images(bytes, path) {
        assert_eq!(images.pixels().len(), images.len() * 784);
    }
    if let Ok(labels) = read_labels(bytes, path) {
        assert!(labels.labels().iter().all(|&label| label < 10));
    }
}

fn valid_files() -> Vec<Vec<u8>> {
    let raw = vec![
        mnist_images(2),
        labels_idx(&cycling_labels(12)),
        header(0x0803, &[0, 28, 28]),
        header(0x0801, &[0]),
    ];
    let compressed: Vec<_> = raw.iter().map(|bytes| gzip(bytes)).collect();
    raw.into_iter().chain(compressed).collect()
}

/// xorshift64*: a fixed, dependency-free stream of test mutations.
struct Mutations(u64);

impl Mutations {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

#[test]
fn every_truncation_is_handled() {
    for file in valid_files() {
        for len in 0..=file.len() {
            check(&file[..len]);
        }
    }
}

#[test]
fn random_mutations_are_handled() {
    let mut rng = Mutations(0x9e37_79b9_7f4a_7c15);
    let files = valid_files();
    for _ in 0..20_000 {
        let mut bytes = files[rng.below(files.len())].clone();
        for _ in 0..=rng.below(4) {
            match rng.below(5) {
                // Overwrite a header byte (most checks live there).
                0 => {
                    let at = rng.below(bytes.len().min(16));
                    if let Some(byte) = bytes.get_mut(at) {
                        *byte = rng.next() as u8;
                    }
                }
                // Overwrite any byte.
                1 => {
                    let at = rng.below(bytes.len());
                    if let Some(byte) = bytes.get_mut(at) {
                        *byte = rng.next() as u8;
                    }
                }
                // Truncate.
                2 => bytes.truncate(rng.below(bytes.len() + 1)),
                // Append garbage.
                3 => bytes.extend((0..rng.below(64)).map(|_| rng.next() as u8)),
                // Set a header field to an edge value.
                _ => {
                    let edges = [0, 1, 27, 28, 29, 0x0801, 0x0803, u32::MAX, 1 << 20];
                    let at = 4 * rng.below(4);
                    let value = edges[rng.below(edges.len())].to_be_bytes();
                    if bytes.len() >= at + 4 {
                        bytes[at..at + 4].copy_from_slice(&value);
                    }
                }
            }
        }
        check(&bytes);
    }
}
