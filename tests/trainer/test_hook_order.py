"""Golden hook order: every model and callback hook of a small fit, compared with an explicit list.

The expected lists are written from the documented loop (the top docstring of
``trainer/trainer.py`` and the brief): model hooks run before the callback hooks of the same
name; ``cb.`` marks a callback hook. The helper functions below only spell out one batch, one
validation run and one epoch, so each expected list reads top to bottom like the loop.
"""
import pytest
import torch

from pytorch_lightning import Callback, Trainer
from tests.helpers.models import TinyModel

_MODEL_HOOKS = (
    "on_fit_start", "on_fit_end", "prepare_data", "setup", "teardown", "configure_optimizers",
    "train_dataloader", "val_dataloader", "test_dataloader",
    "on_train_start", "on_train_end", "on_epoch_start", "on_epoch_end", "on_batch_start", "on_batch_end",
    "on_validation_start", "on_validation_end", "on_test_start", "on_test_end",
    "training_step", "training_step_end", "training_epoch_end",
    "validation_step", "validation_step_end", "validation_epoch_end",
    "test_step", "test_step_end", "test_epoch_end",
    "backward", "on_after_backward", "optimizer_step", "on_before_zero_grad", "optimizer_zero_grad",
    "on_save_checkpoint", "on_load_checkpoint", "summarize",
)


def _recording_method(name):
    def method(self, *args, **kwargs):
        self.calls.append(name)
        return getattr(super(RecordingModel, self), name)(*args, **kwargs)

    method.__name__ = name
    return method


class RecordingModel(TinyModel):
    """TinyModel that appends the name of every hook it runs to ``self.calls``.

    The ``*_end`` step hooks are overridden (so the trainer calls them) and return what they get.
    """

    def __init__(self, calls, **kwargs):
        super().__init__(**kwargs)
        self.calls = calls

    def to(self, *args, **kwargs):
        self.calls.append("model.to")
        return super().to(*args, **kwargs)

    def setup(self, stage):
        self.calls.append(f"setup:{stage}")

    def teardown(self, stage):
        self.calls.append(f"teardown:{stage}")

    def training_step_end(self, output):
        self.calls.append("training_step_end")
        return output

    def validation_step_end(self, output):
        self.calls.append("validation_step_end")
        return output

    def test_step(self, batch, batch_idx):
        self.calls.append("test_step")  # TinyModel's own test_step would record a validation_step too
        x, y = batch
        return {"test_loss": torch.nn.functional.cross_entropy(self(x), y)}

    def test_step_end(self, output):
        self.calls.append("test_step_end")
        return output

    def training_epoch_end(self, outputs):
        self.calls.append("training_epoch_end")


for _name in _MODEL_HOOKS:
    if _name not in RecordingModel.__dict__:
        setattr(RecordingModel, _name, _recording_method(_name))


class RecordingCallback(Callback):
    """Appends ``cb.<hook>`` for every hook of :class:`Callback` that the trainer calls."""

    def __init__(self, calls):
        self.calls = calls


def _recording_callback_method(name):
    def method(self, *args, **kwargs):
        stage = f":{args[2]}" if name in ("setup", "teardown") else ""
        self.calls.append(f"cb.{name}{stage}")

    method.__name__ = name
    return method


for _name in [n for n in vars(Callback) if n.startswith("on_") or n in ("setup", "teardown")]:
    setattr(RecordingCallback, _name, _recording_callback_method(_name))


class StopAt(Callback):
    """Sets ``trainer.should_stop`` in hook ``hook`` of epoch ``epoch`` (batch ``batch`` when batch-level)."""

    def __init__(self, hook, epoch=0, batch=0):
        self.hook, self.epoch, self.batch = hook, epoch, batch

    def on_batch_end(self, trainer, pl_module):
        if self.hook == "on_batch_end" and trainer.current_epoch == self.epoch and trainer.batch_idx == self.batch:
            trainer.should_stop = True

    def on_epoch_end(self, trainer, pl_module):
        if self.hook == "on_epoch_end" and trainer.current_epoch == self.epoch:
            trainer.should_stop = True


# ------------------------------------------------------------------ expected pieces
def _init():
    return ["cb.on_init_start", "cb.on_init_end"]


def _fit_start():
    return ["on_fit_start", "cb.on_fit_start",
            "prepare_data",
            "setup:fit", "cb.setup:fit",
            "model.to",
            "configure_optimizers",
            "train_dataloader", "val_dataloader"]


def _validation():
    return ["on_validation_start", "cb.on_validation_start",
            "cb.on_validation_batch_start", "validation_step", "validation_step_end", "cb.on_validation_batch_end",
            "validation_epoch_end",
            "on_validation_end", "cb.on_validation_end"]


def _sanity_check():
    return ["cb.on_sanity_check_start"] + _validation() + ["cb.on_sanity_check_end"]


def _batch(step=True):
    hooks = ["on_batch_start", "cb.on_batch_start", "cb.on_train_batch_start",
             "training_step", "training_step_end", "backward", "on_after_backward"]
    if step:
        hooks += ["cb.on_before_optimizer_step", "optimizer_step", "on_before_zero_grad", "optimizer_zero_grad"]
    return hooks + ["on_batch_end", "cb.on_batch_end", "cb.on_train_batch_end"]


def _epoch(batches, with_val=True):
    hooks = ["on_epoch_start", "cb.on_epoch_start", "cb.on_train_epoch_start"]
    for step in batches:
        hooks += _batch(step)
    if with_val:  # the epoch's validation runs after its last batch, inside the batch loop
        hooks += _validation()
    return hooks + ["training_epoch_end", "on_epoch_end", "cb.on_epoch_end", "cb.on_train_epoch_end"]


def _fit_end():
    return ["on_train_end", "cb.on_train_end",
            "teardown:fit", "cb.teardown:fit",
            "on_fit_end", "cb.on_fit_end"]


def _run(tmp_path, extra_callbacks=(), **trainer_kwargs):
    torch.manual_seed(0)
    calls = []
    model = RecordingModel(calls)
    kwargs = dict(default_root_dir=tmp_path, max_epochs=2, limit_train_batches=2, limit_val_batches=1,
                  num_sanity_val_steps=1, progress_bar_refresh_rate=0, weights_summary=None, logger=False,
                  checkpoint_callback=False)
    kwargs.update(trainer_kwargs)
    trainer = Trainer(callbacks=[RecordingCallback(calls), *extra_callbacks], **kwargs)
    trainer.fit(model)
    return calls, trainer


# ------------------------------------------------------------------------ tests
def test_hook_order_with_validation(tmp_path):
    calls, _ = _run(tmp_path)
    expected = (_init() + _fit_start() + _sanity_check() + ["on_train_start", "cb.on_train_start"]
                + _epoch([True, True]) + _epoch([True, True]) + _fit_end())
    assert calls == expected


def test_hook_order_without_validation(tmp_path):
    calls, _ = _run(tmp_path, limit_val_batches=0)
    expected = (_init() + _fit_start() + ["on_train_start", "cb.on_train_start"]
                + _epoch([True, True], with_val=False) + _epoch([True, True], with_val=False) + _fit_end())
    assert calls == expected


def test_hook_order_no_sanity_check(tmp_path):
    calls, _ = _run(tmp_path, num_sanity_val_steps=0, max_epochs=1)
    expected = _init() + _fit_start() + ["on_train_start", "cb.on_train_start"] + _epoch([True, True]) + _fit_end()
    assert calls == expected


def test_hook_order_early_stop_at_epoch_end(tmp_path):
    calls, trainer = _run(tmp_path, extra_callbacks=[StopAt("on_epoch_end", epoch=0)], max_epochs=3)
    expected = (_init() + _fit_start() + _sanity_check() + ["on_train_start", "cb.on_train_start"]
                + _epoch([True, True]) + _fit_end())
    assert calls == expected
    assert trainer.current_epoch == 0


def test_hook_order_early_stop_mid_epoch(tmp_path):
    """A stop set in ``on_batch_end`` ends the epoch after that batch, before the epoch's validation point
    (the last batch); the epoch still closes with its epoch-end hooks."""
    calls, trainer = _run(tmp_path, extra_callbacks=[StopAt("on_batch_end", epoch=0, batch=0)], max_epochs=3)
    expected = (_init() + _fit_start() + _sanity_check() + ["on_train_start", "cb.on_train_start"]
                + _epoch([True], with_val=False) + _fit_end())
    assert calls == expected
    assert trainer.global_step == 1


def test_hook_order_accumulate_grad_batches(tmp_path):
    """Accumulating 2 over 3 batches: no step after batch 0, a step after batch 1 and after the last (partial) one."""
    calls, trainer = _run(tmp_path, accumulate_grad_batches=2, limit_train_batches=3)
    expected = (_init() + _fit_start() + _sanity_check() + ["on_train_start", "cb.on_train_start"]
                + _epoch([False, True, True]) + _epoch([False, True, True]) + _fit_end())
    assert calls == expected
    assert trainer.global_step == 4


def test_hook_order_validation_mid_epoch(tmp_path):
    """``val_check_interval=0.5`` validates after every one of the 2 batches, before ``training_epoch_end``."""
    calls, _ = _run(tmp_path, val_check_interval=0.5, max_epochs=1, num_sanity_val_steps=0)
    epoch = (["on_epoch_start", "cb.on_epoch_start", "cb.on_train_epoch_start"]
             + _batch() + _validation() + _batch() + _validation()
             + ["training_epoch_end", "on_epoch_end", "cb.on_epoch_end", "cb.on_train_epoch_end"])
    expected = _init() + _fit_start() + ["on_train_start", "cb.on_train_start"] + epoch + _fit_end()
    assert calls == expected


def test_hook_order_keyboard_interrupt(tmp_path):
    class Interrupt(Callback):
        def on_batch_end(self, trainer, pl_module):
            raise KeyboardInterrupt

    with pytest.warns(UserWarning, match="KeyboardInterrupt"):
        calls, trainer = _run(tmp_path, extra_callbacks=[Interrupt()], num_sanity_val_steps=0)
    batch = _batch()[:-1]  # the interrupt fires inside the callbacks' on_batch_end, after the recorder's
    expected = (_init() + _fit_start() + ["on_train_start", "cb.on_train_start"]
                + ["on_epoch_start", "cb.on_epoch_start", "cb.on_train_epoch_start"] + batch
                + ["cb.on_keyboard_interrupt"] + _fit_end())
    assert calls == expected
    assert trainer.interrupted


def test_hook_order_test(tmp_path):
    calls, trainer = _run(tmp_path, max_epochs=1, num_sanity_val_steps=0, limit_test_batches=1)
    del calls[:]
    trainer.test()
    expected = ["prepare_data", "setup:test", "cb.setup:test", "model.to", "test_dataloader",
                "on_test_start", "cb.on_test_start",
                "cb.on_test_batch_start", "test_step", "test_step_end", "cb.on_test_batch_end",
                "test_epoch_end", "on_test_end", "cb.on_test_end",
                "teardown:test", "cb.teardown:test"]
    assert calls == expected


def test_model_on_device_before_configure_optimizers(tmp_path):
    """``configure_optimizers`` sees the model after ``setup`` built it and after it was moved to the device."""
    seen = {}

    class Model(TinyModel):
        def setup(self, stage):
            self.extra = torch.nn.Linear(2, 2)

        def configure_optimizers(self):
            seen["params"] = [id(p) for p in self.parameters()]
            seen["device"] = self.device
            return super().configure_optimizers()

    model = Model()
    trainer = Trainer(default_root_dir=tmp_path, max_epochs=1, limit_train_batches=1, limit_val_batches=0,
                      progress_bar_refresh_rate=0, weights_summary=None, logger=False, checkpoint_callback=False)
    trainer.fit(model)
    assert seen["device"] == trainer.device
    assert id(model.extra.weight) in seen["params"]
    stepped = {id(p) for g in trainer.optimizers[0].param_groups for p in g["params"]}
    assert stepped == {id(p) for p in model.parameters()}
