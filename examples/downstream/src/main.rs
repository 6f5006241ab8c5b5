//! A program of a project outside vi's workspace that uses vi-core: fits
//! the variational posterior of a conjugate Normal model by gradient ascent
//! on the analytic-KL ELBO and compares it with the exact posterior.

use tch::{Device, Kind, Tensor};
use vi_core::{Distribution, Normal, analytic_kl_elbo};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tch::manual_seed(0);
    // Fifty observations xᵢ ~ N(2, 1); model z ~ N(0, 1), xᵢ | z ~ N(z, 1);
    // exact posterior N(Σxᵢ / (n + 1), 1 / (n + 1)).
    let num_data = 50;
    let options = (Kind::Double, Device::Cpu);
    let data = Tensor::randn([num_data], options) + 2.0;
    let unit = Tensor::from(1.0f64);
    let prior = Normal::new(&Tensor::from(0.0f64), &unit)?;

    // q(z) = N(loc, exp(log_scale)²), fitted by gradient ascent.
    let mut loc = Tensor::zeros([], options).set_requires_grad(true);
    let mut log_scale = Tensor::zeros([], options).set_requires_grad(true);
    for _ in 0..500 {
        let posterior = Normal::from_log_scale(&loc, &log_scale)?;
        let elbo = analytic_kl_elbo(&posterior, &prior, 16, |z| {
            let likelihood = Normal::new(&z.unsqueeze(-1), &unit)?;
            Ok(likelihood.log_prob(&data)?.sum_dim_intlist(-1, false, None))
        })?;
        loc.zero_grad();
        log_scale.zero_grad();
        (-elbo).backward();
        tch::no_grad(|| -> Result<(), tch::TchError> {
            let _ = loc.f_sub_(&(loc.grad() * 0.005))?;
            let _ = log_scale.f_sub_(&(log_scale.grad() * 0.005))?;
            Ok(())
        })?;
    }

    let n = num_data as f64;
    let exact_loc = data.sum(Kind::Double).double_value(&[]) / (n + 1.0);
    let exact_scale = (1.0 / (n + 1.0)).sqrt();
    let fitted = Normal::from_log_scale(&loc, &log_scale)?;
    let (fitted_loc, fitted_scale) = (loc.double_value(&[]), log_scale.exp().double_value(&[]));
    println!(
        "q(z) = N({fitted_loc:.4}, {fitted_scale:.4}²), entropy {:.4}; exact posterior N({exact_loc:.4}, {exact_scale:.4}²)",
        fitted.entropy()?.double_value(&[]),
    );
    if (fitted_loc - exact_loc).abs() > 0.05 || (fitted_scale - exact_scale).abs() > 0.03 {
        return Err("the fitted posterior is not the exact one".into());
    }
    Ok(())
}
