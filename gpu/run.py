#!/usr/bin/env python3
"""Times vi and the tutorials' PyTorch code on a CUDA GPU, in one run of a
few minutes, and writes what it measured into the folder $OUT names.

Run from anywhere on a machine whose `python3` has PyTorch with CUDA, once
`cargo xtask compat bundle` has put vi (built against that PyTorch's
libtorch) and MNIST into gpu/bundle/ on a build machine:

    OUT=/path/to/output python3 gpu/run.py [--budget 540] [--rehearse]

Steps, in this order, each with a time limit, all within --budget seconds
(a step that would not fit is skipped and reported as such):
  1. checks, failing at once with a message: $OUT, the bundle, `python3`'s
     torch (its version must be the bundle's libtorch) and CUDA, and
     `vi info --json` through gpu/vi (vi must see CUDA too);
  2. for each VAE, vi on CUDA, then the tutorial's PyTorch code
     (crates/vi-models/tests/reference/) on the same GPU with the same
     settings: the MLP VAE for 3 epochs on the full data with the IWAE
     estimate (k = 1000), tutorial 2's conv VAE as the tutorial runs it
     (10 epochs of one image repeated 25,600 times), the CVAE for 2 epochs
     (the second one without CUDA's start-up costs) with its IWAE estimate;
  3. the table: seconds per training epoch on CUDA for vi and PyTorch, and
     for vi on the CPU from the committed results/, with the test negative
     ELBO of each run (the CPU's at the same epoch).

Output ($OUT, four files): table.md, summary.json (every number the table
shows and where it came from, plus vi's own summaries), log.txt (each
step's command line and output), runs.tar.gz (vi's output folders and the
PyTorch scripts' output). The log is written as the run goes, so a killed
run still leaves it.

--rehearse runs the same pipeline on the CPU with tiny settings, calling
the bundle's vi directly (on the build machine it finds its libtorch by its
run path), so the script can be checked before GPU time is spent on it.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from table import measure, parse_torch, read_history, render

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "gpu" / "bundle"
LAUNCHER = ROOT / "gpu" / "vi"
REFERENCE = ROOT / "crates" / "vi-models" / "tests" / "reference"
COMMITTED = ROOT / "results"
DATA = BUNDLE / "data"

# Seconds kept free at the end of the budget for the table and the archive.
RESERVE = 25
# libtorch threads of vi and of the PyTorch scripts (their CPU side only:
# binarization, batching), the same for both.
THREADS = "4"

FULL = {
    "vae-mlp": {
        "vi": ["--epochs", "3"],
        "torch": ["tutorial3_mlp_vae.py", "--epochs", "3", "--logits",
                  "--reseed-per-epoch", "--iwae", "1000"],
        "timeout": 240,
    },
    "vae-conv": {
        "vi": [],
        "torch": ["tutorial2_conv_vae.py", "--epochs", "10", "--repeats", "25600",
                  "--timing"],
        "timeout": 150,
    },
    "cvae": {
        "vi": ["--epochs", "2"],
        "torch": ["tutorial4_cvae.py", "--epochs", "2", "--train-subset", "60000",
                  "--test-subset", "10000", "--timing"],
        "timeout": 240,
    },
}

REHEARSAL = {
    "vae-mlp": {
        "vi": ["--epochs", "2", "--train-limit", "2000", "--test-limit", "500",
               "--iwae-samples", "10"],
        "torch": ["tutorial3_mlp_vae.py", "--epochs", "2", "--logits", "--reseed-per-epoch",
                  "--iwae", "10", "--train-subset", "2000", "--test-subset", "500"],
        "timeout": 120,
    },
    "vae-conv": {
        "vi": ["--epochs", "2", "--repeats", "512"],
        "torch": ["tutorial2_conv_vae.py", "--epochs", "2", "--repeats", "512", "--timing"],
        "timeout": 120,
    },
    "cvae": {
        "vi": ["--epochs", "2", "--train-limit", "640", "--test-limit", "320",
               "--iwae-samples", "5", "--iwae-images", "32"],
        "torch": ["tutorial4_cvae.py", "--epochs", "2", "--train-subset", "640",
                  "--test-subset", "320", "--timing"],
        "timeout": 120,
    },
}

TORCH_PROBE = """
import json, torch
available = torch.cuda.is_available()
print(json.dumps({
    "version": torch.__version__,
    "cuda": torch.version.cuda,
    "available": available,
    "devices": torch.cuda.device_count() if available else 0,
    "name": torch.cuda.get_device_name(0) if available else None,
    "cudnn": torch.backends.cudnn.version() if available else None,
}))
"""


class Failure(Exception):
    """A check that stops the run, with the message to show."""


class Log:
    """log.txt in $OUT, written as the run goes, and echoed."""

    def __init__(self, path):
        self.file = open(path, "w", encoding="utf-8")

    def write(self, text):
        print(text, flush=True)
        self.file.write(text + "\n")
        self.file.flush()


class Runner:
    """Runs commands with time limits inside one overall budget."""

    def __init__(self, log, budget):
        self.log = log
        self.deadline = time.monotonic() + budget

    def left(self):
        return self.deadline - time.monotonic() - RESERVE

    def run(self, name, argv, limit, env=None):
        """Runs argv; returns {status, seconds, output, limit}. The status is
        ok, failed (with the exit code), timeout or skipped."""
        limit = min(limit, self.left())
        self.log.write(f"\n==> {name}\n$ {' '.join(str(a) for a in argv)}")
        if limit < 10:
            self.log.write("skipped: not enough of the time budget left")
            return {"status": "skipped", "seconds": 0.0, "output": "", "limit": 0}
        start = time.monotonic()
        process = subprocess.Popen(
            [str(a) for a in argv], cwd=ROOT, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            output, _ = process.communicate(timeout=limit)
            status = "ok" if process.returncode == 0 else f"failed (exit {process.returncode})"
        except subprocess.TimeoutExpired:
            # The whole process group: a launcher's or a script's children too.
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            status = f"timeout after {limit:.0f} s"
        seconds = time.monotonic() - start
        self.log.write(output.rstrip())
        self.log.write(f"--> {status} in {seconds:.1f} s")
        return {"status": status, "seconds": seconds, "output": output, "limit": limit}


def vi_environment():
    """The environment for vi: gpu/vi asks this script's own Python for torch."""
    return dict(os.environ, VI_PYTHON=sys.executable)


def preflight(runner, log, rehearse):
    """The checks that stop the run at once; returns (torch, bundle, vi info, vi argv)."""
    if not BUNDLE.joinpath("bundle.json").is_file() or not BUNDLE.joinpath("vi").is_file():
        raise Failure(f"no bundle in {BUNDLE}: run `cargo xtask compat bundle` on a build "
                      "machine and carry gpu/bundle")
    bundle = json.loads(BUNDLE.joinpath("bundle.json").read_text())
    log.write(f"bundle: vi {bundle['vi']} (commit {bundle['commit']}), tch {bundle['tch']}, "
              f"libtorch {bundle['libtorch']}")

    probe = runner.run("python3: torch and CUDA", [sys.executable, "-c", TORCH_PROBE], 120)
    if probe["status"] != "ok":
        raise Failure(f"{sys.executable} cannot import torch or query CUDA "
                      f"({probe['status']}); see log.txt")
    torch = json.loads(probe["output"].strip().splitlines()[-1])
    if not rehearse:
        if not torch["available"]:
            raise Failure(f"PyTorch {torch['version']} at {sys.executable} sees no CUDA "
                          "device; this script times CUDA runs")
        if torch["version"].split("+")[0] != bundle["libtorch"]:
            raise Failure(f"the bundle is built against libtorch {bundle['libtorch']}, but "
                          f"python3 has torch {torch['version']}: build a bundle for it")

    # bash runs the launcher even if the copy lost its executable bit (the
    # launcher restores the bundled binary's).
    vi = [BUNDLE / "vi"] if rehearse else ["bash", LAUNCHER]
    info = runner.run("vi info --json", vi + ["info", "--json"], 120, env=vi_environment())
    if info["status"] != "ok":
        raise Failure(f"vi does not start ({info['status']}); see log.txt")
    vi_info = json.loads(info["output"][info["output"].index("{"):])
    if not rehearse and not vi_info["cuda"]["available"]:
        raise Failure("vi sees no CUDA device although PyTorch does: gpu/vi preloads "
                      "libtorch_cuda.so from torch's lib/; see log.txt")
    return torch, bundle, vi_info, vi


def vi_run(runner, vi, work, name, settings, device):
    out = work / f"vi-{name}"
    argv = vi + [name, "--device", device, "--seed", "0", "--threads", THREADS,
                 "--data-dir", DATA, "--out", out,
                 "--checkpoint", work / "checkpoints" / f"{name}.safetensors"] + settings["vi"]
    result = runner.run(f"vi {name} on {device}", argv, settings["timeout"], env=vi_environment())
    summary_path = out / "summary.json"
    result["summary"] = json.loads(summary_path.read_text()) if summary_path.is_file() else None
    result["history"] = read_history(out / "history.csv")
    return result


def torch_run(runner, work, name, settings, device):
    script, *flags = settings["torch"]
    argv = [sys.executable, REFERENCE / script, DATA / "mnist", "--device", device,
            "--threads", THREADS] + flags
    result = runner.run(f"PyTorch {script} on {device}", argv, settings["timeout"])
    (work / f"torch-{name}.txt").write_text(result["output"])
    result["parsed"] = parse_torch(name, result["output"])
    return result


def archive(work, out):
    with tarfile.open(out / "runs.tar.gz", "w:gz") as tar:
        for path in sorted(work.iterdir()):
            if path.name != "checkpoints":
                tar.add(path, arcname=path.name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=540,
                        help="seconds the whole run may take (default 540)")
    parser.add_argument("--rehearse", action="store_true",
                        help="CPU and tiny settings: check the script without a GPU")
    args = parser.parse_args()
    if not os.environ.get("OUT"):
        print("gpu/run.py: set OUT to the folder the results go to", file=sys.stderr)
        return 2
    out = Path(os.environ["OUT"])
    out.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    log = Log(out / "log.txt")
    runner = Runner(log, args.budget)
    summary = {"started": started, "rehearsal": args.rehearse, "budget_s": args.budget}
    try:
        torch, bundle, vi_info, vi = preflight(runner, log, args.rehearse)
    except Failure as failure:
        log.write(f"\nerror: {failure}")
        summary["error"] = str(failure)
        (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        return 3
    summary.update({"torch": torch, "bundle": bundle, "vi_info": vi_info})

    device = "cpu" if args.rehearse else "cuda"
    settings = REHEARSAL if args.rehearse else FULL
    work = Path(tempfile.mkdtemp(prefix="vi-gpu-"))
    rows, runs = {}, {}
    for name, model in settings.items():
        mine = vi_run(runner, vi, work, name, model, device)
        theirs = torch_run(runner, work, name, model, device)
        runs[name] = {"vi": {k: v for k, v in mine.items() if k != "output"},
                      "torch": {k: v for k, v in theirs.items() if k != "output"}}
        rows[name] = measure(COMMITTED, name, mine, theirs)
    summary.update({"settings": settings, "rows": rows, "runs": runs})
    text = render(rows, torch, vi_info, args.rehearse, started)
    (out / "table.md").write_text(text)
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    archive(work, out)
    shutil.rmtree(work, ignore_errors=True)
    log.write("\n" + text)
    failed = [name for name, row in rows.items()
              if row["vi"]["status"] != "ok" or row["torch"]["status"] != "ok"]
    if failed:
        log.write(f"error: some runs did not complete: {', '.join(failed)} (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
