//! Drives every method of a distribution with hostile but well-typed
//! arguments — sample shapes with 0 or negative sizes, values of the wrong
//! event shape or type, NaN, 0-d and empty values, expansions to bad
//! shapes — and checks each answer: torch's shape, or a typed error.

use tch::{Device, Kind, Tensor};
use vi_core::{Distribution, Error, Expand, Rsample, toolkit};

use crate::no_panic::sweep::{Sweep, log_prob_shape};

/// Sample shapes that are valid (the draw must have `shape + batch + event`).
const SAMPLE_SHAPES: [&[i64]; 5] = [&[], &[0], &[2], &[2, 0], &[1, 3]];

/// Sample shapes that must be refused: negative sizes, element counts that
/// overflow, and an allocation libtorch refuses (unless the batch or the
/// event is empty: then there is nothing to allocate).
const BAD_SAMPLE_SHAPES: [&[i64]; 4] = [&[-1], &[2, -3], &[i64::MAX, 4], &[i64::MAX]];

/// A distribution under test: its label, and whether its parameters are
/// valid float32/float64 ones (then every valid call must succeed, not
/// merely avoid panicking).
pub struct Subject<'a, D> {
    pub label: &'a str,
    pub dist: &'a D,
    pub strict: bool,
}

impl<D: Distribution> Subject<'_, D> {
    fn name(&self, what: impl std::fmt::Display) -> String {
        format!("{}: {what}", self.label)
    }

    fn full_shape(&self, sample: &[i64]) -> Vec<i64> {
        [sample, self.dist.batch_shape(), self.dist.event_shape()].concat()
    }

    /// The shape of a draw of a refused sample shape: none, unless the
    /// sizes are non-negative, no partial product of them overflows (as
    /// libtorch counts elements) and the batch or event is empty.
    fn refused_shape(&self, sample: &[i64]) -> Option<Vec<i64>> {
        let full = self.full_shape(sample);
        let numel = full.iter().try_fold(1i64, |total, &d| total.checked_mul(d));
        let empty = numel == Some(0) && sample.iter().all(|&d| d >= 0);
        empty.then_some(full)
    }

    /// `Ok` with `expected` shape, or (unless strict or `None` expected) an error.
    fn expect_shape(
        &self,
        sweep: &mut Sweep,
        what: impl std::fmt::Display,
        expected: Option<Vec<i64>>,
        call: impl FnOnce() -> vi_core::Result<Tensor>,
    ) -> Option<Tensor> {
        let strict = self.strict;
        sweep
            .case(self.name(what), || match (call(), expected) {
                (Ok(tensor), Some(shape)) => {
                    assert_eq!(tensor.size(), shape, "shape");
                    Ok(Some(tensor))
                }
                (Ok(tensor), None) => {
                    panic!("accepted with shape {:?}, expected an error", tensor.size())
                }
                (Err(Error::NotImplemented { .. }), _) => Ok(None),
                (Err(err), Some(_)) if strict => panic!("valid input refused: {err}"),
                (Err(_), _) => Ok(None),
            })
            .flatten()
    }

    /// The values every value-taking method is called with.
    fn values(&self, draws: Option<&Tensor>) -> Vec<(String, Tensor)> {
        let (batch, event) = (self.dist.batch_shape(), self.dist.event_shape());
        let kind = self.dist.kind();
        let other_kind = if kind == Kind::Double {
            Kind::Float
        } else {
            Kind::Double
        };
        let zeros = |shape: &[i64], kind: Kind| Tensor::zeros(shape, (kind, Device::Cpu));
        let ones = vec![1i64; batch.len()];
        let full = [batch, event].concat();
        let mut values = vec![
            ("event-shaped zeros".to_string(), zeros(event, kind)),
            ("0-d zero".to_string(), zeros(&[], kind)),
            (
                "empty batch".to_string(),
                zeros(&[&[0], event].concat(), kind),
            ),
            (
                "size-1 batch".to_string(),
                zeros(&[&[2], &ones[..], event].concat(), kind),
            ),
            ("int64 zeros".to_string(), zeros(&full, Kind::Int64)),
            ("bool zeros".to_string(), zeros(&full, Kind::Bool)),
            (
                "NaN".to_string(),
                Tensor::full(full.as_slice(), f64::NAN, (kind, Device::Cpu)),
            ),
            (
                "trailing extra dim".to_string(),
                zeros(&[event, &[2]].concat(), kind),
            ),
            (
                "leading 7".to_string(),
                zeros(&[&[7], event].concat(), kind),
            ),
            ("other float type".to_string(), zeros(&full, other_kind)),
        ];
        if let Some((last, rest)) = event.split_last() {
            values.push((
                "event one larger".to_string(),
                zeros(&[rest, &[last + 1]].concat(), kind),
            ));
        }
        if let Some(draws) = draws {
            values.push(("own draws".to_string(), draws.shallow_clone()));
        }
        values
    }
}

/// Every method of the [`Distribution`] trait.
pub fn exercise<D: Distribution>(sweep: &mut Sweep, label: &str, dist: &D, strict: bool) {
    let subject = Subject {
        label,
        dist,
        strict,
    };
    let (batch, event) = (dist.batch_shape().to_vec(), dist.event_shape().to_vec());
    let mut own_draws = None;
    for shape in SAMPLE_SHAPES {
        let draws = subject.expect_shape(
            sweep,
            format!("sample({shape:?})"),
            Some(subject.full_shape(shape)),
            || dist.sample(shape),
        );
        if shape == [2] {
            own_draws = draws;
        }
    }
    for shape in BAD_SAMPLE_SHAPES {
        let expected = subject.refused_shape(shape);
        subject.expect_shape(sweep, format!("sample({shape:?})"), expected, || {
            dist.sample(shape)
        });
    }
    if let Some(draws) = &own_draws {
        let support = dist.support();
        let expected = draws
            .dim()
            .checked_sub(support.event_dim())
            .map(|d| draws.size()[..d].to_vec());
        let inside = subject.expect_shape(sweep, "support().check(draws)", expected, || {
            support.check(draws)
        });
        if let (Some(inside), true) = (inside, strict) {
            sweep.case(subject.name("draws lie in the support"), || {
                assert!(
                    inside.numel() == 0 || inside.all().int64_value(&[]) != 0,
                    "draws outside the support"
                );
                Ok(())
            });
        }
    }
    for (what, value) in subject.values(own_draws.as_ref()) {
        let expected = log_prob_shape(&value.size(), &batch, &event);
        subject.expect_shape(sweep, format!("log_prob({what})"), expected.clone(), || {
            dist.log_prob(&value)
        });
        // cdf and icdf: the family may lack them; where it has them, the
        // value rules are those of log_prob.
        let lenient = Subject {
            strict: false,
            ..subject
        };
        lenient.expect_shape(sweep, format!("cdf({what})"), expected.clone(), || {
            dist.cdf(&value)
        });
        lenient.expect_shape(sweep, format!("icdf({what})"), expected, || {
            dist.icdf(&value)
        });
    }
    let full = [batch.as_slice(), &event].concat();
    subject.expect_shape(sweep, "entropy", Some(batch.clone()), || dist.entropy());
    subject.expect_shape(sweep, "perplexity", Some(batch.clone()), || {
        dist.perplexity()
    });
    subject.expect_shape(sweep, "mean", Some(full.clone()), || dist.mean());
    subject.expect_shape(sweep, "variance", Some(full.clone()), || dist.variance());
    subject.expect_shape(sweep, "stddev", Some(full.clone()), || dist.stddev());
    subject.expect_shape(sweep, "mode", Some(full), || dist.mode());
    for expand in [true, false] {
        sweep.case(
            subject.name(format!("enumerate_support({expand})")),
            || match dist.enumerate_support(expand) {
                Ok(support) => {
                    let size = support.size();
                    let compact: Vec<i64> = batch.iter().map(|_| 1).collect();
                    let tail = [if expand { &batch[..] } else { &compact[..] }, &event].concat();
                    assert_eq!(size[1..], tail, "enumerate_support shape");
                    Ok(())
                }
                Err(Error::NotImplemented { .. }) => Ok(()),
                Err(err) if strict => panic!("refused: {err}"),
                Err(_) => Ok(()),
            },
        );
    }
}

/// [`Rsample::rsample`] with the sample shapes of `sample`.
pub fn check_rsample<D: Rsample>(sweep: &mut Sweep, label: &str, dist: &D, strict: bool) {
    let subject = Subject {
        label,
        dist,
        strict,
    };
    for shape in SAMPLE_SHAPES {
        subject.expect_shape(
            sweep,
            format!("rsample({shape:?})"),
            Some(subject.full_shape(shape)),
            || dist.rsample(shape),
        );
    }
    for shape in BAD_SAMPLE_SHAPES {
        let expected = subject.refused_shape(shape);
        subject.expect_shape(sweep, format!("rsample({shape:?})"), expected, || {
            dist.rsample(shape)
        });
    }
}

/// [`Expand::expand`] to larger, equal, empty, negative and incompatible
/// batch shapes; an expanded distribution is sampled and scored.
pub fn check_expand<D: Expand>(sweep: &mut Sweep, label: &str, dist: &D, strict: bool) {
    let batch = dist.batch_shape().to_vec();
    let targets: Vec<Vec<i64>> = vec![
        [&[4], &batch[..]].concat(),
        batch.clone(),
        [&[0], &batch[..]].concat(),
        [&[1], &batch[..]].concat(),
        [&[-1], &batch[..]].concat(),
        [&[-2], &batch[..]].concat(),
        vec![],
        vec![5],
        vec![2, 5],
    ];
    for target in targets {
        let valid = target.iter().all(|&d| d >= 0)
            && toolkit::broadcast_shapes(&batch, &target).as_deref() == Some(&target[..]);
        let name = format!("{label}: expand({target:?})");
        let expanded = sweep.case(name.clone(), || match (dist.expand(&target), valid) {
            (Ok(expanded), true) => {
                assert_eq!(expanded.batch_shape(), target, "expanded batch shape");
                Ok(Some(expanded))
            }
            (Ok(_), false) => panic!("accepted an expansion of {batch:?} to {target:?}"),
            (Err(err), true) if strict => panic!("valid expansion refused: {err}"),
            (Err(_), _) => Ok(None),
        });
        if let Some(Some(expanded)) = expanded {
            let subject = Subject {
                label: &name,
                dist: &expanded,
                strict,
            };
            subject.expect_shape(sweep, "sample([2])", Some(subject.full_shape(&[2])), || {
                expanded.sample(&[2])
            });
            let zeros = Tensor::zeros(expanded.event_shape(), (expanded.kind(), Device::Cpu));
            subject.expect_shape(sweep, "log_prob(event zeros)", Some(target.clone()), || {
                expanded.log_prob(&zeros)
            });
            subject.expect_shape(sweep, "entropy", Some(target.clone()), || {
                expanded.entropy()
            });
        }
    }
}
