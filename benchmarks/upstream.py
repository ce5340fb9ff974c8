"""The same MLP workloads through upstream pytorch-lightning or torch-lr-finder, in a venv of their own.

Our package shadows the name ``pytorch_lightning``, so upstream can never share our environment:
this script builds a temporary venv (or reuses ``--venv``), installs the package there beside the
torch release we use, and runs a child process that times it against the same hand-written loop,
interleaved, exactly as ``python -m benchmarks`` times this package::

    python -m benchmarks.upstream                    # pytorch-lightning 2.6.6 in a temporary venv
    python -m benchmarks.upstream --venv /tmp/upvenv --version 2.6.6
    python -m benchmarks.upstream --package torch-lr-finder --version 0.2.2   # its range test only
"""
import argparse
import os
import subprocess
import sys
import tempfile

import torch

# The workload, the hand-written loops and the paired timing, shared by the children below.
_COMMON = r'''
import copy, math, statistics, sys, time, warnings
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

warnings.filterwarnings("ignore")
torch.set_num_threads(int(sys.argv[1]))
repeats = int(sys.argv[2])
g = torch.Generator().manual_seed(0)
data = TensorDataset(torch.randn(8192, 64, generator=g), torch.randint(0, 10, (8192,), generator=g))
loader = DataLoader(data, batch_size=64)
torch.manual_seed(0)
net = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))


def hand_epoch():
    model = copy.deepcopy(net)
    start = time.perf_counter()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    for x, y in loader:
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
        opt.zero_grad()
    return time.perf_counter() - start


def hand_range_test(num_training=100):
    model = copy.deepcopy(net)
    start = time.perf_counter()
    opt = torch.optim.SGD(model.parameters(), lr=1e-6)
    saved = ({k: v.detach().clone() for k, v in model.state_dict().items()}, copy.deepcopy(opt.state_dict()))
    for step, (x, y) in zip(range(num_training), loader):
        for group in opt.param_groups:
            group["lr"] = 1e-6 * (1e6) ** (step / (num_training - 1))
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        loss.item()
    model.load_state_dict(saved[0])
    opt.load_state_dict(saved[1])
    return time.perf_counter() - start


def report(label, hand, ours, steps):
    # A and B interleaved, the order alternating; the median and range of the ratio
    hand(), ours()
    ratios, extra = [], []
    for i in range(repeats):
        pair = (hand, ours) if i % 2 == 0 else (ours, hand)
        times = {fn: fn() for fn in pair}
        ratios.append(times[ours] / times[hand])
        extra.append((times[ours] - times[hand]) / steps * 1e6)
    print(f"  {label} {sys.argv[1]}t mlp {statistics.median(ratios):.3f}x "
          f"[{min(ratios):.3f}-{max(ratios):.3f}]  overhead {statistics.median(extra):6.1f} us/step")
'''

_CHILD = _COMMON + r'''
import pytorch_lightning as upstream
from pytorch_lightning.tuner import Tuner


class Module(upstream.LightningModule):
    def __init__(self, net):
        super().__init__()
        self.net = net
        self.lr = 0.01

    def training_step(self, batch, batch_idx):
        x, y = batch
        return nn.functional.cross_entropy(self.net(x), y)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.lr)

    def train_dataloader(self):
        return loader


def trainer():
    return upstream.Trainer(max_epochs=1, logger=False, enable_checkpointing=False, enable_progress_bar=False,
                            enable_model_summary=False, num_sanity_val_steps=0, accelerator="cpu", devices=1)


def upstream_fit():
    module, t = Module(copy.deepcopy(net)), trainer()
    start = time.perf_counter()
    t.fit(module)
    return time.perf_counter() - start


def upstream_lr_find():
    module, t = Module(copy.deepcopy(net)), trainer()
    start = time.perf_counter()
    Tuner(t).lr_find(module, min_lr=1e-6, max_lr=1.0, num_training=100, early_stop_threshold=None)
    return time.perf_counter() - start


report(f"upstream {upstream.__version__:7} fit     ", hand_epoch, upstream_fit, len(loader))
report(f"upstream {upstream.__version__:7} lr_find ", hand_range_test, upstream_lr_find, 100)
'''

_TORCH_LR_FINDER_CHILD = _COMMON + r'''
import torch_lr_finder
from torch_lr_finder import LRFinder


def library_range_test(num_training=100):
    model = copy.deepcopy(net)
    start = time.perf_counter()
    opt = torch.optim.SGD(model.parameters(), lr=1e-6)
    finder = LRFinder(model, opt, nn.CrossEntropyLoss(), device="cpu")  # snapshots model and optimizer
    finder.range_test(loader, end_lr=1.0, num_iter=num_training, step_mode="exp", diverge_th=math.inf)
    finder.reset()  # and restores them
    return time.perf_counter() - start


version = getattr(torch_lr_finder, "__version__", sys.argv[3])
report(f"torch-lr-finder {version:7} range_test", hand_range_test, library_range_test, 100)
'''

_PACKAGES = {"pytorch-lightning": ("2.6.6", _CHILD), "torch-lr-finder": ("0.2.2", _TORCH_LR_FINDER_CHILD)}


def _ensure_venv(path: str, package: str, version: str) -> str:
    python = os.path.join(path, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", path], check=True)
    subprocess.run([python, "-m", "pip", "install", "-q", f"torch=={torch.__version__.split('+')[0]}",
                    f"{package}=={version}"], check=True)
    return python


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--venv", help="reuse (or create) the venv here instead of a temporary one")
    parser.add_argument("--package", choices=sorted(_PACKAGES), default="pytorch-lightning")
    parser.add_argument("--version", help="default: pytorch-lightning 2.6.6, torch-lr-finder 0.2.2")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    default_version, child = _PACKAGES[args.package]
    version = args.version or default_version
    with tempfile.TemporaryDirectory() as scratch:
        python = _ensure_venv(args.venv or os.path.join(scratch, "venv"), args.package, version)
        script = os.path.join(scratch, "child.py")
        with open(script, "w") as f:
            f.write(child)
        print(f"{args.package} {version} against a hand-written loop (median [range] of the ratio)")
        for threads in (1, torch.get_num_threads()):
            # cwd is the scratch folder, so this repository's package can never be imported instead
            done = subprocess.run([python, script, str(threads), str(args.repeats), version], cwd=scratch,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                print(done.stdout + done.stderr)
                return done.returncode
            # the libraries print tips, progress bars and restore messages; keep the table rows
            print("\n".join(line for line in done.stdout.splitlines() if line.startswith("  ")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
