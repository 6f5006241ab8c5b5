"""Tutorial 3's PyTorch code ("Variational Inference Tutorial", binarized
MNIST), with its three TODOs completed, as the reference for vi-models'
`MlpVae` and `Trainer`.

Differences from the notebook, none of which changes the model or the loss:
- MNIST is read from the IDX files in DATA_DIR with NumPy (no torchvision);
  `TensorDataset` yields what `datasets.MNIST(transform=ToTensor())` does.
- `num_workers=0` (the batch order is the sampler's either way).
- `--reseed-per-epoch` seeds each epoch e with `derived_seed(seed, e)`, the
  scheme vi-models uses so that a resumed run replays the same draws; with
  it, a Rust run and this script consume the same random numbers.
- `--logits` computes the loss from logits (BCE-with-logits), as vi-models
  does, instead of sigmoid then BCE.
- `--device cuda` trains on the GPU as the notebook's `cuda = True` does:
  the model is built (and initialized) on the CPU, then moved; each batch is
  binarized on the CPU and then moved. The default is the CPU.
- The IDX files may also be gzip-compressed (`<name>.gz`).
- `--in-memory` cuts the batches from the tensors in memory instead of
  through the DataLoader: the same batches, in the same order, from the same
  random numbers (the fastest eager form, which `cargo xtask bench` times).
- `--timing` adds a line per epoch with its training and test seconds in the
  other scripts' format (`epoch E seconds train S test S`).

    python tutorial3_mlp_vae.py DATA_DIR [--epochs 20] [--seed 0] [--threads 2]
        [--reseed-per-epoch] [--logits] [--iwae 1000] [--train-subset N]
        [--test-subset N] [--adam LR] [--print-params] [--device cpu]
        [--in-memory] [--timing]
"""

import argparse
import gzip
import math
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from in_memory import shuffled_batches


def read_idx(path):
    path = Path(path)
    packed = path.with_name(path.name + ".gz")
    data = gzip.decompress(packed.read_bytes()) if not path.exists() and packed.exists() \
        else path.read_bytes()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(data_dir, prefix):
    images = read_idx(Path(data_dir) / f"{prefix}-images-idx3-ubyte")
    labels = read_idx(Path(data_dir) / f"{prefix}-labels-idx1-ubyte")
    images = torch.from_numpy(images.copy()).to(torch.float32).div(255).unsqueeze(1)
    return TensorDataset(images, torch.from_numpy(labels.astype(np.int64)))


def derived_seed(seed, stream):
    m = (1 << 64) - 1
    z = (seed + (stream + 1) * 0x9E3779B97F4A7C15) & m
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
    return z ^ (z >> 31)




class VAE(nn.Module):
    def __init__(self, input_dim=784, z_dim=2, logits=False):
        super(VAE, self).__init__()
        self.encoder = nn.Sequential(
            nn.Linear(input_dim, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU()
        )
        self.mu = nn.Linear(128, z_dim)
        self.logvar = nn.Linear(128, z_dim)
        layers = [nn.Linear(z_dim, 128), nn.ReLU(), nn.Linear(128, 256), nn.ReLU(),
                  nn.Linear(256, 784)]
        if not logits:
            layers.append(nn.Sigmoid())
        self.decoder = nn.Sequential(*layers)

    def reparametrize(self, mu, logvar):
        e = torch.randn_like(mu)
        # Task 1.
        z = mu + torch.exp(0.5 * logvar) * e
        return z

    def forward(self, x):
        h = self.encoder(x)
        mu = self.mu(h)
        logvar = self.logvar(h)
        z = self.reparametrize(mu, logvar)
        recon_x = self.decoder(z)
        return recon_x, mu, logvar


def KL(mu, logvar):
    # Task 2: KL(N(mu, exp(logvar)) || N(0, I)), shape (N,).
    return -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)


def loss_func(recon_x, x, mu, logvar, logits=False):
    # Task 3: batch mean of (BCE summed over pixels + KL).
    if logits:
        bce = F.binary_cross_entropy_with_logits(recon_x, x, reduction="none").sum(dim=1)
    else:
        bce = F.binary_cross_entropy(recon_x, x, reduction="none").sum(dim=1)
    return torch.mean(bce + KL(mu, logvar))


def iwae_log_likelihood(model, data, k, chunk, logits):
    """Mean over images of logsumexp_k(log p(x|z) + log p(z) - log q(z|x)) - log k."""
    total, count = 0.0, 0
    normal = torch.distributions.Normal
    with torch.no_grad():
        for x in data:
            h = model.encoder(x)
            mu, logvar = model.mu(h), model.logvar(h)
            q = torch.distributions.Independent(normal(mu, torch.exp(0.5 * logvar)), 1)
            p = torch.distributions.Independent(normal(torch.zeros_like(mu), torch.ones_like(mu)), 1)
            acc = None
            for start in range(0, k, chunk):
                z = q.sample((min(chunk, k - start),))
                out = model.decoder(z)
                if logits:
                    ll = -F.binary_cross_entropy_with_logits(out, x.expand_as(out), reduction="none").sum(-1)
                else:
                    ll = -F.binary_cross_entropy(out, x.expand_as(out), reduction="none").sum(-1)
                lw = ll + p.log_prob(z) - q.log_prob(z)
                part = torch.logsumexp(lw, 0)
                acc = part if acc is None else torch.logaddexp(acc, part)
            total += (acc - math.log(k)).sum().item()
            count += x.shape[0]
    return total / count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--reseed-per-epoch", action="store_true")
    parser.add_argument("--logits", action="store_true")
    parser.add_argument("--iwae", type=int, default=0)
    parser.add_argument("--train-subset", type=int, default=0)
    parser.add_argument("--test-subset", type=int, default=0)
    parser.add_argument("--print-params", action="store_true")
    parser.add_argument("--adam", type=float, default=0.0,
                        help="train with torch.optim.Adam at this learning rate")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    parser.add_argument("--in-memory", action="store_true",
                        help="batches indexed from the tensors, not through a DataLoader")
    parser.add_argument("--timing", action="store_true",
                        help="print each epoch's training and test seconds")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)

    batch_size, learning_rate, input_dim, z_dim = 100, 5e-3, 784, 2
    mnist_train = load_split(args.data_dir, "train")
    mnist_test = load_split(args.data_dir, "t10k")
    if args.train_subset:
        mnist_train = torch.utils.data.Subset(mnist_train, list(range(args.train_subset)))
    if args.test_subset:
        mnist_test = torch.utils.data.Subset(mnist_test, list(range(args.test_subset)))
    dl_kwargs = {"batch_size": batch_size, "shuffle": True, "num_workers": 0, "drop_last": True}
    train_loader = DataLoader(mnist_train, **dl_kwargs)
    test_loader = DataLoader(mnist_test, **dl_kwargs)
    if args.in_memory:
        def images_of(dataset):
            if isinstance(dataset, torch.utils.data.Subset):
                return dataset.dataset.tensors[0][dataset.indices]
            return dataset.tensors[0]
        train_images, test_images = images_of(mnist_train), images_of(mnist_test)

        def train_batches():
            return ((x, None) for x in shuffled_batches(train_images, batch_size, True))

        def test_batches():
            return ((x, None) for x in shuffled_batches(test_images, batch_size, True))
    else:
        def train_batches():
            return train_loader

        def test_batches():
            return test_loader

    torch.manual_seed(args.seed)
    model = VAE(input_dim=input_dim, z_dim=z_dim, logits=args.logits).to(device)
    adam = torch.optim.Adam(model.parameters(), lr=args.adam) if args.adam else None

    N_data_tr = len(train_loader.dataset)
    N_data_te = len(test_loader.dataset)
    for epoch in range(args.epochs):
        if args.reseed_per_epoch:
            torch.manual_seed(derived_seed(args.seed, epoch + 1))
        start = time.perf_counter()
        loss_train = 0.0
        model.train()
        for i, (data, labels) in enumerate(train_batches()):
            n = data.shape[0]
            data = torch.bernoulli(data)
            data = data.view(data.shape[0], -1).to(device)
            recon_x, mu, logvar = model(data)
            loss = loss_func(recon_x, data, mu, logvar, args.logits)
            model.zero_grad()
            loss.backward()
            if adam:
                adam.step()
            else:
                with torch.no_grad():
                    for param in model.parameters():
                        param -= learning_rate * param.grad
            loss_train += loss.detach().item() * n / N_data_tr
        train_seconds = time.perf_counter() - start

        start = time.perf_counter()
        model.eval()
        loss_test = 0.0
        with torch.no_grad():
            for i, (data, labels) in enumerate(test_batches()):
                n = data.shape[0]
                data = torch.bernoulli(data)
                data = data.view(data.shape[0], -1).to(device)
                recon_x, mu, logvar = model(data)
                loss_test += loss_func(recon_x, data, mu, logvar, args.logits).item() * n / N_data_te
        test_seconds = time.perf_counter() - start
        print(f"epoch {epoch + 1:>2}  train {loss_train!r}  test {loss_test!r}  "
              f"train {train_seconds:>6.2f} s  test {test_seconds:>5.2f} s", flush=True)
        if args.timing:
            print(f"epoch {epoch + 1} seconds train {train_seconds:.3f} "
                  f"test {test_seconds:.3f}", flush=True)

    if args.print_params:
        for name, value in model.state_dict().items():
            print(f"{name} {value.double().sum().item()!r}")

    if args.iwae:
        if args.reseed_per_epoch:
            torch.manual_seed(derived_seed(args.seed, 0))
        start = time.perf_counter()
        test = (torch.bernoulli(x.view(x.shape[0], -1)).to(device) for x, _ in
                DataLoader(mnist_test, batch_size=batch_size, shuffle=False))
        ll = iwae_log_likelihood(model, test, args.iwae, 100, args.logits)
        print(f"test log-likelihood (IWAE, k = {args.iwae}): {ll:.4f} nats "
              f"({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
