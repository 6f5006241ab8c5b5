//! What a run trains and evaluates on, recorded in its checkpoint (the
//! `data` entry of the header) so that a resumed run can refuse other data:
//! the data set, how many images of each split, whether a limit chose
//! them, and a digest of those images as the files hold them.

use serde::{Deserialize, Serialize};

/// The data of a run. The caller fills it from what it loaded
/// ([`Trainer::set_data_selection`](crate::Trainer::set_data_selection));
/// a checkpoint keeps it, and [`Checkpoint::data_selection`](crate::Checkpoint::data_selection)
/// gives it back to compare with the data of a run that resumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSelection {
    /// The data set's name, e.g. `"mnist"`.
    pub collection: String,
    /// The images of the training split used.
    pub train: SplitSelection,
    /// The images of the test split used.
    pub test: SplitSelection,
}

/// The images used of one split: its first `images`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitSelection {
    /// How many images, from the first.
    pub images: usize,
    /// The limit that chose them, `None` for the whole split.
    pub limit: Option<usize>,
    /// SHA-256, in hexadecimal, of their pixels then their labels, bytes as
    /// the IDX files hold them: the identity of the content, whatever the
    /// files are called or compressed with.
    pub sha256: String,
}
