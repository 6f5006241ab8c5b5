//! The data sets vi uses: where they are published and what their files
//! hash to once decompressed.

use crate::fetch::Source;

/// One file of a data set: its standard name and the SHA-256 of its
/// decompressed content (the `.gz` bytes differ between mirrors).
#[derive(Debug, Clone)]
pub struct DataFile {
    /// The standard IDX name, e.g. `train-images-idx3-ubyte`.
    pub name: String,
    /// Lowercase hex SHA-256 of the decompressed file.
    pub sha256: String,
}

/// A place that serves `<prefix><file>.gz`.
#[derive(Debug, Clone)]
pub struct Mirror {
    /// The server or directory.
    pub source: Source,
    /// What goes between the base and the file name (`""` for the public
    /// mirrors, `"<set>/"` for a mirror of the whole data folder).
    pub prefix: String,
}

impl Mirror {
    /// The relative path of `file`'s compressed form on this mirror.
    pub fn relative(&self, file: &DataFile) -> String {
        format!("{}{}.gz", self.prefix, file.name)
    }
}

/// A data set: a name (also its folder under `data/`), mirrors in the order
/// they are tried, and the files.
#[derive(Debug, Clone)]
pub struct DataSet {
    /// `mnist` or `fashion-mnist`; the folder name under `data/` and on a mirror.
    pub name: String,
    /// Tried in order until one serves a file that verifies.
    pub mirrors: Vec<Mirror>,
    /// The four IDX files.
    pub files: Vec<DataFile>,
}

impl DataSet {
    /// The same set, read from `base` (a directory or HTTP base URL that
    /// holds `<set>/<file>.gz`) instead of the public mirrors.
    pub fn with_mirror(mut self, base: &str) -> DataSet {
        self.mirrors = vec![Mirror {
            source: Source::parse(base),
            prefix: format!("{}/", self.name),
        }];
        self
    }
}

/// MNIST, from the mirrors torchvision uses.
pub fn mnist() -> DataSet {
    build(
        "mnist",
        &[
            "https://ossci-datasets.s3.amazonaws.com/mnist",
            "http://yann.lecun.com/exdb/mnist",
        ],
        [
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        ],
    )
}

/// Fashion-MNIST, from its project's own server.
pub fn fashion_mnist() -> DataSet {
    build(
        "fashion-mnist",
        &["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com"],
        [
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
        ],
    )
}

/// The four standard IDX names, in the order the hashes are given.
const IDX_NAMES: [&str; 4] = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
];

fn build(name: &str, mirrors: &[&str], sha256: [&str; 4]) -> DataSet {
    DataSet {
        name: name.to_owned(),
        mirrors: mirrors
            .iter()
            .map(|base| Mirror {
                source: Source::parse(base),
                prefix: String::new(),
            })
            .collect(),
        files: IDX_NAMES
            .iter()
            .zip(sha256)
            .map(|(name, sha256)| DataFile {
                name: (*name).to_owned(),
                sha256: sha256.to_owned(),
            })
            .collect(),
    }
}
