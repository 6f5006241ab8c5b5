//! The benchmark's tables: vi alone against the matrix-product rate, and vi
//! beside PyTorch as a Markdown table, the README's.

use super::machine::Machine;
use super::stats::Spread;
use super::targets::{Spec, flop_per_example};

/// One thread count's measurements of vi alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub threads: u32,
    /// The matrix-product yardstick, 10⁹ FLOP/s.
    pub matmul_gflops: f64,
    /// Training seconds per epoch (warm-up left out).
    pub epoch_seconds: Spread,
    /// Examples per epoch (whole batches only, as the tutorial drops the
    /// last one).
    pub examples_per_epoch: u64,
    /// Batch size, for the seconds per step.
    pub batch_size: u64,
}

impl Measurement {
    /// The training loop's rate of matrix-product FLOP at the median epoch,
    /// 10⁹ FLOP/s.
    fn training_gflops(&self, flop_per_example: f64) -> f64 {
        flop_per_example * self.examples_per_epoch as f64 / self.epoch_seconds.median / 1e9
    }
}

/// vi alone: one row per thread count, with the fraction of the
/// matrix-product rate its training loop reaches.
pub fn vi_table(
    spec: &Spec,
    machine: &Machine,
    measurements: &[Measurement],
    matmul_size: u32,
) -> String {
    let flop = flop_per_example(spec.multiply_adds);
    let mut text = String::new();
    let examples = measurements.first().map_or(0, |m| m.examples_per_epoch);
    text += &format!(
        "\n{}: {examples} images per timed epoch × {:.2} MFLOP per image and step \
         = {:.1} GFLOP of matrix products and convolutions per epoch\n",
        spec.description,
        flop / 1e6,
        flop * examples as f64 / 1e9
    );
    text += &format!("machine: {}\n", machine.describe());
    text += &format!(
        "yardstick: float32 {matmul_size}×{matmul_size} matrix product through libtorch\n\n"
    );
    text += "threads  matmul GFLOP/s  s/step  s/epoch  best s/epoch  tutorial s/epoch  \
             VAE GFLOP/s  VAE/matmul\n";
    for m in measurements {
        let achieved = m.training_gflops(flop);
        let steps = (m.examples_per_epoch as f64 / m.batch_size as f64)
            .ceil()
            .max(1.0);
        let per_step = m.epoch_seconds.median / steps;
        let tutorial_steps = (spec.tutorial_epoch_examples as f64 / m.batch_size as f64).ceil();
        text += &format!(
            "{:>7}  {:>14.1}  {:>6.4}  {:>7.2}  {:>12.2}  {:>16.1}  {:>11.1}  {:>8.0} %\n",
            m.threads,
            m.matmul_gflops,
            per_step,
            m.epoch_seconds.median,
            m.epoch_seconds.best,
            per_step * tutorial_steps,
            achieved,
            100.0 * achieved / m.matmul_gflops
        );
    }
    text += &format!(
        "(s/epoch: the median of the timed epochs, from which the GFLOP/s follow; tutorial \
         s/epoch: s/step × the steps of an epoch of {} images)\n",
        spec.tutorial_epoch_examples
    );
    text
}

/// One thread count of the side-by-side comparison, in seconds per epoch
/// or per step (`Spec::per_step`), over every round's timed epochs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    pub threads: u32,
    /// The matrix-product yardstick, 10⁹ FLOP/s.
    pub matmul_gflops: f64,
    pub vi: Spread,
    pub torch: Spread,
}

impl Comparison {
    /// vi's speed-up: PyTorch's seconds over vi's, best over best and
    /// median over median (above 1 where vi is faster).
    pub fn speed_up(&self) -> Spread {
        Spread {
            best: self.torch.best / self.vi.best,
            median: self.torch.median / self.vi.median,
        }
    }
}

/// How the side-by-side comparison was run, for the table's heading.
#[derive(Debug, Clone)]
pub struct Setting<'a> {
    pub spec: &'a Spec,
    pub machine: &'a Machine,
    /// `torch.__version__` of the PyTorch side.
    pub torch_version: &'a str,
    /// The load average before the first run and after the last.
    pub load: (Option<f64>, Option<f64>),
    pub rounds: u32,
    /// Epochs per run, the warm-up included.
    pub epochs: u32,
    /// Optimizer steps per epoch and images per step.
    pub steps: f64,
    pub batch_size: u64,
    pub matmul_size: u32,
}

/// vi beside PyTorch as a Markdown table, heading included: what ran, on
/// which machine and day, how busy it was; per thread count the
/// matrix-product rate, both sides' best and median seconds and vi's
/// speed-up.
pub fn side_by_side_table(setting: &Setting<'_>, rows: &[Comparison]) -> String {
    let spec = setting.spec;
    let (unit, decimals) = if spec.per_step {
        ("s/step", 4)
    } else {
        ("s/epoch", 2)
    };
    let mut text = format!(
        "\n{}, vi and PyTorch {} side by side: {} steps of {} images per epoch; {} round{} of \
         {} epoch{} on each side per thread count (the first epoch of each run a warm-up \
         where there are more), the sides alternating which goes first.\n",
        spec.description,
        setting.torch_version,
        setting.steps,
        setting.batch_size,
        setting.rounds,
        if setting.rounds == 1 { "" } else { "s" },
        setting.epochs,
        if setting.epochs == 1 { "" } else { "s" },
    );
    text += &format!(
        "Machine: {}; load average {} before, {} after.\n",
        setting.machine.describe(),
        load_text(setting.load.0),
        load_text(setting.load.1),
    );
    text += &format!(
        "PyTorch: `{} {} --in-memory`; matmul: float32 {n}×{n} through libtorch.\n\n",
        spec.torch_script,
        spec.torch_args.join(" "),
        n = setting.matmul_size,
    );
    text += &format!(
        "| model | threads | matmul GFLOP/s | vi {unit} | PyTorch {unit} | vi's speed-up |\n\
         |---|---|---|---|---|---|\n"
    );
    for (index, row) in rows.iter().enumerate() {
        let speed_up = row.speed_up();
        text += &format!(
            "| {} | {} | {:.1} | {:.decimals$} ({:.decimals$}) | {:.decimals$} ({:.decimals$}) \
             | {:.2}× ({:.2}×) |\n",
            if index == 0 { spec.description } else { "" },
            row.threads,
            row.matmul_gflops,
            row.vi.best,
            row.vi.median,
            row.torch.best,
            row.torch.median,
            speed_up.best,
            speed_up.median,
        );
    }
    text += &format!(
        "\n(each side: the best of every round's timed epochs (their median), in {unit}; \
         vi's speed-up: PyTorch's seconds over vi's, above 1 where vi is faster)\n"
    );
    text
}

fn load_text(load: Option<f64>) -> String {
    load.map_or_else(|| "unknown".into(), |load| format!("{load:.2}"))
}

#[cfg(test)]
mod tests {
    use super::super::targets::Target;
    use super::*;

    fn machine() -> Machine {
        Machine {
            cpu: "AMD EPYC 7B13".into(),
            cores: 2,
            date: "2026-11-30".into(),
        }
    }

    #[test]
    fn vi_table_reports_the_fraction_of_the_matmul_rate() {
        let measurement = Measurement {
            threads: 2,
            matmul_gflops: 100.0,
            epoch_seconds: Spread {
                best: 1.9,
                median: 2.0,
            },
            examples_per_epoch: 60_000,
            batch_size: 100,
        };
        // 2.806272 MFLOP × 60 000 / 2 s = 84.2 GFLOP/s, 84 % of 100.
        let text = vi_table(&Target::VaeMlp.spec(), &machine(), &[measurement], 1024);
        assert!(text.contains("168.4 GFLOP"), "{text}");
        assert!(text.contains("machine: AMD EPYC 7B13 (2 cores), 2026-11-30"));
        let row = text
            .lines()
            .find(|line| line.trim_start().starts_with("2 "))
            .expect("the row of 2 threads");
        assert!(row.contains("84.2") && row.contains("84 %"), "{row}");
    }

    #[test]
    fn speed_up_is_pytorch_over_vi() {
        let row = Comparison {
            threads: 1,
            matmul_gflops: 90.0,
            vi: Spread {
                best: 2.0,
                median: 2.5,
            },
            torch: Spread {
                best: 3.0,
                median: 2.0,
            },
        };
        assert_eq!(
            row.speed_up(),
            Spread {
                best: 1.5,
                median: 0.8
            }
        );
    }

    fn setting<'a>(spec: &'a Spec, machine: &'a Machine) -> Setting<'a> {
        Setting {
            spec,
            machine,
            torch_version: "2.13.0+cpu",
            load: (Some(2.614), None),
            rounds: 2,
            epochs: 2,
            steps: 600.0,
            batch_size: 100,
            matmul_size: 1024,
        }
    }

    #[test]
    fn side_by_side_table_is_markdown_with_machine_date_and_ratios() {
        let (spec, machine) = (Target::VaeMlp.spec(), machine());
        let rows = [
            Comparison {
                threads: 1,
                matmul_gflops: 89.94,
                vi: Spread {
                    best: 3.28,
                    median: 3.3,
                },
                torch: Spread {
                    best: 4.3,
                    median: 4.41,
                },
            },
            Comparison {
                threads: 2,
                matmul_gflops: 170.2,
                vi: Spread {
                    best: 2.6,
                    median: 2.7,
                },
                torch: Spread {
                    best: 2.5,
                    median: 2.6,
                },
            },
        ];
        let text = side_by_side_table(&setting(&spec, &machine), &rows);
        assert!(
            text.contains("Machine: AMD EPYC 7B13 (2 cores), 2026-11-30; load average 2.61 before, unknown after."),
            "{text}"
        );
        assert!(text.contains("PyTorch 2.13.0+cpu side by side: 600 steps of 100 images"));
        assert!(text.contains("2 rounds of 2 epochs"));
        assert!(text.contains("`tutorial3_mlp_vae.py --logits --reseed-per-epoch --in-memory`"));
        let lines: Vec<&str> = text.lines().collect();
        let header = lines
            .iter()
            .position(|line| line.starts_with("| model |"))
            .expect("a Markdown header");
        assert_eq!(
            lines[header],
            "| model | threads | matmul GFLOP/s | vi s/epoch | PyTorch s/epoch | vi's speed-up |"
        );
        assert_eq!(lines[header + 1], "|---|---|---|---|---|---|");
        // 4.30 / 3.28 = 1.311, 4.41 / 3.30 = 1.336; 2.5 / 2.6 = 0.962.
        assert_eq!(
            lines[header + 2],
            "| tutorial 3's MLP VAE | 1 | 89.9 | 3.28 (3.30) | 4.30 (4.41) | 1.31× (1.34×) |"
        );
        assert_eq!(
            lines[header + 3],
            "|  | 2 | 170.2 | 2.60 (2.70) | 2.50 (2.60) | 0.96× (0.96×) |"
        );
    }

    #[test]
    fn the_convolutional_models_are_compared_per_step() {
        let (spec, machine) = (Target::Cvae.spec(), machine());
        let row = Comparison {
            threads: 1,
            matmul_gflops: 90.0,
            vi: Spread {
                best: 0.0381,
                median: 0.04,
            },
            torch: Spread {
                best: 0.05,
                median: 0.052,
            },
        };
        let text = side_by_side_table(&setting(&spec, &machine), &[row]);
        assert!(text.contains("| vi s/step | PyTorch s/step |"), "{text}");
        assert!(
            text.contains("| 0.0381 (0.0400) | 0.0500 (0.0520) | 1.31× (1.30×) |"),
            "{text}"
        );
    }
}
