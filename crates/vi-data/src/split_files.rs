//! Finding one split's two IDX files in a data set's folder and reading them
//! into a validated, matching pair.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use crate::idx::{IdxImages, IdxLabels, read_images, read_labels};
use crate::{Collection, DataError, Split};

/// One split of an MNIST-format data set as read from its IDX files: images
/// and labels, as many of one as of the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxSplit {
    images: IdxImages,
    labels: IdxLabels,
}

impl IdxSplit {
    /// Pairs images with their labels.
    ///
    /// # Errors
    ///
    /// [`DataError::CountMismatch`] if the counts differ.
    pub fn new(images: IdxImages, labels: IdxLabels) -> Result<Self, DataError> {
        if images.len() != labels.len() {
            return Err(DataError::CountMismatch {
                images_path: images.path().to_owned(),
                labels_path: labels.path().to_owned(),
                images: images.len(),
                labels: labels.len(),
            });
        }
        Ok(Self { images, labels })
    }

    /// The images, `[len, 28, 28]` bytes.
    pub fn images(&self) -> &IdxImages {
        &self.images
    }

    /// The labels, `[len]` classes 0–9.
    pub fn labels(&self) -> &IdxLabels {
        &self.labels
    }

    /// Number of images (and of labels).
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether the split is empty.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// Reads `split` of `collection` from `set_dir`, the folder that holds the
/// set's IDX files (e.g. `data/mnist`, see [`Collection::dir`]).
///
/// Each file is looked for under the names of
/// [`Split::images_file_names`] / [`Split::labels_file_names`], first match
/// wins; raw and gzip content are both accepted whatever the name says.
///
/// # Errors
///
/// [`DataError::MissingDir`] or [`DataError::MissingFile`] (whose messages
/// say how to download the data), any error of [`read_images_file`] and
/// [`read_labels_file`], and [`DataError::CountMismatch`].
pub fn read_split(
    set_dir: &Path,
    collection: Collection,
    split: Split,
) -> Result<IdxSplit, DataError> {
    if !set_dir.is_dir() {
        return Err(DataError::MissingDir {
            collection,
            path: set_dir.to_owned(),
        });
    }
    let find = |content, names: [String; 4]| {
        names
            .iter()
            .map(|name| set_dir.join(name))
            .find(|path| path.is_file())
            .ok_or_else(|| DataError::MissingFile {
                collection,
                split,
                content,
                dir: set_dir.to_owned(),
                expected: names.to_vec(),
            })
    };
    let images_path = find("images", split.images_file_names())?;
    let labels_path = find("labels", split.labels_file_names())?;
    IdxSplit::new(
        read_images_file(&images_path)?,
        read_labels_file(&labels_path)?,
    )
}

/// Reads an IDX images file, raw or gzip-compressed (detected by content).
///
/// # Errors
///
/// [`DataError::Io`] if the file cannot be opened, else as [`read_images`].
pub fn read_images_file(path: &Path) -> Result<IdxImages, DataError> {
    read_images(open(path)?, path)
}

/// Reads an IDX labels file, raw or gzip-compressed (detected by content).
///
/// # Errors
///
/// [`DataError::Io`] if the file cannot be opened, else as [`read_labels`].
pub fn read_labels_file(path: &Path) -> Result<IdxLabels, DataError> {
    read_labels(open(path)?, path)
}

fn open(path: &Path) -> Result<BufReader<File>, DataError> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|source| DataError::Io {
            path: path.to_owned(),
            source,
        })
}
