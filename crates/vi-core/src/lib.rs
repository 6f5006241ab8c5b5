//! Tensor distributions, KL divergences and ELBO estimators on libtorch.

#[cfg(test)]
mod smoke {
    #[test]
    fn libtorch_loads() {
        tch::manual_seed(0);
        let t = tch::Tensor::randn([100, 1], (tch::Kind::Float, tch::Device::Cpu));
        assert!((t.double_value(&[0, 0]) - -1.1258398).abs() < 1e-6);
    }
}
