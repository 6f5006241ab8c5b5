//! Flags shared by the experiment subcommands and the value parsers that
//! turn raw flag text into checked numbers, so that a bad value is a usage
//! error (exit code 2) before anything runs. A whole number out of its
//! range says the range; the bounds that come from the machine or the
//! file formats (`bounds`) say where they come from.

use clap::Args;

use crate::bounds::{EPOCH_LIMIT, Machine, THREADS_PER_CPU};

/// `--seed` and `--threads`, common to every experiment.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Seed of libtorch's generator (`torch.manual_seed`); the same seed and
    /// thread count give byte-identical CSV and JSON files.
    #[arg(long, default_value_t = 0, value_parser = seed)]
    pub seed: u64,

    /// Intra-op threads of libtorch [default: libtorch's own choice].
    #[arg(long, value_parser = threads)]
    pub threads: Option<i32>,
}

impl RunArgs {
    /// Applies `--threads`, if given, to libtorch.
    pub fn apply_threads(&self) {
        if let Some(threads) = self.threads {
            tch::set_num_threads(threads);
        }
    }
}

/// A count of at least 1 (epochs, steps, samples, points).
pub fn count(text: &str) -> Result<i64, String> {
    whole(text, 1, i64::MAX.into(), "").map(narrow)
}

/// A count of at least 0 (0 switches something off).
pub fn count_or_zero(text: &str) -> Result<i64, String> {
    whole(text, 0, i64::MAX.into(), "").map(narrow)
}

/// A count of at least 2 (grid points, samples behind a standard deviation).
pub fn count_of_two(text: &str) -> Result<i64, String> {
    whole(text, 2, i64::MAX.into(), "").map(narrow)
}

/// A size of at least 1 (batch sizes, latent sizes, repeats) that a tensor
/// dimension can hold; memory bounds it further once the run is known.
pub fn size(text: &str) -> Result<usize, String> {
    whole(text, 1, i64::MAX.into(), "").map(narrow)
}

/// Epochs of a VAE run: at most [`EPOCH_LIMIT`].
pub fn epochs(text: &str) -> Result<usize, String> {
    let reason = format!(
        " (each checkpoint records every epoch, in a header that safetensors caps at 100 MB); \
         train in several runs of at most {EPOCH_LIMIT} epochs each"
    );
    whole(text, 1, EPOCH_LIMIT as i128, &reason).map(narrow)
}

/// A number of images of a split (`--train-limit`, `--test-limit`,
/// `--iwae-images`): at most the most an IDX file may hold.
pub fn image_count(text: &str) -> Result<usize, String> {
    whole(
        text,
        1,
        vi_data::MAX_ITEMS.into(),
        " (the most images an IDX file may hold; MNIST's splits hold 60000 and 10000)",
    )
    .map(narrow)
}

/// A seed: any 64-bit unsigned number.
pub fn seed(text: &str) -> Result<u64, String> {
    whole(text, 0, u64::MAX.into(), "").map(narrow)
}

/// A thread count from 1 to [`THREADS_PER_CPU`] × the logical CPUs.
pub fn threads(text: &str) -> Result<i32, String> {
    let machine = Machine::get();
    let limit = machine.thread_limit().min(i32::MAX as usize);
    let reason = format!(
        " ({THREADS_PER_CPU} × the {} logical CPUs available here; more threads only slow \
         libtorch down); lower --threads, or leave it out for libtorch's own choice",
        machine.cpus
    );
    whole(text, 1, limit as i128, &reason).map(narrow)
}

/// A whole number from `minimum` to `maximum`; `reason` follows the
/// maximum in the message of a value above it.
fn whole(text: &str, minimum: i128, maximum: i128, reason: &str) -> Result<i128, String> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix(['-', '+']).unwrap_or(trimmed);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(format!("`{text}` is not a whole number"));
    }
    let range = || format!("a whole number from {minimum} to {maximum}");
    let Ok(value) = trimmed.parse::<i128>() else {
        // More digits than any 128-bit number: out of range either way.
        return Err(format!("must be {}{reason}, found {trimmed}", range()));
    };
    if value < minimum {
        Err(format!("must be at least {minimum}, found {value}"))
    } else if value > maximum {
        Err(format!("must be at most {maximum}{reason}, found {value}"))
    } else {
        Ok(value)
    }
}

/// A value already checked to lie in `T`'s range.
fn narrow<T: TryFrom<i128> + Default>(value: i128) -> T {
    T::try_from(value).unwrap_or_default()
}

/// A finite number `> 0` (learning rates, scales, rates).
pub fn positive(text: &str) -> Result<f64, String> {
    let value = finite(text)?;
    if value > 0.0 {
        Ok(value)
    } else {
        Err(format!("must be greater than 0, found {value}"))
    }
}

/// A finite number `≥ 0`.
pub fn non_negative(text: &str) -> Result<f64, String> {
    let value = finite(text)?;
    if value >= 0.0 {
        Ok(value)
    } else {
        Err(format!("must be at least 0, found {value}"))
    }
}

/// Any finite number.
pub fn finite(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number"))?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(format!("must be a finite number, found {value}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers_accept_their_ranges_only() {
        assert_eq!(positive("0.01"), Ok(0.01));
        assert!(positive("0").is_err());
        assert!(positive("-1e-3").is_err());
        assert!(positive("inf").is_err());
        assert!(positive("NaN").is_err());
        assert_eq!(non_negative("0"), Ok(0.0));
        assert!(non_negative("-0.5").is_err());
        assert_eq!(finite("-3"), Ok(-3.0));
        assert_eq!(count("3"), Ok(3));
        assert!(count("0").is_err());
        assert!(count("1.5").is_err());
        assert!(count_of_two("1").is_err());
        assert!(threads("0").is_err());
        assert_eq!(size("100"), Ok(100));
        assert_eq!(count_or_zero("0"), Ok(0));
        assert!(count_or_zero("-1").is_err());
        assert!(size("0").is_err());
        assert!(finite("three").is_err());
    }

    /// Out-of-range numbers say their range, and a bound that comes from
    /// the machine or a file format says where it comes from.
    #[test]
    fn whole_numbers_out_of_range_say_their_range() {
        assert_eq!(count("-3"), Err("must be at least 1, found -3".to_owned()));
        assert_eq!(
            count("99999999999999999999999"),
            Err("must be at most 9223372036854775807, found 99999999999999999999999".to_owned())
        );
        let huge = "9".repeat(60);
        assert_eq!(
            seed(&huge),
            Err(format!(
                "must be a whole number from 0 to 18446744073709551615, found {huge}"
            ))
        );
        assert_eq!(seed("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(count("1.5"), Err("`1.5` is not a whole number".to_owned()));
        assert_eq!(count("--"), Err("`--` is not a whole number".to_owned()));

        assert_eq!(epochs("100000"), Ok(EPOCH_LIMIT));
        let message = epochs("100001").unwrap_err();
        assert!(
            message.starts_with("must be at most 100000 (each checkpoint"),
            "{message}"
        );
        assert_eq!(image_count("1048576"), Ok(1 << 20));
        assert!(image_count("1048577").unwrap_err().contains("IDX file"));

        let limit = Machine::get().thread_limit();
        assert_eq!(threads(&limit.to_string()), Ok(limit as i32));
        let message = threads(&(limit + 1).to_string()).unwrap_err();
        assert!(message.contains("logical CPUs available here"), "{message}");
        assert!(message.contains("lower --threads"), "{message}");
        assert!(threads("2147483647").is_err());
    }
}
