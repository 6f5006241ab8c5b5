//! `vi bench-matmul` (hidden): the machine's large-matrix-product rate
//! through libtorch, the yardstick `cargo xtask bench` holds training
//! throughput against. Prints one line of JSON.

use std::time::Instant;

use anyhow::Result;
use serde::Serialize;
use tch::{Device, Kind, Tensor};
use vi_fs::outln;

use crate::args;
use crate::bounds::Machine;
use crate::bounds::tutorials::check_matmul;

/// Flags of `vi bench-matmul`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Side n of the square float32 matrices multiplied (n × n by n × n).
    #[arg(long, default_value_t = 1024, value_parser = args::count)]
    pub size: i64,

    /// Intra-op threads of libtorch [default: libtorch's own choice].
    #[arg(long, value_parser = args::threads)]
    pub threads: Option<i32>,

    /// Keep multiplying for at least this many seconds.
    #[arg(long, default_value_t = 1.0, value_parser = args::positive)]
    pub seconds: f64,
}

/// The line printed.
#[derive(Debug, Serialize)]
struct Rate {
    size: i64,
    threads: i32,
    repetitions: u64,
    seconds: f64,
    /// `2 n³` floating-point operations per product, per second, in 10⁹.
    gflops: f64,
}

/// Times `A · B` on the CPU: a few products to warm up, then as many as
/// fit in `--seconds`.
pub fn run(args: &Args) -> Result<()> {
    if let Some(threads) = args.threads {
        tch::set_num_threads(threads);
    }
    check_matmul(args.size.unsigned_abs(), &Machine::get())?;
    tch::manual_seed(0);
    let n = args.size;
    let a = Tensor::f_randn([n, n], (Kind::Float, Device::Cpu))?;
    let b = Tensor::f_randn([n, n], (Kind::Float, Device::Cpu))?;
    let mut product = Tensor::f_empty([n, n], (Kind::Float, Device::Cpu))?;
    for _ in 0..3 {
        product = a.f_mm_out(&product, &b)?;
    }
    let start = Instant::now();
    let mut repetitions = 0u64;
    while start.elapsed().as_secs_f64() < args.seconds {
        product = a.f_mm_out(&product, &b)?;
        repetitions += 1;
    }
    let seconds = start.elapsed().as_secs_f64();
    let flops = 2.0 * (n as f64).powi(3) * repetitions as f64;
    let rate = Rate {
        size: n,
        threads: tch::get_num_threads(),
        repetitions,
        seconds,
        gflops: flops / seconds / 1e9,
    };
    outln!("{}", serde_json::to_string(&rate)?);
    Ok(())
}
