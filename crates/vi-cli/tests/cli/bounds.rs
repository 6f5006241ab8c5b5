//! Size flags at and past their bounds: negative and out-of-range numbers
//! are invalid values that say their range; `--threads` is bounded by the
//! CPUs, `--epochs` by what a checkpoint can record, the image counts by
//! the IDX format; whatever sizes a tensor is bounded by the memory
//! available and refused before anything trains, naming the flag, the
//! largest value that fits and how to lower it — never with C++ frames.
//! (The bounds at their exact values are unit tests of `bounds/`.)

use std::path::Path;
use std::process::Output;

use super::vae_mlp::{TINY, assert_fails, checkpoint_of, tiny_run};
use crate::{LINREG_SMALL, assert_success, debris, vi, vi_into};

fn tiny(command: &str, extra: &[&str], out: &Path) -> Output {
    tiny_run(command, TINY, extra, out)
}

/// The memory refusals come before training: nothing is written.
#[track_caller]
fn assert_refused_before_training(output: &Output, expected: &[&str], dir: &Path) {
    assert_fails(output, 1, expected);
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(!message.contains("frame #"), "{message}");
    assert!(
        !message.lines().any(|line| line.starts_with("epoch ")),
        "it trained: {message}"
    );
    assert_eq!(debris(dir, &[]), Vec::<String>::new());
}

#[test]
fn negative_and_huge_numbers_are_invalid_values_that_say_their_range() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("never");
    let out = out.to_str().expect("UTF-8");
    let cases: &[(&[&str], &str)] = &[
        (
            &["vae-mlp", "--epochs", "-3"],
            "invalid value '-3' for '--epochs <EPOCHS>': must be at least 1, found -3",
        ),
        (
            &["vae-mlp", "--epochs", "99999999999999999999999"],
            "must be at most 100000 (each checkpoint records every epoch",
        ),
        (
            &["vae-mlp", "--train-limit", "2000000"],
            "must be at most 1048576 (the most images an IDX file may hold",
        ),
        (
            &["vae-mlp", "--seed", "-1"],
            "invalid value '-1' for '--seed <SEED>': must be at least 0, found -1",
        ),
        (
            &["linear-regression", "--mle-epochs", "-5"],
            "invalid value '-5' for '--mle-epochs <MLE_EPOCHS>': must be at least 1",
        ),
        (
            &["cvae", "--latent-dim", "99999999999999999999"],
            "must be at most 9223372036854775807, found 99999999999999999999",
        ),
    ];
    for (args, expected) in cases {
        let mut all = args.to_vec();
        all.extend(["--out", out]);
        let output = vi(&all);
        assert_fails(&output, 2, &[expected]);
        assert!(
            !String::from_utf8_lossy(&output.stderr).contains("unexpected argument"),
            "{args:?}"
        );
    }
    assert_eq!(debris(dir.path(), &[]), Vec::<String>::new());
}

/// `--threads` up to four per logical CPU runs; one more is refused with
/// the reason, as is `i32::MAX` (which aborted inside OpenMP).
#[test]
fn threads_are_bounded_by_the_cpus() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let limit = 4 * std::thread::available_parallelism().map_or(1, usize::from);
    let mut at = LINREG_SMALL.to_vec();
    let limit_text = limit.to_string();
    at.extend(["--threads", &limit_text]);
    assert_success(&vi_into(&at, &dir.path().join("at")));

    let past = (limit + 1).to_string();
    for value in [past.as_str(), "2147483647"] {
        let mut args = LINREG_SMALL.to_vec();
        args.extend(["--threads", value]);
        assert_fails(
            &vi_into(&args, &dir.path().join("past")),
            2,
            &[
                &format!("must be at most {limit} (4 × the"),
                "logical CPUs available here",
                "lower --threads",
            ],
        );
    }
    assert!(!dir.path().join("past").exists());
}

/// Values at a format's bound are accepted (the run then stops for another
/// reason, before training); memory-bound values past the machine's memory
/// are refused before training, naming the flag.
#[test]
fn flags_past_the_memory_bound_are_refused_before_training() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("run");

    // --epochs 100000 and --train-limit 1048576 are accepted.
    assert_refused_before_training(
        &tiny(
            "vae-mlp",
            &["--epochs", "100000", "--train-limit", "1048576"],
            &out,
        ),
        &["--train-limit 1048576 is more than the 60000 images"],
        dir.path(),
    );
    assert_refused_before_training(
        &tiny(
            "vae-mlp",
            &["--epochs", "100000", "--latent-dim", "100000000000"],
            &out,
        ),
        &[
            "--latent-dim 100000000000: a training step on batches of 100 images of a model \
             with 100000000000 latent dimensions",
            "of memory",
            "at most --latent-dim",
            "so lower --latent-dim",
        ],
        dir.path(),
    );
    assert_refused_before_training(
        &tiny(
            "vae-mlp",
            &[
                "--iwae-samples",
                "1000000000000",
                "--iwae-chunk",
                "1000000000000",
            ],
            &out,
        ),
        &[
            "--iwae-chunk 1000000000000: decoding 1000000000000 importance samples",
            "so lower --iwae-chunk",
        ],
        dir.path(),
    );
    assert!(!checkpoint_of(&out).exists());

    let conv = dir.path().join("conv");
    assert_refused_before_training(
        &tiny("vae-conv", &["--repeats", "1000000000000000"], &conv),
        &[
            "--repeats 1000000000000000: shuffling",
            "so lower --repeats",
        ],
        dir.path(),
    );
    assert_refused_before_training(
        &tiny(
            "vae-conv",
            &["--repeats", "100000000", "--batch-size", "100000000"],
            &conv,
        ),
        &[
            "--batch-size 100000000: a training step on batches of 100000000 images",
            "so lower --batch-size",
        ],
        dir.path(),
    );

    let mut samples = LINREG_SMALL.to_vec();
    samples.extend(["--vi-samples", "1000000000000000"]);
    assert_fails(
        &vi_into(&samples, &out),
        2,
        &[
            "--vi-samples 1000000000000000: 1000000000000000 draws of the predictions at each \
             of 30 points",
            "so lower --vi-samples",
        ],
    );
    assert_fails(
        &vi(&["linear-regression", "--num-points", "1000000000000000"]),
        2,
        &["--num-points 1000000000000000:", "so lower --num-points"],
    );
    assert_fails(
        &vi(&["exponential-posterior", "--samples", "1000000000000000"]),
        2,
        &["--samples 1000000000000000: 1000000000000000 samples per SGD step"],
    );
    assert_fails(
        &vi(&["bench-matmul", "--size", "1000000000"]),
        1,
        &["--size 1000000000: three 1000000000 × 1000000000 matrices"],
    );
    assert_eq!(debris(dir.path(), &[]), Vec::<String>::new());
}
