//! The float32 extremes of Student's t, Laplace and Uniform: degrees of
//! freedom near 0.1 and 1e6, scales and widths near 1e-20 and 1e20.

use super::{check, laplace, s, student_t, uniform};
use vi_core::Distribution;

#[test]
fn student_t_float32_extremes() {
    let d = student_t(0.1, 0.0, 1.0);
    // torch float32: -3.2287633419036865
    check(
        "student_t(0.1, 0.0, 1.0).log_prob(1.0)",
        d.log_prob(&s(1.0)),
        -3.228763129215263,
    );
    // torch float32: 12.22895622253418
    check(
        "student_t(0.1, 0.0, 1.0).entropy",
        d.entropy(),
        12.22895774336132,
    );
    let d = student_t(1000000.0, 0.0, 1.0);
    // torch float32: -1.1250001192092896
    check(
        "student_t(1000000.0, 0.0, 1.0).log_prob(0.5)",
        d.log_prob(&s(0.5)),
        -1.0439388925796598,
    );
    // torch float32: 1.3845930099487305
    check(
        "student_t(1000000.0, 0.0, 1.0).entropy",
        d.entropy(),
        1.4189395332049228,
    );
    // torch float32: 1.0000020265579224
    check(
        "student_t(1000000.0, 0.0, 1.0).variance",
        d.variance(),
        1.000002000004,
    );
    // torch float32: 1.0000009536743164
    check(
        "student_t(1000000.0, 0.0, 1.0).stddev",
        d.stddev(),
        1.0000010000015,
    );
    let d = student_t(3.0, 0.0, 1e-20);
    // torch float32: 44.47544860839844
    check(
        "student_t(3.0, 0.0, 1e-20).log_prob(1e-20)",
        d.log_prob(&s(1e-20)),
        44.47544889708832,
    );
    // torch float32: -44.27822494506836
    check(
        "student_t(3.0, 0.0, 1e-20).entropy",
        d.entropy(),
        -44.2782243197521,
    );
    // torch float32: 2.999983830334428e-40
    check(
        "student_t(3.0, 0.0, 1e-20).variance",
        d.variance(),
        2.9999998095931383e-40,
    );
    // torch float32: 1.732046086204429e-20
    check(
        "student_t(3.0, 0.0, 1e-20).stddev",
        d.stddev(),
        1.73205075260315e-20,
    );
    let d = student_t(3.0, 0.0, 1e+20);
    // torch float32: -47.627952575683594
    check(
        "student_t(3.0, 0.0, 1e+20).log_prob(1e+20)",
        d.log_prob(&s(1e+20)),
        -47.62795487444886,
    );
    // torch float32: 47.82517623901367
    check(
        "student_t(3.0, 0.0, 1e+20).entropy",
        d.entropy(),
        47.82517945178508,
    );
    // torch float32: f64::INFINITY
    check(
        "student_t(3.0, 0.0, 1e+20).variance",
        d.variance(),
        f64::INFINITY,
    );
    // torch float32: f64::INFINITY
    check(
        "student_t(3.0, 0.0, 1e+20).stddev",
        d.stddev(),
        1.7320508422806952e+20,
    );
}

#[test]
fn laplace_float32_extremes() {
    let d = laplace(0.0, 1e-20);
    // torch float32: 44.35855484008789
    check(
        "laplace(0.0, 1e-20).log_prob(1e-20)",
        d.log_prob(&s(1e-20)),
        44.35855471105545,
    );
    // torch float32: -44.35855484008789
    check(
        "laplace(0.0, 1e-20).entropy",
        d.entropy(),
        -44.35855471105545,
    );
    // torch float32: 1.999989220222952e-40
    check(
        "laplace(0.0, 1e-20).variance",
        d.variance(),
        1.999999873062092e-40,
    );
    // torch float32: 1.4142135680582922e-20
    check(
        "laplace(0.0, 1e-20).stddev",
        d.stddev(),
        1.4142135174937667e-20,
    );
    // torch float32: 0.8160603046417236
    check(
        "laplace(0.0, 1e-20).cdf(1e-20)",
        d.cdf(&s(1e-20)),
        0.8160602794142788,
    );
    // torch float32: 1.6094377245848967e-20
    check(
        "laplace(0.0, 1e-20).icdf(0.9)",
        d.icdf(&s(0.9)),
        1.609437622940886e-20,
    );
    let d = laplace(0.0, 1e+20);
    // torch float32: -47.744850158691406
    check(
        "laplace(0.0, 1e+20).log_prob(1e+20)",
        d.log_prob(&s(1e+20)),
        -47.744849060481734,
    );
    // torch float32: 47.744850158691406
    check(
        "laplace(0.0, 1e+20).entropy",
        d.entropy(),
        47.744849060481734,
    );
    // torch float32: f64::INFINITY
    check("laplace(0.0, 1e+20).variance", d.variance(), f64::INFINITY);
    // torch float32: 1.414213581995256e+20
    check(
        "laplace(0.0, 1e+20).stddev",
        d.stddev(),
        1.4142135907151756e+20,
    );
    // torch float32: 0.8160603046417236
    check(
        "laplace(0.0, 1e+20).cdf(1e+20)",
        d.cdf(&s(1e+20)),
        0.8160602794142788,
    );
    // torch float32: 1.6094376769282795e+20
    check(
        "laplace(0.0, 1e+20).icdf(0.9)",
        d.icdf(&s(0.9)),
        1.6094377062700928e+20,
    );
}

#[test]
fn uniform_float32_extremes() {
    let d = uniform(0.0, 1e-20);
    // torch float32: -46.051700592041016
    check(
        "uniform(0.0, 1e-20).entropy",
        d.entropy(),
        -46.051701891615394,
    );
    // torch float32: 8.333521967339687e-42
    check(
        "uniform(0.0, 1e-20).variance",
        d.variance(),
        8.333332804425384e-42,
    );
    // torch float32: 2.886751285678529e-21
    check(
        "uniform(0.0, 1e-20).stddev",
        d.stddev(),
        2.8867512543385833e-21,
    );
    let d = uniform(-1e+20, 1e+20);
    // torch float32: 46.744850158691406
    check(
        "uniform(-1e+20, 1e+20).entropy",
        d.entropy(),
        46.744849060481734,
    );
    // torch float32: f64::INFINITY
    check(
        "uniform(-1e+20, 1e+20).variance",
        d.variance(),
        f64::INFINITY,
    );
    // torch float32: 5.773503011907594e+19
    check(
        "uniform(-1e+20, 1e+20).stddev",
        d.stddev(),
        5.773502807602317e+19,
    );
}
