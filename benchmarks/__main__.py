"""Benchmarks: this package against the same loop written by hand, side by side in one process.

Usage::

    python -m benchmarks                 # every benchmark, tables on stdout
    python -m benchmarks --only fit      # fit, lr_find, import or memory
    python -m benchmarks --check         # exit 1 when a target is missed

A and B runs are interleaved (the order alternating), and each table gives the median and the
range of the B/A time ratio over the repeats. Targets (small MLP, one thread): ``fit`` and
``lr_find`` at most 1.05x the hand-written loop, import at most 0.3 s over ``import torch``,
``lr_find``'s peak memory at most the hand-written range test's plus one copy of the state.

Where the time goes (MLP, one thread): a step's framework code costs 3-6 us in a warm loop (a
model with no kernels), but 30-60 us when measured between the model's kernels. The kernels evict
the interpreter's caches, so each distinct function and object the step touches afterwards misses;
the overhead follows how much distinct code a step runs, not the calls a warm profile counts. The
per-step path was cut to what a step needs: the step output is parsed in one pass, hooks nothing
implements are not called (bound once per epoch), the default ``backward``/``optimizer_step``/
``zero_grad`` run inline, a map-style DataLoader is iterated by C-level ``zip``, and ``lr_find``'s
sweep scheduler steps without torch's call-order checks and ``optimizer.step`` wrapper. What is left
is the step-output parsing and ``self.log`` bookkeeping, the scheduler step and the recorder's
point (``lr_find``), and the ~10 us a trainer loop of any shape costs over an inlined one. There
is no host sync and no copy per step (``running_loss`` is kept only when a progress bar reads it).

glibc's malloc thresholds are pinned (``MALLOC_MMAP_THRESHOLD_``/``MALLOC_TRIM_THRESHOLD_``, the
process re-executes itself with them set): otherwise page faults add 20-35% noise to CNN timings.
"""
import argparse
import copy
import os
import statistics
import subprocess
import sys
import time
from typing import Callable, Dict, List, Tuple

import torch
from torch.utils.data import DataLoader

from benchmarks.workloads import WORKLOADS, Wrapped, hand_epoch, hand_range_test, quiet_trainer

TARGET_RATIO = 1.05
TARGET_IMPORT_S = 0.3


def _paired(run_a: Callable[[], float], run_b: Callable[[], float], repeats: int) -> Tuple[List[float], List[float]]:
    """Time A and B ``repeats`` times each, alternating which goes first."""
    times_a, times_b = [], []
    for i in range(repeats):
        order = [(run_a, times_a), (run_b, times_b)]
        for fn, sink in (order if i % 2 == 0 else order[::-1]):
            sink.append(fn())
    return times_a, times_b


def _summary(times_a: List[float], times_b: List[float], steps: int) -> Dict[str, float]:
    ratios = [b / a for a, b in zip(times_a, times_b)]
    overhead = [(b - a) / steps * 1e6 for a, b in zip(times_a, times_b)]
    return {"median": statistics.median(ratios), "low": min(ratios), "high": max(ratios),
            "hand_ms": statistics.median(times_a) * 1e3, "ours_ms": statistics.median(times_b) * 1e3,
            "overhead_us": statistics.median(overhead)}


def bench_fit(workload: str, style: str, device: str, repeats: int) -> Dict[str, float]:
    torch.manual_seed(0)
    net, data, batch = WORKLOADS[workload]()
    loader = DataLoader(data, batch_size=batch, shuffle=False)
    steps = len(loader)

    def hand() -> float:
        fresh = copy.deepcopy(net)
        start = time.perf_counter()
        hand_epoch(fresh, loader, device=device)
        _sync(device)
        return time.perf_counter() - start

    def ours() -> float:
        model = Wrapped(copy.deepcopy(net), loader, style=style)
        trainer = quiet_trainer(max_epochs=1, gpus=1 if device == "cuda" else None)
        start = time.perf_counter()
        trainer.fit(model)
        _sync(device)
        return time.perf_counter() - start

    hand(), ours()  # warm-up
    return _summary(*_paired(hand, ours, repeats), steps)


def bench_lr_find(workload: str, device: str, repeats: int, num_training: int = 100) -> Dict[str, float]:
    torch.manual_seed(0)
    net, data, batch = WORKLOADS[workload]()
    loader = DataLoader(data, batch_size=batch, shuffle=False)

    def hand() -> float:
        fresh = copy.deepcopy(net)
        start = time.perf_counter()
        hand_range_test(fresh, loader, num_training=num_training, device=device)
        _sync(device)
        return time.perf_counter() - start

    def ours() -> float:
        model = Wrapped(copy.deepcopy(net), loader)
        trainer = quiet_trainer(max_epochs=1, gpus=1 if device == "cuda" else None)
        start = time.perf_counter()
        trainer.lr_find(model, min_lr=1e-6, max_lr=1.0, num_training=num_training, early_stop_threshold=None)
        _sync(device)
        return time.perf_counter() - start

    hand(), ours()
    return _summary(*_paired(hand, ours, repeats), num_training)


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def bench_import(repeats: int = 5) -> Dict[str, float]:
    def timed(module: str) -> float:
        code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return float(out.stdout.strip())

    torch_s, ours_s = _paired(lambda: timed("torch"), lambda: timed("pytorch_lightning"), repeats)
    return {"torch_s": statistics.median(torch_s), "ours_s": statistics.median(ours_s),
            "extra_s": statistics.median(ours_s) - statistics.median(torch_s)}


_MEMORY_CHILD = """
import resource, sys, torch
from torch import nn
from torch.utils.data import DataLoader
from benchmarks.workloads import Wrapped, hand_range_test, quiet_trainer, synthetic


def peak_kb():
    # The peak of this process's own memory. Not ru_maxrss: Linux carries it over from the parent
    # across fork and exec, so a child of a large benchmark process would see no growth at all.
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


torch.manual_seed(0)
net = nn.Sequential(nn.Linear(64, 2048), nn.ReLU(), nn.Linear(2048, 2048), nn.ReLU(), nn.Linear(2048, 10))
loader = DataLoader(synthetic(2048, (64,)), batch_size=64)
base = peak_kb()
if sys.argv[1] == "hand":
    hand_range_test(net, loader, num_training=30)
else:
    quiet_trainer(max_epochs=1).lr_find(Wrapped(net, loader), min_lr=1e-6, max_lr=1.0, num_training=30,
                                        early_stop_threshold=None)
state = sum(v.numel() * v.element_size() for v in net.state_dict().values())
print(peak_kb() - base, state // 1024)
"""


def bench_memory() -> Dict[str, float]:
    def peak(kind: str) -> Tuple[int, int]:
        # glibc's default thresholds: with the pinned ones used for timing, freed memory is reused and
        # the peak hides the snapshot
        env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
        out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, kind], capture_output=True, text=True, check=True,
                             cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), env=env)
        grown, state = out.stdout.split()
        return int(grown), int(state)

    hand_kb, state_kb = peak("hand")
    ours_kb, _ = peak("ours")
    return {"hand_mb": hand_kb / 1024, "ours_mb": ours_kb / 1024, "state_mb": state_kb / 1024,
            "budget_mb": (hand_kb + state_kb) / 1024}


def _table(devices: List[str], workloads: List[str], missed: List[str], what: str,
           run: Callable[[str, str], List[Tuple[str, Dict[str, float]]]]) -> None:
    """Print one row per device, thread setting, workload and variant; note missed targets."""
    default_threads = torch.get_num_threads()
    for device in devices:
        for threads in ([1, default_threads] if device == "cpu" else [default_threads]):
            torch.set_num_threads(threads)
            for workload in workloads:
                for variant, r in run(workload, device):
                    print(f"  {device:4} {threads:2}t {workload:11} {variant:6} {r['median']:.3f}x "
                          f"[{r['low']:.3f}-{r['high']:.3f}]  hand {r['hand_ms']:7.1f} ms  "
                          f"overhead {r['overhead_us']:6.1f} us/step")
                    if workload == "mlp" and threads == 1 and device == "cpu" and r["median"] > TARGET_RATIO:
                        missed.append(f"{what} mlp {variant}: {r['median']:.3f}x > {TARGET_RATIO}x")
    torch.set_num_threads(default_threads)


_MALLOC_PINS = {"MALLOC_MMAP_THRESHOLD_": "1000000000", "MALLOC_TRIM_THRESHOLD_": "1000000000"}


def _pin_malloc() -> None:
    """glibc reads its thresholds at start-up: re-execute once with them set."""
    if all(os.environ.get(k) == v for k, v in _MALLOC_PINS.items()):
        return
    env = dict(os.environ, **_MALLOC_PINS)
    os.execve(sys.executable, [sys.executable, "-m", "benchmarks", *sys.argv[1:]], env)


def main(argv=None) -> int:
    if argv is None:
        _pin_malloc()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("fit", "lr_find", "import", "memory"), action="append")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--workloads", nargs="+", default=list(WORKLOADS))
    args = parser.parse_args(argv)
    only = set(args.only or ("fit", "lr_find", "import", "memory"))
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    missed: List[str] = []
    print(f"torch {torch.__version__}, {os.cpu_count()} cores, python {sys.version.split()[0]}")

    if "fit" in only:
        print("\nfit, one epoch: ours / hand-written (median [range]), per-step overhead")
        _table(devices, args.workloads, missed, "fit",
               lambda workload, device: [(style, bench_fit(workload, style, device, args.repeats))
                                         for style in (("dict", "tensor", "log") if workload == "mlp" else ("dict",))])
    if "lr_find" in only:
        print("\nlr_find(num_training=100): ours / hand-written range test with snapshot and restore")
        _table(devices, args.workloads, missed, "lr_find",
               lambda workload, device: [("", bench_lr_find(workload, device, args.repeats))])
    if "import" in only:
        r = bench_import()
        print(f"\nimport: torch {r['torch_s']:.3f} s, pytorch_lightning {r['ours_s']:.3f} s "
              f"(+{r['extra_s']:.3f} s over torch)")
        if r["extra_s"] > TARGET_IMPORT_S:
            missed.append(f"import: +{r['extra_s']:.3f} s > {TARGET_IMPORT_S} s")
    if "memory" in only:
        r = bench_memory()
        print(f"\nlr_find peak RSS growth: ours {r['ours_mb']:.1f} MB, hand {r['hand_mb']:.1f} MB, "
              f"state {r['state_mb']:.1f} MB, budget (hand + one state copy) {r['budget_mb']:.1f} MB")
        if r["ours_mb"] > r["budget_mb"]:
            missed.append(f"memory: {r['ours_mb']:.1f} MB > {r['budget_mb']:.1f} MB")
    if missed:
        print("\nmissed targets:\n  " + "\n  ".join(missed))
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
