//! The training objectives a VAE can be fitted with ([`Objective`]), each a
//! vi-core estimator: the tutorials' ELBO, its path-derivative (STL) and
//! score-function forms, the importance-weighted bound with the
//! reparameterized, doubly reparameterized (DReG) and VIMCO gradients, and
//! the variational Rényi bound.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What a VAE is trained to maximize, and by which gradient estimator
/// (`samples` and `k` count draws `z ~ q(z|x)` per image and step).
///
/// Recorded in [`TrainConfig`](crate::TrainConfig), hence in checkpoints
/// and `summary.json`; a checkpoint without it was trained on
/// [`Objective::default`], the tutorials' `Elbo { samples: 1 }`.
///
/// | variant | objective | gradient | posterior | source |
/// |---|---|---|---|---|
/// | `Elbo` | ELBO, mean of `samples` estimates | reparameterized, by the model's [`ElboEstimator`](crate::ElboEstimator) (analytic KL or Monte Carlo); score function for a posterior without `rsample` | any | Kingma & Welling 2014, eqs. 6–7; Burda et al. 2015's "VAE, k samples" |
/// | `Stl` | ELBO | path derivative | reparameterized | Roeder et al. 2017 |
/// | `Iwae` | IWAE bound `L_k` | reparameterized | reparameterized | Burda et al. 2015 |
/// | `Dreg` | IWAE bound `L_k` | doubly reparameterized | reparameterized | Tucker et al. 2019 |
/// | `Renyi` | Rényi bound `L_α` | reparameterized | reparameterized | Li & Turner 2016 |
/// | `Vimco` | IWAE bound `L_k` | score function, per-sample baselines | any | Mnih & Rezende 2016 |
/// | `ScoreFunction` | ELBO | score function, leave-one-out baseline | any | Williams 1992; Kool et al. 2019 |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Objective {
    /// The ELBO averaged over `samples` draws (the tutorials' objective with
    /// `samples = 1`).
    Elbo {
        /// Draws per image, at least 1.
        samples: usize,
    },
    /// The ELBO with the "sticking the landing" gradient.
    Stl {
        /// Draws per image, at least 1.
        samples: usize,
    },
    /// The importance-weighted bound with its reparameterized gradient.
    Iwae {
        /// Importance samples per image, at least 1 (`k = 1` is the ELBO).
        k: usize,
    },
    /// The importance-weighted bound with the doubly reparameterized gradient.
    Dreg {
        /// Importance samples per image, at least 1.
        k: usize,
    },
    /// The variational Rényi bound of order `alpha`.
    Renyi {
        /// The order `α` (0: the IWAE bound, 1: the ELBO); finite.
        alpha: f64,
        /// Samples per image, at least 1.
        k: usize,
    },
    /// The importance-weighted bound with the VIMCO gradient.
    Vimco {
        /// Importance samples per image, at least 2.
        k: usize,
    },
    /// The ELBO with the score-function gradient and the leave-one-out
    /// baseline.
    ScoreFunction {
        /// Draws per image, at least 2.
        samples: usize,
    },
}

impl Default for Objective {
    /// The tutorials' objective: one-sample ELBO.
    fn default() -> Self {
        Self::Elbo { samples: 1 }
    }
}

impl Objective {
    /// The objective's name, as `vi --objective` spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Elbo { .. } => "elbo",
            Self::Stl { .. } => "stl",
            Self::Iwae { .. } => "iwae",
            Self::Dreg { .. } => "dreg",
            Self::Renyi { .. } => "renyi",
            Self::Vimco { .. } => "vimco",
            Self::ScoreFunction { .. } => "score-function",
        }
    }

    /// Draws `z ~ q(z|x)` per image and step (`samples` or `k`).
    pub fn samples(&self) -> usize {
        match *self {
            Self::Elbo { samples } | Self::Stl { samples } | Self::ScoreFunction { samples } => {
                samples
            }
            Self::Iwae { k } | Self::Dreg { k } | Self::Renyi { k, .. } | Self::Vimco { k } => k,
        }
    }

    /// The bound the objective's value estimates: `"elbo"`, `"iwae_bound"`
    /// (`L_k`) or `"renyi_bound"` (`L_α`); the trainer's training column
    /// reports its negative.
    pub fn bound(&self) -> &'static str {
        match self {
            Self::Elbo { .. } | Self::Stl { .. } | Self::ScoreFunction { .. } => "elbo",
            Self::Iwae { .. } | Self::Dreg { .. } | Self::Vimco { .. } => "iwae_bound",
            Self::Renyi { .. } => "renyi_bound",
        }
    }

    /// Whether the estimator needs a posterior with a reparameterized
    /// sampler (`rsample`): STL, IWAE, DReG and Rényi do; the ELBO (by the
    /// score function where there is no `rsample`), the score-function
    /// ELBO and VIMCO do not.
    pub fn needs_reparameterization(&self) -> bool {
        matches!(
            self,
            Self::Stl { .. } | Self::Iwae { .. } | Self::Dreg { .. } | Self::Renyi { .. }
        )
    }

    /// Checks the counts (at least 1; at least 2 for VIMCO and the
    /// score-function ELBO, whose baselines need another draw; at most
    /// `i64::MAX`) and that `alpha` is finite.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the field.
    pub fn validate(&self) -> Result<()> {
        let invalid = |name, expected, found: String| Error::InvalidConfig {
            model: "Objective",
            name,
            expected,
            found,
        };
        let samples = self.samples();
        let (name, minimum, expected) = match self {
            Self::Vimco { .. } => (
                "k",
                2,
                "at least 2 for VIMCO (each draw's baseline uses the others)",
            ),
            Self::ScoreFunction { .. } => (
                "samples",
                2,
                "at least 2 for the score-function ELBO (the leave-one-out baseline uses the others)",
            ),
            Self::Elbo { .. } | Self::Stl { .. } => ("samples", 1, "at least 1"),
            _ => ("k", 1, "at least 1"),
        };
        if samples < minimum || i64::try_from(samples).is_err() {
            return Err(invalid(name, expected, samples.to_string()));
        }
        if let Self::Renyi { alpha, .. } = *self
            && !alpha.is_finite()
        {
            return Err(invalid(
                "alpha",
                "a finite number (0: the IWAE bound, 1: the ELBO)",
                alpha.to_string(),
            ));
        }
        Ok(())
    }
}

impl fmt::Display for Objective {
    /// `elbo (1 sample)`, `iwae (k = 5)`, `renyi (α = 0.5, k = 5)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Elbo { samples } | Self::Stl { samples } | Self::ScoreFunction { samples } => {
                let plural = if samples == 1 { "" } else { "s" };
                write!(f, "{} ({samples} sample{plural})", self.name())
            }
            Self::Renyi { alpha, k } => write!(f, "renyi (α = {alpha}, k = {k})"),
            Self::Iwae { k } | Self::Dreg { k } | Self::Vimco { k } => {
                write!(f, "{} (k = {k})", self.name())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Objective;

    #[test]
    fn counts_and_alpha_are_checked() {
        assert!(Objective::default().validate().is_ok());
        assert!(Objective::Elbo { samples: 0 }.validate().is_err());
        assert!(Objective::Vimco { k: 1 }.validate().is_err());
        assert!(Objective::Vimco { k: 2 }.validate().is_ok());
        assert!(Objective::ScoreFunction { samples: 1 }.validate().is_err());
        assert!(Objective::Iwae { k: 1 }.validate().is_ok());
        let nan = Objective::Renyi {
            alpha: f64::NAN,
            k: 5,
        };
        let error = nan.validate().expect_err("not finite");
        assert!(error.to_string().contains("alpha"), "{error}");
    }

    /// The JSON form checkpoints and `summary.json` hold.
    #[test]
    fn serializes_with_a_kind_tag() {
        let json = serde_json::to_string(&Objective::Renyi { alpha: 0.5, k: 5 }).expect("JSON");
        assert_eq!(json, r#"{"kind":"renyi","alpha":0.5,"k":5}"#);
        let back: Objective =
            serde_json::from_str(r#"{"kind":"elbo","samples":1}"#).expect("parses");
        assert_eq!(back, Objective::default());
        assert_eq!(
            Objective::Dreg { k: 5 }.to_string(),
            "dreg (k = 5)".to_owned()
        );
    }
}
