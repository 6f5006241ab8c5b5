//! The best and the median of a run's epoch timings, the first epoch (a
//! warm-up: allocations, first-touch pages, kernel selection) left out when
//! there are more.

/// The fastest and the median of some timings, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    /// The fastest: what the machine allows when nothing else interferes.
    pub best: f64,
    /// The median: robust to another process taking the CPU for a while.
    pub median: f64,
}

impl Spread {
    /// The spread of `seconds` (any order); `None` when empty.
    pub fn of(seconds: &[f64]) -> Option<Spread> {
        let mut sorted = seconds.to_vec();
        sorted.sort_by(f64::total_cmp);
        let middle = sorted.len() / 2;
        let median = match sorted.len() {
            0 => return None,
            len if len % 2 == 1 => sorted[middle],
            _ => (sorted[middle - 1] + sorted[middle]) / 2.0,
        };
        Some(Spread {
            best: sorted[0],
            median,
        })
    }

    /// Both timings divided by `divisor` (epoch seconds into step seconds).
    pub fn per(self, divisor: f64) -> Spread {
        Spread {
            best: self.best / divisor,
            median: self.median / divisor,
        }
    }
}

/// A run's epochs after the warm-up: all but the first when there are more
/// than one.
pub fn after_warm_up(epoch_seconds: &[f64]) -> &[f64] {
    match epoch_seconds {
        [_, rest @ ..] if !rest.is_empty() => rest,
        all => all,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warm_up_is_left_out_only_when_more_epochs_follow() {
        assert_eq!(after_warm_up(&[9.0, 2.0, 4.0]), &[2.0, 4.0]);
        assert_eq!(after_warm_up(&[1.5]), &[1.5]);
        assert!(after_warm_up(&[]).is_empty());
    }

    #[test]
    fn spread_takes_the_fastest_and_the_median() {
        let odd = Spread::of(&[4.0, 2.0, 3.0]);
        assert_eq!(
            odd,
            Some(Spread {
                best: 2.0,
                median: 3.0
            })
        );
        let even = Spread::of(&[4.0, 2.0, 3.0, 10.0]);
        assert_eq!(
            even,
            Some(Spread {
                best: 2.0,
                median: 3.5
            })
        );
        assert_eq!(
            even.map(|spread| spread.per(2.0)),
            Some(Spread {
                best: 1.0,
                median: 1.75
            })
        );
        assert_eq!(Spread::of(&[]), None);
    }
}
