//! Same seed, same epochs as PyTorch 2.13's `DataLoader` on the CPU: the
//! order of the items and the global generator's state afterwards.

use tch::{Device, Kind, Tensor};
use vi_data::BatchOptions;

use super::fixtures::{image_indices, synthetic_dataset};

fn rand(len: i64) -> Vec<f32> {
    Vec::<f32>::try_from(Tensor::rand([len], (Kind::Float, Device::Cpu))).expect("1-d")
}

fn epoch(dataset: &vi_data::ImageDataset, options: &BatchOptions) -> Vec<Vec<i64>> {
    dataset
        .batches(options)
        .expect("valid")
        .map(|batch| image_indices(&batch.images))
        .collect()
}

/// ```python
/// torch.manual_seed(0)
/// dl = DataLoader(list(range(10)), batch_size=3, shuffle=True, drop_last=True)
/// for epoch in range(2):
///     print([b.tolist() for b in dl])
/// print(torch.rand(3).tolist())
/// # [[6, 7, 1], [4, 2, 0], [9, 8, 3]]
/// # [[2, 4, 7], [0, 8, 9], [5, 3, 6]]
/// # [0.455627977848053, 0.6323062777519226, 0.3488934636116028]
/// ```
#[test]
fn shuffled_epochs_match_dataloader() {
    let dataset = synthetic_dataset(10);
    let options = BatchOptions {
        batch_size: 3,
        ..BatchOptions::default()
    };
    tch::manual_seed(0);
    assert_eq!(epoch(&dataset, &options), [[6, 7, 1], [4, 2, 0], [9, 8, 3]]);
    assert_eq!(epoch(&dataset, &options), [[2, 4, 7], [0, 8, 9], [5, 3, 6]]);
    assert_eq!(rand(3), [0.455_627_98, 0.632_306_3, 0.348_893_46]);
}

/// An unshuffled `DataLoader` still draws its worker base seed:
/// ```python
/// torch.manual_seed(0)
/// for b in DataLoader(list(range(10)), batch_size=3, shuffle=False): pass
/// print(torch.rand(2).tolist())  # [0.08847743272781372, 0.13203048706054688]
/// ```
#[test]
fn unshuffled_epoch_consumes_like_dataloader() {
    let dataset = synthetic_dataset(10);
    let options = BatchOptions {
        batch_size: 3,
        shuffle: false,
        drop_last: false,
        ..BatchOptions::default()
    };
    tch::manual_seed(0);
    assert_eq!(
        epoch(&dataset, &options),
        [vec![0, 1, 2], vec![3, 4, 5], vec![6, 7, 8], vec![9]]
    );
    assert_eq!(rand(2), [0.088_477_43, 0.132_030_49]);
}
