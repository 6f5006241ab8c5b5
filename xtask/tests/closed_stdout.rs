//! `cargo xtask data` with its standard output closed before it prints —
//! as `cargo xtask data | head -0` leaves it: it still checks the data and
//! succeeds, where a closed pipe used to panic it (exit code 101).
//!
//! It finds MNIST as `cargo xtask test` leaves it: in `data/`, or fetched
//! from `VI_DATA_MIRROR`.

use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn data_succeeds_with_a_closed_stdout() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["data", "mnist"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xtask starts");
    drop(child.stdout.take());
    let mut errors = String::new();
    child
        .stderr
        .take()
        .expect("piped")
        .read_to_string(&mut errors)
        .expect("readable");
    let status = child.wait().expect("xtask ends");
    assert_eq!(status.code(), Some(0), "{errors}");
    assert!(!errors.contains("panicked"), "{errors}");
}
