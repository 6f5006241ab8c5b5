//! What a benchmark's numbers depend on besides the code: the CPU's model
//! name and core count, the date, and how busy the machine was (Linux's
//! load average).

use std::fs;
use std::time::SystemTime;

use vi_fs::outln;

/// The machine a benchmark ran on, for the report's heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    /// `model name` from `/proc/cpuinfo`, or the architecture where there
    /// is none.
    pub cpu: String,
    /// Cores available to this process.
    pub cores: usize,
    /// The day the benchmark ran, `YYYY-MM-DD` (UTC).
    pub date: String,
}

impl Machine {
    /// This machine, today.
    pub fn here() -> Machine {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu =
            cpu_model(&cpuinfo).unwrap_or_else(|| format!("an {} CPU", std::env::consts::ARCH));
        let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
        let stamp = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
        Machine {
            cpu,
            cores,
            date: stamp.chars().take(10).collect(),
        }
    }

    /// `Intel(R) Xeon(R) … (2 cores), 2026-11-30`.
    pub fn describe(&self) -> String {
        let plural = if self.cores == 1 { "" } else { "s" };
        format!("{} ({} core{plural}), {}", self.cpu, self.cores, self.date)
    }
}

/// The first `model name` of a `/proc/cpuinfo` text, its runs of spaces
/// collapsed.
pub fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == "model name")
            .then(|| value.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|name| !name.is_empty())
    })
}

/// The one-minute load average (Linux), if the system reports one.
pub fn load_average() -> Option<f64> {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<f64>().ok())
}

/// Says so when other processes already keep the CPU busy, since they slow
/// the epochs down unevenly.
pub fn warn_if_busy(load: Option<f64>) {
    if let Some(load) = load.filter(|&load| load > 0.5) {
        outln!(
            "warning: the load average is {load:.2} before the benchmark starts; other \
             processes share the CPU, so the timings will be slower and noisier than the \
             machine allows"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_model_is_the_first_model_name() {
        let cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\n\
                       model name\t: Intel(R) Xeon(R)   CPU @ 2.20GHz\n\n\
                       processor\t: 1\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n";
        assert_eq!(
            cpu_model(cpuinfo).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        // Many ARM kernels print no model name.
        assert_eq!(cpu_model("processor\t: 0\nBogoMIPS\t: 50.00\n"), None);
    }

    #[test]
    fn describe_names_the_cpu_its_cores_and_the_day() {
        let machine = Machine {
            cpu: "AMD EPYC 7B13".into(),
            cores: 2,
            date: "2026-11-30".into(),
        };
        assert_eq!(machine.describe(), "AMD EPYC 7B13 (2 cores), 2026-11-30");
    }
}
