//! Shape arithmetic: broadcasting, the torch `sample_shape + batch_shape +
//! event_shape` convention, and summing the rightmost dimensions.

use tch::Tensor;

use crate::error::{Error, Result};

/// The shape two shapes broadcast to (NumPy/torch rules), or `None`.
pub fn broadcast_shapes(a: &[i64], b: &[i64]) -> Option<Vec<i64>> {
    let len = a.len().max(b.len());
    let mut out = vec![1; len];
    for (i, slot) in out.iter_mut().enumerate() {
        // Align from the right: index `i` of the output is `i - (len - x.len())` of x.
        let da = (i + a.len()).checked_sub(len).map_or(1, |j| a[j]);
        let db = (i + b.len()).checked_sub(len).map_or(1, |j| b[j]);
        *slot = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(out)
}

/// Broadcasts two named shapes or says which ones clash.
///
/// # Errors
/// [`Error::ShapeMismatch`] naming both.
pub fn broadcast_pair(
    context: &'static str,
    (left, left_shape): (&'static str, &[i64]),
    (right, right_shape): (&'static str, &[i64]),
) -> Result<Vec<i64>> {
    broadcast_shapes(left_shape, right_shape).ok_or_else(|| Error::ShapeMismatch {
        context,
        left,
        left_shape: left_shape.to_vec(),
        right,
        right_shape: right_shape.to_vec(),
    })
}

/// `sample_shape + batch_shape + event_shape`, after checking that no sample
/// dimension is negative and that the number of elements fits an `i64`:
/// the shape of `sample(sample_shape)`.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `family` for a negative dimension or
/// a shape whose number of elements overflows.
pub fn extended_shape(
    family: &'static str,
    sample_shape: &[i64],
    batch_shape: &[i64],
    event_shape: &[i64],
) -> Result<Vec<i64>> {
    if let Some(bad) = sample_shape.iter().find(|&&d| d < 0) {
        return Err(Error::InvalidArgument {
            context: family,
            name: "sample_shape",
            expected: "a list of non-negative sizes",
            found: format!("{sample_shape:?} (contains {bad})"),
        });
    }
    let shape = [sample_shape, batch_shape, event_shape].concat();
    if numel(&shape).is_none() {
        return Err(Error::InvalidArgument {
            context: family,
            name: "sample_shape",
            expected: "a shape whose number of elements fits in an i64",
            found: format!(
                "{sample_shape:?} for a batch of {batch_shape:?} and events of {event_shape:?}"
            ),
        });
    }
    Ok(shape)
}

/// The number of elements of a shape, or `None` if it overflows an `i64`
/// (libtorch's limit). Every partial product is checked, as libtorch
/// checks them, so a size of 0 does not excuse an overflow before it.
pub(crate) fn numel(shape: &[i64]) -> Option<i64> {
    shape
        .iter()
        .try_fold(1i64, |total, &size| total.checked_mul(size))
}

/// Sums the `count` rightmost dimensions of `value` (torch's
/// `_sum_rightmost`): how a `log_prob` over event dimensions is formed from
/// elementwise terms. A `count` beyond `value.dim()` sums every dimension,
/// as torch's does.
pub fn sum_rightmost(value: &Tensor, count: usize) -> Tensor {
    let count = count.min(value.dim());
    if count == 0 {
        return value.shallow_clone();
    }
    let dims: Vec<i64> = (1..=count as i64).map(|d| -d).collect();
    value.sum_dim_intlist(dims.as_slice(), false, None)
}

/// Checks that a count argument such as `num_samples` is at least one.
///
/// # Errors
/// [`Error::InvalidArgument`] naming `context` and `name`.
pub fn check_positive_count(context: &'static str, name: &'static str, value: i64) -> Result<()> {
    if value < 1 {
        return Err(Error::InvalidArgument {
            context,
            name,
            expected: "at least 1",
            found: value.to_string(),
        });
    }
    Ok(())
}

/// Checks that a batch shape `current` expands to `target` (broadcasts to
/// exactly `target`, whose sizes are not negative), as an
/// [`Expand`](crate::Expand) implementation must.
///
/// # Errors
/// [`Error::ShapeMismatch`] naming `family`.
pub fn check_expand(family: &'static str, current: &[i64], target: &[i64]) -> Result<()> {
    match broadcast_shapes(current, target) {
        Some(shape) if shape == target && target.iter().all(|&d| d >= 0) => Ok(()),
        _ => Err(Error::ShapeMismatch {
            context: family,
            left: "batch_shape",
            left_shape: current.to_vec(),
            right: "expanded batch_shape",
            right_shape: target.to_vec(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::broadcast_shapes;

    #[test]
    fn broadcasting_follows_torch_rules() {
        assert_eq!(broadcast_shapes(&[3, 1], &[4]), Some(vec![3, 4]));
        assert_eq!(broadcast_shapes(&[], &[2, 5]), Some(vec![2, 5]));
        assert_eq!(broadcast_shapes(&[2, 1, 5], &[7, 1]), Some(vec![2, 7, 5]));
        assert_eq!(broadcast_shapes(&[3], &[4]), None);
    }
}
