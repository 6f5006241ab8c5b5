# Tutorial 1 with its TODO completed as vi does it; torch 2.13 CPU, seed 0.
import torch, torch.nn as nn, torch.optim as optim
torch.manual_seed(0)
class LinearModel(nn.Module):
    def __init__(self):
        super().__init__(); self.linear = nn.Linear(1, 1)
    def forward(self, x): return self.linear(x)
class BayesianLinearRegression(nn.Module):
    def __init__(self, i, o, noise=0.5):
        super().__init__()
        self.weight_mu = nn.Parameter(torch.zeros(o, i)); self.weight_log_sigma = nn.Parameter(torch.zeros(o, i))
        self.bias_mu = nn.Parameter(torch.zeros(o)); self.bias_log_sigma = nn.Parameter(torch.zeros(o))
        self.noise = noise
    def forward(self, x):
        we = torch.randn_like(self.weight_mu); be = torch.randn_like(self.bias_mu)
        w = self.weight_mu + self.weight_log_sigma.exp() * we
        b = self.bias_mu + self.bias_log_sigma.exp() * be
        return x @ w.t() + b
    def elbo(self, x, y):
        y_pred = self(x)
        log_lik = torch.distributions.Normal(y_pred, self.noise).log_prob(y).sum()
        kl = 0.0
        for mu, ls in [(self.weight_mu, self.weight_log_sigma), (self.bias_mu, self.bias_log_sigma)]:
            kl = kl + (0.5 * (mu**2 + torch.exp(2 * ls)) - ls - 0.5).sum()
        return -(log_lik - kl)
x = torch.randn(100, 1)
y = 2 * x + 1 + 0.5 * torch.randn(100, 1)
print("x0", x[0].item(), "y0", y[0].item(), "x99", x[99].item(), "y99", y[99].item())
model_mle = LinearModel()
print("init w", model_mle.linear.weight.item(), "b", model_mle.linear.bias.item())
criterion = nn.MSELoss(); opt = optim.Adam(model_mle.parameters(), lr=0.01)
for epoch in range(100):
    opt.zero_grad(); loss = criterion(model_mle(x), y); loss.backward(); opt.step()
print("mle w", model_mle.linear.weight.item(), "b", model_mle.linear.bias.item(), "final loss", loss.item())
model_vi = BayesianLinearRegression(1, 1)
opt = optim.Adam(model_vi.parameters())
for epoch in range(100):
    opt.zero_grad(); loss = model_vi.elbo(x, y); loss.backward(); opt.step()
print("vi w_mu", model_vi.weight_mu.item(), "w_sigma", model_vi.weight_log_sigma.exp().item(),
      "b_mu", model_vi.bias_mu.item(), "b_sigma", model_vi.bias_log_sigma.exp().item(), "final loss", loss.item())
X = torch.cat([x, torch.ones_like(x)], 1).double(); yd = y.double()
prec = torch.eye(2, dtype=torch.float64) + X.T @ X / 0.25
mean = torch.linalg.solve(prec, X.T @ yd / 0.25)
print("exact mean", mean.flatten().tolist(), "mf sd", (1 / torch.diag(prec)).sqrt().tolist())
