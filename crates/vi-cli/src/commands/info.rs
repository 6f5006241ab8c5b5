//! `vi info`: versions, threads and the devices libtorch can use, as text or
//! as JSON (which `cargo xtask reproduce` records in `results/manifest.json`).

use anyhow::{Context, Result};
use serde::Serialize;
use tch::Cuda;
use vi_fs::outln;

use crate::versions;

/// Flags of `vi info`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print one JSON object instead of aligned text.
    #[arg(long)]
    pub json: bool,
}

/// What `vi info` reports.
#[derive(Debug, Serialize)]
struct Info {
    vi: &'static str,
    tch: &'static str,
    libtorch: &'static str,
    /// libtorch's intra-op thread count (its default unless `--threads`
    /// changed it in a command).
    threads: i32,
    cuda: CudaInfo,
}

#[derive(Debug, Serialize)]
struct CudaInfo {
    available: bool,
    devices: i64,
    cudnn: bool,
}

fn gather() -> Info {
    let available = Cuda::is_available();
    Info {
        vi: env!("CARGO_PKG_VERSION"),
        tch: versions::TCH_VERSION,
        libtorch: env!("VI_LIBTORCH_VERSION"),
        threads: tch::get_num_threads(),
        cuda: CudaInfo {
            available,
            devices: if available { Cuda::device_count() } else { 0 },
            cudnn: available && Cuda::cudnn_is_available(),
        },
    }
}

pub fn run(args: &Args) -> Result<()> {
    let info = gather();
    if args.json {
        let text = serde_json::to_string_pretty(&info).context("formatting vi info as JSON")?;
        outln!("{text}");
        return Ok(());
    }
    outln!("vi        {}", info.vi);
    outln!("tch       {}", info.tch);
    outln!("libtorch  {}", info.libtorch);
    outln!("threads   {}", info.threads);
    if info.cuda.available {
        outln!(
            "cuda      {} device(s), cuDNN {}",
            info.cuda.devices,
            info.cuda.cudnn
        );
    } else {
        outln!("cuda      not available (CPU only)");
    }
    Ok(())
}
