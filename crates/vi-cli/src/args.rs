//! Flags shared by the experiment subcommands and the value parsers that
//! turn raw flag text into checked numbers, so that a bad value is a usage
//! error (exit code 2) before anything runs.

use clap::Args;

/// `--seed` and `--threads`, common to every experiment.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Seed of libtorch's generator (`torch.manual_seed`); the same seed and
    /// thread count give byte-identical CSV and JSON files.
    #[arg(long, default_value_t = 0)]
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
    at_least(text, 1)
}

/// A count of at least 0 (0 switches something off).
pub fn count_or_zero(text: &str) -> Result<i64, String> {
    at_least(text, 0)
}

/// A count of at least 2 (grid points, samples behind a standard deviation).
pub fn count_of_two(text: &str) -> Result<i64, String> {
    at_least(text, 2)
}

/// A size of at least 1 (epochs, batch sizes, image counts).
pub fn size(text: &str) -> Result<usize, String> {
    let value = at_least(text, 1)?;
    usize::try_from(value).map_err(|_| format!("must be at most {}, found {value}", usize::MAX))
}

/// A thread count of at least 1.
pub fn threads(text: &str) -> Result<i32, String> {
    let value = at_least(text, 1)?;
    i32::try_from(value).map_err(|_| format!("must be at most {}, found {value}", i32::MAX))
}

fn at_least(text: &str, minimum: i64) -> Result<i64, String> {
    let value: i64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number"))?;
    if value >= minimum {
        Ok(value)
    } else {
        Err(format!("must be at least {minimum}, found {value}"))
    }
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
}
