//! The toolkit, constraints and the grid posterior with hostile input:
//! integer, boolean, 0-d and empty tensors, counts beyond the dimensions,
//! non-square matrices, grids that are not grids.

use tch::{Device, Kind, Tensor};
use vi_core::toolkit::{self, broadcast_params};
use vi_core::{Bound, Constraint, Exponential, GridPosterior, Independent, Normal, Result};

use crate::no_panic::sweep::Sweep;

/// Tensors of every hostile kind: scalars, empties, integers, booleans,
/// NaN, matrices square and not.
fn hostile_tensors() -> Vec<(String, Tensor)> {
    let cpu = |kind| (kind, Device::Cpu);
    let mut all = Vec::new();
    for kind in [
        Kind::Double,
        Kind::Float,
        Kind::Half,
        Kind::Int64,
        Kind::Bool,
    ] {
        for shape in [
            &[][..],
            &[0],
            &[3],
            &[0, 3],
            &[2, 3],
            &[3, 3],
            &[2, 0, 0],
            &[2, 3, 3],
        ] {
            all.push((
                format!("{kind:?} zeros {shape:?}"),
                Tensor::zeros(shape, cpu(kind)),
            ));
            if kind != Kind::Bool {
                all.push((
                    format!("{kind:?} ones {shape:?}"),
                    Tensor::ones(shape, cpu(kind)),
                ));
            }
        }
    }
    all.push((
        "NaN [3]".into(),
        Tensor::full([3], f64::NAN, cpu(Kind::Double)),
    ));
    all.push((
        "inf [2, 2]".into(),
        Tensor::full([2, 2], f64::INFINITY, cpu(Kind::Double)),
    ));
    all
}

fn constraints() -> Vec<Constraint> {
    let tensor_bound = || Bound::from(&Tensor::from_slice(&[0.0, 1.0, 2.0]));
    vec![
        Constraint::Real,
        Constraint::Positive,
        Constraint::NonNegative,
        Constraint::GreaterThan(Bound::Value(1.0)),
        Constraint::GreaterThanEq(tensor_bound()),
        Constraint::LessThan(tensor_bound()),
        Constraint::UnitInterval,
        Constraint::Interval(tensor_bound(), Bound::Value(5.0)),
        Constraint::HalfOpenInterval(Bound::Value(0.0), tensor_bound()),
        Constraint::Boolean,
        Constraint::NonNegativeInteger,
        Constraint::IntegerInterval(0, 2),
        Constraint::Simplex,
        Constraint::OneHot,
        Constraint::LowerCholesky,
        Constraint::PositiveDefinite,
        Constraint::Real.independent(1),
        Constraint::Simplex.independent(2),
        Constraint::Independent(Box::new(Constraint::Real), usize::MAX),
    ]
}

/// The shape of the tensor bounds of `constraints()`.
fn bound_shape(constraint: &Constraint) -> &'static [i64] {
    match constraint {
        Constraint::GreaterThanEq(_)
        | Constraint::LessThan(_)
        | Constraint::Interval(..)
        | Constraint::HalfOpenInterval(..) => &[3],
        _ => &[],
    }
}

#[test]
fn constraints_never_panic() {
    let mut sweep = Sweep::default();
    for constraint in constraints() {
        let described = format!("{constraint} (event_dim {})", constraint.event_dim());
        let _ = constraint.is_discrete();
        for (what, value) in hostile_tensors() {
            sweep.case(format!("{described}: check({what})"), || {
                let inside = constraint.check(&value)?;
                // Tensor bounds broadcast with the value, as torch's do.
                let broadcast = toolkit::broadcast_shapes(&value.size(), bound_shape(&constraint));
                let broadcast = broadcast.expect("check accepted a bound that does not broadcast");
                let kept = broadcast.len() - constraint.event_dim();
                assert_eq!(inside.size(), broadcast[..kept], "check shape");
                Ok(())
            });
            sweep.case(format!("check_constraint({described}, {what})"), || {
                toolkit::check_constraint("Test", "value", &value, &constraint, "in the set")
            });
        }
    }
    sweep.finish(1_000);
}

#[test]
fn toolkit_never_panics() {
    let mut sweep = Sweep::default();
    let tensors = hostile_tensors();
    for (what, tensor) in &tensors {
        sweep.case(format!("check_finite({what})"), || {
            toolkit::check_finite("Test", "x", tensor)
        });
        sweep.case(format!("check_positive({what})"), || {
            toolkit::check_positive("Test", "x", tensor)
        });
        sweep.case(format!("check_unit_interval({what})"), || {
            toolkit::check_unit_interval("Test", "x", tensor)
        });
        sweep.case(format!("check_floating({what})"), || {
            toolkit::check_floating("Test", "x", tensor)
        });
        for is_binary in [true, false] {
            sweep.case(format!("clamp_probs({what})"), || {
                Ok(toolkit::clamp_probs(tensor))
            });
            sweep.case(format!("probs_to_logits({what}, {is_binary})"), || {
                Ok(toolkit::probs_to_logits(tensor, is_binary))
            });
            sweep.case(format!("logits_to_probs({what}, {is_binary})"), || {
                let probs = toolkit::logits_to_probs(tensor, is_binary);
                assert_eq!(probs.size(), tensor.size(), "shape");
                Ok(())
            });
        }
        for count in [0, 1, 2, 3, 7] {
            sweep.case(format!("sum_rightmost({what}, {count})"), || {
                let summed = toolkit::sum_rightmost(tensor, count);
                let kept = tensor.dim().saturating_sub(count);
                assert_eq!(
                    summed.size(),
                    tensor.size()[..kept],
                    "torch sums every dimension beyond the count"
                );
                Ok(())
            });
        }
        for (other, second) in tensors.iter().step_by(7) {
            sweep.case(format!("broadcast_params({what}, {other})"), || {
                let params = broadcast_params("Test", &[("a", tensor), ("b", second)])?;
                let [a, b] = params.into_array()?;
                let _ = (a, b);
                Ok(())
            });
            sweep.case(format!("check_same_place({what}, {other})"), || {
                toolkit::check_same_place("Test", "x", tensor, (second.kind(), second.device()))
            });
        }
        let normal =
            Normal::standard_like(&Tensor::zeros([3], (Kind::Double, Device::Cpu))).unwrap();
        sweep.case(format!("validate_value({what})"), || {
            toolkit::validate_value(&normal, tensor)
        });
    }
    sweep.case("broadcast_params()", || {
        broadcast_params("Test", &[]).map(|_| ())
    });
    sweep.case("into_array::<3> of 2", || {
        let two = Tensor::zeros([2], (Kind::Double, Device::Cpu));
        broadcast_params("Test", &[("a", &two), ("b", &two)])?
            .into_array::<3>()
            .map(|_| ())
    });
    let shapes: [&[i64]; 6] = [&[], &[0], &[-1], &[2, -1], &[i64::MAX, 2], &[3, 1]];
    for a in shapes {
        for b in shapes {
            sweep.case(format!("shapes {a:?}, {b:?}"), || {
                let _ = toolkit::broadcast_shapes(a, b);
                let _ = toolkit::broadcast_pair("Test", ("a", a), ("b", b));
                let _ = toolkit::check_expand("Test", a, b);
                toolkit::extended_shape("Test", a, b, &[2]).map(|_| ())
            });
        }
    }
    for count in [i64::MIN, -1, 0, 1] {
        sweep.case(format!("check_positive_count({count})"), || {
            toolkit::check_positive_count("Test", "n", count)
        });
    }
    sweep.finish(1_000);
}

/// Grids that are not grids and log joints that do not fit them.
#[test]
fn grid_posterior_never_panics() {
    let mut sweep = Sweep::default();
    let double = (Kind::Double, Device::Cpu);
    let good = Tensor::linspace(0.0, 5.0, 11, double);
    let grids: Vec<(&str, Tensor)> = vec![
        ("good", good.shallow_clone()),
        (
            "float32",
            Tensor::linspace(0.0, 5.0, 11, (Kind::Float, Device::Cpu)),
        ),
        ("0-d", Tensor::from(1.0)),
        ("empty", Tensor::zeros([0], double)),
        ("one point", Tensor::ones([1], double)),
        ("constant", Tensor::ones([4], double)),
        ("decreasing", Tensor::linspace(5.0, 0.0, 11, double)),
        ("uneven", Tensor::from_slice(&[0.0, 1.0, 3.0])),
        ("NaN", Tensor::full([3], f64::NAN, double)),
        ("integer", Tensor::arange(5, (Kind::Int64, Device::Cpu))),
        (
            "2-d",
            Tensor::linspace(0.0, 5.0, 12, double).reshape([2, 6]),
        ),
    ];
    let joints: Vec<(&str, Tensor)> = vec![
        ("good", -good.square()),
        ("float32", (-good.square()).to_kind(Kind::Float)),
        ("0-d", Tensor::from(0.0)),
        ("short", Tensor::zeros([3], double)),
        ("all -inf", Tensor::full([11], f64::NEG_INFINITY, double)),
        (
            "a +inf",
            Tensor::zeros([11], double).index_fill(0, &Tensor::from_slice(&[2i64]), f64::INFINITY),
        ),
        ("NaN", Tensor::full([11], f64::NAN, double)),
        ("integer", Tensor::zeros([11], (Kind::Int64, Device::Cpu))),
        ("2-d", Tensor::zeros([11, 2], double)),
    ];
    let prior = Exponential::new(&Tensor::from(1.0)).unwrap();
    for (grid_name, grid) in &grids {
        for (joint_name, joint) in &joints {
            let posterior = sweep
                .case(format!("from_log_joint({grid_name}, {joint_name})"), || {
                    GridPosterior::from_log_joint(grid, joint)
                });
            if let Some(posterior) = posterior {
                exercise_grid(
                    &mut sweep,
                    &format!("{grid_name}, {joint_name}"),
                    &posterior,
                );
            }
            sweep.case(
                format!("from_prior_and_likelihood({grid_name}, {joint_name})"),
                || {
                    GridPosterior::from_prior_and_likelihood(grid, &prior, |_| {
                        Ok(joint.shallow_clone())
                    })
                },
            );
        }
    }
    sweep.finish(150);
}

fn exercise_grid(sweep: &mut Sweep, label: &str, posterior: &GridPosterior) {
    let _ = (
        posterior.density(),
        posterior.log_evidence(),
        posterior.spacing(),
    );
    let candidates: Vec<(&str, Result<Exponential>)> = vec![
        ("Exponential []", Exponential::new(&Tensor::from(2.0))),
        (
            "Exponential [0]",
            Exponential::new(&Tensor::ones([0], (Kind::Double, Device::Cpu))),
        ),
        (
            "Exponential [2, 1]",
            Exponential::new(&Tensor::ones([2, 1], (Kind::Double, Device::Cpu))),
        ),
        (
            "Exponential float32 [3]",
            Exponential::new(&Tensor::ones([3], (Kind::Float, Device::Cpu))),
        ),
    ];
    for (name, q) in candidates {
        let q = q.expect("valid parameters");
        sweep.case(format!("{label}: kl_from({name})"), || {
            let kl = posterior.kl_from(&q)?;
            assert_eq!(kl.size(), q_batch(&q), "KL shape");
            Ok(())
        });
    }
    let vector = Independent::new(
        Normal::standard_like(&Tensor::zeros([2], (Kind::Double, Device::Cpu)))
            .expect("valid parameters"),
        1,
    )
    .expect("valid parameters");
    sweep.case(format!("{label}: kl_from(a vector family)"), || {
        posterior.kl_from(&vector)
    });
}

fn q_batch(q: &Exponential) -> Vec<i64> {
    vi_core::Distribution::batch_shape(q).to_vec()
}
