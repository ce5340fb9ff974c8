"""Faults injected into ``lr_find`` and ``fit``: nothing the user had may be lost.

``lr_find``: an exception, a Ctrl-C (KeyboardInterrupt) and a NaN, injected at a chosen step (the
first, mid-epoch, and in the second epoch) and at each place a fault can come from (the
dataloader, ``training_step``, the backward pass, the optimizer step), leave the model, the
optimizer, the RNGs, the trainer's attributes, the callbacks (the same objects, in the same
places, in the same state), the logger and the files on disk exactly as they were: every piece
is compared with a deep copy taken before. A sweep after the fault equals one without it.

``fit``: a Ctrl-C leaves a usable model (it predicts, tests and fits again), the logs and the
checkpoints saved so far, and a final checkpoint; a full disk while a checkpoint is written
(``OSError(28)`` from the fsspec filesystem's ``open``, from a write halfway through, or from the
rename) leaves the previous checkpoint readable and no temporary file; a truncated, empty or
foreign checkpoint gives an error that names its path.
"""
import copy
import errno
import math
import os
import uuid
import warnings

import fsspec
import numpy as np
import pytest
import torch
from fsspec.implementations.local import LocalFileSystem
from fsspec.implementations.memory import MemoryFileSystem

from pytorch_lightning import Callback, Trainer, seed_everything
from pytorch_lightning.callbacks import EarlyStopping, LearningRateLogger, ModelCheckpoint
from pytorch_lightning.loggers import CSVLogger
from pytorch_lightning.utilities import cloud_io
from pytorch_lightning.utilities.exceptions import MisconfigurationException
from pytorch_lightning.utilities.seed import get_rng_states
from tests.helpers.models import MetricSequenceModel, TinyModel, make_data

NAN = float("nan")
SITES = ("dataloader", "training_step", "backward", "optimizer_step")
KINDS = ("error", "interrupt", "nan")


# ------------------------------------------------------------ deep comparison
def is_plain(value):
    """Values compared by content; anything else (modules, optimizers, loggers...) by identity."""
    if isinstance(value, (int, float, bool, str, bytes, type(None), torch.device, torch.Tensor, np.ndarray,
                          np.generic)):
        return True
    if isinstance(value, (list, tuple)):
        return all(is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(is_plain(k) and is_plain(v) for k, v in value.items())
    return False


def same(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, torch.Tensor):
        return a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return a == b


def view_of(obj, ignore=()):
    """Every attribute of ``obj``: a deep copy of plain ones, the identity (and items' identities) of others."""
    out = {}
    for key, value in vars(obj).items():
        if key in ignore:
            continue
        if is_plain(value):
            out[key] = ("value", copy.deepcopy(value))
        elif isinstance(value, (list, tuple)):
            out[key] = ("items", id(value), [id(v) for v in value])
        elif isinstance(value, dict):
            out[key] = ("items", id(value), [(k, id(v)) for k, v in value.items()])
        else:
            out[key] = ("id", id(value))
    return out


def files_of(root):
    found = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                found[os.path.relpath(path, root)] = f.read()
    return found


def everything(trainer, model, root):
    """What ``lr_find`` must leave as it was, as deep copies (and identities)."""
    logger = trainer.logger
    return {
        "model_state": copy.deepcopy({k: v.detach().clone() for k, v in model.state_dict().items()}),
        "model_grads": [p.grad is None for p in model.parameters()],
        "model_modes": [m.training for m in model.modules()],
        "model_attrs": view_of(model, ignore=("fault", "calls")),  # the injection's own bookkeeping
        "model_optimizer": copy.deepcopy(model._optimizer.state_dict()),  # the one the sweep steps
        "optimizers": [copy.deepcopy(opt.state_dict()) for opt in trainer.optimizers],
        "optimizer_groups": [[dict((k, v) for k, v in g.items() if k != "params") for g in opt.param_groups]
                             for opt in trainer.optimizers],
        "schedulers": [copy.deepcopy(cfg["scheduler"].state_dict()) for cfg in trainer.lr_schedulers],
        "rng": copy.deepcopy(get_rng_states()),
        "trainer": view_of(trainer),
        "callbacks": [(id(cb), type(cb).__name__, view_of(cb)) for cb in trainer.callbacks],
        "logger": (id(logger), view_of(logger), None if logger._experiment is None else view_of(logger._experiment)),
        "running_loss": trainer.running_loss,
        "files": files_of(root),
    }


def assert_same_everything(after, before):
    assert after.keys() == before.keys()
    for key in before:
        if key in ("trainer", "callbacks", "logger", "model_attrs"):
            assert_same_view(after[key], before[key], key)
        else:
            assert same(after[key], before[key]), key


def assert_same_view(after, before, where):
    if isinstance(before, dict) and all(isinstance(v, tuple) and v and v[0] in ("value", "items", "id")
                                        for v in before.values()):
        assert list(after) == list(before), f"{where}: attributes differ"
        for name in before:
            assert same(after[name], before[name]), f"{where}.{name}"
    elif isinstance(before, (list, tuple)):
        assert len(after) == len(before), where
        for i, (a, b) in enumerate(zip(after, before)):
            assert_same_view(a, b, f"{where}[{i}]")
    else:
        assert same(after, before), where


# --------------------------------------------------------------------- models
class Fault(Exception):
    """The injected error."""


class FaultModel(TinyModel):
    """Shuffled data, dropout, a momentum SGD made once and returned by every ``configure_optimizers`` (so the
    sweep steps the very optimizer the model and the trainer hold) and a StepLR: every state a sweep touches.
    ``arm`` injects a fault."""

    def __init__(self, **kwargs):
        kwargs.setdefault("dropout", 0.2)
        kwargs.setdefault("shuffle", True)
        super().__init__(**kwargs)
        self.fault = None
        self.calls = {}
        self._optimizer = torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)

    def arm(self, site, kind, at):
        self.fault, self.calls = (site, kind, at), {}

    def disarm(self):
        self.fault = None

    def hit(self, site):
        """True (for a NaN) when the armed fault is due here; raises for the other kinds."""
        if self.fault is None or self.fault[0] != site:
            return False
        self.calls[site] = self.calls.get(site, 0) + 1
        _, kind, at = self.fault
        if self.calls[site] != at:
            return False
        if kind == "error":
            raise Fault(f"injected error in {site} at call {at}")
        if kind == "interrupt":
            raise KeyboardInterrupt
        return True

    def training_step(self, batch, batch_idx):
        out = super().training_step(batch, batch_idx)
        if self.hit("training_step"):
            out["loss"] = out["loss"] * NAN
        return out

    def on_after_backward(self):
        if self.hit("backward"):
            for p in self.parameters():
                p.grad.fill_(NAN)

    def optimizer_step(self, *args, **kwargs):
        super().optimizer_step(*args, **kwargs)
        if self.hit("optimizer_step"):
            with torch.no_grad():
                for p in self.parameters():
                    p.fill_(NAN)

    def configure_optimizers(self):
        return [self._optimizer], [torch.optim.lr_scheduler.StepLR(self._optimizer, step_size=1, gamma=0.5)]


class FaultyLoader:
    """Wraps a loader; the ``at``-th batch (counted over epochs) raises, or comes with NaN inputs."""

    def __init__(self, loader, model):
        self.loader = loader
        self.model = model

    def __len__(self):
        return len(self.loader)

    def __iter__(self):
        for x, y in self.loader:
            if self.model.hit("dataloader"):
                x = x * NAN
            yield x, y


class CountingCallback(Callback):
    def __init__(self):
        self.events = []

    def on_train_start(self, trainer, pl_module):
        self.events.append(("train_start", trainer.global_step))

    def on_epoch_end(self, trainer, pl_module):
        self.events.append(("epoch_end", trainer.current_epoch))


def build(root, device="cpu", fitted=True):
    """A trainer with a CSV logger, every built-in callback and a custom one, and its model, fitted for two
    epochs (or fresh)."""
    seed_everything(7)
    model = FaultModel()
    callbacks = [CountingCallback(), LearningRateLogger(logging_interval="step"),
                 EarlyStopping(monitor="val_loss", patience=5)]
    trainer = Trainer(default_root_dir=str(root), max_epochs=2, progress_bar_refresh_rate=0, weights_summary=None,
                      logger=CSVLogger(str(root), name="logs"), callbacks=callbacks, row_log_interval=1,
                      checkpoint_callback=ModelCheckpoint(filepath=str(root / "ckpt") + "/", save_last=True),
                      gpus=1 if device == "cuda" else None)
    if fitted:
        trainer.fit(model)
        assert trainer.global_step == 16 and trainer.checkpoint_callback.best_model_path
    return trainer, model


# ============================================================== lr_find faults
def expected_points(site, kind, at):
    """Points a NaN at call ``at`` of ``site`` leaves: NaN grads or weights poison the next step's loss."""
    return at if site in ("dataloader", "training_step") else at + 1


CASES = [(site, kind, at, "cpu", True) for site in SITES for kind in KINDS for at in (1, 5, 11)]
CASES += [("training_step", kind, 5, "cpu", False) for kind in KINDS]  # lr_find on a trainer that never fitted
CASES += [pytest.param("training_step", kind, 5, "cuda", True, marks=pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA device")) for kind in KINDS]


@pytest.mark.parametrize("site, kind, at, device, fitted", CASES)
def test_a_fault_in_lr_find_leaves_everything_as_it_was(tmp_path, site, kind, at, device, fitted):
    trainer, model = build(tmp_path, device, fitted)
    model.train()
    loader = FaultyLoader(model.train_dataloader(), model)
    before = everything(trainer, model, tmp_path)
    if not fitted:
        # The sweep calls configure_optimizers, whose StepLR stamps 'initial_lr' on the optimizer's groups
        # (as a fit would): the only change allowed is what that call alone does.
        twin = copy.deepcopy(model)
        twin.configure_optimizers()
        before["model_optimizer"] = copy.deepcopy(twin._optimizer.state_dict())
    model.arm(site, kind, at)
    kwargs = dict(train_dataloader=loader, min_lr=1e-4, max_lr=1.0, num_training=20)
    if kind == "error":
        with pytest.raises(Fault, match=f"injected error in {site} at call {at}"):
            trainer.lr_find(model, **kwargs)
    elif kind == "interrupt":
        with pytest.warns(UserWarning, match="Detected KeyboardInterrupt"), \
                pytest.raises(KeyboardInterrupt, match="lr_find was interrupted; the model and trainer were restored"):
            trainer.lr_find(model, **kwargs)
    else:
        finder = trainer.lr_find(model, **kwargs)
        points = expected_points(site, kind, at)
        assert finder.stop_reason == f"non-finite loss at step {points}"
        assert len(finder.results["lr"]) == points
        assert math.isnan(finder.results["loss_raw"][-1])
        assert all(math.isfinite(v) for v in finder.results["loss_raw"][:-1])
    # A NaN does not stop the step it poisons: the next batch is fetched (the loop looks one ahead) or stepped.
    assert model.calls[site] == (at + 1 if kind == "nan" and site != "training_step" else at)
    assert_same_everything(everything(trainer, model, tmp_path), before)


@pytest.mark.parametrize("kind", KINDS)
def test_a_sweep_and_a_fit_after_a_fault_equal_those_without_it(tmp_path, kind):
    def run(root, fault):
        trainer, model = build(root)  # seeds the RNGs: each run starts from the same state
        if fault is not None:
            model.arm("training_step", fault, 6)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the KeyboardInterrupt's "graceful shutdown" warning
                try:
                    trainer.lr_find(model, min_lr=1e-4, max_lr=1.0, num_training=20)
                except (Fault, KeyboardInterrupt):
                    pass
            model.disarm()
        finder = trainer.lr_find(model, min_lr=1e-4, max_lr=1.0, num_training=20)
        trainer.fit(model)
        return finder, copy.deepcopy(model.state_dict()), trainer.checkpoint_callback.best_model_score

    clean_finder, clean_state, clean_score = run(tmp_path / "clean", None)
    finder, state, score = run(tmp_path / "faulty", kind)
    assert finder.results == clean_finder.results
    assert finder.stop_reason == clean_finder.stop_reason
    assert same(state, clean_state)
    assert same(score, clean_score)


def test_a_fault_in_auto_lr_find_propagates_from_fit_and_restores_the_model(tmp_path):
    seed_everything(7)
    model = FaultModel()
    model.arm("training_step", "error", 4)
    state = copy.deepcopy(model.state_dict())
    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=1, progress_bar_refresh_rate=0,
                      weights_summary=None, logger=False, checkpoint_callback=False, auto_lr_find=True)
    with pytest.raises(Fault, match="injected error in training_step at call 4"):
        trainer.fit(model)
    assert same(copy.deepcopy(model.state_dict()), state)
    assert model.hparams.lr == 0.1  # no suggestion was written
    assert files_of(tmp_path) == {}


# =================================================================== fit: Ctrl-C
class InterruptModel(FaultModel):
    """FaultModel whose validation can be interrupted too."""

    def validation_step(self, batch, batch_idx):
        self.hit("validation_step")
        return super().validation_step(batch, batch_idx)


def interrupted_fit(root, site, at, checkpoint=True):
    seed_everything(3)
    model = InterruptModel()
    logger = CSVLogger(str(root), name="logs")
    checkpoint_callback = ModelCheckpoint(filepath=str(root / "ckpt") + "/", save_top_k=-1) if checkpoint else False
    trainer = Trainer(default_root_dir=str(root), max_epochs=3, progress_bar_refresh_rate=0, weights_summary=None,
                      logger=logger, checkpoint_callback=checkpoint_callback, row_log_interval=1,
                      num_sanity_val_steps=0)
    model.arm(site, "interrupt", at)
    with pytest.warns(UserWarning, match="Detected KeyboardInterrupt"):
        assert trainer.fit(model) == 1
    assert trainer.interrupted
    model.disarm()
    return trainer, model


INTERRUPTS = [("training_step", 3), ("training_step", 12), ("validation_step", 2)]


@pytest.mark.parametrize("site, at", INTERRUPTS)
def test_ctrl_c_in_fit_leaves_a_usable_model(tmp_path, site, at):
    trainer, model = interrupted_fit(tmp_path, site, at)
    assert all(torch.isfinite(p).all() and p.grad is None for p in model.parameters())
    model.eval()
    x, _ = make_data(5, seed=9).tensors
    with torch.no_grad():
        assert torch.isfinite(model(x)).all() and model(x).shape == (5, 3)
    assert trainer.test(model)[0]["test_loss"] > 0
    steps_before = trainer.global_step
    trained = copy.deepcopy(model.state_dict())
    assert trainer.fit(model) == 1  # the same trainer fits again, from a fresh run state
    assert not trainer.interrupted and trainer.global_step == 24 and trainer.current_epoch == 2
    assert not same(copy.deepcopy(model.state_dict()), trained)
    assert steps_before < 24


@pytest.mark.parametrize("site, at", INTERRUPTS)
def test_ctrl_c_in_fit_keeps_the_logs_and_the_checkpoints_saved_before(tmp_path, site, at):
    trainer, model = interrupted_fit(tmp_path, site, at)
    logger = trainer.logger
    with open(logger.experiment.metrics_file_path) as f:
        lines = f.read().splitlines()
    assert len(lines) == 1 + len(logger.experiment.metrics)  # a header and every row logged
    assert len(logger.experiment.metrics) >= trainer.global_step
    if trainer.current_epoch > 0:
        assert trainer.checkpoint_callback.best_k_models  # epoch 0's checkpoint
    for path in trainer.checkpoint_callback.best_k_models:
        assert cloud_io.load(path)["global_step"] <= trainer.global_step


@pytest.mark.parametrize("site, at", INTERRUPTS)
def test_ctrl_c_in_fit_leaves_a_final_checkpoint(tmp_path, site, at):
    trainer, model = interrupted_fit(tmp_path, site, at)
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    final = []
    for name in os.listdir(tmp_path / "ckpt") if os.path.isdir(tmp_path / "ckpt") else []:
        checkpoint = cloud_io.load(str(tmp_path / "ckpt" / name))
        if checkpoint["global_step"] == trainer.global_step:
            final.append(checkpoint)
    assert len(final) == 1
    assert same(dict(final[0]["state_dict"]), state)


def test_ctrl_c_without_checkpointing_writes_no_checkpoint(tmp_path):
    interrupted_fit(tmp_path, "training_step", 12, checkpoint=False)
    assert not [name for name in files_of(tmp_path) if name.endswith(".ckpt")]


def test_an_exception_in_fit_keeps_the_logs_written_so_far(tmp_path):
    seed_everything(3)
    model = FaultModel()
    logger = CSVLogger(str(tmp_path), name="logs")
    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=3, progress_bar_refresh_rate=0,
                      weights_summary=None, logger=logger, checkpoint_callback=False, row_log_interval=1)
    model.arm("training_step", "error", 12)
    with pytest.raises(Fault):
        trainer.fit(model)
    with open(logger.experiment.metrics_file_path) as f:
        assert len(f.read().splitlines()) == 1 + len(logger.experiment.metrics)


# ============================================================ fit: a full disk
class FullDisk:
    """Makes the fsspec filesystem fail checkpoint writes with ENOSPC once armed."""

    def __init__(self, monkeypatch, fs_cls, how):
        self.armed = False
        self.how = how
        real_open, real_mv = fs_cls.open, fs_cls.mv
        disk = self

        def open_(fs, path, mode="rb", *args, **kwargs):
            if disk.armed and "w" in mode and ".ckpt" in str(path):
                if disk.how == "open":
                    raise OSError(errno.ENOSPC, "No space left on device", str(path))
                if disk.how == "write":
                    return HalfWrite(real_open(fs, path, mode, *args, **kwargs))
            return real_open(fs, path, mode, *args, **kwargs)

        def mv(fs, path1, path2, *args, **kwargs):
            if disk.armed and disk.how == "mv" and str(path2).endswith(".ckpt"):
                raise OSError(errno.ENOSPC, "No space left on device", str(path2))
            return real_mv(fs, path1, path2, *args, **kwargs)

        monkeypatch.setattr(fs_cls, "open", open_)
        monkeypatch.setattr(fs_cls, "mv", mv)


class HalfWrite:
    """A file that writes half of what it is given, then runs out of space."""

    def __init__(self, f):
        self.f = f

    def write(self, data):
        self.f.write(data[:len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()
        return False

    def close(self):
        self.f.close()


class ArmAtEpoch(Callback):
    """Arms the full disk at the start of epoch 1, after taking a copy of the checkpoints saved in epoch 0."""

    def __init__(self, disk, read):
        self.disk, self.read = disk, read
        self.saved = None

    def on_epoch_start(self, trainer, pl_module):
        if trainer.current_epoch == 1:
            self.saved = self.read()
            self.disk.armed = True


@pytest.fixture(params=["local", "memory"])
def checkpoint_dir(request, tmp_path):
    """A checkpoint directory on the local disk or in fsspec's memory filesystem."""
    if request.param == "local":
        yield LocalFileSystem, str(tmp_path / "ckpt")
        return
    url = f"memory://faults-{uuid.uuid4().hex}"
    yield MemoryFileSystem, url
    fs = fsspec.filesystem("memory")
    if fs.exists(url):
        fs.rm(url, recursive=True)


def read_dir(url):
    fs = cloud_io.get_filesystem(url)
    if not fs.exists(url):
        return {}
    out = {}
    for path in fs.ls(url, detail=False):
        with fs.open(path, "rb") as f:
            out[os.path.basename(str(path))] = f.read()
    return out


@pytest.mark.parametrize("how", ["open", "write", "mv"])
@pytest.mark.parametrize("keep", ["last", "top1", "all"])
def test_a_full_disk_while_checkpointing_keeps_the_previous_checkpoint(monkeypatch, tmp_path, checkpoint_dir,
                                                                       how, keep):
    fs_cls, directory = checkpoint_dir
    disk = FullDisk(monkeypatch, fs_cls, how)
    arm = ArmAtEpoch(disk, lambda: read_dir(directory))
    options = {"last": dict(save_last=True, save_top_k=0), "top1": dict(save_top_k=1), "all": dict(save_top_k=-1)}
    checkpoint = ModelCheckpoint(filepath=directory + "/", **options[keep])
    seed_everything(0)
    model = MetricSequenceModel([3.0, 2.0, 1.0])  # every epoch improves: each saves a new checkpoint
    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=3, progress_bar_refresh_rate=0,
                      weights_summary=None, logger=False, checkpoint_callback=checkpoint, callbacks=[arm],
                      num_sanity_val_steps=0)
    with pytest.raises(OSError, match="No space left on device") as info:
        trainer.fit(model)
    assert info.value.errno == errno.ENOSPC
    assert trainer.current_epoch == 1
    disk.armed = False
    assert len(arm.saved) == 1
    assert read_dir(directory) == arm.saved  # the previous checkpoint, byte for byte, and no temporary file
    (name,) = arm.saved
    previous = cloud_io.load(cloud_io.join(directory, name))
    assert previous["epoch"] == 1 and previous["global_step"] == 8
    if keep != "last":
        assert checkpoint.best_model_path == cloud_io.join(directory, name)
    assert all(torch.isfinite(p).all() for p in model.parameters())


# ================================================= fit: broken checkpoint files
@pytest.fixture
def saved_checkpoint(tmp_path):
    seed_everything(0)
    model = TinyModel()
    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=1, progress_bar_refresh_rate=0,
                      weights_summary=None, logger=False, checkpoint_callback=False)
    trainer.fit(model)
    path = str(tmp_path / "good.ckpt")
    trainer.save_checkpoint(path)
    with open(path, "rb") as f:
        return path, f.read()


BROKEN = {
    "truncated": lambda data: data[:len(data) // 2],
    "one byte short": lambda data: data[:-1],
    "empty": lambda data: b"",
    "garbage": lambda data: b"not a checkpoint at all" * 10,
}


def write_broken(tmp_path, data, how):
    path = str(tmp_path / f"broken {how}.ckpt")
    with open(path, "wb") as f:
        f.write(BROKEN[how](data))
    return path


@pytest.mark.parametrize("how", list(BROKEN))
def test_a_broken_checkpoint_gives_an_error_naming_its_path(tmp_path, saved_checkpoint, how):
    _, data = saved_checkpoint
    path = write_broken(tmp_path, data, how)
    match = f"Could not read checkpoint '{path}': the file is truncated or not a checkpoint"
    with pytest.raises(RuntimeError, match=match.replace("(", r"\(")):
        cloud_io.load(path)
    with pytest.raises(RuntimeError, match=match):
        TinyModel.load_from_checkpoint(path)


@pytest.mark.parametrize("how", list(BROKEN))
def test_resuming_from_a_broken_checkpoint_names_it_and_trains_nothing(tmp_path, saved_checkpoint, how):
    _, data = saved_checkpoint
    path = write_broken(tmp_path, data, how)
    model = TinyModel()
    state = copy.deepcopy(model.state_dict())
    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=2, progress_bar_refresh_rate=0,
                      weights_summary=None, logger=False, checkpoint_callback=False, resume_from_checkpoint=path)
    with pytest.raises(RuntimeError, match=f"Could not read checkpoint '{path}'"):
        trainer.fit(model)
    assert same(copy.deepcopy(model.state_dict()), state)
    assert trainer.global_step == 0


def test_testing_with_a_broken_checkpoint_names_it(tmp_path, saved_checkpoint):
    _, data = saved_checkpoint
    path = write_broken(tmp_path, data, "truncated")
    model = TinyModel()
    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=1, progress_bar_refresh_rate=0,
                      weights_summary=None, logger=False, checkpoint_callback=False)
    trainer.fit(model)
    with pytest.raises(RuntimeError, match=f"Could not read checkpoint '{path}'"):
        trainer.test(ckpt_path=path)


@pytest.mark.parametrize("content, error, match", [
    ({"epoch": 1}, RuntimeError, "is not a Lightning checkpoint: it has no `state_dict`"),
    ([1, 2, 3], RuntimeError, "is not a Lightning checkpoint: it holds a list, not a dict"),
])
def test_a_foreign_torch_file_is_named(tmp_path, content, error, match):
    path = str(tmp_path / "foreign.ckpt")
    torch.save(content, path)
    with pytest.raises(error, match=f"'{path}'.*{match}|{match}"):
        TinyModel.load_from_checkpoint(path)


def test_resuming_from_a_weights_only_or_foreign_checkpoint_names_it(tmp_path):
    torch.save({"state_dict": TinyModel().state_dict()}, str(tmp_path / "weights.ckpt"))
    for name, match in (("weights.ckpt", r"is not a training checkpoint: it has no \['epoch', 'global_step'\]"),):
        path = str(tmp_path / name)
        model = TinyModel()
        state = copy.deepcopy(model.state_dict())
        trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=1, progress_bar_refresh_rate=0,
                          weights_summary=None, logger=False, checkpoint_callback=False, resume_from_checkpoint=path)
        with pytest.raises(MisconfigurationException, match=f"`resume_from_checkpoint='{path}'` {match}"):
            trainer.fit(model)
        assert same(copy.deepcopy(model.state_dict()), state)
