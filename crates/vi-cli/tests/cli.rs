//! The `vi` binary end to end: each experiment with small settings into a
//! temporary folder, its files checked; bad flags and unwritable output
//! folders refused with the right exit code and no debris; reruns replace
//! the folder as a whole. The VAE subcommands, which read MNIST from the
//! workspace's `data/`, have a module each; so do what a run guarantees
//! (`streams`: closed pipes and signals; `ownership`: concurrent runs,
//! leftovers, checkpoints and paths; `bounds`: flags at and past their
//! bounds).

mod cli {
    mod bounds;
    mod cvae;
    mod estimator_study;
    mod objectives;
    mod ownership;
    mod streams;
    mod vae_conv;
    mod vae_mlp;
}

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// Small, quick settings of `vi linear-regression`.
const LINREG_SMALL: &[&str] = &[
    "linear-regression",
    "--num-points",
    "30",
    "--mle-epochs",
    "5",
    "--vi-epochs",
    "5",
    "--predictive-samples",
    "10",
];

/// Small, quick settings of `vi exponential-posterior`.
const EXPONENTIAL_SMALL: &[&str] = &[
    "exponential-posterior",
    "--grid-points",
    "300",
    "--theta-points",
    "20",
    "--steps",
    "150",
];

fn vi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vi"))
        .args(args)
        .output()
        .expect("the vi binary runs")
}

/// Runs `vi <args> --out <out>`.
fn vi_into(args: &[&str], out: &Path) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    let out = out.to_str().expect("UTF-8 temporary path");
    all.extend(["--out", out]);
    vi(&all)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[track_caller]
fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "vi failed ({:?}): {}",
        output.status.code(),
        stderr(output)
    );
}

fn read_json(path: &Path) -> Value {
    let text = fs::read_to_string(path).expect("summary.json is readable");
    serde_json::from_str(&text).expect("summary.json is JSON")
}

/// Every number in `value` is finite (serde_json writes NaN and ±∞ as null,
/// so a null counts as a failure too).
fn assert_all_finite(value: &Value, at: &str) {
    match value {
        Value::Null => panic!("{at} is null (a non-finite number?)"),
        Value::Number(number) => {
            let number = number.as_f64().expect("a number");
            assert!(number.is_finite(), "{at} = {number}");
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                assert_all_finite(item, &format!("{at}[{index}]"));
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                assert_all_finite(item, &format!("{at}.{key}"));
            }
        }
        Value::Bool(_) | Value::String(_) => {}
    }
}

#[track_caller]
fn assert_png(path: &Path) {
    let image = image::open(path)
        .unwrap_or_else(|error| panic!("{} does not decode: {error}", path.display()));
    assert_eq!(
        (image.width(), image.height()),
        (640, 480),
        "{}",
        path.display()
    );
}

/// Header and number of data rows of a CSV file.
fn csv_shape(path: &Path) -> (String, usize) {
    let text = fs::read_to_string(path).expect("CSV is readable");
    let mut lines = text.lines();
    let header = lines.next().expect("a header").to_owned();
    (header, lines.count())
}

/// Names in `dir` that are not `keep`: staging or backup folders left over.
fn debris(dir: &Path, keep: &[&str]) -> Vec<String> {
    fs::read_dir(dir)
        .expect("readable")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| !keep.contains(&name.as_str()))
        .collect()
}

#[test]
fn help_lists_the_experiments() {
    let output = vi(&["--help"]);
    assert_success(&output);
    let help = String::from_utf8_lossy(&output.stdout);
    for name in [
        "linear-regression",
        "linreg",
        "exponential-posterior",
        "exponential",
        "vae-mlp",
        "mlp-vae",
        "info",
    ] {
        assert!(help.contains(name), "`{name}` missing from:\n{help}");
    }
    let output = vi(&["linreg", "--help"]);
    assert_success(&output);
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        help.contains("--vi-epochs") && help.contains("[default: 100]"),
        "{help}"
    );
}

#[test]
fn linear_regression_writes_its_results() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("linear-regression");
    let output = vi_into(LINREG_SMALL, &out);
    assert_success(&output);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("MLE") && stdout.contains(out.to_str().expect("UTF-8")),
        "{stdout}"
    );

    let summary = read_json(&out.join("summary.json"));
    assert_all_finite(&summary, "summary");
    assert_eq!(summary["command"], "linear-regression");
    assert_eq!(summary["seed"], 0);
    for key in ["slope", "intercept", "final_mse"] {
        assert!(summary["mle"][key].is_f64(), "mle.{key}");
    }
    for key in [
        "weight_mu",
        "weight_sigma",
        "bias_mu",
        "bias_sigma",
        "final_loss",
    ] {
        assert!(summary["vi"][key].is_f64(), "vi.{key}");
    }
    assert!(summary["exact"]["mean_field_std"]["weight"].is_f64());

    assert_eq!(csv_shape(&out.join("data.csv")), ("x,y".to_owned(), 30));
    let (header, rows) = csv_shape(&out.join("predictive.csv"));
    assert!(header.starts_with("x,mle,vi_mean,vi_std"), "{header}");
    assert_eq!(rows, 100);
    assert_eq!(csv_shape(&out.join("vi_loss.csv")).1, 5);
    assert_png(&out.join("linear.png"));
    assert_eq!(
        debris(dir.path(), &["linear-regression"]),
        Vec::<String>::new()
    );
}

#[test]
fn exponential_posterior_writes_its_results() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("exponential-posterior");
    assert_success(&vi_into(EXPONENTIAL_SMALL, &out));

    let summary = read_json(&out.join("summary.json"));
    assert_all_finite(&summary, "summary");
    assert_eq!(summary["command"], "exponential-posterior");
    // The tutorial's draws with seed 0 (PyTorch 2.13): z = 3.508326292037964.
    let z = summary["sampled_z"].as_f64().expect("a number");
    assert!((z - 3.508_326_292_037_964).abs() < 1e-7, "{z}");
    assert_eq!(summary["sampled_x"].as_array().map(Vec::len), Some(5));
    let theta_star = summary["theta_star"].as_f64().expect("a number");
    assert!(
        (theta_star - 0.605_203_449_686_676_7).abs() < 1e-12,
        "{theta_star}"
    );
    let trace = summary["sgd"]["trace"].as_array().expect("a list");
    assert_eq!(trace.len(), 2, "steps 0 and 100 of 150");
    assert_eq!(trace[1]["step"], 100);
    assert!(summary["sgd"]["final_theta"].is_f64());
    assert!(summary["kl"]["minimum_kl"].is_f64());

    assert_eq!(csv_shape(&out.join("posterior.csv")).1, 300);
    assert_eq!(
        csv_shape(&out.join("kl_vs_theta.csv")),
        ("theta,kl".to_owned(), 20)
    );
    assert_eq!(csv_shape(&out.join("sgd_theta.csv")).1, 150);
    for figure in ["posterior.png", "kl_vs_theta.png", "sgd_theta.png"] {
        assert_png(&out.join(figure));
    }
}

/// Same seed and thread count: byte-identical files, figures included.
#[test]
fn same_seed_gives_identical_files() {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (command, files) in [
        (
            LINREG_SMALL,
            &[
                "data.csv",
                "predictive.csv",
                "vi_loss.csv",
                "summary.json",
                "linear.png",
            ][..],
        ),
        (
            EXPONENTIAL_SMALL,
            &[
                "posterior.csv",
                "sgd_theta.csv",
                "summary.json",
                "sgd_theta.png",
            ][..],
        ),
    ] {
        let runs: Vec<PathBuf> = ["first", "second"]
            .iter()
            .map(|name| {
                let out = dir.path().join(format!("{}-{name}", command[0]));
                let mut args = command.to_vec();
                args.extend(["--seed", "7", "--threads", "1"]);
                assert_success(&vi_into(&args, &out));
                out
            })
            .collect();
        for file in files {
            let first = fs::read(runs[0].join(file)).expect("written");
            let second = fs::read(runs[1].join(file)).expect("written");
            assert!(first == second, "{} differs between runs", file);
        }
        let summary = read_json(&runs[0].join("summary.json"));
        assert_eq!(summary["seed"], 7);
    }
}

#[test]
fn bad_flags_are_usage_errors() {
    let cases: &[&[&str]] = &[
        &["linear-regression", "--vi-epochs", "0"],
        &["linear-regression", "--mle-epochs", "-5"],
        &["linear-regression", "--vi-lr", "0"],
        &["linear-regression", "--vi-lr", "-0.1"],
        &["linear-regression", "--mle-lr", "NaN"],
        &["linear-regression", "--vi-samples", "0"],
        &["linear-regression", "--predictive-samples", "1"],
        &["linear-regression", "--num-points", "0"],
        &["linear-regression", "--noise-std", "0"],
        &["linear-regression", "--threads", "0"],
        &["linear-regression", "--seed", "-1"],
        &["exponential-posterior", "--grid-points", "1"],
        &[
            "exponential-posterior",
            "--grid-min",
            "5",
            "--grid-max",
            "5",
        ],
        &["exponential-posterior", "--grid-min", "20"],
        &[
            "exponential-posterior",
            "--theta-min",
            "2",
            "--theta-max",
            "1",
        ],
        &["exponential-posterior", "--theta-min", "0"],
        &["exponential-posterior", "--samples", "0"],
        &["exponential-posterior", "--steps", "0"],
        &["exponential-posterior", "--lr", "inf"],
        &["exponential-posterior", "--prior-rate", "-1"],
        &["exponential-posterior", "--plot-z-max", "0"],
        &["exponential-posterior", "--num-observations", "zero"],
    ];
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("never");
    for args in cases {
        let output = vi_into(args, &out);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert!(message.contains("error:"), "{args:?}: {message}");
        assert!(message.contains("--help"), "{args:?}: {message}");
        assert!(!message.contains("panicked"), "{args:?}: {message}");
    }
    assert!(!out.exists(), "a refused run created {}", out.display());
    assert_eq!(debris(dir.path(), &[]), Vec::<String>::new());
}

/// An output folder that cannot be created: exit 1, the path named, nothing
/// left behind.
#[test]
fn unwritable_out_is_a_runtime_error() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let blocker = dir.path().join("blocker");
    fs::write(&blocker, "a file, not a folder").expect("writable");
    let out = blocker.join("results");
    for command in [LINREG_SMALL, EXPONENTIAL_SMALL] {
        let output = vi_into(command, &out);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{message}");
        assert!(
            message.contains(blocker.to_str().expect("UTF-8")),
            "{message}"
        );
        assert!(!message.contains("panicked"), "{message}");
    }
    assert_eq!(debris(dir.path(), &["blocker"]), Vec::<String>::new());
    assert_eq!(
        fs::read_to_string(&blocker).expect("intact"),
        "a file, not a folder"
    );
}

/// vi replaces its output folder as a whole, so it refuses a folder that is
/// not one of its own outputs rather than deleting someone's files.
#[test]
fn foreign_out_folder_is_refused() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("notes");
    fs::create_dir(&out).expect("writable");
    fs::write(out.join("thesis.tex"), "precious").expect("writable");
    let output = vi_into(LINREG_SMALL, &out);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("not empty"), "{}", stderr(&output));
    assert_eq!(
        fs::read_to_string(out.join("thesis.tex")).expect("intact"),
        "precious"
    );

    let linreg_out = dir.path().join("linear-regression");
    assert_success(&vi_into(LINREG_SMALL, &linreg_out));
    let output = vi_into(EXPONENTIAL_SMALL, &linreg_out);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("vi linear-regression"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        debris(dir.path(), &["notes", "linear-regression"]),
        Vec::<String>::new()
    );
}

/// A second run replaces the first as a whole; a failing run leaves the
/// previous results untouched.
#[test]
fn reruns_replace_the_folder_atomically() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("exponential-posterior");
    assert_success(&vi_into(EXPONENTIAL_SMALL, &out));
    fs::write(out.join("stale.txt"), "from before").expect("writable");

    let mut second = EXPONENTIAL_SMALL.to_vec();
    second.extend(["--seed", "3"]);
    assert_success(&vi_into(&second, &out));
    assert_eq!(read_json(&out.join("summary.json"))["seed"], 3);
    assert!(
        !out.join("stale.txt").exists(),
        "the folder was merged, not replaced"
    );
    let before = fs::read(out.join("summary.json")).expect("written");

    // θ overshoots zero with this learning rate: a runtime error mid-run.
    let mut failing = EXPONENTIAL_SMALL.to_vec();
    failing.extend(["--lr", "10"]);
    let output = vi_into(&failing, &out);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("SGD fit failed"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read(out.join("summary.json")).expect("kept"), before);
    assert_eq!(
        debris(dir.path(), &["exponential-posterior"]),
        Vec::<String>::new()
    );
}

#[test]
fn info_json_reports_the_versions_and_devices() {
    let output = vi(&["info", "--json"]);
    assert_success(&output);
    let info: Value = serde_json::from_slice(&output.stdout).expect("vi info --json prints JSON");
    assert_eq!(info["vi"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["tch"], "0.26.0");
    assert!(
        info["libtorch"]
            .as_str()
            .is_some_and(|v| v.starts_with("2.13.0")),
        "{info}"
    );
    assert!(info["threads"].as_i64().is_some_and(|n| n >= 1), "{info}");
    let available = info["cuda"]["available"].as_bool().expect("a boolean");
    let devices = info["cuda"]["devices"].as_i64().expect("a count");
    assert_eq!(available, devices > 0, "{info}");
}
