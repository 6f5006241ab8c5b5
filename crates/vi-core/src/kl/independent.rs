//! `KL(Independent ‖ Independent)`: the base pair's KL summed over the
//! reinterpreted dimensions.

use tch::Tensor;

use super::{KlDivergence, check_batches, check_events, unsupported};
use crate::distribution::Distribution;
use crate::distributions::Independent;
use crate::error::Result;
use crate::toolkit::sum_rightmost;

/// `KL(Independent(p) ‖ Independent(q))`: the base KL summed over the
/// reinterpreted dimensions. Both must reinterpret the same number of
/// dimensions and have the same event shape.
impl<P, Q> KlDivergence<Independent<Q>> for Independent<P>
where
    P: KlDivergence<Q> + Distribution,
    Q: Distribution,
{
    fn kl_divergence(&self, q: &Independent<Q>) -> Result<Tensor> {
        let (p_dims, q_dims) = (
            self.reinterpreted_batch_ndims(),
            q.reinterpreted_batch_ndims(),
        );
        if p_dims != q_dims {
            return Err(unsupported(
                self,
                q,
                format!("reinterpreted_batch_ndims differ ({p_dims} vs {q_dims})"),
            ));
        }
        check_events(self, q)?;
        check_batches(self, q)?;
        let base = self.base().kl_divergence(q.base())?;
        Ok(sum_rightmost(&base, p_dims))
    }
}
