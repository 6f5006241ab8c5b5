"""Tutorial 2's convolutional VAE ("Now we try to implement a VAE on MNIST"),
its module copied verbatim, as the reference for vi-models' `GaussianConvVae`.

What it prints, each from a seeded CPU run:
- the parameter count and, per parameter, its shape, first values and sum
  (`torch.manual_seed(SEED); VariationalAutoEncoder()`);
- on a fixed batch (the first --batch training images in [-1, 1]), after
  `torch.manual_seed(NOISE_SEED)`: the tutorial's `model.elbo(batch)` as
  written, then with the same draws the Monte Carlo ELBO with the density
  log q(z|x) = log N(t; 0, I) - sum log sigma, log p(z) summed over the latent
  dimensions and the -1/2 log 2 pi constants (vi-models' `GaussianConvVae`), and the
  analytic-KL ELBO;
- `torch.norm(mean, p=1), torch.mean(torch.exp(log_sigma))` for image 0;
- a training run as the tutorial's loop (image 0 repeated --repeats times,
  batches of 256, shuffled, SGD lr 1e-4) on the corrected loss, or with
  --tutorial-objective on the tutorial's; each epoch e is seeded with
  derived_seed(SEED, e) as vi-models' trainer does, and prints the mean
  training loss and the tutorial's two diagnostics.

Differences from the notebook, none of which changes the model: MNIST is
read from the IDX files (plain or `.gz`) with NumPy (no torchvision;
`Normalize(0.5, 0.5)` is applied by hand), and everything runs on the CPU
unless `--device cuda` asks for the notebook's `.cuda()` (the model is
initialized on the CPU, then moved, as the notebook does). `--timing` adds a
line per epoch with its training seconds. `--in-memory` cuts the batches
from the tensor in memory instead of through the DataLoader: the same
batches, in the same order, from the same random numbers (the fastest eager
form, which `cargo xtask bench` times).

    python tutorial2_conv_vae.py DATA_DIR [--seed 0] [--noise-seed 100]
        [--batch 16] [--epochs 2] [--repeats 1024] [--threads 1]
        [--tutorial-objective] [--learning-rate 1e-4] [--device cpu] [--timing]
        [--in-memory]
"""

import argparse
import gzip
import math
import time
from pathlib import Path

import numpy as np
import torch
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


def load_train_images(data_dir):
    images = read_idx(Path(data_dir) / "train-images-idx3-ubyte")
    images = torch.from_numpy(images.copy()).to(torch.float32).div(255).unsqueeze(1)
    return (images - 0.5) / 0.5  # Normalize(0.5, 0.5)


def derived_seed(seed, stream):
    m = (1 << 64) - 1
    z = (seed + (stream + 1) * 0x9E3779B97F4A7C15) & m
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & m
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & m
    return z ^ (z >> 31)




class VariationalAutoEncoder(torch.nn.Module):
    def __init__(self):
        super(VariationalAutoEncoder, self).__init__()
        # Define the encoder layers
        self._encoder = torch.nn.Sequential(
            torch.nn.Conv2d(1, 8, 3),
            torch.nn.LeakyReLU(),
            torch.nn.Conv2d(8, 8, 3),
            torch.nn.LeakyReLU(),
            torch.nn.MaxPool2d(2, 2),
            torch.nn.Conv2d(8, 16, 3),
            torch.nn.LeakyReLU(),
            torch.nn.Conv2d(16, 16, 3),
            torch.nn.LeakyReLU(),
            torch.nn.MaxPool2d(2, 2),
            torch.nn.Conv2d(16, 32, 2),
            torch.nn.LeakyReLU(),
            torch.nn.Conv2d(32, 32, 2),
            torch.nn.LeakyReLU(),
            torch.nn.MaxPool2d(2, 2),
        )

        self._mean_model = torch.nn.Linear(32, 32)
        self._log_sigma_model = torch.nn.Linear(32, 32)

        # Define the decoder layers
        self._decoder = torch.nn.Sequential(
            torch.nn.Conv2d(32, 32, 1),
            torch.nn.LeakyReLU(),
            torch.nn.Upsample(scale_factor=2, mode='bilinear'),
            torch.nn.Conv2d(32, 16, 3, padding=2),
            torch.nn.LeakyReLU(),
            torch.nn.Conv2d(16, 16, 3, padding=2),
            torch.nn.LeakyReLU(),
            torch.nn.Upsample(scale_factor=2, mode='bilinear'),
            torch.nn.Conv2d(16, 8, 3, padding=2),
            torch.nn.LeakyReLU(),
            torch.nn.Conv2d(8, 8, 3, padding=1),
            torch.nn.LeakyReLU(),
            torch.nn.Upsample(scale_factor=2, mode='bilinear'),
            torch.nn.Conv2d(8, 1, 3, padding=1),
        )

        self._prior_mean = torch.zeros(32)
        self._scale_tril = torch.eye(32)
        self._prior_dist = torch.distributions.MultivariateNormal(self._prior_mean, scale_tril=self._scale_tril)

    def encoder(self, x: torch.Tensor):
        feature = self._encoder(x)
        mean = self._mean_model(feature.squeeze())
        log_sigma = self._log_sigma_model(feature.squeeze())
        return mean, log_sigma

    def decoder(self, z: torch.Tensor):
        return self._decoder(z)

    def elbo(self, data: torch.Tensor):
        n_b, n_c, h, w = data.shape
        t = self._prior_dist.sample((n_b,))
        dev_t = t.to(data.device)
        mean, log_sigma = self.encoder(data)
        dev_z = mean + torch.exp(log_sigma) * dev_t
        dev_z = dev_z.unsqueeze(-1).unsqueeze(-1)
        output = self.decoder(dev_z)
        log_p_x_given_z = -0.5 * (data - output) ** 2
        log_p_x_given_z = torch.sum(log_p_x_given_z, (-1, -2, -3))
        log_p_z = -0.5 * dev_z ** 2
        log_p_z = torch.sum(log_p_z, -1)
        z = dev_z.to('cpu')
        log_q_z_given_z = self._prior_dist.log_prob(t.squeeze()).to(data.device) + torch.abs(torch.sum(log_sigma, -1))
        return torch.mean(log_p_x_given_z + log_p_z - log_q_z_given_z)


def negative_elbo(model, data, analytic_kl=False):
    """Per-example negative ELBO with densities from torch.distributions:
    one draw z = mean + exp(log_sigma) * eps, eps drawn as Normal.rsample((1,))
    draws it (the draws of the tutorial's `elbo` for a batch)."""
    n_b = data.shape[0]
    feature = model._encoder(data).flatten(1)
    mean, log_sigma = model._mean_model(feature), model._log_sigma_model(feature)
    normal, independent = torch.distributions.Normal, torch.distributions.Independent
    q = independent(normal(mean, torch.exp(log_sigma)), 1)
    p = independent(normal(torch.zeros_like(mean), torch.ones_like(mean)), 1)
    z = q.rsample((1,))
    output = model.decoder(z.view(n_b, -1, 1, 1)).view(1, n_b, 784)
    log_p_x = independent(normal(output, torch.ones_like(output)), 1).log_prob(data.view(n_b, 784))
    if analytic_kl:
        elbo = log_p_x.mean(0) - torch.distributions.kl_divergence(q, p)
    else:
        elbo = (log_p_x + p.log_prob(z) - q.log_prob(z)).mean(0)
    return -elbo


def summary(model, image):
    with torch.no_grad():
        feature = model._encoder(image).flatten(1)
        mean, log_sigma = model._mean_model(feature), model._log_sigma_model(feature)
        return torch.norm(mean, p=1).item(), torch.mean(torch.exp(log_sigma)).item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noise-seed", type=int, default=100)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1024)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--tutorial-objective", action="store_true")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    parser.add_argument("--timing", action="store_true",
                        help="print each epoch's training seconds")
    parser.add_argument("--in-memory", action="store_true",
                        help="batches indexed from the tensors, not through a DataLoader")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)

    images = load_train_images(args.data_dir)
    torch.manual_seed(args.seed)
    model = VariationalAutoEncoder().to(device)
    count = sum(p.numel() for p in model.parameters())
    print(f"parameters {count}")
    for name, value in model.state_dict().items():
        print(f"{name} {tuple(value.shape)} {value.flatten()[:3].tolist()} "
              f"{value.double().sum().item()!r}")

    batch = images[: args.batch].to(device)
    with torch.no_grad():
        torch.manual_seed(args.noise_seed)
        print(f"tutorial elbo {model.elbo(batch).item()!r}")
        for analytic in (False, True):
            torch.manual_seed(args.noise_seed)
            loss = negative_elbo(model, batch, analytic_kl=analytic)
            name = "analytic-KL" if analytic else "Monte Carlo"
            print(f"{name} negative elbo mean {loss.mean().item()!r} "
                  f"first {loss[:3].tolist()}")
    image = images[:1].to(device)
    l1, sigma = summary(model, image)
    print(f"summary epoch 0: l1 {l1!r} sigma {sigma!r}")

    repeated = images[[0] * args.repeats]
    data = TensorDataset(repeated, torch.zeros(args.repeats, dtype=torch.int64))
    loader = DataLoader(data, batch_size=256, shuffle=True)
    optim = torch.optim.SGD(model.parameters(), lr=args.learning_rate)
    for epoch in range(1, args.epochs + 1):
        torch.manual_seed(derived_seed(args.seed, epoch))
        start = time.perf_counter()
        total = 0.0
        batches = ((x, None) for x in shuffled_batches(repeated, 256)) if args.in_memory \
            else loader
        for i, (batch, labels) in enumerate(batches):
            batch = batch.to(device)
            optim.zero_grad()
            if args.tutorial_objective:
                loss = -model.elbo(batch)
            else:
                loss = negative_elbo(model, batch).mean()
            loss.backward()
            optim.step()
            total += loss.item() * batch.shape[0] / args.repeats
            if epoch == 1 and i < 3:
                print(f"step {i + 1} loss {loss.item()!r}")
        seconds = time.perf_counter() - start  # loss.item() synchronized the device
        l1, sigma = summary(model, image)
        print(f"epoch {epoch} train {total!r} l1 {l1!r} sigma {sigma!r}")
        if args.timing:
            print(f"epoch {epoch} seconds {seconds:.3f}", flush=True)


if __name__ == "__main__":
    main()
