//! How an error reaches the user: its chain of causes on stderr, with
//! libtorch's messages cut before their C++ frames ("Exception raised from
//! … frame #0 …", which say nothing to a user), and a failed allocation
//! reported as such, naming the flags that size the step that failed.

use vi_fs::errln;

use crate::bounds::{Bytes, Machine};

/// Prints `error` and its causes on stderr (through `errln!`, so a closed
/// stderr does not panic), each cleaned of C++ frames, a cause that its
/// predecessor already quotes left out.
pub fn report(error: &anyhow::Error) {
    errln!("error: {}", clean(&error.to_string()));
    let mut previous = clean(&error.to_string());
    for cause in error.chain().skip(1) {
        let cause = clean(&cause.to_string());
        // Errors that quote their source in their own message
        // (`cannot read <file>: <reason>`) would repeat it.
        if !previous.ends_with(&cause) {
            errln!("  caused by: {cause}");
        }
        previous = cause;
    }
}

/// A libtorch message without what follows its first line's sentence: the
/// C++ source location and stack frames (`Exception raised from …`,
/// `frame #0: …`).
pub fn clean(message: &str) -> String {
    let mut text = message;
    for marker in ["Exception raised from", "\nframe #", "frame #0:"] {
        if let Some(position) = text.find(marker) {
            text = &text[..position];
        }
    }
    text.trim_end().to_owned()
}

/// If `error` is an allocation that failed (libtorch's CPU allocator, CUDA
/// out of memory), the error in words: what ran out `during` which step,
/// and the `flags` that size it; otherwise `error` as it is.
pub fn name_allocation_failure(error: anyhow::Error, during: &str, flags: &str) -> anyhow::Error {
    let Some(asked) = error
        .chain()
        .find_map(|cause| allocation_failure(&cause.to_string()))
    else {
        return error;
    };
    let asked = match asked {
        Some(bytes) => format!(" (it asked for {} at once)", Bytes(u128::from(bytes))),
        None => String::new(),
    };
    anyhow::anyhow!(
        "libtorch ran out of memory {during}{asked}, with the {}; lower {flags}",
        Machine::get().memory_text()
    )
}

/// `Some(bytes asked for, when the message says)` if `message` reports a
/// failed allocation.
fn allocation_failure(message: &str) -> Option<Option<u64>> {
    let lower = message.to_lowercase();
    let failed = [
        "can't allocate memory",
        "not enough memory",
        "out of memory",
        "bad_alloc",
    ]
    .iter()
    .any(|phrase| lower.contains(phrase));
    if !failed {
        return None;
    }
    let asked = lower
        .split("allocate ")
        .skip(1)
        .find_map(|rest| rest.split(" bytes").next()?.trim().parse().ok());
    Some(asked)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message libtorch 2.13 gives when `--iwae-chunk` is too large
    /// (shortened: the real one has 30 frames).
    const CPU_ALLOCATOR: &str = "Internal torch error: [enforce fail at alloc_cpu.cpp:127] \
        err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate \
        800000000000000 bytes. Error code 12 (Cannot allocate memory)\n\
        frame #0: c10::ThrowEnforceNotMet(char const*, int, char const*, std::string const&, \
        void const*) + 0x58 (0x7f in libc10.so)\nframe #1: <unknown function> + 0x2c1aa3";

    #[test]
    fn frames_are_cut() {
        assert_eq!(
            clean(CPU_ALLOCATOR),
            "Internal torch error: [enforce fail at alloc_cpu.cpp:127] err == 0. \
             DefaultCPUAllocator: can't allocate memory: you tried to allocate \
             800000000000000 bytes. Error code 12 (Cannot allocate memory)"
        );
        let raised = "shape '[2, 3]' is invalid for input of size 5\nException raised from \
                      infer_size_impl at aten/src/ATen/InferSize.h:69 (most recent call first):\n\
                      frame #0: c10::Error::Error(";
        assert_eq!(
            clean(raised),
            "shape '[2, 3]' is invalid for input of size 5"
        );
        assert_eq!(clean("no frames here"), "no frames here");
    }

    #[test]
    fn allocation_failures_name_the_flags() {
        let error =
            anyhow::anyhow!(CPU_ALLOCATOR).context("cannot estimate the test log-likelihood");
        let named = name_allocation_failure(
            error,
            "while decoding the importance samples",
            "--iwae-chunk",
        );
        let message = named.to_string();
        assert!(
            message.starts_with("libtorch ran out of memory while decoding"),
            "{message}"
        );
        assert!(
            message.contains("it asked for 727.6 TiB at once"),
            "{message}"
        );
        assert!(message.ends_with("lower --iwae-chunk"), "{message}");
        assert!(!message.contains("frame #"), "{message}");

        let cuda = anyhow::anyhow!("CUDA out of memory. Tried to allocate 2.00 GiB");
        let message = name_allocation_failure(cuda, "while training", "--batch-size").to_string();
        assert!(message.contains("lower --batch-size"), "{message}");

        let other = anyhow::anyhow!("shape mismatch");
        let message = name_allocation_failure(other, "while training", "--batch-size").to_string();
        assert_eq!(message, "shape mismatch");
    }
}
