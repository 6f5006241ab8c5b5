//! The float32 extremes of the Gamma, Beta and Dirichlet families:
//! concentrations near 1e-3 and 1e3, rates near 1e-20 and 1e20.

use super::{beta, check, dirichlet, gamma, s, v};
use vi_core::Distribution;

#[test]
fn gamma_float32_extremes() {
    let d = gamma(1e-3, 1.0);
    // torch float32: -0.007330894470214844
    check(
        "gamma(1e-3, 1.0).log_prob(1e-3)",
        d.log_prob(&s(1e-3)),
        -0.0073313619814613365,
    );
    // torch float32: -992.6668090820312
    check("gamma(1e-3, 1.0).entropy", d.entropy(), -992.6667700244176);
    // torch float32: 0.0010000000474974513
    check(
        "gamma(1e-3, 1.0).variance",
        d.variance(),
        0.0010000000474974513,
    );
    // torch float32: 0.03162277862429619
    check("gamma(1e-3, 1.0).stddev", d.stddev(), 0.03162277735268443);
    // torch float32: 0.9936877489089966
    check(
        "gamma(1e-3, 1.0).cdf(1e-3)",
        d.cdf(&s(1e-3)),
        0.9936876464570996,
    );
    let d = gamma(1e3, 1.0);
    // torch float32: -4.37255859375
    check(
        "gamma(1e3, 1.0).log_prob(1e3)",
        d.log_prob(&s(1e3)),
        -4.372899506026297,
    );
    // torch float32: 4.8720703125
    check("gamma(1e3, 1.0).entropy", d.entropy(), 4.8724827560179715);
    // torch float32: 0.5042052268981934
    check(
        "gamma(1e3, 1.0).cdf(1e3)",
        d.cdf(&s(1e3)),
        0.5042052441802155,
    );
    let d = gamma(2.0, 1e-20);
    // torch float32: -47.051700592041016
    check(
        "gamma(2.0, 1e-20).log_prob(1e+20)",
        d.log_prob(&s(1e+20)),
        -47.051701891615394,
    );
    // torch float32: 47.6289176940918
    check("gamma(2.0, 1e-20).entropy", d.entropy(), 47.628917556516924);
    // torch float32: 2.0000000400817547e+20
    check("gamma(2.0, 1e-20).mean", d.mean(), 2.000000063468957e+20);
    // torch float32: f64::INFINITY
    check("gamma(2.0, 1e-20).variance", d.variance(), f64::INFINITY);
    // torch float32: f64::INFINITY
    check(
        "gamma(2.0, 1e-20).stddev",
        d.stddev(),
        1.414213607252425e+20,
    );
    let d = gamma(2.0, 1e+20);
    // torch float32: 45.051700592041016
    check(
        "gamma(2.0, 1e+20).log_prob(1e-20)",
        d.log_prob(&s(1e-20)),
        45.051701879921794,
    );
    // torch float32: -44.474483489990234
    check("gamma(2.0, 1e+20).entropy", d.entropy(), -44.47448621502026);
    // torch float32: 1.999999936531045e-20
    check("gamma(2.0, 1e+20).mean", d.mean(), 1.999999959918246e-20);
    // torch float32: 0.0
    check(
        "gamma(2.0, 1e+20).variance",
        d.variance(),
        1.999999919836493e-40,
    );
    // torch float32: 0.0
    check(
        "gamma(2.0, 1e+20).stddev",
        d.stddev(),
        1.4142135340310152e-20,
    );
}

#[test]
fn beta_float32_extremes() {
    let d = beta(0.001, 0.001);
    // torch float32: -6.215992450714111
    check(
        "beta(0.001, 0.001).log_prob(0.5)",
        d.log_prob(&s(0.5)),
        -6.215992702817816,
    );
    // torch float32: -991.4024658203125
    check(
        "beta(0.001, 0.001).entropy",
        d.entropy(),
        -991.4023311214384,
    );
    // torch float32: 0.24950100481510162
    check(
        "beta(0.001, 0.001).variance",
        d.variance(),
        0.249500997980338,
    );
    let d = beta(1000.0, 1000.0);
    // torch float32: 3.5751953125
    check(
        "beta(1000.0, 1000.0).log_prob(0.5)",
        d.log_prob(&s(0.5)),
        3.574534877131522,
    );
    // torch float32: -3.0751953125
    check(
        "beta(1000.0, 1000.0).entropy",
        d.entropy(),
        -3.0749100021471314,
    );
    // torch float32: 0.00012493753456510603
    check(
        "beta(1000.0, 1000.0).variance",
        d.variance(),
        0.0001249375312343828,
    );
    let d = beta(0.001, 1000.0);
    // torch float32: 62.10791015625
    check(
        "beta(0.001, 1000.0).log_prob(1e-30)",
        d.log_prob(&s(1e-30)),
        62.10820364874755,
    );
    // torch float32: -999.57470703125
    check(
        "beta(0.001, 1000.0).entropy",
        d.entropy(),
        -999.5740267208994,
    );
    // torch float32: 9.989981064606468e-10
    check(
        "beta(0.001, 1000.0).variance",
        d.variance(),
        9.989980504517117e-10,
    );
}

#[test]
fn dirichlet_float32_extremes() {
    let d = dirichlet(&[0.001, 0.001, 0.001]);
    // torch float32: -11.411066055297852
    check(
        "dirichlet(&[0.001, 0.001, 0.001]).log_prob([0.2, 0.3, 0.5])",
        d.log_prob(&v(&[0.2, 0.3, 0.5])),
        -11.411066541757059,
    );
    // torch float32: -1983.095703125
    check(
        "dirichlet(&[0.001, 0.001, 0.001]).entropy",
        d.entropy(),
        -1983.0956181775061,
    );
    let d = dirichlet(&[1000.0, 1000.0, 2000.0]);
    // torch float32: 8.189453125
    check(
        "dirichlet(&[1000.0, 1000.0, 2000.0]).log_prob([0.25, 0.25, 0.5])",
        d.log_prob(&v(&[0.25, 0.25, 0.5])),
        8.188853025098405,
    );
    // torch float32: -7.193359375
    check(
        "dirichlet(&[1000.0, 1000.0, 2000.0]).entropy",
        d.entropy(),
        -7.189540696990965,
    );
}
