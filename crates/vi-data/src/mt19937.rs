//! The 32-bit Mersenne Twister behind a seeded `torch.Generator` on the CPU,
//! and `torch.randperm` drawn from it, so shuffles match PyTorch's.
//!
//! PyTorch's `CPUGeneratorImpl` is MT19937 (Matsumoto and Nishimura, 1998)
//! seeded with the low 32 bits of the seed, i.e. C++'s `std::mt19937`.
//! `torch.randperm(n, generator=g)` on the CPU (for `n < 2³²/20`) is a
//! Fisher–Yates pass that swaps element `i` with element
//! `i + g.random() % (n - i)`.

const STATE_LEN: usize = 624;
const SHIFT: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// An MT19937 generator; `next_u32` yields `std::mt19937`'s sequence.
#[derive(Debug, Clone)]
pub(crate) struct Mt19937 {
    state: [u32; STATE_LEN],
    next: usize,
}

impl Mt19937 {
    /// The generator `torch.Generator().manual_seed(seed)` holds.
    pub(crate) fn new(seed: u64) -> Self {
        let mut state = [0u32; STATE_LEN];
        // PyTorch keeps the low 32 bits of the seed; the cast truncates.
        state[0] = seed as u32;
        for index in 1..STATE_LEN {
            let previous = state[index - 1];
            state[index] = 1_812_433_253u32
                .wrapping_mul(previous ^ (previous >> 30))
                .wrapping_add(index as u32);
        }
        Self {
            state,
            next: STATE_LEN,
        }
    }

    /// The next 32-bit output.
    pub(crate) fn next_u32(&mut self) -> u32 {
        if self.next >= STATE_LEN {
            self.twist();
        }
        let mut y = self.state[self.next];
        self.next += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    fn twist(&mut self) {
        for index in 0..STATE_LEN {
            let y = (self.state[index] & UPPER_MASK)
                | (self.state[(index + 1) % STATE_LEN] & LOWER_MASK);
            let mix = if y & 1 == 1 { MATRIX_A } else { 0 };
            self.state[index] = self.state[(index + SHIFT) % STATE_LEN] ^ (y >> 1) ^ mix;
        }
        self.next = 0;
    }
}

/// `torch.randperm(len, generator=torch.Generator().manual_seed(seed))`: a
/// permutation of `0..len`.
pub(crate) fn randperm(len: usize, seed: u64) -> Vec<i64> {
    let mut generator = Mt19937::new(seed);
    let mut permutation: Vec<i64> = (0..len as i64).collect();
    for index in 0..len.saturating_sub(1) {
        let offset = generator.next_u32() as usize % (len - index);
        permutation.swap(index, index + offset);
    }
    permutation
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The C++ standard's check: the 10,000th output of a default-seeded
    /// `std::mt19937` is 4123659995 ([rand.predef]).
    #[test]
    fn matches_std_mt19937() {
        let mut generator = Mt19937::new(5489);
        let last = (0..10_000).map(|_| generator.next_u32()).last();
        assert_eq!(last, Some(4_123_659_995));
    }

    /// ```python
    /// g = torch.Generator(); g.manual_seed(seed); torch.randperm(10, generator=g).tolist()
    /// # seed 3969543146641149120 -> [6, 7, 1, 4, 2, 0, 9, 8, 3, 5]
    /// # seed 827948490035658087  -> [2, 4, 7, 0, 8, 9, 5, 3, 6, 1]
    /// ```
    #[test]
    fn matches_torch_randperm() {
        assert_eq!(
            randperm(10, 3_969_543_146_641_149_120),
            [6, 7, 1, 4, 2, 0, 9, 8, 3, 5]
        );
        assert_eq!(
            randperm(10, 827_948_490_035_658_087),
            [2, 4, 7, 0, 8, 9, 5, 3, 6, 1]
        );
        assert_eq!(randperm(0, 1), Vec::<i64>::new());
        assert_eq!(randperm(1, 1), [0]);
    }
}
