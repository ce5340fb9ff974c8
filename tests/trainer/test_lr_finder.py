"""``trainer.lr_find``: the sweep trains what ``fit`` trains, records the truth, and leaves no trace."""
import copy
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

from pytorch_lightning import Callback, Trainer, seed_everything  # noqa: E402
from pytorch_lightning.loggers.base import LightningLoggerBase  # noqa: E402
from pytorch_lightning.trainer.lr_finder import _ExponentialLR, _LinearLR, _LRFinder, smoothed_losses  # noqa: E402
from pytorch_lightning.utilities.exceptions import MisconfigurationException  # noqa: E402
from tests.helpers.models import SetupModel, TinyModel, make_data  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

DEVICES = [
    "cpu",
    pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")),
]


def make_trainer(root, device="cpu", **kwargs):
    settings = dict(default_root_dir=str(root), progress_bar_refresh_rate=0, weights_summary=None, logger=False,
                    checkpoint_callback=False, max_epochs=1, gpus=1 if device == "cuda" else None)
    settings.update(kwargs)
    return Trainer(**settings)


def state_copy(model):
    return copy.deepcopy({k: v.detach().cpu() for k, v in model.state_dict().items()})


def assert_same_state(actual, expected):
    assert actual.keys() == expected.keys()
    for key in expected:
        assert torch.equal(actual[key], expected[key]), key


def rng_copy():
    return torch.get_rng_state().clone(), copy.deepcopy(np.random.get_state()), random.getstate()


def assert_same_rng(actual, expected):
    assert torch.equal(actual[0], expected[0])
    assert actual[1][0] == expected[1][0] and np.array_equal(actual[1][1], expected[1][1])
    assert actual[1][2:] == expected[1][2:]
    assert actual[2] == expected[2]


def hand_sweep(model, lrs, batches, optimizer="sgd", accumulate=1, device="cpu"):
    """The reference: a plain PyTorch loop taking one optimizer step at each given lr."""
    model = model.to(device).train()
    opt_cls = torch.optim.Adam if optimizer == "adam" else torch.optim.SGD
    opt = opt_cls(model.parameters(), lr=lrs[0])
    losses, position = [], 0
    for lr in lrs:
        for group in opt.param_groups:
            group["lr"] = lr
        micro = []
        for _ in range(accumulate):
            x, y = (t.to(device) for t in batches[position % len(batches)])
            position += 1
            loss = nn.functional.cross_entropy(model(x), y)
            (loss / accumulate if accumulate > 1 else loss).backward()
            micro.append(loss.item())
        opt.step()
        opt.zero_grad()
        losses.append(sum(micro) / len(micro))
    return losses, position


# ---------------------------------------------------------------- test models
class RecordSteps:
    """Mixin: records, at each optimizer step, every group's lr and whether the optimizer holds the live parameters."""

    def optimizer_step(self, epoch, batch_idx, optimizer, optimizer_idx, *args, **kwargs):
        if not self.steps:
            self.first_step_state = state_copy(self)
        held = {id(p) for group in optimizer.param_groups for p in group["params"]}
        live = held == {id(p) for p in self.parameters()}
        self.steps.append(([group["lr"] for group in optimizer.param_groups], live))
        super().optimizer_step(epoch, batch_idx, optimizer, optimizer_idx, *args, **kwargs)


class StepRecorder(RecordSteps, TinyModel):
    """TinyModel recording its optimizer steps and the loss of every ``training_step``."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.steps = []
        self.step_losses = []

    def training_step(self, batch, batch_idx, optimizer_idx=0):
        out = super().training_step(batch, batch_idx)
        self.step_losses.append(out["loss"].item())
        return out


class SetupStepRecorder(RecordSteps, SetupModel):
    """SetupModel (layers rebuilt in ``setup``) recording its optimizer steps."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.steps = []


class SetupOnlyStepRecorder(SetupStepRecorder):
    """Has no layers until ``setup`` runs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        del self.net


class TwoGroupModel(StepRecorder):
    def configure_optimizers(self):
        return torch.optim.SGD([{"params": self.net[0].parameters(), "lr": 1e-3},
                                {"params": self.net[3].parameters(), "lr": 1e-2}], lr=1e-3)


class TwoOptimizerModel(StepRecorder):
    def configure_optimizers(self):
        return [torch.optim.SGD(self.net[0].parameters(), lr=0.1), torch.optim.SGD(self.net[3].parameters(), lr=0.1)]


class SchedulerModel(StepRecorder):
    """The #2814 reporter's set-up: the sweep scheduler used as an ordinary 'step' scheduler."""

    def __init__(self, scheduler_cls, end_lr, num_iter, **kwargs):
        super().__init__(**kwargs)
        self.scheduler_cls, self.end_lr, self.num_iter = scheduler_cls, end_lr, num_iter

    def configure_optimizers(self):
        opt = torch.optim.SGD(self.parameters(), lr=self.hparams.lr)
        sched = self.scheduler_cls(opt, end_lr=self.end_lr, num_iter=self.num_iter)
        return [opt], [{"scheduler": sched, "interval": "step"}]


class CachedOptimizerModel(StepRecorder):
    """Returns one Adam optimizer, made once, from every ``configure_optimizers`` call."""

    def configure_optimizers(self):
        if not hasattr(self, "_optimizer"):
            self._optimizer = torch.optim.Adam(self.parameters(), lr=0.01)
        return self._optimizer


class HalvingModel(StepRecorder):
    """Has a scheduler of its own that halves the lr at every step."""

    def configure_optimizers(self):
        opt = torch.optim.SGD(self.parameters(), lr=0.1)
        return [opt], [{"scheduler": torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5), "interval": "step"}]


class FailingModel(TinyModel):
    """Raises ``error`` in ``training_step`` at call ``fail_at`` (1-based)."""

    def __init__(self, fail_at, error=RuntimeError, **kwargs):
        super().__init__(**kwargs)
        self.fail_at = fail_at
        self.error = error
        self.calls = 0

    def training_step(self, batch, batch_idx):
        self.calls += 1
        if self.calls == self.fail_at:
            raise self.error(f"injected failure at call {self.calls}")
        return super().training_step(batch, batch_idx)


class OwnLoaderRefused(StepRecorder):
    """Trains only on a dataloader passed to ``fit`` / ``lr_find``."""

    def train_dataloader(self):
        raise AssertionError("the model's own train_dataloader must not be used")


class NaNModel(TinyModel):
    """Returns a NaN loss at call ``nan_at`` (1-based)."""

    def __init__(self, nan_at, **kwargs):
        super().__init__(**kwargs)
        self.nan_at = nan_at
        self.calls = 0

    def training_step(self, batch, batch_idx):
        self.calls += 1
        out = super().training_step(batch, batch_idx)
        if self.calls == self.nan_at:
            out["loss"] = out["loss"] * float("nan")
        return out


class FieldModel(TinyModel):
    """Reads its lr from the dotted ``path`` (``'lr'``, ``'hparams.learning_rate'``, ``'config.lr'``...)."""

    START_LR = 0.1

    def __init__(self, path=None, **kwargs):
        super().__init__(hparams={"batch_size": 8}, **kwargs)
        self.path = path
        if path is None:
            return
        head, _, key = path.rpartition(".")
        if head == "hparams":
            self.hparams = {"batch_size": 8, key: self.START_LR}
        elif head:
            setattr(self, head, {key: self.START_LR})
        else:
            setattr(self, key, self.START_LR)

    def field(self):
        if self.path is None:
            return self.START_LR
        container = self
        for part in self.path.split("."):
            container = container[part] if isinstance(container, dict) else getattr(container, part)
        return container

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.field())


class RecordingLogger(LightningLoggerBase):
    def __init__(self):
        super().__init__()
        self.calls = []

    @property
    def experiment(self):
        return None

    @property
    def name(self):
        return "recording"

    @property
    def version(self):
        return 0

    def log_metrics(self, metrics, step=None):
        self.calls.append("log_metrics")

    def log_hyperparams(self, params):
        self.calls.append("log_hyperparams")

    def save(self):
        self.calls.append("save")
        super().save()

    def finalize(self, status):
        self.calls.append("finalize")
        super().finalize(status)


class CountingCallback(Callback):
    def __init__(self):
        self.calls = 0

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx):
        self.calls += 1

    def on_train_start(self, trainer, pl_module):
        self.calls += 1


TRAINER_FIELDS = ("global_step", "current_epoch", "batch_idx", "total_batch_idx", "should_stop", "interrupted",
                  "max_epochs", "min_epochs", "max_steps", "min_steps", "num_sanity_val_steps", "limit_val_batches",
                  "limit_train_batches", "weights_summary", "terminate_on_nan", "auto_lr_find",
                  "accumulate_grad_batches", "progress_bar_refresh_rate", "num_training_batches", "device")


def trainer_view(trainer):
    """Plain values and object identities of what a sweep must not change."""
    return {
        "fields": {name: copy.deepcopy(getattr(trainer, name)) for name in TRAINER_FIELDS},
        "accumulation_schedule": dict(trainer.accumulation_schedule),
        "callbacks": [id(cb) for cb in trainer.callbacks],
        "callbacks_list": id(trainer.callbacks),
        "logger": id(trainer.logger),
        "model": id(trainer.model),
        "optimizers": [id(opt) for opt in trainer.optimizers],
        "lr_schedulers": [id(cfg["scheduler"]) for cfg in trainer.lr_schedulers],
        "train_dataloader": id(trainer.train_dataloader),
        "metrics": copy.deepcopy([trainer.callback_metrics, trainer.progress_bar_metrics, trainer.logged_metrics]),
        "metric_dicts": [id(trainer.callback_metrics), id(trainer.progress_bar_metrics), id(trainer.logged_metrics)],
    }


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------ upstream #2814 regression
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("model_cls", [SetupStepRecorder, SetupOnlyStepRecorder])
def test_setup_built_layers_are_the_ones_the_sweep_trains(tmp_path, device, model_cls):
    torch.manual_seed(0)
    model = model_cls(batch_size=64)
    before = state_copy(model)
    finder = make_trainer(tmp_path, device).lr_find(model, min_lr=1e-2, max_lr=3.0, num_training=40,
                                                    early_stop_threshold=None)
    raw = finder.results["loss_raw"]
    assert len(raw) == 40
    assert min(raw) < 0.7 * raw[0]
    assert len(model.steps) == 40
    assert all(live for _, live in model.steps)
    assert [lrs[0] for lrs, _ in model.steps] == finder.results["lr"]
    assert finder.results["lr"][0] == pytest.approx(1e-2, rel=1e-9)
    # Weights the model had before are put back; layers that only setup() made get their untrained state.
    assert_same_state(state_copy(model), before if before else model.first_step_state)
    assert model.device.type == "cpu"


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_raw_losses_equal_a_hand_written_loop(tmp_path, device, optimizer):
    torch.manual_seed(0)
    model = TinyModel(optimizer=optimizer)
    reference = copy.deepcopy(model)
    batches = list(model.train_dataloader())
    max_lr = 0.3 if optimizer == "sgd" else 0.03
    finder = make_trainer(tmp_path, device).lr_find(model, min_lr=1e-3, max_lr=max_lr, num_training=20,
                                                    early_stop_threshold=None)
    assert len(finder.results["lr"]) == 20  # 2.5 epochs of 8 batches
    expected, _ = hand_sweep(reference, finder.results["lr"], batches, optimizer=optimizer, device=device)
    np.testing.assert_allclose(finder.results["loss_raw"], expected, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------- lr endpoints
def test_exponential_sweep_hits_both_ends_with_a_constant_ratio(tmp_path):
    torch.manual_seed(0)
    finder = make_trainer(tmp_path).lr_find(TinyModel(), min_lr=1e-5, max_lr=0.5, num_training=30,
                                            early_stop_threshold=None)
    lrs = np.array(finder.results["lr"])
    assert lrs.size == 30
    assert finder.stop_reason == "completed"
    assert lrs[0] == pytest.approx(1e-5, rel=1e-9)
    assert lrs[-1] == pytest.approx(0.5, rel=1e-9)
    ratios = lrs[1:] / lrs[:-1]
    np.testing.assert_allclose(ratios, (0.5 / 1e-5) ** (1 / 29), rtol=1e-9)
    assert len(finder.results["loss"]) == len(finder.results["loss_raw"]) == 30
    np.testing.assert_allclose(finder.results["loss"], smoothed_losses(finder.results["loss_raw"]), rtol=1e-12)


@pytest.mark.parametrize("min_lr", [0.0, 0.01])
def test_linear_sweep_is_evenly_spaced(tmp_path, min_lr):
    torch.manual_seed(0)
    finder = make_trainer(tmp_path).lr_find(TinyModel(), min_lr=min_lr, max_lr=0.3, num_training=25,
                                            mode="linear", early_stop_threshold=None)
    lrs = np.array(finder.results["lr"])
    assert lrs.size == 25
    assert lrs[0] == pytest.approx(min_lr, rel=1e-9, abs=1e-15)
    assert lrs[-1] == pytest.approx(0.3, rel=1e-9)
    np.testing.assert_allclose(np.diff(lrs), (0.3 - min_lr) / 24, rtol=1e-9)


def run_scheduler(cls, base_lrs, end_lr, num_iter, steps):
    params = [nn.Parameter(torch.zeros(1)) for _ in base_lrs]
    opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, base_lrs)])
    sched = cls(opt, end_lr=end_lr, num_iter=num_iter)
    seen = []
    for _ in range(steps):
        seen.append([group["lr"] for group in opt.param_groups])
        opt.step()
        sched.step()
    return np.array(seen), sched


def test_exponential_scheduler_standalone():
    seen, sched = run_scheduler(_ExponentialLR, [1e-4, 1e-3], end_lr=1e-1, num_iter=7, steps=10)
    first = seen[:, 0]
    assert first[0] == pytest.approx(1e-4, rel=1e-12)
    assert first[6] == pytest.approx(1e-1, rel=1e-12)
    np.testing.assert_allclose(first[1:7] / first[:6], 10 ** 0.5, rtol=1e-12)
    np.testing.assert_allclose(first[6:], 1e-1, rtol=1e-12)  # stays at the end
    np.testing.assert_allclose(seen[:, 1] / seen[:, 0], 10.0, rtol=1e-12)
    assert sched.get_last_lr()[0] == pytest.approx(1e-1, rel=1e-12)


def test_linear_scheduler_standalone():
    seen, _ = run_scheduler(_LinearLR, [0.1, 0.2], end_lr=1.0, num_iter=10, steps=12)
    first = seen[:, 0]
    np.testing.assert_allclose(first[:10], np.linspace(0.1, 1.0, 10), rtol=1e-12)
    np.testing.assert_allclose(first[10:], 1.0, rtol=1e-12)
    np.testing.assert_allclose(seen[:, 1] / seen[:, 0], 2.0, rtol=1e-12)


@pytest.mark.parametrize("cls", [_ExponentialLR, _LinearLR])
def test_sweep_step_keeps_torch_scheduler_state_and_warns_nothing(cls, recwarn):
    opt = torch.optim.SGD([{"params": [nn.Parameter(torch.zeros(1))], "lr": 1e-2},
                           {"params": [nn.Parameter(torch.zeros(1))], "lr": torch.tensor(1e-1)}])
    sched = cls(opt, end_lr=1.0, num_iter=5)
    assert "step" not in vars(opt)  # torch's call-order wrapper is gone: no Python call per step
    lr_tensor = opt.param_groups[1]["lr"]
    used = []
    for i in range(6):
        opt.step()
        sched.step()
        used.append(sched.stepped_lr)
    assert not [w for w in recwarn if issubclass(w.category, UserWarning)]
    assert opt.param_groups[1]["lr"] is lr_tensor  # a tensor lr is filled in place, never replaced
    assert float(lr_tensor) == pytest.approx(10.0, rel=1e-6)  # the group ratio kept (1e-1 / 1e-2)
    assert sched.last_epoch == 6 and sched._step_count == 7
    assert sched.get_last_lr()[0] == pytest.approx(1.0, rel=1e-12)
    assert used[0] == pytest.approx(1e-2, rel=1e-12) and used[4] == pytest.approx(1.0, rel=1e-12)
    fresh = cls(torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=1e-2), end_lr=1.0, num_iter=5)
    fresh.load_state_dict(copy.deepcopy(sched.state_dict()))
    assert fresh.last_epoch == 6 and fresh.get_lr()[0] == pytest.approx(1.0, rel=1e-12)


def test_lr_find_records_the_sweeps_lr_when_optimizer_step_scales_it(tmp_path):
    """A 0.8.5-docs-style warm-up in `optimizer_step` scales the lr the optimizer uses; the recorded
    lrs stay the sweep's, so `suggestion()` is in the terms `hparams.lr` is set in."""

    class WarmUp(TinyModel):
        def optimizer_step(self, epoch, batch_idx, optimizer, optimizer_idx, second_order_closure=None,
                           on_tpu=False, using_native_amp=False, using_lbfgs=False):
            for group in optimizer.param_groups:
                group["lr"] = group["lr"] * 0.5
            optimizer.step()

    torch.manual_seed(0)
    finder = make_trainer(tmp_path, max_epochs=5).lr_find(WarmUp(n=64), min_lr=1e-4, max_lr=1e-1, num_training=5,
                                                          early_stop_threshold=None)
    np.testing.assert_allclose(finder.results["lr"], np.geomspace(1e-4, 1e-1, 5), rtol=1e-9)


def test_lr_find_with_a_tensor_lr_records_each_steps_lr_as_a_float(tmp_path):
    class TensorLR(TinyModel):
        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=torch.tensor(0.01))

    torch.manual_seed(0)
    finder = make_trainer(tmp_path, max_epochs=5).lr_find(TensorLR(n=64), min_lr=1e-4, max_lr=1e-1, num_training=5,
                                                          early_stop_threshold=None)
    assert all(type(lr) is float for lr in finder.results["lr"])
    np.testing.assert_allclose(finder.results["lr"], np.geomspace(1e-4, 1e-1, 5), rtol=1e-6)


def test_sweep_scheduler_undoes_only_its_own_optimizer_step_wrapper():
    import types

    calls = []
    param = nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=0.1)
    original = opt.step
    opt.step = types.MethodType(lambda self, *a, **k: (calls.append("patched"), original(*a, **k))[1], opt)
    patched = opt.step
    _ExponentialLR(opt, end_lr=1e-2, num_iter=3)
    assert opt.step is patched  # the user's instance patch, not torch's wrapper and not the class's step
    param.grad = torch.ones(1)
    opt.step()
    assert calls == ["patched"]

    other = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    torch.optim.lr_scheduler.StepLR(other, step_size=1)  # an earlier scheduler's wrapper stays
    wrapper = other.step
    _LinearLR(other, end_lr=1.0, num_iter=3)
    assert other.step is wrapper and getattr(wrapper, "_wrapped_by_lr_sched", False)


def test_schedulers_reject_bad_arguments():
    opt = torch.optim.SGD([nn.Parameter(torch.zeros(1))], lr=0.1)
    with pytest.raises(ValueError, match="`num_iter`"):
        _ExponentialLR(opt, end_lr=1.0, num_iter=1)
    with pytest.raises(ValueError, match="`end_lr`"):
        _ExponentialLR(opt, end_lr=0.0, num_iter=5)
    with pytest.raises(ValueError, match="`end_lr`"):
        _LinearLR(opt, end_lr=float("nan"), num_iter=5)


@pytest.mark.parametrize("cls, expected", [
    (_ExponentialLR, lambda i: 1e-3 * 1e3 ** (i / 7)),
    (_LinearLR, lambda i: 1e-3 + (1.0 - 1e-3) * i / 7),
])
def test_sweep_scheduler_as_an_ordinary_step_scheduler_in_fit(tmp_path, cls, expected):
    torch.manual_seed(0)
    model = SchedulerModel(cls, end_lr=1.0, num_iter=8, lr=1e-3)
    make_trainer(tmp_path, max_epochs=1).fit(model)
    used = [lrs[0] for lrs, _ in model.steps]
    np.testing.assert_allclose(used, [expected(i) for i in range(8)], rtol=1e-9)


def test_the_sweep_replaces_the_models_own_scheduler(tmp_path):
    torch.manual_seed(0)
    model = HalvingModel()
    finder = make_trainer(tmp_path).lr_find(model, min_lr=1e-4, max_lr=1e-1, num_training=10,
                                            early_stop_threshold=None)
    np.testing.assert_allclose(finder.results["lr"], np.geomspace(1e-4, 1e-1, 10), rtol=1e-9)
    assert [lrs[0] for lrs, _ in model.steps] == finder.results["lr"]


def test_a_first_group_lr_of_zero_raises(tmp_path):
    with pytest.raises(MisconfigurationException, match="first group's lr must be > 0; got 0.0"):
        make_trainer(tmp_path).lr_find(TinyModel(lr=0.0))


def test_a_dataloader_given_to_lr_find_is_the_one_swept(tmp_path):
    torch.manual_seed(0)
    model = OwnLoaderRefused()
    loader = DataLoader(make_data(20, seed=5), batch_size=5)
    trainer = make_trainer(tmp_path)
    finder = trainer.lr_find(model, train_dataloader=loader, num_training=6, early_stop_threshold=None)
    assert len(finder.results["lr"]) == 6  # 4 batches an epoch: the sweep went on into a second epoch
    expected, _ = hand_sweep(copy.deepcopy(model), [0.0], list(loader))  # a step at lr 0: the first loss only
    assert model.step_losses[0] == pytest.approx(expected[0], rel=1e-6)
    assert trainer.train_dataloader is None


# ------------------------------------------------------------------ restore
@pytest.mark.parametrize("device", DEVICES)
def test_fit_after_lr_find_is_bitwise_fit_without_it(tmp_path, device):
    def build():
        torch.manual_seed(0)
        return TinyModel(dropout=0.3, shuffle=True, optimizer="adam")

    swept, plain = build(), build()
    assert_same_state(state_copy(swept), state_copy(plain))
    trainer = make_trainer(tmp_path / "a", device, max_epochs=2)
    seed_everything(123)
    before, rng_before = state_copy(swept), rng_copy()
    trainer.lr_find(swept, min_lr=1e-4, max_lr=0.1, num_training=12, early_stop_threshold=None)
    assert_same_state(state_copy(swept), before)
    assert_same_rng(rng_copy(), rng_before)
    assert swept.training
    trainer.fit(swept)

    seed_everything(123)
    make_trainer(tmp_path / "b", device, max_epochs=2).fit(plain)
    after = state_copy(plain)
    assert any(not torch.equal(after[k], before[k]) for k in before)  # the fit trained
    assert_same_state(state_copy(swept), after)


def test_lr_find_leaves_the_trainer_as_it_was(tmp_path):
    torch.manual_seed(0)
    logger, callbacks = RecordingLogger(), [CountingCallback(), CountingCallback()]
    trainer = make_trainer(tmp_path, logger=logger, callbacks=callbacks, max_epochs=1, min_epochs=1, max_steps=50,
                           num_sanity_val_steps=2, limit_val_batches=0.5, accumulate_grad_batches={0: 1, 5: 2},
                           terminate_on_nan=True)
    model = TinyModel(dropout=0.2, shuffle=True)
    trainer.fit(model)
    assert trainer.global_step == 8
    model.eval()  # the sweep trains in train mode, and gives the model back as it found it
    view, state = trainer_view(trainer), state_copy(model)
    logger_calls, hook_calls = list(logger.calls), [cb.calls for cb in callbacks]
    rng_before = rng_copy()
    finder = trainer.lr_find(model, min_lr=1e-4, max_lr=0.5, num_training=20, early_stop_threshold=None)
    assert len(finder.results["lr"]) == 20
    assert trainer_view(trainer) == view
    assert trainer.callbacks[0] is callbacks[0] and trainer.callbacks[1] is callbacks[1]
    assert trainer.logger is logger
    assert logger.calls == logger_calls  # the sweep logged nothing
    assert [cb.calls for cb in callbacks] == hook_calls  # and ran no user callback
    assert_same_state(state_copy(model), state)
    assert_same_rng(rng_copy(), rng_before)
    assert model.trainer is trainer
    assert not any(m.training for m in model.modules())


def test_lr_find_keeps_the_running_loss(tmp_path):
    torch.manual_seed(0)
    model = TinyModel()
    trainer = make_trainer(tmp_path, progress_bar_refresh_rate=1)  # the running loss is kept for a progress bar
    trainer.fit(model)
    running = trainer.running_loss
    assert running is not None
    trainer.lr_find(model, min_lr=1e-3, max_lr=100.0, num_training=30)  # diverging losses
    assert trainer.running_loss == running


@pytest.mark.parametrize("fail_at", [1, 5])
def test_an_exception_in_the_sweep_propagates_and_everything_is_restored(tmp_path, fail_at):
    torch.manual_seed(0)
    callbacks = [CountingCallback()]
    trainer = make_trainer(tmp_path, callbacks=callbacks, max_epochs=3, max_steps=17)
    model = FailingModel(fail_at=fail_at, dropout=0.2, shuffle=True)
    view, state, rng_before = trainer_view(trainer), state_copy(model), rng_copy()
    with pytest.raises(RuntimeError, match=f"injected failure at call {fail_at}"):
        trainer.lr_find(model, min_lr=1e-3, max_lr=1.0, num_training=20)
    assert model.calls == fail_at  # the sweep ran up to the failing step
    assert_same_state(state_copy(model), state)
    assert all(p.grad is None for p in model.parameters())
    assert model.training
    assert trainer_view(trainer) == view
    assert trainer.callbacks[0] is callbacks[0] and callbacks[0].calls == 0
    assert_same_rng(rng_copy(), rng_before)
    assert model.trainer is None


def test_an_optimizer_the_model_keeps_is_restored_in_place(tmp_path):
    torch.manual_seed(0)
    model = CachedOptimizerModel()
    make_trainer(tmp_path).fit(model)
    optimizer = model._optimizer
    before = copy.deepcopy(optimizer.state_dict())
    assert before["state"]  # Adam moments from the fit
    model.steps.clear()
    make_trainer(tmp_path).lr_find(model, min_lr=1e-5, max_lr=1e-1, num_training=10, early_stop_threshold=None)
    assert model._optimizer is optimizer
    assert len(model.steps) == 10 and model.steps[0][0][0] == pytest.approx(1e-5, rel=1e-9)  # it was swept
    after = optimizer.state_dict()
    assert after["param_groups"] == before["param_groups"]
    assert [group.keys() for group in optimizer.param_groups] == [group.keys() for group in before["param_groups"]]
    assert after["state"].keys() == before["state"].keys()
    for key, value in before["state"].items():
        for name, tensor in value.items():
            assert torch.equal(after["state"][key][name], tensor), (key, name)


def test_an_interrupted_sweep_is_restored_and_reraised(tmp_path):
    torch.manual_seed(0)
    model = FailingModel(fail_at=4, error=KeyboardInterrupt)
    trainer = make_trainer(tmp_path, max_epochs=2)
    view, state, rng_before = trainer_view(trainer), state_copy(model), rng_copy()
    with pytest.warns(UserWarning, match="KeyboardInterrupt"), pytest.raises(KeyboardInterrupt, match="restored"):
        trainer.lr_find(model, num_training=20)
    assert model.calls == 4
    assert_same_state(state_copy(model), state)
    assert trainer_view(trainer) == view
    assert_same_rng(rng_copy(), rng_before)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_rng_is_restored_when_the_sweep_initialises_cuda(tmp_path):
    # A fresh interpreter: CUDA must not be initialised before lr_find, as in a user's script.
    script = f"""
import torch
from pytorch_lightning import Trainer, seed_everything
from tests.helpers.models import TinyModel
seed_everything(3)
model = TinyModel(dropout=0.5)
assert not torch.cuda.is_initialized()
trainer = Trainer(default_root_dir={str(tmp_path)!r}, gpus=1, progress_bar_refresh_rate=0, weights_summary=None,
                  logger=False, checkpoint_callback=False)
trainer.lr_find(model, num_training=5, early_stop_threshold=None)
after = torch.cuda.get_rng_state()
seed_everything(3)
assert torch.equal(after, torch.cuda.get_rng_state()), "the sweep left the CUDA generator advanced"
"""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    result = subprocess.run([sys.executable, "-c", script], cwd=str(REPO), env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_model_with_two_optimizers_raises_and_is_restored(tmp_path):
    torch.manual_seed(0)
    model = TwoOptimizerModel()
    state = state_copy(model)
    trainer = make_trainer(tmp_path)
    with pytest.raises(MisconfigurationException, match="one optimizer.*returned 2"):
        trainer.lr_find(model)
    assert_same_state(state_copy(model), state)
    assert trainer.global_step == 0 and trainer.callbacks == []


def test_two_sweeps_in_a_row_are_identical(tmp_path):
    torch.manual_seed(0)
    model = TinyModel(dropout=0.3, shuffle=True)
    trainer = make_trainer(tmp_path)
    first = trainer.lr_find(model, min_lr=1e-4, max_lr=1.0, num_training=30)
    second = trainer.lr_find(model, min_lr=1e-4, max_lr=1.0, num_training=30)
    assert first.results == second.results
    assert first.stop_reason == second.stop_reason
    assert first.suggestion() == second.suggestion()


@pytest.mark.parametrize("fit_kwargs", [{"max_epochs": 1}, {"max_epochs": 5, "max_steps": 3}])
def test_lr_find_after_fit_records_a_full_curve(tmp_path, fit_kwargs):
    torch.manual_seed(0)
    model = TinyModel()
    trainer = make_trainer(tmp_path, **fit_kwargs)
    trainer.fit(model)
    assert trainer.global_step > 0
    finder = trainer.lr_find(model, min_lr=1e-4, max_lr=0.5, num_training=30, early_stop_threshold=None)
    assert len(finder.results["lr"]) == 30
    assert finder.stop_reason == "completed"
    assert finder.results["lr"][0] == pytest.approx(1e-4, rel=1e-9)


def test_no_files_are_left_behind(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    torch.manual_seed(0)
    # The defaults: a TensorBoard logger, a checkpoint callback, a progress bar and a weights summary.
    trainer = Trainer(default_root_dir=str(root), max_epochs=1)
    before, before_root = sorted(os.listdir(tmp_path)), sorted(os.listdir(root))  # tmp_path is also the cwd
    finder = trainer.lr_find(TinyModel(), min_lr=1e-4, max_lr=0.5, num_training=20)
    assert finder.results["lr"]
    assert sorted(os.listdir(tmp_path)) == before
    assert sorted(os.listdir(root)) == before_root


# ------------------------------------------------------------- accumulation
def test_accumulation_consumes_two_batches_per_step_and_averages_them(tmp_path):
    torch.manual_seed(0)
    model = StepRecorder()
    reference = copy.deepcopy(model)
    batches = list(model.train_dataloader())
    trainer = make_trainer(tmp_path, accumulate_grad_batches=2)
    finder = trainer.lr_find(model, min_lr=1e-3, max_lr=0.3, num_training=6, early_stop_threshold=None)
    raw = finder.results["loss_raw"]
    assert len(raw) == 6
    assert len(model.step_losses) == 12
    pairs = np.array(model.step_losses).reshape(6, 2).mean(axis=1)
    np.testing.assert_allclose(raw, pairs, rtol=1e-6)
    expected, consumed = hand_sweep(reference, finder.results["lr"], batches, accumulate=2)
    assert consumed == 12
    np.testing.assert_allclose(raw, expected, rtol=1e-5, atol=1e-5)
    assert trainer.accumulate_grad_batches == 2 and trainer.accumulation_schedule == {0: 2}
    assert finder._total_batch_idx == 12 - 1  # the last batch swept, as 0.8.x reported it


def test_deprecated_num_accumulation_steps_still_accumulates(tmp_path):
    torch.manual_seed(0)
    model = StepRecorder()
    trainer = make_trainer(tmp_path)
    with pytest.warns(DeprecationWarning, match="num_accumulation_steps"):
        finder = trainer.lr_find(model, num_training=4, num_accumulation_steps=4, early_stop_threshold=None)
    assert len(finder.results["lr"]) == 4
    assert len(model.step_losses) == 16
    assert trainer.accumulation_schedule == {0: 1}


# ---------------------------------------------------------- parameter groups
def test_parameter_group_ratios_are_kept(tmp_path):
    torch.manual_seed(0)
    model = TwoGroupModel()
    finder = make_trainer(tmp_path).lr_find(model, min_lr=1e-5, max_lr=0.1, num_training=15,
                                            early_stop_threshold=None)
    assert len(model.steps) == 15
    for lrs, _ in model.steps:
        assert lrs[1] == pytest.approx(10 * lrs[0], rel=1e-9)
    assert finder.results["lr"] == [lrs[0] for lrs, _ in model.steps]
    assert finder.results["lr"][0] == pytest.approx(1e-5, rel=1e-9)
    assert finder.results["lr"][-1] == pytest.approx(0.1, rel=1e-9)


# ------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("kwargs, name", [
    ({"mode": "foo"}, "mode"),
    ({"min_lr": 0}, "min_lr"),
    ({"min_lr": -1e-3, "mode": "exponential"}, "min_lr"),
    ({"min_lr": 0.1, "max_lr": 0.1}, "min_lr"),
    ({"min_lr": 1.0, "max_lr": 0.1}, "max_lr"),
    ({"min_lr": float("nan")}, "min_lr"),
    ({"max_lr": float("inf")}, "max_lr"),
    ({"num_training": 1}, "num_training"),
    ({"num_training": 10.0}, "num_training"),
    ({"early_stop_threshold": 0.5}, "early_stop_threshold"),
    ({"early_stop_threshold": 1.0}, "early_stop_threshold"),
    ({"num_accumulation_steps": 0}, "num_accumulation_steps"),
])
def test_bad_arguments_raise_naming_them(tmp_path, kwargs, name):
    model = TinyModel()
    state = state_copy(model)
    trainer = make_trainer(tmp_path)
    with pytest.raises(MisconfigurationException, match=f"`{name}`"):
        trainer.lr_find(model, **kwargs)
    assert_same_state(state_copy(model), state)
    assert trainer.model is None


def test_linear_mode_accepts_min_lr_zero_but_not_max_below_it(tmp_path):
    with pytest.raises(MisconfigurationException, match="`min_lr` must be below `max_lr`"):
        make_trainer(tmp_path).lr_find(TinyModel(), min_lr=0.0, max_lr=-1.0, mode="linear")


# ---------------------------------------------------------------- early stop
def test_divergence_stops_early(tmp_path):
    torch.manual_seed(0)
    finder = make_trainer(tmp_path).lr_find(TinyModel(), min_lr=1e-3, max_lr=100.0, num_training=100)
    points = len(finder.results["lr"])
    assert points < 100
    assert "diverged" in finder.stop_reason and f"step {points}" in finder.stop_reason
    smoothed = finder.results["loss"]
    assert smoothed[-1] > 4 * min(smoothed[:-1])
    assert all(s <= 4 * min(smoothed[:i]) for i, s in enumerate(smoothed[1:-1], start=1))


@pytest.mark.parametrize("threshold", [4.0, None])
def test_a_nan_loss_stops_at_once(tmp_path, threshold):
    torch.manual_seed(0)
    model = NaNModel(nan_at=7)
    finder = make_trainer(tmp_path).lr_find(model, min_lr=1e-4, max_lr=1e-2, num_training=50,
                                            early_stop_threshold=threshold)
    assert len(finder.results["lr"]) == 7
    assert model.calls == 7
    assert "non-finite" in finder.stop_reason
    assert math.isnan(finder.results["loss_raw"][-1])
    assert all(math.isfinite(v) for v in finder.results["loss_raw"][:-1])
    assert all(torch.isfinite(p).all() for p in model.parameters())


def test_without_a_threshold_a_diverging_sweep_runs_until_non_finite_or_done(tmp_path):
    torch.manual_seed(0)
    finder = make_trainer(tmp_path).lr_find(TinyModel(), min_lr=1e-3, max_lr=100.0, num_training=60,
                                            early_stop_threshold=None)
    assert "diverged" not in finder.stop_reason
    points = len(finder.results["lr"])
    assert points == 60 or (finder.stop_reason.startswith("non-finite") and
                            not math.isfinite(finder.results["loss_raw"][-1]))


# -------------------------------------------------------------- auto_lr_find
@pytest.mark.parametrize("auto_lr_find, path", [
    (True, "lr"),
    (True, "learning_rate"),
    (True, "hparams.lr"),
    (True, "hparams.learning_rate"),
    ("my_lr", "my_lr"),
    ("hparams.my_lr", "hparams.my_lr"),
    ("config.lr", "config.lr"),
])
def test_auto_lr_find_writes_the_suggestion(tmp_path, auto_lr_find, path):
    seed_everything(0)
    model = FieldModel(path)
    twin = copy.deepcopy(model)
    trainer = make_trainer(tmp_path / "auto", auto_lr_find=auto_lr_find)
    trainer.fit(model)
    seed_everything(0)
    expected = make_trainer(tmp_path / "ref").lr_find(twin).suggestion()
    assert expected is not None and expected != FieldModel.START_LR
    assert model.field() == expected
    assert trainer.optimizers[0].param_groups[0]["lr"] == expected  # fit trained with it
    assert trainer.auto_lr_find == auto_lr_find


def test_auto_lr_find_without_a_field_names_the_fields_tried(tmp_path):
    trainer = make_trainer(tmp_path, auto_lr_find=True)
    match = "tried model.lr, model.learning_rate, model.hparams.lr, model.hparams.learning_rate"
    with pytest.raises(MisconfigurationException, match=match):
        trainer.fit(FieldModel(None))


def test_auto_lr_find_with_a_missing_custom_field_names_it(tmp_path):
    trainer = make_trainer(tmp_path, auto_lr_find="config.base_lr")
    with pytest.raises(MisconfigurationException, match="no field 'config.base_lr'"):
        trainer.fit(FieldModel("config.lr"))


def test_a_named_field_is_also_found_in_the_hparams(tmp_path):
    """``auto_lr_find='my_lr'`` with ``my_lr`` only in ``model.hparams`` (the 0.8.x tests do this)."""
    seed_everything(0)
    model = FieldModel("hparams.my_lr")
    trainer = make_trainer(tmp_path, auto_lr_find="my_lr")
    trainer.fit(model)
    assert model.hparams.my_lr != FieldModel.START_LR
    assert trainer.optimizers[0].param_groups[0]["lr"] == model.hparams.my_lr


def test_tuner_spelling_and_tune_with_finder_arguments(tmp_path):
    seed_everything(0)
    model = FieldModel("lr")
    trainer = make_trainer(tmp_path, auto_lr_find=True)
    finder = trainer.tuner.lr_find(model, num_training=5)
    assert len(finder.results["lr"]) == 5 and model.lr == FieldModel.START_LR  # lr_find alone writes nothing
    finder = trainer.tune(model, lr_find_kwargs={"early_stop_threshold": None, "num_training": 30, "max_lr": 100.0})
    assert len(finder.results["lr"]) == 30  # no early stop, although the lr goes far too high
    assert model.lr == finder.suggestion() != FieldModel.START_LR
    tuned = model.lr
    trainer.fit(model)  # `tune` already ran the finder for this model: fit does not run it again
    assert model.lr == tuned
    with pytest.raises(MisconfigurationException, match="update_attr"):
        trainer.tune(model, lr_find_kwargs={"update_attr": False})
    assert make_trainer(tmp_path).tune(model) is None  # auto_lr_find off: nothing to tune


def test_update_attr_writes_the_suggestion(tmp_path):
    torch.manual_seed(0)
    model = TinyModel()
    finder = make_trainer(tmp_path).lr_find(model, update_attr=True)
    assert model.hparams.lr == finder.suggestion() != 0.1


# ---------------------------------------------------------------------- plot
@pytest.fixture(scope="module")
def swept_finder(tmp_path_factory):
    torch.manual_seed(0)
    trainer = make_trainer(tmp_path_factory.mktemp("plot"))
    return trainer.lr_find(TinyModel(), min_lr=1e-4, max_lr=1.0, num_training=40, early_stop_threshold=None)


def test_plot_returns_a_figure(swept_finder):
    fig = swept_finder.plot()
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_xdata(), swept_finder.results["lr"])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), swept_finder.results["loss_raw"])
    assert len(ax.lines) == 2  # raw and smoothed, no marker


def test_plot_draws_on_the_given_axes(swept_finder):
    fig, (left, right) = plt.subplots(1, 2)
    out = swept_finder.plot(ax=right)
    assert out is fig is right.figure
    assert len(right.lines) == 2 and len(left.lines) == 0


def test_plot_marks_the_suggestion(swept_finder):
    fig = swept_finder.plot(suggest=True)
    markers = [line for line in fig.axes[0].lines if line.get_marker() == "o"]
    assert len(markers) == 1
    assert markers[0].get_xdata()[0] == swept_finder.suggestion()


def test_plot_frames_the_curve_not_the_spike_and_marks_on_the_smoothed_line():
    lrs = list(np.logspace(-4, 0, 60))
    raw = [2.0 - 1.5 * i / 40 if i < 40 else 0.5 + (i - 40) * 0.05 for i in range(60)]
    raw[45] = 500.0  # one divergence spike
    finder = _LRFinder("exponential", lrs[0], lrs[-1], 60)
    finder.results = {"lr": lrs, "loss": smoothed_losses(raw), "loss_raw": raw}
    fig = finder.plot(suggest=True)
    ax = fig.axes[0]
    low, high = ax.get_ylim()
    assert high < 100 and low < min(raw) and high > raw[0]
    (marker,) = [line for line in ax.lines if line.get_marker() == "o"]
    (smooth,) = [line for line in ax.lines if line.get_label().startswith("loss (moving")]
    x = marker.get_xdata()[0]
    position = list(smooth.get_xdata()).index(x)
    assert marker.get_ydata()[0] == smooth.get_ydata()[position]


def test_plot_marks_a_suggestion_at_index_zero():
    finder = _LRFinder("exponential", 1e-3, 1e-2, 2)
    finder.results = {"lr": [1e-3, 1e-2], "loss": [1.0, 0.5], "loss_raw": [1.0, 0.5]}
    with pytest.warns(UserWarning):
        assert finder.suggestion() == 1e-3  # index 0
    fig = finder.plot(suggest=True)
    markers = [line for line in fig.axes[0].lines if line.get_marker() == "o"]
    assert len(markers) == 1
    assert list(markers[0].get_xdata()) == [1e-3] and list(markers[0].get_ydata()) == [1.0]


def test_plot_in_linear_mode_and_without_points():
    finder = _LRFinder("linear", 0.0, 1.0, 5)
    finder.results = {"lr": [0.0, 0.25, 0.5, 0.75, 1.0], "loss": [1, 1, 1, 1, 1],
                      "loss_raw": [1.0, 0.8, 0.5, float("nan"), 2.0]}
    ax = finder.plot(suggest=True).axes[0]
    assert ax.get_xscale() == "linear"
    empty = _LRFinder("exponential", 1e-3, 1.0, 5)
    assert isinstance(empty.plot(suggest=True), Figure)


def test_no_suggestion_keeps_the_users_lr_and_warns(tmp_path):
    """A sweep with no usable point (NaN from the first step) never writes NaN or None into the model."""

    class Hopeless(TinyModel):
        lr = 0.123

        def training_step(self, batch, batch_idx):
            out = super().training_step(batch, batch_idx)
            out["loss"] = out["loss"] * float("nan")
            return out

    model = Hopeless()
    with pytest.warns(UserWarning) as record:
        finder = make_trainer(tmp_path).lr_find(model, update_attr=True)
    messages = [str(w.message) for w in record]
    assert any("only 0 finite point(s) were recorded" in m for m in messages)  # why there is none
    assert any("gave no suggestion; keeping model.lr" in m for m in messages)
    assert finder.stop_reason.startswith("non-finite") and len(finder.results["lr"]) == 1
    assert model.lr == 0.123


# ------------------------------------------------------- reading losses late
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("case", ["completed", "diverged", "non-finite"])
def test_reading_each_loss_one_step_late_gives_the_same_results(tmp_path, monkeypatch, device, case):
    """What a GPU sweep does to avoid a host sync per step, forced on (and off) so it runs anywhere."""
    from pytorch_lightning.trainer import lr_finder

    def sweep(lag):
        monkeypatch.setattr(lr_finder._SweepRecorder, "read_lag", lag)
        seed_everything(0)
        model = NaNModel(nan_at=9) if case == "non-finite" else TinyModel()
        kwargs = dict(min_lr=1e-3, max_lr=100.0 if case == "diverged" else 0.1, num_training=30,
                      early_stop_threshold=4.0 if case == "diverged" else None)
        finder = make_trainer(tmp_path / f"lag{lag}", device=device).lr_find(model, **kwargs)
        return finder, state_copy(model)

    (eager, eager_state), (late, late_state) = sweep(0), sweep(1)
    assert case in eager.stop_reason and eager.stop_reason == late.stop_reason
    assert late.results["lr"] == eager.results["lr"]
    np.testing.assert_array_equal(late.results["loss_raw"], eager.results["loss_raw"])
    assert late._total_batch_idx == eager._total_batch_idx
    assert_same_state(late_state, eager_state)
    if case == "completed":
        assert len(late.results["lr"]) == 30
    else:
        assert len(late.results["lr"]) < 30
