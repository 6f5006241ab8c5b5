//! `--device` and `--threads` applied to libtorch, and what was used, for
//! the summary.

use anyhow::{Result, bail};
use tch::{Cuda, Device};

use super::choices::DeviceChoice;

/// The device and thread count a run uses.
#[derive(Debug, Clone, Copy)]
pub struct Compute {
    /// Where the model lives.
    pub device: Device,
    /// libtorch's intra-op threads.
    pub threads: i32,
}

impl Compute {
    /// Sets libtorch's thread count if `threads` is given (else leaves its
    /// default) and resolves `choice`.
    ///
    /// # Errors
    /// `cuda` when libtorch sees no CUDA device, with what to do about it.
    pub fn select(choice: DeviceChoice, threads: Option<i32>) -> Result<Self> {
        if let Some(threads) = threads {
            tch::set_num_threads(threads);
        }
        let device = match choice {
            DeviceChoice::Cpu => Device::Cpu,
            DeviceChoice::Auto => Device::cuda_if_available(),
            DeviceChoice::Cuda if Cuda::is_available() => Device::Cuda(0),
            DeviceChoice::Cuda => bail!(
                "--device cuda: libtorch sees no CUDA device (this vi is built against libtorch {}); \
                 use --device cpu, or on a machine with a GPU run `cargo xtask libtorch --cuda` \
                 and rebuild",
                env!("VI_LIBTORCH_VERSION")
            ),
        };
        Ok(Self {
            device,
            threads: tch::get_num_threads(),
        })
    }

    /// `cpu` or `cuda:<index>`, for summaries.
    pub fn device_name(&self) -> String {
        match self.device {
            Device::Cpu => "cpu".to_owned(),
            Device::Cuda(index) => format!("cuda:{index}"),
            Device::Mps => "mps".to_owned(),
            Device::Vulkan => "vulkan".to_owned(),
        }
    }
}
