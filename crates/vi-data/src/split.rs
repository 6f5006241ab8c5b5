//! The training or the test half of a data set, and its IDX file names.

use std::fmt;

/// Which half of a data set: 60,000 training or 10,000 test images for MNIST
/// and Fashion-MNIST (torchvision's `train=True` / `train=False`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Split {
    /// The training images (`train-*` files).
    Train,
    /// The test images (`t10k-*` files).
    Test,
}

impl Split {
    /// The prefix of the split's IDX file names: `train` or `t10k`.
    pub fn file_prefix(self) -> &'static str {
        match self {
            Self::Train => "train",
            Self::Test => "t10k",
        }
    }

    /// Accepted names of the split's images file, in order of preference:
    /// the standard name (`train-images-idx3-ubyte`), gzip-compressed
    /// (`….gz`), then the dotted variant some mirrors use
    /// (`train-images.idx3-ubyte`) raw and compressed.
    pub fn images_file_names(self) -> [String; 4] {
        file_names(self.file_prefix(), "images", "idx3-ubyte")
    }

    /// Accepted names of the split's labels file, in the order of
    /// [`images_file_names`](Self::images_file_names).
    pub fn labels_file_names(self) -> [String; 4] {
        file_names(self.file_prefix(), "labels", "idx1-ubyte")
    }
}

fn file_names(prefix: &str, content: &str, format: &str) -> [String; 4] {
    let standard = format!("{prefix}-{content}-{format}");
    let dotted = format!("{prefix}-{content}.{format}");
    let standard_gz = format!("{standard}.gz");
    let dotted_gz = format!("{dotted}.gz");
    [standard, standard_gz, dotted, dotted_gz]
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Train => "training",
            Self::Test => "test",
        })
    }
}
