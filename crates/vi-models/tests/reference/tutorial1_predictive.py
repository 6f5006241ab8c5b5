# Tutorial 1, continued: the predictive after the 100-epoch fits (seed 0),
# drawn as the tutorial draws it (100 forward passes, one weight and one bias
# sample each); torch 2.13 CPU.
import os, runpy, torch
ns = runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "tutorial1.py"))
model_vi, model_mle = ns["model_vi"], ns["model_mle"]
x_test = torch.linspace(-3, 3, 100).unsqueeze(1)
preds = torch.stack([model_vi(x_test).detach() for _ in range(100)])
mean, std = preds.mean(0), preds.std(0)
for i in (0, 50, 99):
    print("x_test", x_test[i].item(), "mle", model_mle(x_test)[i].item(), "mean", mean[i].item(), "std", std[i].item())
