//! Reading a file from a download source: an HTTP(S) base URL or a local
//! directory (a plain path or a `file://` URL), so every network path can be
//! exercised against a local mirror.

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::time::Duration;

/// Where files are read from: `<base>/<relative path>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An `http://` or `https://` base URL.
    Http(String),
    /// A local directory.
    Dir(PathBuf),
}

/// Why a file could not be opened.
#[derive(Debug)]
pub enum FetchError {
    /// The source answered that the file does not exist (HTTP 404, no such file).
    NotFound,
    /// Anything else: refused connection, other HTTP status, I/O error.
    Failed(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::NotFound => f.write_str("not found"),
            FetchError::Failed(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for FetchError {}

impl Source {
    /// Parses a user's `--mirror` value: a URL with a scheme, or a directory.
    pub fn parse(base: &str) -> Source {
        if base.starts_with("http://") || base.starts_with("https://") {
            Source::Http(base.trim_end_matches('/').to_owned())
        } else if let Some(path) = base.strip_prefix("file://") {
            Source::Dir(PathBuf::from(path))
        } else {
            Source::Dir(PathBuf::from(base))
        }
    }

    /// The location of `relative` in this source, for messages.
    pub fn locate(&self, relative: &str) -> String {
        match self {
            Source::Http(base) => format!("{base}/{relative}"),
            Source::Dir(dir) => dir.join(relative).display().to_string(),
        }
    }

    /// Opens `relative` for streaming. A body cut short by the server is an
    /// I/O error while reading, not a short read.
    pub fn open(&self, relative: &str) -> Result<Box<dyn Read>, FetchError> {
        match self {
            Source::Dir(dir) => {
                let path = dir.join(relative);
                match File::open(&path) {
                    Ok(file) => Ok(Box::new(file)),
                    Err(error) if error.kind() == io::ErrorKind::NotFound => {
                        Err(FetchError::NotFound)
                    }
                    Err(error) => Err(FetchError::Failed(error.to_string())),
                }
            }
            Source::Http(base) => {
                let url = format!("{base}/{relative}");
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .timeout_connect(Some(Duration::from_secs(20)))
                    .timeout_per_read(Some(Duration::from_secs(60)))
                    .build()
                    .into();
                match agent.get(&url).call() {
                    Ok(response) => Ok(Box::new(response.into_body().into_reader())),
                    Err(ureq::Error::StatusCode(404)) => Err(FetchError::NotFound),
                    Err(ureq::Error::StatusCode(code)) => {
                        Err(FetchError::Failed(format!("HTTP status {code}")))
                    }
                    Err(error) => Err(FetchError::Failed(error.to_string())),
                }
            }
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Http(base) => f.write_str(base),
            Source::Dir(dir) => write!(f, "{}", dir.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls_and_directories() {
        assert_eq!(
            Source::parse("https://example.org/mnist/"),
            Source::Http("https://example.org/mnist".into())
        );
        assert_eq!(
            Source::parse("file:///srv/data"),
            Source::Dir("/srv/data".into())
        );
        assert_eq!(
            Source::parse("../shared/data"),
            Source::Dir("../shared/data".into())
        );
    }

    #[test]
    fn a_missing_local_file_is_not_found() {
        let dir = tempfile::tempdir().unwrap();
        let source = Source::Dir(dir.path().to_owned());
        assert!(matches!(source.open("nope.gz"), Err(FetchError::NotFound)));
    }
}
