//! The harness of the no-panic sweep: every case runs under
//! `catch_unwind`, so a panic is reported by the case's name (with its
//! message) instead of aborting the module, and the test fails at the end
//! with the list of every case that panicked.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

use tch::{Device, Kind, Tensor};
use vi_core::{Result, validation};

/// Collects the cases run and the ones that panicked.
#[derive(Default)]
pub struct Sweep {
    cases: usize,
    panics: Vec<String>,
}

impl Sweep {
    /// Runs `case`; an `Ok` comes back as `Some`, a typed `Err` as `None`,
    /// and a panic (from vi-core, or from an assertion inside `case`) is
    /// recorded under `name`.
    pub fn case<T>(
        &mut self,
        name: impl Into<String>,
        case: impl FnOnce() -> Result<T>,
    ) -> Option<T> {
        self.cases += 1;
        match catch_unwind(AssertUnwindSafe(case)) {
            Ok(Ok(value)) => Some(value),
            Ok(Err(_)) => None,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
                    .unwrap_or_default();
                let first_line = message.lines().next().unwrap_or_default().to_string();
                self.panics.push(format!("{}: {first_line}", name.into()));
                None
            }
        }
    }

    /// Fails with every recorded panic, after checking that at least
    /// `min_cases` cases ran (so that a sweep that silently skips its
    /// battery cannot pass). Panics are grouped by what panicked (the text
    /// after the battery's label), with a count and the first label.
    #[track_caller]
    pub fn finish(self, min_cases: usize) {
        assert!(
            self.cases >= min_cases,
            "only {} cases ran, expected at least {min_cases}",
            self.cases
        );
        let mut groups: Vec<(String, usize, String)> = Vec::new();
        for panic in &self.panics {
            let (label, what) = panic.split_once(": ").unwrap_or(("", panic));
            match groups.iter_mut().find(|(seen, _, _)| seen == what) {
                Some((_, count, _)) => *count += 1,
                None => groups.push((what.to_string(), 1, label.to_string())),
            }
        }
        let report: Vec<String> = groups
            .iter()
            .map(|(what, count, label)| format!("{count:>4} x {what}\n       first: {label}"))
            .collect();
        assert!(
            self.panics.is_empty(),
            "{} of {} cases panicked:\n{}",
            self.panics.len(),
            self.cases,
            report.join("\n")
        );
    }
}

/// How the parameters of one construction are made hostile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// Valid values of this type.
    Valid(Kind),
    /// Every parameter 0 (an invalid scale, a zero probability row).
    Zero,
    /// Every parameter NaN.
    Nan,
    /// Every parameter `+∞`.
    Infinite,
    /// Every parameter `int64`.
    Integer,
    /// The second parameter float32, the others float64.
    MixedKinds,
    /// Valid values in half precision.
    Half,
    /// Valid values in bfloat16.
    BFloat16,
    /// The second parameter with batch shape `[5, 6]`.
    OtherBatch,
    /// Every parameter after the first with event sizes one larger.
    OtherEvent,
    /// Every event size 0.
    EmptyEvent,
}

impl Mode {
    /// Whether this mode gives valid parameters, which a constructor must
    /// accept and whose every valid call must succeed.
    pub fn is_valid(self) -> bool {
        matches!(self, Mode::Valid(_))
    }
}

/// The batch shapes every family is built with: scalars, sizes of 0 in
/// every position, and size-1 dimensions that broadcast.
pub const BATCH_SHAPES: [&[i64]; 5] = [&[], &[0], &[3], &[2, 1], &[0, 3]];

/// Every mode, valid ones first.
pub const MODES: [Mode; 11] = [
    Mode::Valid(Kind::Float),
    Mode::Valid(Kind::Double),
    Mode::Zero,
    Mode::Nan,
    Mode::Infinite,
    Mode::Integer,
    Mode::MixedKinds,
    Mode::Half,
    Mode::BFloat16,
    Mode::OtherBatch,
    Mode::OtherEvent,
];

/// Makes the parameters of one construction, numbering them in the order
/// they are asked for: `p.real(&[3])` is a tensor of shape
/// `batch_shape + [3]`, valid or hostile according to the mode.
pub struct Maker {
    batch: Vec<i64>,
    mode: Mode,
    count: Cell<usize>,
}

impl Maker {
    pub fn new(batch: &[i64], mode: Mode) -> Self {
        Self {
            batch: batch.to_vec(),
            mode,
            count: Cell::new(0),
        }
    }

    fn next(&self) -> usize {
        let index = self.count.get();
        self.count.set(index + 1);
        index
    }

    fn kind(&self, index: usize) -> Kind {
        match self.mode {
            Mode::Valid(kind) => kind,
            Mode::Integer => Kind::Int64,
            Mode::MixedKinds if index == 1 => Kind::Float,
            Mode::Half => Kind::Half,
            Mode::BFloat16 => Kind::BFloat16,
            _ => Kind::Double,
        }
    }

    fn shape(&self, index: usize, extra: &[i64]) -> Vec<i64> {
        let batch: &[i64] = match self.mode {
            Mode::OtherBatch if index == 1 => &[5, 6],
            _ => &self.batch,
        };
        let extra: Vec<i64> = match self.mode {
            Mode::OtherEvent if index >= 1 => extra.iter().map(|d| d + 1).collect(),
            Mode::EmptyEvent => vec![0; extra.len()],
            _ => extra.to_vec(),
        };
        [batch, &extra].concat()
    }

    /// The value of every element: `valid`, or the mode's hostile value.
    fn fill(&self, valid: f64) -> f64 {
        match self.mode {
            Mode::Zero => 0.0,
            Mode::Nan => f64::NAN,
            Mode::Infinite => f64::INFINITY,
            _ => valid,
        }
    }

    /// A parameter of shape `batch + extra` whose valid value is `value`.
    fn filled(&self, extra: &[i64], value: f64) -> Tensor {
        let index = self.next();
        let shape = self.shape(index, extra);
        Tensor::full(
            shape.as_slice(),
            self.fill(value),
            (self.kind(index), Device::Cpu),
        )
    }

    /// A real parameter (valid value 0.5).
    pub fn real(&self, extra: &[i64]) -> Tensor {
        self.filled(extra, 0.5)
    }

    /// A positive parameter (valid value 1.5).
    pub fn positive(&self, extra: &[i64]) -> Tensor {
        self.filled(extra, 1.5)
    }

    /// A probability (valid value 0.25).
    pub fn unit(&self, extra: &[i64]) -> Tensor {
        self.filled(extra, 0.25)
    }

    /// A lower-triangular `n × n` factor per batch element (valid value
    /// `2 I`), also a valid covariance matrix.
    pub fn lower_cholesky(&self, n: i64) -> Tensor {
        let index = self.next();
        let shape = self.shape(index, &[n, n]);
        let size = shape[shape.len() - 1];
        let identity = Tensor::eye(size, (Kind::Double, Device::Cpu)) * 2.0;
        let valid = identity.expand(shape.as_slice(), false);
        let value = match self.mode {
            Mode::Zero | Mode::Nan | Mode::Infinite => valid.full_like(self.fill(0.0)),
            _ => valid.contiguous(),
        };
        value.to_kind(self.kind(index))
    }
}

/// Every battery of a family: each mode with each batch shape, and the
/// empty-event mode with each batch shape, labelled.
pub fn batteries(family: &str) -> Vec<(String, &'static [i64], Mode)> {
    let mut all = Vec::new();
    for batch in BATCH_SHAPES {
        for mode in MODES.into_iter().chain([Mode::EmptyEvent]) {
            all.push((format!("{family} {mode:?} batch {batch:?}"), batch, mode));
        }
    }
    all
}

/// Runs `build` with value checks on or off.
pub fn with_validation<T>(enabled: bool, build: impl FnOnce() -> T) -> T {
    if enabled {
        validation::with_validation(build)
    } else {
        validation::without_validation(build)
    }
}

/// The shape of `log_prob(value)` torch gives for a value of shape
/// `value`, or `None` where it refuses the value.
pub fn log_prob_shape(value: &[i64], batch: &[i64], event: &[i64]) -> Option<Vec<i64>> {
    let split = value.len().checked_sub(event.len())?;
    if value[split..] != *event {
        return None;
    }
    vi_core::toolkit::broadcast_shapes(&value[..split], batch)
}
