//! Checks shared by the models' constructors and `fit` methods: settings in
//! range and regression data of the right shape, reported as
//! [`Error`](crate::Error) values naming the model and the setting.

use tch::Tensor;

use crate::error::{Error, Result};

/// Requires a count (epochs, samples) of at least `minimum` (1 or 2).
pub(crate) fn count_at_least(
    model: &'static str,
    name: &'static str,
    value: i64,
    minimum: i64,
) -> Result<()> {
    if value >= minimum {
        return Ok(());
    }
    let expected = if minimum > 1 {
        "at least 2"
    } else {
        "at least 1"
    };
    Err(config(model, name, expected, value))
}

/// Requires a finite number `> 0` (a learning rate, a scale, a rate).
pub(crate) fn positive(model: &'static str, name: &'static str, value: f64) -> Result<()> {
    if value > 0.0 && value.is_finite() {
        Ok(())
    } else {
        Err(config(model, name, "a finite number > 0", value))
    }
}

/// An [`Error::InvalidConfig`].
pub(crate) fn config(
    model: &'static str,
    name: &'static str,
    expected: &'static str,
    found: impl ToString,
) -> Error {
    Error::InvalidConfig {
        model,
        name,
        expected,
        found: found.to_string(),
    }
}

/// Requires `x: [N, in_features]` and `y: [N, out_features]`, both floating
/// point of the same kind, with `N ≥ 1`; returns `N`.
pub(crate) fn regression_data(
    model: &'static str,
    (x, in_features): (&Tensor, i64),
    (y, out_features): (&Tensor, i64),
) -> Result<i64> {
    let data_error = |name, expected: String, tensor: &Tensor| Error::InvalidData {
        model,
        name,
        expected,
        found: format!("shape {:?}, dtype {:?}", tensor.size(), tensor.kind()),
    };
    let x_size = x.size();
    if x_size.len() != 2 || x_size[0] < 1 || x_size[1] != in_features || !x.is_floating_point() {
        return Err(data_error(
            "x",
            format!("a floating-point tensor of shape [N ≥ 1, {in_features}]"),
            x,
        ));
    }
    let num_data = x_size[0];
    if y.size() != [num_data, out_features] || y.kind() != x.kind() {
        return Err(data_error(
            "y",
            format!(
                "a {:?} tensor of shape [{num_data}, {out_features}] like x",
                x.kind()
            ),
            y,
        ));
    }
    Ok(num_data)
}

/// Requires `x: [M, in_features]` of a floating-point kind (inputs to
/// predict at).
pub(crate) fn inputs(model: &'static str, x: &Tensor, in_features: i64) -> Result<()> {
    let size = x.size();
    if size.len() == 2 && size[1] == in_features && x.is_floating_point() {
        Ok(())
    } else {
        Err(Error::InvalidData {
            model,
            name: "x",
            expected: format!("a floating-point tensor of shape [M, {in_features}]"),
            found: format!("shape {size:?}, dtype {:?}", x.kind()),
        })
    }
}

/// The number of columns of a matrix `[rows, columns ≥ 1]`.
pub(crate) fn columns(model: &'static str, name: &'static str, matrix: &Tensor) -> Result<i64> {
    match matrix.size().as_slice() {
        [_, columns] if *columns >= 1 => Ok(*columns),
        size => Err(Error::InvalidData {
            model,
            name,
            expected: "a matrix [N, columns ≥ 1]".to_string(),
            found: format!("shape {size:?}"),
        }),
    }
}
