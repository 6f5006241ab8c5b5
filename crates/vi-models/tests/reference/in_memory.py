"""Shared by the reference scripts' `--in-memory` mode: a DataLoader's
shuffled batches cut from a tensor already in memory."""

import torch


def shuffled_batches(images, batch_size, drop_last=False):
    """The batches `DataLoader(TensorDataset(images, ...), batch_size,
    shuffle=True, drop_last=drop_last)` yields (single process), indexed from
    the tensor in memory: the loader draws two seeds from the global generator
    (its iterator's base seed, then RandomSampler's), and the sampler permutes
    with a generator seeded by the second. Same batches, same random numbers
    consumed, without the per-image indexing and collation."""
    torch.empty((), dtype=torch.int64).random_()
    seed = int(torch.empty((), dtype=torch.int64).random_().item())
    generator = torch.Generator()
    generator.manual_seed(seed)
    order = torch.randperm(images.shape[0], generator=generator)
    end = images.shape[0] - images.shape[0] % batch_size if drop_last else images.shape[0]
    for start in range(0, end, batch_size):
        yield images[order[start: start + batch_size]]
