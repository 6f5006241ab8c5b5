//! Upper bounds of the size flags, derived from the machine and checked
//! before anything is allocated, so that a flag too large for the machine
//! is refused with its name, its value, the bound and how to lower it —
//! instead of aborting inside OpenMP, panicking in a tensor allocation or
//! printing libtorch's C++ frames.
//!
//! - `--threads`: at most [`THREADS_PER_CPU`] × the logical CPUs
//!   (`std::thread::available_parallelism`, which honours CPU quotas);
//!   more only slows libtorch down, and a huge count aborts OpenMP.
//! - `--epochs` of the VAEs: at most [`EPOCH_LIMIT`], because every
//!   checkpoint records every epoch's losses in its header, which
//!   safetensors caps at 100 MB.
//! - `--train-limit`, `--test-limit`, `--iwae-images`: at most
//!   `vi_data::MAX_ITEMS`, the most images an IDX file may hold (and, once
//!   the data are read, the split's size).
//! - Everything that sizes a tensor — batch size, latent size, IWAE chunk,
//!   repeated images, the tutorials' point and sample counts — by a
//!   memory estimate against the memory available ([`Machine::memory`]):
//!   `vae.rs` for the VAEs, `tutorials.rs` for tutorials 1 and 2.
//!   `--iwae-samples` costs time, not memory: the samples are drawn
//!   `--iwae-chunk` at a time.
//!
//! What still fails to allocate is reported by `failure.rs`, naming the
//! flags that size the step that failed.

pub mod tutorials;
pub mod vae;

use std::fmt;
use std::sync::OnceLock;

/// Threads allowed per logical CPU.
pub const THREADS_PER_CPU: usize = 4;

/// The most epochs a VAE run may have: each checkpoint holds every epoch's
/// record (about 150 bytes of JSON) in a header that safetensors caps at
/// 100 MB, so this leaves a margin of six.
pub const EPOCH_LIMIT: usize = 100_000;

/// The memory assumed where `/proc/meminfo` cannot be read: 16 GiB.
const ASSUMED_MEMORY: u64 = 16 << 30;

/// What the machine offers a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Machine {
    /// Logical CPUs available to this process.
    pub cpus: usize,
    /// Bytes of memory available.
    pub memory: u64,
    /// Where [`memory`](Self::memory) comes from.
    pub memory_source: MemorySource,
}

/// Where the memory figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemorySource {
    /// `MemAvailable` in `/proc/meminfo`: free memory plus what the kernel
    /// can reclaim without swapping.
    MemAvailable,
    /// Not readable: [`ASSUMED_MEMORY`].
    Assumed,
}

impl Machine {
    /// This machine, read once per process.
    pub fn get() -> Self {
        static MACHINE: OnceLock<Machine> = OnceLock::new();
        *MACHINE.get_or_init(Self::detect)
    }

    fn detect() -> Self {
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        let available = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| mem_available(&text));
        let (memory, memory_source) = match available {
            Some(bytes) => (bytes, MemorySource::MemAvailable),
            None => (ASSUMED_MEMORY, MemorySource::Assumed),
        };
        Self {
            cpus,
            memory,
            memory_source,
        }
    }

    /// The most `--threads` allowed.
    pub fn thread_limit(&self) -> usize {
        THREADS_PER_CPU * self.cpus
    }

    /// `21.9 GiB of memory available (MemAvailable in /proc/meminfo)`.
    pub fn memory_text(&self) -> String {
        match self.memory_source {
            MemorySource::MemAvailable => format!(
                "{} of memory available (MemAvailable in /proc/meminfo)",
                Bytes(u128::from(self.memory))
            ),
            MemorySource::Assumed => format!(
                "{} of memory assumed available (/proc/meminfo cannot be read)",
                Bytes(u128::from(self.memory))
            ),
        }
    }
}

/// `MemAvailable:   22957044 kB` → bytes.
fn mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemAvailable:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    kib.checked_mul(1024)
}

/// A byte count in binary units: `512 B`, `3.2 MiB`, `1.1 TiB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bytes(pub u128);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 7] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB"];
        if self.0 < 1024 {
            return write!(f, "{} B", self.0);
        }
        let mut value = self.0 as f64 / 1024.0;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        write!(f, "{value:.1} {}", UNITS[unit])
    }
}

/// A size flag whose memory estimate exceeds the memory available: the
/// message names the flag, its value, what the value sizes, the estimate,
/// the memory, the largest value that fits (if any) and how to lower it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverBound {
    /// The flag, e.g. `--batch-size`.
    pub flag: &'static str,
    /// Its value.
    pub value: u64,
    /// What the value sizes, e.g. `a training step on batches of 100000000
    /// images`.
    pub what: String,
    /// Bytes the estimate needs.
    pub needed: u128,
    /// The largest value that fits with the other settings as they are.
    pub largest: Option<u64>,
    /// The machine.
    pub machine: Machine,
}

impl fmt::Display for OverBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: {} would need about {}, more than the {}; ",
            self.flag,
            self.value,
            self.what,
            Bytes(self.needed),
            self.machine.memory_text()
        )?;
        match self.largest {
            Some(largest) => write!(
                f,
                "at most {} {largest} fits with the other settings, so lower {}",
                self.flag, self.flag
            ),
            None => write!(
                f,
                "no value of {} fits with the other settings; lower those first",
                self.flag
            ),
        }
    }
}

impl std::error::Error for OverBound {}

/// The largest value in `1..value` for which `fits` holds, given that it
/// fails at `value` and `fits` is monotone (true up to some value, false
/// beyond); `None` if it fails at 1 too.
pub fn largest_fitting(value: u64, fits: impl Fn(u64) -> bool) -> Option<u64> {
    if value <= 1 || !fits(1) {
        return None;
    }
    let (mut low, mut high) = (1, value);
    // Invariant: fits(low), !fits(high).
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if fits(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    Some(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mem_available_is_read_in_bytes() {
        let text = "MemTotal:       24576000 kB\nMemFree:  1000 kB\nMemAvailable:   22957044 kB\n";
        assert_eq!(mem_available(text), Some(22_957_044 * 1024));
        assert_eq!(mem_available("MemTotal: 5 kB\n"), None);
        assert_eq!(mem_available("MemAvailable: lots\n"), None);
    }

    #[test]
    fn bytes_are_shown_in_binary_units() {
        assert_eq!(Bytes(512).to_string(), "512 B");
        assert_eq!(Bytes(3 << 20).to_string(), "3.0 MiB");
        assert_eq!(Bytes(1_209_462_790_553).to_string(), "1.1 TiB");
    }

    #[test]
    fn largest_fitting_finds_the_bound() {
        assert_eq!(largest_fitting(1_000_000, |v| v <= 4_500), Some(4_500));
        assert_eq!(largest_fitting(4_501, |v| v <= 4_500), Some(4_500));
        assert_eq!(largest_fitting(u64::MAX, |v| v <= 7), Some(7));
        assert_eq!(largest_fitting(100, |_| false), None);
        assert_eq!(largest_fitting(1, |_| true), None);
    }

    #[test]
    fn the_machine_offers_at_least_one_cpu_and_some_memory() {
        let machine = Machine::get();
        assert!(machine.cpus >= 1);
        assert!(machine.memory > 0);
        assert_eq!(machine.thread_limit(), THREADS_PER_CPU * machine.cpus);
        assert!(machine.memory_text().contains("memory"));
    }
}
