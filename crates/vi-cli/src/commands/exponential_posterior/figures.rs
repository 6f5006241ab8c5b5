//! The figures of `vi exponential-posterior`, as the tutorial draws them:
//! `posterior.png`, `kl_vs_theta.png` and `sgd_theta.png`.

use vi_models::{KlCurve, ThetaTrace};
use vi_plot::{Chart, Line, RefLine, Scatter};

use super::Plan;

/// The tutorial's three figures.
pub(super) struct Figures<'a> {
    pub(super) plan: &'a Plan,
    pub(super) theta_star: f64,
}

impl Figures<'_> {
    /// Joint, numerical posterior and the variational posterior at θ*.
    pub(super) fn posterior(
        &self,
        z: &[f64],
        joint: &[f64],
        numerical: &[f64],
        variational: &[f64],
    ) -> Chart {
        let grid = &self.plan.posterior.grid;
        let x_max = self.plan.plot_z_max.min(grid.end);
        Chart::new()
            .title(format!(
                "Posterior of z given {} observations",
                self.plan.data.num_observations
            ))
            .x_label("Z")
            .y_label("p(Z|X_obs)")
            .x_range(grid.start, x_max)
            .series(Line::new(z.to_vec(), joint.to_vec()).label("joint p(X_obs, Z)"))
            .series(Line::new(z.to_vec(), numerical.to_vec()).label("numerical posterior"))
            .series(Line::new(z.to_vec(), variational.to_vec()).label(format!(
                "variational posterior, θ* = {:.4}",
                self.theta_star
            )))
    }

    /// `KL(q_θ ‖ p_grid)` against θ, with θ* and the curve's minimum marked.
    pub(super) fn kl(&self, thetas: &[f64], kl: &[f64], curve: &KlCurve) -> Chart {
        let (minimum_theta, minimum_kl) = curve.minimum();
        let grid = &self.plan.posterior.grid;
        Chart::new()
            .title(format!(
                "KL(q_θ ‖ p_grid) on z ∈ [{}, {}]",
                grid.start, grid.end
            ))
            .x_label("θ")
            .y_label("KL divergence")
            .series(Line::new(thetas.to_vec(), kl.to_vec()).label("KL(Exp(θ) ‖ p_grid)"))
            .series(
                RefLine::vertical(self.theta_star).label(format!("θ* = {:.4}", self.theta_star)),
            )
            .series(
                Scatter::new([minimum_theta], [minimum_kl])
                    .label(format!("grid minimum, θ = {minimum_theta:.4}")),
            )
    }

    /// θ over the SGD steps, with θ* dashed.
    pub(super) fn sgd(&self, trace: &ThetaTrace) -> Chart {
        let config = &self.plan.variational;
        let mut thetas = trace.thetas.clone();
        thetas.push(trace.final_theta);
        Chart::new()
            .title(format!(
                "SGD on the reparameterized ELBO ({} samples, lr {:e})",
                config.num_samples, config.learning_rate
            ))
            .x_label("SGD step")
            .y_label("θ")
            .series(Line::from_y(thetas).label("θ"))
            .series(
                RefLine::horizontal(self.theta_star).label(format!("θ* = {:.4}", self.theta_star)),
            )
    }
}
