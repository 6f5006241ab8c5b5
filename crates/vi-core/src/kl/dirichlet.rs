//! `KL(Dirichlet ‖ Dirichlet)`.

use tch::Tensor;

use super::{KlDivergence, check_batches, check_events};
use crate::distributions::Dirichlet;
use crate::error::Result;
use crate::toolkit::in_float64;

/// With `α₀ = Σᵢ αᵢ` and `β₀ = Σᵢ βᵢ`,
/// ```text
/// KL(Dir(α) ‖ Dir(β)) = lgamma(α₀) − lgamma(β₀) − Σᵢ [lgamma(αᵢ) − lgamma(βᵢ)]
///                     + Σᵢ (αᵢ − βᵢ) [ψ(αᵢ) − ψ(α₀)]
/// ```
/// (torch's `_kl_dirichlet_dirichlet`; Kurt 2013, "Kullback-Leibler
/// divergence between two Dirichlet (and Beta) distributions"), from
/// `E_p[log xᵢ] = ψ(αᵢ) − ψ(α₀)`. Both must have the same number of
/// categories; shape: the broadcast batch shape. Evaluated in float64 for
/// float32 parameters ([`in_float64`]).
impl KlDivergence<Dirichlet> for Dirichlet {
    fn kl_divergence(&self, q: &Dirichlet) -> Result<Tensor> {
        check_events(self, q)?;
        check_batches(self, q)?;
        in_float64(
            [self.concentration(), q.concentration()],
            |[alpha, beta]| {
                let total_alpha = alpha.sum_dim_intlist(-1, false, None);
                let total_beta = beta.sum_dim_intlist(-1, false, None);
                let t1 = total_alpha.lgamma() - total_beta.lgamma();
                let t2 = (alpha.lgamma() - beta.lgamma()).sum_dim_intlist(-1, false, None);
                let t3 = &alpha - beta;
                let t4 = alpha.digamma() - total_alpha.digamma().unsqueeze(-1);
                Ok(t1 - t2 + (t3 * t4).sum_dim_intlist(-1, false, None))
            },
        )
    }
}
