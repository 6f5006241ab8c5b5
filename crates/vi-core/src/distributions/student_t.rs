//! Student's t distribution with location and scale, batched (torch's
//! `StudentT`).

use std::f64::consts::PI;

use tch::{Device, Kind, Tensor};

use crate::constraint::Constraint;
use crate::distribution::{Detach, Distribution, Expand, Rsample};
use crate::distributions::gamma::gamma_draw;
use crate::error::Result;
use crate::toolkit::{self, digamma_half_difference, lgamma_half_difference};

const FAMILY: &str = "StudentT";

/// `lgamma(½)`, `log √π`.
const LGAMMA_HALF: f64 = 0.572_364_942_924_700_1;

/// Student's t with `ν` degrees of freedom, location `μ` and scale `σ`;
/// batch shape = the broadcast shape of the three, event shape `[]`,
/// support the real numbers.
///
/// Density (torch's `StudentT.log_prob`), with `y = (x − μ)/σ`:
/// ```text
/// log p(x) = −(ν+1)/2 · log1p(y²/ν) − log σ − ½ log ν − ½ log π
///            − lgamma(ν/2) + lgamma((ν+1)/2)
/// ```
/// Mean `μ` for `ν > 1` (NaN otherwise), variance `σ² ν/(ν − 2)` for
/// `ν > 2`, `∞` for `1 < ν ≤ 2`, NaN for `ν ≤ 1`, as torch gives them.
///
/// `rsample` is torch's: `X ~ N(0, 1)` then `Z ~ χ²(ν)` drawn as a Gamma
/// (`_standard_gamma(ν/2) / ½`, reparameterized implicitly), and
/// `μ + σ X / √(Z/ν)`, consuming the generator in that order.
///
/// Differences from torch, each to be more accurate:
/// - `log_prob` and `entropy` compute `lgamma((ν+1)/2) − lgamma(ν/2)` and
///   the matching digamma difference with
///   [`lgamma_half_difference`](crate::toolkit::lgamma_half_difference) and
///   [`digamma_half_difference`](crate::toolkit::digamma_half_difference),
///   in float64 for float32 parameters: torch's direct differences cancel
///   catastrophically for large `ν` (its float32 `log_prob` at `ν = 10⁶`
///   is off by 0.08, its entropy by 0.03).
/// - `stddev` is `σ √(ν/(ν − 2))`, not the square root of the variance,
///   which over- or underflows first in float32.
/// - `loc` must be finite and `df`, `scale` finite (torch admits `+∞`).
///
/// Same as torch, and a limit of both: for `ν` near 0.1 the χ² draw
/// underflows now and then in float32 (it is then clamped to the smallest
/// normal number, as torch clamps it), and the gradient of such a draw
/// with respect to `df` is NaN (`0 · ∞` inside libtorch's
/// `_standard_gamma_grad` chain), draw for draw as torch's.
///
/// torch registers no closed-form KL divergence for Student's t, so none
/// compiles; [`MonteCarloKl`](crate::MonteCarloKl) estimates one:
/// ```compile_fail,E0277
/// use tch::Tensor;
/// use vi_core::{Normal, StudentT, kl_divergence};
/// let t = StudentT::standard(&Tensor::from(3.0f64)).unwrap();
/// let n = Normal::new(&Tensor::from(0.0f64), &Tensor::from(1.0f64)).unwrap();
/// let _ = kl_divergence(&t, &n); // StudentT: KlDivergence<Normal> is not implemented
/// ```
#[derive(Debug)]
pub struct StudentT {
    df: Tensor,
    loc: Tensor,
    scale: Tensor,
    /// `ν/2`, the concentration of the `χ²(ν) = Gamma(ν/2, ½)` draw.
    half_df: Tensor,
    batch_shape: Vec<i64>,
}

impl StudentT {
    /// Student's t with `df` degrees of freedom, `loc` and `scale`; the
    /// three broadcast against each other.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) if `df` or
    /// `scale` is not positive and finite, or `loc` not finite (value
    /// checks, skipped while [`validation`](crate::validation) is off);
    /// [`Error::ShapeMismatch`](crate::Error::ShapeMismatch) if the shapes do
    /// not broadcast; dtype and device errors if they differ or are not
    /// floating point.
    pub fn new(df: &Tensor, loc: &Tensor, scale: &Tensor) -> Result<Self> {
        let params =
            toolkit::broadcast_params(FAMILY, &[("df", df), ("loc", loc), ("scale", scale)])?;
        let batch_shape = params.batch_shape.clone();
        let [df, loc, scale] = params.into_array()?;
        toolkit::check_positive(FAMILY, "df", &df)?;
        toolkit::check_finite(FAMILY, "loc", &loc)?;
        toolkit::check_positive(FAMILY, "scale", &scale)?;
        let df = df.expand(batch_shape.as_slice(), false);
        Ok(Self {
            half_df: &df * 0.5,
            df,
            loc: loc.expand(batch_shape.as_slice(), false),
            scale: scale.expand(batch_shape.as_slice(), false),
            batch_shape,
        })
    }

    /// The standard Student's t (`loc` 0, `scale` 1) with `df` degrees of
    /// freedom (torch's defaults).
    ///
    /// # Errors
    /// As [`StudentT::new`].
    pub fn standard(df: &Tensor) -> Result<Self> {
        toolkit::check_floating(FAMILY, "df", df)?;
        Self::new(df, &df.zeros_like(), &df.ones_like())
    }

    /// Degrees of freedom `ν`, shape `batch_shape`.
    pub fn df(&self) -> &Tensor {
        &self.df
    }

    /// Location `μ`, shape `batch_shape`.
    pub fn loc(&self) -> &Tensor {
        &self.loc
    }

    /// Scale `σ`, shape `batch_shape`.
    pub fn scale(&self) -> &Tensor {
        &self.scale
    }

    /// `log σ + ½ log ν + ½ log π + lgamma(ν/2) − lgamma((ν+1)/2)`.
    fn log_normalizer(&self) -> Result<Tensor> {
        toolkit::in_float64([&self.df, &self.scale], |[df, scale]| {
            let lgamma_ratio = lgamma_half_difference(&(&df * 0.5));
            Ok(scale.log() + df.log() * 0.5 + 0.5 * PI.ln() - lgamma_ratio)
        })
    }
}

impl Distribution for StudentT {
    fn name(&self) -> &'static str {
        FAMILY
    }

    fn batch_shape(&self) -> &[i64] {
        &self.batch_shape
    }

    fn event_shape(&self) -> &[i64] {
        &[]
    }

    fn kind(&self) -> Kind {
        self.df.kind()
    }

    fn device(&self) -> Device {
        self.df.device()
    }

    fn support(&self) -> Constraint {
        Constraint::Real
    }

    /// torch: `rsample` under `no_grad` (same generator calls).
    fn sample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        tch::no_grad(|| self.rsample(sample_shape))
    }

    fn log_prob(&self, value: &Tensor) -> Result<Tensor> {
        let value = toolkit::validate_value(self, value)?;
        let y = (value - &self.loc) / &self.scale;
        let kernel = (y.square() / &self.df).log1p() * (&self.df + 1.0) * -0.5;
        Ok(kernel - self.log_normalizer()?)
    }

    /// ```text
    /// H = log σ + (ν+1)/2 · [ψ((ν+1)/2) − ψ(ν/2)] + ½ log ν
    ///     + lgamma(ν/2) + lgamma(½) − lgamma((ν+1)/2)
    /// ```
    fn entropy(&self) -> Result<Tensor> {
        toolkit::in_float64([&self.df, &self.scale], |[df, scale]| {
            let half = &df * 0.5;
            let digamma_ratio = digamma_half_difference(&half);
            let lgamma_ratio = lgamma_half_difference(&half);
            Ok(scale.log()
                + (&df + 1.0) * 0.5 * digamma_ratio
                + df.log() * 0.5
                + (LGAMMA_HALF - lgamma_ratio))
        })
    }

    /// `μ` where `ν > 1`, NaN elsewhere.
    fn mean(&self) -> Result<Tensor> {
        Ok(self.loc.masked_fill(&self.df.le(1.0), f64::NAN))
    }

    /// `μ`.
    fn mode(&self) -> Result<Tensor> {
        Ok(self.loc.shallow_clone())
    }

    /// `σ² ν/(ν − 2)` where `ν > 2`, `∞` where `1 < ν ≤ 2`, NaN where `ν ≤ 1`.
    fn variance(&self) -> Result<Tensor> {
        let ratio = self.df_ratio();
        Ok(self.heavy_tails(self.scale.square() * ratio))
    }

    /// `σ √(ν/(ν − 2))` where `ν > 2`, `∞` where `1 < ν ≤ 2`, NaN where `ν ≤ 1`.
    fn stddev(&self) -> Result<Tensor> {
        let ratio = self.df_ratio();
        Ok(self.heavy_tails(&self.scale * ratio.sqrt()))
    }
}

impl StudentT {
    /// `ν/(ν − 2)` where `ν > 2`; 3 elsewhere (a finite stand-in, so that the
    /// unused branch of [`heavy_tails`](Self::heavy_tails) and its gradient
    /// stay finite).
    fn df_ratio(&self) -> Tensor {
        let finite = self.df.gt(2.0);
        let df = self.df.where_scalarother(&finite, 3.0);
        &df / (&df - 2.0)
    }

    /// `finite` where `ν > 2`, `∞` where `1 < ν ≤ 2`, NaN where `ν ≤ 1`.
    fn heavy_tails(&self, finite: Tensor) -> Tensor {
        finite
            .masked_fill(&self.df.le(2.0), f64::INFINITY)
            .masked_fill(&self.df.le(1.0), f64::NAN)
    }
}

impl Rsample for StudentT {
    /// `μ + σ X / √(Z/ν)` with `X = empty(shape).normal_()` drawn first and
    /// `Z = _standard_gamma(ν/2) / ½` (clamped below by the dtype's smallest
    /// normal number, as torch's `Chi2.rsample`) second.
    fn rsample(&self, sample_shape: &[i64]) -> Result<Tensor> {
        let shape = toolkit::extended_shape(FAMILY, sample_shape, &self.batch_shape, &[])?;
        let options = (self.kind(), self.device());
        let mut normal = Tensor::f_empty(shape.as_slice(), options)?;
        let normal = normal.f_normal_(0.0, 1.0)?;
        let half = Tensor::f_full(shape.as_slice(), 0.5, options)?;
        let chi2 = gamma_draw(&self.half_df.expand(shape.as_slice(), false), &half)?;
        let standard = normal * (chi2 / &self.df).rsqrt();
        Ok(&self.loc + &self.scale * standard)
    }
}

impl Expand for StudentT {
    fn expand(&self, batch_shape: &[i64]) -> Result<Self> {
        toolkit::check_expand(FAMILY, &self.batch_shape, batch_shape)?;
        Ok(Self {
            df: self.df.expand(batch_shape, false),
            loc: self.loc.expand(batch_shape, false),
            scale: self.scale.expand(batch_shape, false),
            half_df: self.half_df.expand(batch_shape, false),
            batch_shape: batch_shape.to_vec(),
        })
    }
}

impl Detach for StudentT {
    fn detach(&self) -> Self {
        Self {
            df: self.df.detach(),
            loc: self.loc.detach(),
            scale: self.scale.detach(),
            half_df: self.half_df.detach(),
            batch_shape: self.batch_shape.clone(),
        }
    }
}
