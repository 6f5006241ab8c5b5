//! Standard output and standard error that a closed reader cannot stop:
//! [`outln!`](crate::outln) and [`errln!`](crate::errln) write a line to
//! the locked stream and ignore a failed write (a pipe whose reader quit,
//! as in `vi … | head -1`, a full disk behind a redirection), where
//! `println!` would panic. After the first failure the stream counts as
//! closed and later lines are skipped; [`stdout_closed`] and
//! [`stderr_closed`] tell whether that happened.
//!
//! Why not stop: the lines are reports of work whose real results are files
//! (figures, summaries, checkpoints). A reader that stops listening must
//! not cost those files, so a program keeps going and finishes as if the
//! stream were still open.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// Which standard stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output (results, reports).
    Stdout,
    /// Standard error (progress, warnings, errors).
    Stderr,
}

impl Stream {
    fn closed_flag(self) -> &'static AtomicBool {
        match self {
            Self::Stdout => &STDOUT_CLOSED,
            Self::Stderr => &STDERR_CLOSED,
        }
    }
}

/// Writes `args` to `stream` and flushes it, unless an earlier write to it
/// failed; a failure marks the stream closed instead of panicking. What the
/// macros call.
pub fn write_stream(stream: Stream, args: fmt::Arguments<'_>) {
    let closed = stream.closed_flag();
    if closed.load(Ordering::Relaxed) {
        return;
    }
    let written = match stream {
        Stream::Stdout => write_locked(&mut io::stdout().lock(), args),
        Stream::Stderr => write_locked(&mut io::stderr().lock(), args),
    };
    if written.is_err() {
        closed.store(true, Ordering::Relaxed);
    }
}

fn write_locked(writer: &mut dyn Write, args: fmt::Arguments<'_>) -> io::Result<()> {
    writer.write_fmt(args)?;
    writer.flush()
}

/// Whether a write to standard output has failed (its reader is gone).
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Whether a write to standard error has failed.
pub fn stderr_closed() -> bool {
    STDERR_CLOSED.load(Ordering::Relaxed)
}

/// `print!` that never panics: writes to standard output through
/// [`write_stream`], skipped once the stream is closed.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::console::write_stream($crate::console::Stream::Stdout, format_args!($($arg)*))
    };
}

/// `println!` that never panics (see [`out!`](crate::out)).
#[macro_export]
macro_rules! outln {
    () => {
        $crate::out!("\n")
    };
    ($($arg:tt)*) => {
        $crate::out!("{}\n", format_args!($($arg)*))
    };
}

/// `eprintln!` that never panics: writes to standard error through
/// [`write_stream`], skipped once the stream is closed.
#[macro_export]
macro_rules! errln {
    () => {
        $crate::console::write_stream($crate::console::Stream::Stderr, format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::console::write_stream(
            $crate::console::Stream::Stderr,
            format_args!("{}\n", format_args!($($arg)*)),
        )
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose reader has gone: every write fails as a closed pipe.
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }

        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::from(io::ErrorKind::BrokenPipe))
        }
    }

    #[test]
    fn a_closed_pipe_is_an_error_value_not_a_panic() {
        let error = write_locked(&mut ClosedPipe, format_args!("epoch {}\n", 1)).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
        let mut open = Vec::new();
        write_locked(&mut open, format_args!("epoch {}\n", 2)).unwrap();
        assert_eq!(open, b"epoch 2\n");
    }
}
