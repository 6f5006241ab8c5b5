# Tutorial 2 (first half) with the tutorial's own calls, vectorized ELBO only
# where noted; torch 2.13 CPU.
import torch
torch.set_printoptions(precision=10)
prior_lambda = 1.0
prior_dist = torch.distributions.Exponential(prior_lambda)
torch.manual_seed(0)
sampled_z = prior_dist.sample()
observation_dist = torch.distributions.Normal(sampled_z, 1.0)
sampled_x = observation_dist.sample((5,))
print("z", sampled_z.item(), "x", sampled_x.tolist())
Zs = torch.linspace(0, 15, 2000, dtype=torch.float64)
joint = []
for z in Zs:
    obs = torch.distributions.Normal(z, 1.0)
    joint.append(prior_dist.log_prob(z) + torch.sum(obs.log_prob(sampled_x)))
joint = torch.exp(torch.stack(joint))
post = joint / torch.sum(joint * Zs[1])
B = torch.sum(sampled_x) - prior_lambda
theta_star = 0.5 * (-B + torch.sqrt(B**2 + 8 * sampled_x.numel()))
print("theta_star", theta_star.item())
def compute_KL(Zs, numerical_posterior, variational_posterior):
    delta = Zs[1]
    v = variational_posterior.log_prob(Zs)
    return delta * torch.sum(torch.exp(v) * (v - torch.log(numerical_posterior)))
thetas = torch.linspace(0.5, 2, 500, dtype=torch.float64)
kls = torch.stack([compute_KL(Zs, post, torch.distributions.Exponential(t)) for t in thetas])
i = torch.argmin(kls)
print("kl_min", kls[i].item(), "at theta", thetas[i].item(), "kl[0]", kls[0].item(), "kl[-1]", kls[-1].item())
print("kl at theta_star", compute_KL(Zs, post, torch.distributions.Exponential(theta_star)).item())

class VariationalModel(torch.nn.Module):
    N = 128
    def __init__(self):
        super().__init__()
        self.param = torch.nn.Parameter(data=torch.tensor([1.0]))
        self.sampling_dist = torch.distributions.Exponential(1.0)
        self.prior = torch.distributions.Exponential(1.0)
    def elbo(self, data):
        sampled_z = self.sampling_dist.sample((self.N,))
        reparametrized_z = sampled_z / self.param
        elbo = 0.0
        for z in reparametrized_z:
            log_p_z = self.prior.log_prob(z)
            obs = torch.distributions.Normal(z, 1.0)
            log_data_given_z = torch.sum(obs.log_prob(data))
            log_model = torch.distributions.Exponential(self.param).log_prob(z)
            elbo += log_p_z + log_data_given_z - log_model
        return elbo / self.N
model = VariationalModel()
opt = torch.optim.SGD(model.parameters(), lr=1e-4)
for i in range(1000):
    opt.zero_grad()
    loss = -model.elbo(sampled_x)
    loss.backward()
    if i % 100 == 0:
        print(i, loss.item(), model.param.item())
    opt.step()
print("final", model.param.item())
