//! Seeds of the independent random streams of a training run, so that each
//! epoch can be replayed on its own (a resumed run draws what the
//! uninterrupted one drew, without saving libtorch's generator state).

/// The seed of stream `stream` of a run seeded with `seed`: SplitMix64's
/// output function (Steele, Lea & Flood 2014) applied to
/// `seed + (stream + 1) · 0x9E3779B97F4A7C15` (wrapping).
///
/// Streams: `e ≥ 1` for epoch `e` (training, then the test evaluation);
/// `0` for the final importance-sampled log-likelihood. The model's
/// initialization uses `seed` itself. In Python:
///
/// ```python
/// def derived_seed(seed, stream):
///     m = (1 << 64) - 1
///     z = (seed + (stream + 1) * 0x9E3779B97F4A7C15) & m
///     z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
///     z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
///     return z ^ (z >> 31)
/// ```
pub fn derived_seed(seed: u64, stream: u64) -> u64 {
    let mut z = seed.wrapping_add(stream.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `tch::manual_seed` with a `u64` seed: libtorch's seed is a `uint64_t`,
/// tch passes it as `i64`, so the bits are reinterpreted, not truncated.
pub(crate) fn seed_libtorch(seed: u64) {
    tch::manual_seed(i64::from_ne_bytes(seed.to_ne_bytes()));
}

#[cfg(test)]
mod tests {
    use super::derived_seed;

    #[test]
    fn matches_the_python_version() {
        // derived_seed(0, 0), derived_seed(0, 1), derived_seed(42, 20) with the
        // Python function of the doc comment.
        assert_eq!(derived_seed(0, 0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(derived_seed(0, 1), 0x6E78_9E6A_A1B9_65F4);
        assert_eq!(derived_seed(42, 20), 0xF513_444B_6455_A3E8);
    }
}
