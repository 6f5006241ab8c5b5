# Tutorial 2's grid posterior and KL curve with the likelihood in float64
# throughout (the tutorial's `Normal(z, 1).log_prob(sampled_x)` promotes to
# float32 because `sampled_x` is float32 and `z` is 0-dim).
import torch
torch.manual_seed(0)
prior = torch.distributions.Exponential(1.0)
z = prior.sample(); x = torch.distributions.Normal(z, 1.0).sample((5,)).double()
Zs = torch.linspace(0, 15, 2000, dtype=torch.float64)
log_joint = torch.distributions.Exponential(torch.tensor(1.0, dtype=torch.float64)).log_prob(Zs) \
    + torch.distributions.Normal(Zs.unsqueeze(1), 1.0).log_prob(x).sum(1)
post = torch.exp(log_joint) / torch.sum(torch.exp(log_joint) * Zs[1])
thetas = torch.linspace(0.5, 2, 500, dtype=torch.float64)
v = torch.distributions.Exponential(thetas.unsqueeze(1)).log_prob(Zs)
kls = Zs[1] * torch.sum(torch.exp(v) * (v - torch.log(post)), 1)
i = torch.argmin(kls)
print("kl_min", kls[i].item(), "at", thetas[i].item(), i.item(), "kl[0]", kls[0].item(), "kl[-1]", kls[-1].item())
B = x.sum() - 1.0; ts = 0.5 * (-B + torch.sqrt(B**2 + 40))
print("theta_star f64", ts.item())
vs = torch.distributions.Exponential(ts).log_prob(Zs)
print("kl at theta_star", (Zs[1] * torch.sum(torch.exp(vs) * (vs - torch.log(post)))).item())
print("post max", post.max().item(), "at", Zs[post.argmax()].item(), "joint max", torch.exp(log_joint).max().item())
print("log evidence", torch.log(torch.sum(torch.exp(log_joint)) * Zs[1]).item())
