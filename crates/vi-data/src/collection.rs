//! Which MNIST-format data set: MNIST or Fashion-MNIST, and where each lives.

use std::fmt;
use std::path::{Path, PathBuf};

/// An MNIST-format data set: 28×28 grey-scale images with labels 0–9, stored
/// as four IDX files.
///
/// Both sets hold 60,000 training and 10,000 test images; Fashion-MNIST is a
/// drop-in replacement for MNIST (Xiao, Rasul and Vollgraf, 2017).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collection {
    /// Handwritten digits (LeCun, Cortes and Burges).
    Mnist,
    /// Zalando's article images.
    FashionMnist,
}

impl Collection {
    /// The set's short name, `mnist` or `fashion-mnist`: its folder under the
    /// data directory and its name for `cargo xtask data`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mnist => "mnist",
            Self::FashionMnist => "fashion-mnist",
        }
    }

    /// The folder that holds this set's IDX files: `<data_dir>/<name>`.
    pub fn dir(self, data_dir: &Path) -> PathBuf {
        data_dir.join(self.name())
    }
}

impl fmt::Display for Collection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Mnist => "MNIST",
            Self::FashionMnist => "Fashion-MNIST",
        })
    }
}
