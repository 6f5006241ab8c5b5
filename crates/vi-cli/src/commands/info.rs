//! `vi info`: versions, threads and the devices libtorch can use.

use anyhow::Result;
use tch::Cuda;

use crate::versions;

pub fn run() -> Result<()> {
    println!("vi        {}", env!("CARGO_PKG_VERSION"));
    println!("tch       {}", versions::TCH_VERSION);
    println!("libtorch  {}", env!("VI_LIBTORCH_VERSION"));
    println!("threads   {}", tch::get_num_threads());
    if Cuda::is_available() {
        println!(
            "cuda      {} device(s), cuDNN {}",
            Cuda::device_count(),
            Cuda::cudnn_is_available()
        );
    } else {
        println!("cuda      not available (CPU only)");
    }
    Ok(())
}
