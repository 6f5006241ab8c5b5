"""The numbers and the Markdown table of gpu/run.py: per-epoch losses and
seconds read from vi's summaries and history.csv files and from the
reference scripts' output, next to vi's committed CPU results."""

import csv
import io
import json
import re

# vi on the CPU at run.py's full settings, seeds 0, 1 and 2 (2 threads,
# measured 2026-11-30; the README quotes them): the test −ELBO (the
# training −ELBO for vae-conv, which has no test set) after the last epoch.
# A CUDA run draws other numbers than the CPU, so it should fall in this
# spread, not on one of its values.
CPU_SEED_SPREAD = {
    "vae-mlp": (169.65, 168.09, 170.34),
    "vae-conv": (778.28, 769.84, 780.52),
    "cvae": (113.78, 113.24, 114.55),
}

def read_history(path):
    """history.csv as a list of {epoch, train, test} (test None without one)."""
    if not path.is_file():
        return []
    rows = []
    for row in csv.DictReader(io.StringIO(path.read_text())):
        test = float(row["test_neg_elbo"])
        rows.append({"epoch": int(row["epoch"]), "train": float(row["train_neg_elbo"]),
                     "test": None if test != test else test})
    return rows


def parse_torch(name, output):
    """Per-epoch losses and seconds, and the IWAE estimate, from a reference
    script's output."""
    epochs, iwae = {}, None
    for line in output.splitlines():
        if name == "vae-mlp":
            m = re.match(r"epoch\s+(\d+)\s+train (\S+)\s+test (\S+)\s+train\s+(\S+) s\s+test\s+(\S+) s", line)
            if m:
                epochs[int(m[1])] = {"train": float(m[2]), "test": float(m[3]),
                                     "train_seconds": float(m[4]), "test_seconds": float(m[5])}
            m = re.match(r"test log-likelihood \(IWAE, k = (\d+)\): (\S+) nats \((\S+) s\)", line)
            if m:
                iwae = {"k": int(m[1]), "value": float(m[2]), "seconds": float(m[3])}
        else:
            m = re.match(r"epoch (\d+) train (\S+)(?: test (\S+))?", line)
            if m and "seconds" not in line:
                epochs.setdefault(int(m[1]), {}).update(
                    {"train": float(m[2]), "test": float(m[3]) if m[3] else None})
            m = re.match(r"epoch (\d+) seconds (?:train )?(\S+)(?: test (\S+))?", line)
            if m:
                epochs.setdefault(int(m[1]), {}).update(
                    {"train_seconds": float(m[2]),
                     "test_seconds": float(m[3]) if m[3] else None})
    return {"epochs": [dict(epoch=e, **v) for e, v in sorted(epochs.items())], "iwae": iwae}


def steady_seconds(per_epoch):
    """Mean training seconds per epoch after the first (which carries CUDA's
    start-up: context, kernels, cuDNN), or the only epoch's."""
    seconds = [s for s in per_epoch if s is not None]
    if not seconds:
        return None
    return sum(seconds[1:]) / len(seconds[1:]) if len(seconds) > 1 else seconds[0]


def committed_cpu(committed, name, epoch):
    """vi on the CPU from the committed results (`committed`/<name>/):
    seconds per epoch (after the first) and the −ELBO at `epoch`, with the
    run's settings."""
    summary_path = committed / name / "summary.json"
    if not summary_path.is_file():
        return None
    summary = json.loads(summary_path.read_text())
    history = read_history(committed / name / "history.csv")
    at = next((row for row in history if row["epoch"] == epoch), None)
    return {
        "seconds_per_epoch": steady_seconds(
            [e["train_seconds"] for e in summary["timing"]["epochs"]]),
        "threads": summary.get("threads"),
        "epochs": summary["training"]["epochs"],
        "at_epoch": at,
        "log_likelihood": summary.get("log_likelihood"),
        "versions": summary.get("versions"),
    }


def measure(committed, name, vi, torch):
    """The numbers of one model's row: vi's and PyTorch's runs, and vi's
    committed CPU run in `committed`."""
    summary = vi.get("summary") or {}
    vi_epochs = summary.get("timing", {}).get("epochs", [])
    history = vi.get("history", [])
    last = history[-1] if history else None
    torch_epochs = torch["parsed"]["epochs"] if torch else []
    torch_last = torch_epochs[-1] if torch_epochs else None
    epochs = last["epoch"] if last else (torch_last["epoch"] if torch_last else None)
    key = "train" if name == "vae-conv" else "test"
    return {
        "epochs": epochs,
        "loss": f"{key} −ELBO",
        "vi": {
            "status": vi["status"],
            "first_epoch_seconds": vi_epochs[0]["train_seconds"] if vi_epochs else None,
            "seconds_per_epoch": steady_seconds([e["train_seconds"] for e in vi_epochs]),
            "neg_elbo": last[key] if last else None,
            "log_likelihood": summary.get("log_likelihood"),
            "device": summary.get("device"),
        },
        "torch": {
            "status": torch["status"] if torch else "not run",
            "first_epoch_seconds": torch_epochs[0].get("train_seconds") if torch_epochs else None,
            "seconds_per_epoch": steady_seconds([e.get("train_seconds") for e in torch_epochs]),
            "neg_elbo": torch_last.get(key) if torch_last else None,
            "log_likelihood": torch["parsed"]["iwae"] if torch else None,
        },
        "cpu": committed_cpu(committed, name, epochs) if epochs else None,
    }


def number(value, digits=2):
    return "—" if value is None else f"{value:.{digits}f}"


def ratio(numerator, denominator):
    if numerator is None or not denominator:
        return "—"
    return f"{numerator / denominator:.1f}×"


def spread(name, rehearse):
    """The CPU seed spread of `name` as `low–high` (not for a rehearsal's
    tiny settings)."""
    values = CPU_SEED_SPREAD.get(name)
    if rehearse or not values:
        return "—"
    return f"{min(values):.2f}–{max(values):.2f}"


def render(rows, torch, vi_info, rehearse, started):
    """table.md: the timing table, the IWAE table and the runs' status."""
    device = "CPU (rehearsal)" if rehearse else (torch.get("name") or "CUDA")
    # A rehearsal's "GPU" columns hold its CPU runs.
    on = "rehearsal" if rehearse else "CUDA"
    lines = [
        f"Measured {started} on {device} with `gpu/run.py`: vi {vi_info.get('vi')} "
        f"(tch {vi_info.get('tch')}, libtorch {vi_info.get('libtorch')}), PyTorch "
        f"{torch.get('version')} (CUDA {torch.get('cuda')}, cuDNN {torch.get('cudnn')}). "
        "Seconds per training epoch after the first; the CPU columns are vi's committed "
        "run (results/, 2-core machine, its thread count) at the same epoch, and the "
        "spread of seeds 0–2 on the CPU at these settings.",
        "",
        f"| model | epochs | vi {on} s/epoch | PyTorch {on} s/epoch | vi CPU s/epoch | "
        f"CPU ÷ {on} (vi) | PyTorch ÷ vi ({on}) | −ELBO vi {on} | −ELBO PyTorch {on} | "
        "−ELBO vi CPU | −ELBO vi CPU, seeds 0–2 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        cpu = row["cpu"] or {}
        at = cpu.get("at_epoch") or {}
        key = "train" if name == "vae-conv" else "test"
        cpu_seconds = cpu.get("seconds_per_epoch")
        vi_seconds = row["vi"]["seconds_per_epoch"]
        torch_seconds = row["torch"]["seconds_per_epoch"]
        lines.append(
            f"| {name} ({row['loss']}) | {row['epochs'] or '—'} | {number(vi_seconds)} | "
            f"{number(torch_seconds)} | {number(cpu_seconds)} | "
            f"{ratio(cpu_seconds, vi_seconds)} | {ratio(torch_seconds, vi_seconds)} | "
            f"{number(row['vi']['neg_elbo'])} | {number(row['torch']['neg_elbo'])} | "
            f"{number(at.get(key))} | {spread(name, rehearse)} |")
    lines += ["", "Importance-sampled test log-likelihood (IWAE):", "",
              f"| model | vi {on} | seconds | PyTorch {on} | seconds | "
              "vi CPU seconds (same k and images) |",
              "|---|---|---|---|---|---|"]
    for name, row in rows.items():
        ll = row["vi"]["log_likelihood"]
        if not ll:
            continue
        theirs = row["torch"]["log_likelihood"] or {}
        cpu_ll = (row["cpu"] or {}).get("log_likelihood") or {}
        same = (cpu_ll.get("num_samples") == ll["num_samples"]
                and cpu_ll.get("num_images") == ll["num_images"])
        lines.append(
            f"| {name} (k = {ll['num_samples']}, {ll['num_images']} images) | "
            f"{number(ll['test_log_likelihood'])} | {number(ll['seconds'])} | "
            f"{number(theirs.get('value'))} | {number(theirs.get('seconds'))} | "
            f"{number(cpu_ll.get('seconds')) if same else '—'} |")
    lines += ["", f"First epochs ({on} start-up included), seconds: " + ", ".join(
        f"{name} vi {number(row['vi']['first_epoch_seconds'])} / PyTorch "
        f"{number(row['torch']['first_epoch_seconds'])}" for name, row in rows.items())]
    statuses = [f"{name}: vi {row['vi']['status']}, PyTorch {row['torch']['status']}"
                for name, row in rows.items()]
    lines += ["", "Runs: " + "; ".join(statuses) + "."]
    return "\n".join(lines) + "\n"
