//! glibc's allocator, set for libtorch's large, short-lived tensors.
//!
//! libtorch takes every CPU tensor from `posix_memalign`. glibc serves a
//! request above its mmap threshold (dynamic, at most 32 MiB) with a fresh
//! `mmap` and gives it back with `munmap` when freed, and trims the top of
//! its heap once more than the trim threshold is free there. The importance
//! sampled log-likelihood allocates and frees tensors of 30–200 MiB per
//! chunk (`chunk × batch` decoded images and their convolutions' feature
//! maps), so every chunk faulted in, and the kernel zeroed, fresh pages:
//! half of `vae-mlp`'s and `cvae`'s log-likelihood time was spent in the
//! kernel. With mmap off and trimming off, freed tensors are reused from
//! the heap. Numbers are unchanged (only where memory comes from changes);
//! the cost is a larger peak resident size (freed blocks are kept for
//! reuse rather than returned).
//!
//! Set once, at the start of `main`, before libtorch allocates. A user's
//! own `GLIBC_TUNABLES` malloc settings win: then nothing is changed.
//! Elsewhere than glibc, nothing is changed.

/// Keeps freed memory in the process for reuse (see the module's doc);
/// returns whether glibc took the settings.
pub fn keep_freed_memory() -> bool {
    let tunables = std::env::var("GLIBC_TUNABLES").ok();
    !sets_malloc(tunables.as_deref()) && set_options()
}

/// Whether `GLIBC_TUNABLES` holds a malloc setting of the user's.
fn sets_malloc(tunables: Option<&str>) -> bool {
    tunables.is_some_and(|tunables| tunables.contains("glibc.malloc."))
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn set_options() -> bool {
    // SAFETY: `mallopt` only changes the allocator's parameters; glibc
    // allows it at any time from any thread and answers 0 for a setting it
    // refuses, which leaves the default in place.
    let no_mmap = unsafe { libc::mallopt(libc::M_MMAP_MAX, 0) };
    // SAFETY: as above.
    let no_trim = unsafe { libc::mallopt(libc::M_TRIM_THRESHOLD, libc::c_int::MAX) };
    no_mmap == 1 && no_trim == 1
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set_options() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::{set_options, sets_malloc};

    #[test]
    fn a_users_malloc_tunables_win() {
        assert!(!sets_malloc(None));
        assert!(!sets_malloc(Some("glibc.cpu.hwcaps=-AVX512F")));
        assert!(sets_malloc(Some(
            "glibc.cpu.x86_ibt=on:glibc.malloc.mmap_max=0"
        )));
    }

    #[test]
    fn glibc_takes_the_settings() {
        assert_eq!(
            set_options(),
            cfg!(all(target_os = "linux", target_env = "gnu"))
        );
    }
}
