"""Tutorial 4's CVAE (TensorFlow's "Convolutional Variational Autoencoder")
written in PyTorch, as the reference for vi-models' `BernoulliConvVae`.

The Keras model in PyTorch terms:
- Conv2D(..., strides=2) with the default 'valid' padding is an unpadded
  Conv2d; Conv2DTranspose(..., padding='same') is the full ConvTranspose2d
  with the first floor(max(k - s, 0) / 2) rows and columns dropped and s*H
  kept (`SameConvTranspose2d`), TensorFlow's alignment;
- Keras initializes kernels Glorot-uniform and biases to zero: after building
  the module, `torch.manual_seed(SEED)` and then, layer by layer in build
  order, `xavier_uniform_(weight)` and `zeros_(bias)` (vi-models draws the
  same numbers in the same order);
- tensors are channels-first, so Flatten and the reshape to (32, 7, 7) order
  elements (c, h, w).

What it prints, each from a seeded CPU run:
- the parameter count and, per parameter, its shape, first values and sum;
- on a fixed batch (the first --batch training images, binarized > 0.5),
  after `torch.manual_seed(NOISE_SEED)`: the tutorial's `compute_loss` per
  example (single-sample Monte Carlo ELBO, its `log_normal_pdf`), and after
  the same seed the analytic-KL negative ELBO;
- a training run on the first --train-subset images (batches of 32, shuffled,
  torch.optim.Adam(lr=1e-4, eps=1e-7), Keras's epsilon in torch's update),
  each epoch e seeded with derived_seed(SEED, e) as vi-models' trainer does:
  the mean training and test negative ELBO (batch means weighted by batch
  size over the first --test-subset test images).

`--device cuda` runs it on the GPU (the model is initialized on the CPU,
then moved; batches are moved one by one); `--timing` adds a line per epoch
with its training and test seconds. The IDX files may be plain or `.gz`.
`--in-memory` cuts the batches from the tensors in memory instead of through
the DataLoader: the same batches, in the same order, from the same random
numbers (the fastest eager form, which `cargo xtask bench` times).

    python tutorial4_cvae.py DATA_DIR [--seed 0] [--noise-seed 100] [--batch 16]
        [--latent 10] [--epochs 1] [--train-subset 320] [--test-subset 100]
        [--threads 1] [--device cpu] [--timing] [--in-memory]
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


def load_images(data_dir, prefix):
    images = read_idx(Path(data_dir) / f"{prefix}-images-idx3-ubyte")
    images = torch.from_numpy(images.copy()).to(torch.float32).div(255).unsqueeze(1)
    return (images > 0.5).to(torch.float32)  # np.where(images > .5, 1.0, 0.0)


def derived_seed(seed, stream):
    m = (1 << 64) - 1
    z = (seed + (stream + 1) * 0x9E3779B97F4A7C15) & m
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
    return z ^ (z >> 31)




class SameConvTranspose2d(nn.ConvTranspose2d):
    """Conv2DTranspose(padding='same'): TensorFlow's output size s*H and alignment."""

    def forward(self, x):
        k, s = self.kernel_size[0], self.stride[0]
        crop = max(k - s, 0) // 2
        out = F.conv_transpose2d(x, self.weight, self.bias, self.stride, crop)
        return out[..., : s * x.shape[-2], : s * x.shape[-1]]


class CVAE(nn.Module):
    def __init__(self, latent_dim):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, 3, stride=2), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2), nn.ReLU(),
            nn.Flatten(),
            nn.Linear(64 * 6 * 6, latent_dim + latent_dim),
        )
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, 7 * 7 * 32), nn.ReLU(),
            nn.Unflatten(1, (32, 7, 7)),
            SameConvTranspose2d(32, 64, 3, stride=2), nn.ReLU(),
            SameConvTranspose2d(64, 32, 3, stride=2), nn.ReLU(),
            SameConvTranspose2d(32, 1, 3, stride=1),
        )

    def keras_init(self):
        for module in list(self.encoder) + list(self.decoder):
            if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    def encode(self, x):
        mean, logvar = torch.split(self.encoder(x), self.latent_dim, dim=1)
        return mean, logvar

    def reparameterize(self, mean, logvar):
        # Normal(mean, exp(logvar / 2)).rsample((1,)): eps drawn [1, B, L].
        eps = torch.empty((1,) + tuple(mean.shape), device=mean.device).normal_()
        return mean + eps * torch.exp(logvar * .5)

    def decode(self, z):
        return self.decoder(z)


def log_normal_pdf(sample, mean, logvar, raxis=-1):
    log2pi = math.log(2. * np.pi)
    return torch.sum(-.5 * ((sample - mean) ** 2. * torch.exp(-logvar) + logvar + log2pi), dim=raxis)


def compute_loss(model, x, analytic_kl=False):
    """Per-example negative ELBO: the tutorial's compute_loss before its mean."""
    n = x.shape[0]
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z.view(n, -1)).view(1, n, 1, 28, 28)
    cross_ent = F.binary_cross_entropy_with_logits(x_logit, x.expand_as(x_logit), reduction="none")
    log_p_x_z = -torch.sum(cross_ent, dim=[2, 3, 4])
    if analytic_kl:
        kl = -0.5 * torch.sum(1 + logvar - mean ** 2 - logvar.exp(), dim=1)
        return -(log_p_x_z.mean(0) - kl)
    log_p_z = log_normal_pdf(z, torch.zeros(()), torch.zeros(()))
    log_q_z_x = log_normal_pdf(z, mean, logvar)
    return -(log_p_x_z + log_p_z - log_q_z_x).mean(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noise-seed", type=int, default=100)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--latent", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--train-subset", type=int, default=320)
    parser.add_argument("--test-subset", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    parser.add_argument("--timing", action="store_true",
                        help="print each epoch's training and test seconds")
    parser.add_argument("--in-memory", action="store_true",
                        help="batches indexed from the tensors, not through a DataLoader")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)

    train = load_images(args.data_dir, "train")
    test = load_images(args.data_dir, "t10k")
    model = CVAE(args.latent)
    torch.manual_seed(args.seed)
    model.keras_init()
    model.to(device)
    count = sum(p.numel() for p in model.parameters())
    print(f"parameters {count}")
    for name, value in model.state_dict().items():
        print(f"{name} {tuple(value.shape)} {value.flatten()[:3].tolist()} "
              f"{value.double().sum().item()!r}")

    x = train[: args.batch].to(device)
    with torch.no_grad():
        print("shapes", [tuple(t.shape) for t in (model.encoder[:2](x), model.encoder[:4](x))])
        mean, _ = model.encode(x)
        h = model.decoder[:3](mean)
        print("shapes", [tuple(model.decoder[:i](mean).shape) for i in (3, 4, 6, 8)])
        for analytic in (False, True):
            torch.manual_seed(args.noise_seed)
            loss = compute_loss(model, x, analytic_kl=analytic)
            name = "analytic-KL" if analytic else "Monte Carlo"
            print(f"{name} negative elbo mean {loss.mean().item()!r} first {loss[:3].tolist()}")

    def loader(images, count):
        if args.in_memory:
            return lambda: ((x, None) for x in shuffled_batches(images[:count], 32))
        data = TensorDataset(images[:count], torch.zeros(count, dtype=torch.int64))
        loader = DataLoader(data, batch_size=32, shuffle=True)
        return lambda: loader

    train_loader = loader(train, args.train_subset)
    test_loader = loader(test, args.test_subset)
    optim = torch.optim.Adam(model.parameters(), lr=1e-4, eps=1e-7)
    for epoch in range(1, args.epochs + 1):
        torch.manual_seed(derived_seed(args.seed, epoch))
        start = time.perf_counter()
        total = 0.0
        for i, (batch, _) in enumerate(train_loader()):
            batch = batch.to(device)
            optim.zero_grad()
            loss = compute_loss(model, batch).mean()
            loss.backward()
            optim.step()
            total += loss.item() * batch.shape[0] / args.train_subset
            if epoch == 1 and i < 3:
                print(f"step {i + 1} loss {loss.item()!r}")
        train_seconds = time.perf_counter() - start  # loss.item() synchronized the device
        start = time.perf_counter()
        test_total = 0.0
        with torch.no_grad():
            for batch, _ in test_loader():
                batch = batch.to(device)
                test_total += compute_loss(model, batch).mean().item() * batch.shape[0] / args.test_subset
        print(f"epoch {epoch} train {total!r} test {test_total!r}")
        if args.timing:
            print(f"epoch {epoch} seconds train {train_seconds:.3f} "
                  f"test {time.perf_counter() - start:.3f}", flush=True)


if __name__ == "__main__":
    main()
