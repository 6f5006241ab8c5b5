//! Whether constructors check their parameters' values (torch's
//! `validate_args`): on by default, off for a whole process or for the
//! duration of a closure, for trusted hot loops.
//!
//! Checking that a `scale` is positive or that `probs` lie in `[0, 1]`
//! reads the tensor's values back to the host: one device synchronisation
//! per constructor, which a training step pays for every distribution it
//! builds. Switching validation off skips exactly those value checks.
//! Shapes, element types and devices are still checked (they cost no
//! synchronisation), so a distribution built without validation can hold
//! invalid values — its results are then NaN or infinite, never a panic —
//! but never mismatched tensors.
//!
//! ```
//! use tch::Tensor;
//! use vi_core::{Normal, validation};
//!
//! let bad = Tensor::from(-1.0f32);
//! assert!(Normal::new(&Tensor::from(0.0f32), &bad).is_err());
//! // A trusted inner loop: the caller vouches for the parameters.
//! let unchecked = validation::without_validation(|| Normal::new(&Tensor::from(0.0f32), &bad));
//! assert!(unchecked.is_ok());
//! assert!(validation::enabled()); // back on after the closure
//! ```

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

/// The process-wide default (torch's `Distribution._validate_args`).
static DEFAULT: AtomicBool = AtomicBool::new(true);

thread_local! {
    /// A scoped override on this thread, set by [`without_validation`] and
    /// [`with_validation`].
    static OVERRIDE: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Whether constructors called now, on this thread, check parameter values:
/// the innermost [`without_validation`] / [`with_validation`] scope if any,
/// else the process-wide default.
pub fn enabled() -> bool {
    OVERRIDE
        .with(Cell::get)
        .unwrap_or_else(|| DEFAULT.load(Ordering::Relaxed))
}

/// Sets the process-wide default (torch's
/// `Distribution.set_default_validate_args`); scoped overrides still win.
pub fn set_default(enabled: bool) {
    DEFAULT.store(enabled, Ordering::Relaxed);
}

/// Runs `f` with value checks switched off on this thread, then restores
/// the previous setting (also if `f` panics).
pub fn without_validation<T>(f: impl FnOnce() -> T) -> T {
    scoped(false, f)
}

/// Runs `f` with value checks switched on on this thread, whatever the
/// default, then restores the previous setting.
pub fn with_validation<T>(f: impl FnOnce() -> T) -> T {
    scoped(true, f)
}

fn scoped<T>(enabled: bool, f: impl FnOnce() -> T) -> T {
    /// Restores the previous override when dropped, even while unwinding.
    struct Restore(Option<bool>);
    impl Drop for Restore {
        fn drop(&mut self) {
            OVERRIDE.with(|cell| cell.set(self.0));
        }
    }
    let _restore = Restore(OVERRIDE.with(|cell| cell.replace(Some(enabled))));
    f()
}

#[cfg(test)]
mod tests {
    use super::{enabled, with_validation, without_validation};

    #[test]
    fn scopes_nest_and_restore() {
        assert!(enabled());
        without_validation(|| {
            assert!(!enabled());
            with_validation(|| assert!(enabled()));
            assert!(!enabled());
        });
        assert!(enabled());
    }

    #[test]
    fn a_panic_inside_the_scope_restores_the_setting() {
        let outcome = std::panic::catch_unwind(|| without_validation(|| panic!("inside")));
        assert!(outcome.is_err());
        assert!(enabled());
    }
}
