"""Soak: 200 back-to-back ``lr_find`` + ``fit`` cycles of a tiny model in one process.

Two ways a notebook does it: a new ``Trainer`` (the defaults: a TensorBoard logger, a checkpoint
callback, a progress bar, a weights summary) for every cycle, and one ``Trainer`` for all of them.
After a warm-up of 20 cycles the resident memory (``VmRSS`` of ``/proc/self/status``) may grow by at
most 10%, and the open file descriptors (``/proc/self/fd``) and the live threads not at all; in the
end ``default_root_dir`` holds the logs and checkpoints of the fits and nothing else, and the
working directory nothing at all. About 10 seconds per way on two cores.
"""
import gc
import os
import re
import threading
import time

import pytest
import torch

from pytorch_lightning import Trainer, seed_everything
from tests.helpers.models import TinyModel

pytestmark = pytest.mark.slow

CYCLES = 200
WARM_UP = 20
NUM_TRAINING = 10
BATCHES = 4  # 32 samples in batches of 8
NEW_TRAINER, ONE_TRAINER = "a new trainer per cycle", "one trainer for all cycles"


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def open_fds():
    return len(os.listdir("/proc/self/fd"))


class Soak:
    def __init__(self, variant, root, cwd):
        self.variant, self.root, self.cwd = variant, root, cwd
        self.samples = []  # (cycle, rss KiB, open fds, threads) after a gc
        self.points = []  # points each sweep recorded
        self.steps = []  # global_step after each fit
        self.seconds = 0.0

    def sample(self, cycle):
        gc.collect()
        self.samples.append((cycle, rss_kib(), open_fds(), threading.active_count()))

    def after_warm_up(self):
        return [s for s in self.samples if s[0] >= WARM_UP - 1]


@pytest.fixture(scope="module", params=[NEW_TRAINER, ONE_TRAINER])
def soak(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("root")
    cwd = tmp_path_factory.mktemp("cwd")
    result = Soak(request.param, root, cwd)
    previous, threads = os.getcwd(), torch.get_num_threads()
    os.chdir(cwd)  # a module fixture runs before the per-test chdir of conftest.py
    torch.set_num_threads(1)  # a tiny model: one thread is faster, and steady when other jobs share the cores
    try:
        seed_everything(0)
        model = TinyModel(n=32)
        trainer = None
        start = time.perf_counter()
        for cycle in range(CYCLES):
            if trainer is None or request.param == NEW_TRAINER:
                trainer = Trainer(default_root_dir=str(root), max_epochs=1)
            finder = trainer.lr_find(model, num_training=NUM_TRAINING)
            trainer.fit(model)
            result.points.append(len(finder.results["lr"]))
            result.steps.append(trainer.global_step)
            if cycle == WARM_UP - 1 or (cycle + 1) % 20 == 0:
                result.sample(cycle)
        result.seconds = time.perf_counter() - start
    finally:
        os.chdir(previous)
        torch.set_num_threads(threads)
    return result


def test_every_cycle_swept_and_trained(soak):
    assert len(soak.points) == len(soak.steps) == CYCLES
    assert all(2 <= p <= NUM_TRAINING for p in soak.points)
    assert soak.steps == [BATCHES] * CYCLES


def test_memory_does_not_grow(soak):
    (_, warm, _, _), *later = soak.after_warm_up()
    worst = max(rss for _, rss, _, _ in later)
    assert worst <= 1.10 * warm, f"RSS grew from {warm} KiB to {worst} KiB ({soak.samples})"


def test_open_files_do_not_grow(soak):
    (_, _, warm, _), *later = soak.after_warm_up()
    assert [fds for _, _, fds, _ in later] == [warm] * len(later), soak.samples


def test_threads_do_not_grow(soak):
    (_, _, _, warm), *later = soak.after_warm_up()
    assert [threads for _, _, _, threads in later] == [warm] * len(later), soak.samples


USER_FILES = re.compile(r"lightning_logs/version_\d+/(events\.out\.tfevents\.[\w.-]+|hparams\.yaml"
                        r"|checkpoints/epoch=0(_v\d+)?\.ckpt)")


def test_only_the_users_logs_and_checkpoints_are_left(soak):
    files = sorted(os.path.relpath(os.path.join(d, f), soak.root) for d, _, fs in os.walk(soak.root) for f in fs)
    assert [f for f in files if not USER_FILES.fullmatch(f)] == []
    versions = sorted({f.split("/")[1] for f in files})
    checkpoints = [f for f in files if f.endswith(".ckpt")]
    if soak.variant == NEW_TRAINER:
        assert versions == sorted(f"version_{i}" for i in range(CYCLES))
        for version in versions:
            mine = sorted(f.split("/", 2)[2] for f in files if f.split("/")[1] == version)
            assert len(mine) == 3 and mine[0] == "checkpoints/epoch=0.ckpt" and mine[2] == "hparams.yaml", mine
    else:
        assert versions == ["version_0"]
        assert len(checkpoints) == CYCLES  # one per fit, none overwritten
        # finalize closes the writer (its thread and file), so each fit writes a new event file
        assert len([f for f in files if "tfevents" in f]) == CYCLES
    assert os.listdir(soak.cwd) == []
