"""Trainer arguments, run state (steps, epochs, stops), metrics plumbing, interrupts and determinism."""
import copy

import pytest
import torch
from torch import nn

from pytorch_lightning import Callback, Trainer, seed_everything
from pytorch_lightning.callbacks import EarlyStopping, ModelCheckpoint
from pytorch_lightning.callbacks.progress import ProgressBar
from pytorch_lightning.utilities.exceptions import MisconfigurationException
from tests.helpers.models import TinyModel, make_data


def _trainer(tmp_path, **kwargs):
    args = dict(default_root_dir=tmp_path, max_epochs=1, progress_bar_refresh_rate=0, weights_summary=None,
                logger=False, checkpoint_callback=False, num_sanity_val_steps=0)
    args.update(kwargs)
    return Trainer(**args)


def _state(model):
    return copy.deepcopy({k: v.detach().cpu() for k, v in model.state_dict().items()})


def _assert_same_state(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


class Counter(Callback):
    """Counts epochs, batches and optimizer steps, and the global_step at every epoch end."""

    def __init__(self):
        self.epochs = 0
        self.batches = 0
        self.optimizer_steps = 0
        self.steps_at_epoch_end = []

    def on_epoch_start(self, trainer, pl_module):
        self.epochs += 1

    def on_batch_start(self, trainer, pl_module):
        self.batches += 1

    def on_before_optimizer_step(self, trainer, pl_module, optimizer, optimizer_idx):
        self.optimizer_steps += 1

    def on_epoch_end(self, trainer, pl_module):
        self.steps_at_epoch_end.append(trainer.global_step)


# ---------------------------------------------------------------- argument checks
@pytest.mark.parametrize("name, value", [
    ("max_epochs", 0),
    ("min_epochs", -1),
    ("max_steps", 0),
    ("check_val_every_n_epoch", 0),
    ("num_sanity_val_steps", -2),
    ("precision", 8),
    ("weights_summary", "x"),
    ("accumulate_grad_batches", 0),
    ("accumulate_grad_batches", {1: 0}),
    ("gradient_clip_val", -1.0),
    ("progress_bar_refresh_rate", -1),
])
def test_bad_argument_raises_naming_it(tmp_path, name, value):
    with pytest.raises(MisconfigurationException, match=f"`{name}`"):
        _trainer(tmp_path, **{name: value})


@pytest.mark.parametrize("name, value", [
    ("limit_train_batches", 1.5),
    ("limit_val_batches", -1),
    ("limit_test_batches", "all"),
    ("val_check_interval", 1.5),
    ("val_check_interval", 0.0),
])
def test_bad_limit_raises_a_value_error_naming_it_when_fit_starts(tmp_path, name, value):
    """0.8.5 checked the batch limits in fit, with a ValueError; its tests rely on both."""
    trainer = _trainer(tmp_path, **{name: value})
    with pytest.raises(ValueError, match=f"`{name}`"):
        trainer.fit(TinyModel())
    assert trainer.global_step == 0


def test_limit_fraction_message_shows_the_interval(tmp_path):
    """The message should name the accepted interval as ``[0, 1]`` and echo the given value."""
    with pytest.raises(MisconfigurationException, match=r"`limit_train_batches`.*\[0, 1\].*1\.5"):
        _trainer(tmp_path, limit_train_batches=1.5).fit(TinyModel())


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-CUDA error")
@pytest.mark.parametrize("gpus", [1, "0", [0], -1])
def test_gpus_without_cuda_raises(tmp_path, gpus):
    with pytest.raises(MisconfigurationException, match="`gpus="):
        _trainer(tmp_path, gpus=gpus)


def test_val_check_interval_larger_than_the_epoch_raises(tmp_path):
    trainer = _trainer(tmp_path, val_check_interval=100, limit_train_batches=4)
    with pytest.raises(MisconfigurationException, match=r"`val_check_interval=100`.*\(4\)"):
        trainer.fit(TinyModel())


def test_unknown_argument_raises_type_error(tmp_path):
    with pytest.raises(TypeError, match="no_such_argument"):
        Trainer(default_root_dir=tmp_path, no_such_argument=1)


@pytest.mark.parametrize("old, new", [
    ("train_percent_check", "limit_train_batches"),
    ("val_percent_check", "limit_val_batches"),
    ("test_percent_check", "limit_test_batches"),
])
def test_deprecated_percent_checks_warn_and_map(tmp_path, old, new):
    with pytest.warns(DeprecationWarning, match=f"`{old}`.*`{new}`"):
        trainer = _trainer(tmp_path, **{old: 0.25})
    assert getattr(trainer, new) == 0.25


def test_deprecated_train_percent_check_limits_training(tmp_path):
    with pytest.warns(DeprecationWarning):
        trainer = _trainer(tmp_path, train_percent_check=0.25, limit_val_batches=0)
    counter = Counter()
    trainer.callbacks.append(counter)
    trainer.fit(TinyModel())
    assert trainer.num_training_batches == 2
    assert counter.batches == 2


# ------------------------------------------------------------------- run length
@pytest.mark.parametrize("limit, batches", [(0.25, 2), (0.5, 4), (3, 3), (1.0, 8), (100, 8)])
def test_limit_train_batches_fraction_and_count(tmp_path, limit, batches):
    counter = Counter()
    trainer = _trainer(tmp_path, limit_train_batches=limit, limit_val_batches=0, callbacks=[counter])
    trainer.fit(TinyModel())  # 64 samples, batches of 8 -> 8 batches
    assert trainer.num_training_batches == batches
    assert counter.batches == batches and trainer.global_step == batches


@pytest.mark.parametrize("limit, batches", [(1, 1), (0.5, 2), (1.0, 4)])
def test_limit_val_batches(tmp_path, limit, batches):
    seen = []

    class Model(TinyModel):
        def validation_step(self, batch, batch_idx):
            seen.append(batch_idx)
            return super().validation_step(batch, batch_idx)

    _trainer(tmp_path, limit_train_batches=1, limit_val_batches=limit).fit(Model())  # 32 samples -> 4 batches
    assert seen == list(range(batches))


@pytest.mark.parametrize("max_steps, epochs", [(5, 1), (8, 1), (10, 2)])
def test_max_steps_stops_at_exactly_max_steps(tmp_path, max_steps, epochs):
    counter = Counter()
    trainer = _trainer(tmp_path, max_epochs=10, max_steps=max_steps, limit_val_batches=0, callbacks=[counter])
    trainer.fit(TinyModel())
    assert trainer.global_step == max_steps
    assert counter.optimizer_steps == max_steps
    assert counter.epochs == epochs


def test_max_steps_with_accumulation(tmp_path):
    counter = Counter()
    trainer = _trainer(tmp_path, max_epochs=10, max_steps=3, accumulate_grad_batches=2, limit_val_batches=0,
                       callbacks=[counter])
    trainer.fit(TinyModel())
    assert trainer.global_step == 3
    assert counter.batches == 6


def test_min_epochs_keeps_training_despite_should_stop(tmp_path):
    class StopAlways(Callback):
        def on_epoch_end(self, trainer, pl_module):
            trainer.should_stop = True

    counter = Counter()
    trainer = _trainer(tmp_path, min_epochs=3, max_epochs=6, limit_train_batches=2, limit_val_batches=0,
                       callbacks=[StopAlways(), counter])
    trainer.fit(TinyModel())
    assert counter.epochs == 3
    assert trainer.global_step == 6


def test_should_stop_without_min_epochs_stops_after_the_epoch(tmp_path):
    class StopAtFirst(Callback):
        def on_epoch_end(self, trainer, pl_module):
            trainer.should_stop = True

    counter = Counter()
    trainer = _trainer(tmp_path, max_epochs=6, limit_train_batches=2, limit_val_batches=0,
                       callbacks=[StopAtFirst(), counter])
    trainer.fit(TinyModel())
    assert counter.epochs == 1


def test_early_stopping_callback_stops(tmp_path):
    class Flat(TinyModel):
        def validation_epoch_end(self, outputs):
            return {"val_loss": torch.tensor(1.0)}

    counter = Counter()
    trainer = _trainer(tmp_path, max_epochs=10, limit_train_batches=1, limit_val_batches=1,
                       early_stop_callback=EarlyStopping(patience=2), callbacks=[counter])
    trainer.fit(Flat())
    assert counter.epochs == 3  # epoch 0 sets the best score, epochs 1 and 2 do not improve it


# ----------------------------------------------------------------- global_step
class EpochEndModel(TinyModel):
    def training_epoch_end(self, outputs):
        self.epoch_outputs = len(outputs)
        return {"log": {"epoch_mean_loss": torch.stack([o["loss"] for o in outputs]).mean()}}


@pytest.mark.parametrize("model_cls", [TinyModel, EpochEndModel])
def test_global_step_counts_optimizer_steps_with_accumulation(tmp_path, model_cls):
    """5 batches, accumulating 2: steps after batches 2, 4 and the last partial window -> 3 per epoch."""
    counter = Counter()
    trainer = _trainer(tmp_path, max_epochs=2, accumulate_grad_batches=2, limit_val_batches=0, callbacks=[counter])
    torch.manual_seed(0)
    model = model_cls(n=40)
    trainer.fit(model)
    assert counter.steps_at_epoch_end == [3, 6]
    assert trainer.global_step == 6 == counter.optimizer_steps
    if model_cls is EpochEndModel:
        assert model.epoch_outputs == 5


def test_training_epoch_end_does_not_change_training(tmp_path):
    states, steps = [], []
    for cls in (TinyModel, EpochEndModel):
        torch.manual_seed(0)
        model = cls(n=40)
        trainer = _trainer(tmp_path, max_epochs=2, accumulate_grad_batches=2, limit_val_batches=0)
        trainer.fit(model)
        states.append(_state(model))
        steps.append(trainer.global_step)
    assert steps[0] == steps[1] == 6
    _assert_same_state(*states)


def test_training_epoch_end_metrics_reach_callback_metrics(tmp_path):
    trainer = _trainer(tmp_path, limit_train_batches=2, limit_val_batches=0)
    trainer.fit(EpochEndModel())
    assert "epoch_mean_loss" in trainer.callback_metrics
    assert "epoch_mean_loss" in trainer.logged_metrics


# ------------------------------------------------------------ fit / test return
def test_fit_returns_one(tmp_path):
    assert _trainer(tmp_path, limit_train_batches=1, limit_val_batches=1).fit(TinyModel()) == 1


def test_test_returns_one_dict_of_metrics(tmp_path):
    torch.manual_seed(0)
    model = TinyModel()
    trainer = _trainer(tmp_path, limit_train_batches=2, limit_val_batches=0)
    trainer.fit(model)
    results = trainer.test()
    assert isinstance(results, list) and len(results) == 1
    (result,) = results
    assert set(result) == {"test_loss"}
    with torch.no_grad():
        expected = torch.stack([nn.functional.cross_entropy(model(x), y) for x, y in model.test_dataloader()]).mean()
    assert float(result["test_loss"]) == pytest.approx(expected.item(), abs=1e-6)


def test_test_with_a_model_without_fit(tmp_path):
    results = _trainer(tmp_path).test(TinyModel())
    assert len(results) == 1 and "test_loss" in results[0]


def test_test_without_model_or_fit_raises(tmp_path):
    with pytest.raises(MisconfigurationException, match="`test\\(\\)` needs a `model`"):
        _trainer(tmp_path).test()


# --------------------------------------------------------- training_step output
def test_training_step_returning_none_skips_the_batch(tmp_path):
    backwards = []

    class Model(TinyModel):
        def training_step(self, batch, batch_idx):
            if batch_idx == 1:
                return None
            return super().training_step(batch, batch_idx)

        def on_after_backward(self):
            backwards.append(self.trainer.batch_idx)

    counter = Counter()
    trainer = _trainer(tmp_path, limit_train_batches=4, limit_val_batches=0, callbacks=[counter])
    torch.manual_seed(0)
    model = Model()
    reference = copy.deepcopy(model)
    trainer.fit(model)
    assert backwards == [0, 2, 3]
    assert trainer.global_step == 3 == counter.optimizer_steps

    # the same as a hand loop over batches 0, 2 and 3
    opt = torch.optim.SGD(reference.parameters(), lr=reference.hparams.lr)
    for i, (x, y) in enumerate(reference.train_dataloader()):
        if i in (0, 2, 3):
            nn.functional.cross_entropy(reference(x), y).backward()
            opt.step()
            opt.zero_grad()
        if i == 3:
            break
    for p, q in zip(model.parameters(), reference.parameters()):
        torch.testing.assert_close(p, q, rtol=0, atol=1e-6)


def test_training_step_returning_a_tensor(tmp_path):
    class Model(TinyModel):
        def training_step(self, batch, batch_idx):
            return super().training_step(batch, batch_idx)["loss"]

    trainer = _trainer(tmp_path, limit_train_batches=2, limit_val_batches=0)
    trainer.fit(Model())
    assert trainer.global_step == 2
    assert "loss" in trainer.callback_metrics


def test_training_step_dict_without_loss_raises(tmp_path):
    class Model(TinyModel):
        def training_step(self, batch, batch_idx):
            out = super().training_step(batch, batch_idx)
            return {"not_loss": out["loss"]}

    with pytest.raises(MisconfigurationException, match="'loss'"):
        _trainer(tmp_path, limit_train_batches=1, limit_val_batches=0).fit(Model())


def test_callback_metrics_after_a_batch(tmp_path):
    snapshots = []

    class Model(TinyModel):
        def training_step(self, batch, batch_idx):
            loss = super().training_step(batch, batch_idx)["loss"]
            return {"loss": loss, "extra": loss * 2, "progress_bar": {"pb": loss * 3}, "log": {"lg": loss * 4}}

    class Snapshot(Callback):
        def on_batch_end(self, trainer, pl_module):
            metrics = trainer.callback_metrics
            snapshots.append({
                "values": {k: v.detach().clone() if isinstance(v, torch.Tensor) else v for k, v in metrics.items()},
                "requires_grad": {k: v.requires_grad for k, v in metrics.items() if isinstance(v, torch.Tensor)},
            })

    trainer = _trainer(tmp_path, limit_train_batches=2, limit_val_batches=0, callbacks=[Snapshot()])
    trainer.fit(Model())
    assert len(snapshots) == 2
    for snap in snapshots:
        values = snap["values"]
        assert {"loss", "extra", "pb", "lg"} <= set(values)
        assert not any(snap["requires_grad"].values())
        loss = values["loss"]
        torch.testing.assert_close(values["extra"], loss * 2)
        torch.testing.assert_close(values["pb"], loss * 3)
        torch.testing.assert_close(values["lg"], loss * 4)
    assert not torch.equal(snapshots[0]["values"]["loss"], snapshots[1]["values"]["loss"])
    assert "pb" in trainer.progress_bar_metrics


def test_self_log_in_training_and_validation_step(tmp_path):
    val_values = []

    class Model(TinyModel):
        def training_step(self, batch, batch_idx):
            out = super().training_step(batch, batch_idx)
            self.log("train_metric", out["loss"] * 3, prog_bar=True)
            return out

        def validation_step(self, batch, batch_idx):
            out = super().validation_step(batch, batch_idx)
            value = out["val_loss"] * 5
            if not self.trainer.running_sanity_check:
                val_values.append(value.item())
            self.log("val_metric", value)
            return out

    trainer = _trainer(tmp_path, limit_train_batches=2, limit_val_batches=2, row_log_interval=1)
    trainer.fit(Model())
    for key in ("train_metric", "val_metric"):
        assert key in trainer.callback_metrics, key
        assert key in trainer.logged_metrics, key
    assert not trainer.callback_metrics["train_metric"].requires_grad
    assert "train_metric" in trainer.progress_bar_metrics
    assert float(trainer.callback_metrics["val_metric"]) == pytest.approx(sum(val_values) / len(val_values))
    assert float(trainer.logged_metrics["val_metric"]) == pytest.approx(sum(val_values) / len(val_values))


def test_validation_epoch_end_metrics_reach_callback_metrics(tmp_path):
    trainer = _trainer(tmp_path, limit_train_batches=1, limit_val_batches=2)
    trainer.fit(TinyModel())
    assert {"val_loss", "val_acc", "loss", "train_loss"} <= set(trainer.callback_metrics)


# ------------------------------------------------------------------- callbacks
def test_user_callbacks_keep_their_positions(tmp_path):
    first, second = Callback(), Callback()
    trainer = Trainer(default_root_dir=tmp_path, callbacks=[first, second], early_stop_callback=True,
                      checkpoint_callback=True, progress_bar_refresh_rate=1, weights_summary=None, logger=False)
    assert trainer.callbacks[0] is first and trainer.callbacks[1] is second
    built_in = trainer.callbacks[2:]
    assert {type(cb) for cb in built_in} == {ModelCheckpoint, EarlyStopping, ProgressBar}
    assert len(built_in) == 3
    assert trainer.checkpoint_callback in built_in and trainer.early_stop_callback in built_in


def test_callback_init_hooks_receive_the_trainer(tmp_path):
    seen = []

    class Init(Callback):
        def on_init_start(self, trainer):
            seen.append(("start", trainer))

        def on_init_end(self, trainer):
            seen.append(("end", trainer))

    trainer = _trainer(tmp_path, callbacks=[Init()])
    assert seen == [("start", trainer), ("end", trainer)]


# ----------------------------------------------------------------- seed & misc
def test_seed_everything_returns_its_seed_and_seeds_torch():
    assert seed_everything(1234) == 1234
    a = torch.rand(3)
    seed_everything(1234)
    assert torch.equal(a, torch.rand(3))


def test_metrics_package_importable():
    import pytorch_lightning.metrics as metrics
    from pytorch_lightning.metrics.functional import accuracy

    pred = torch.tensor([0, 1, 2, 1])
    target = torch.tensor([0, 1, 1, 1])
    assert accuracy(pred, target).item() == pytest.approx(0.75)
    assert metrics.accuracy is accuracy


def test_terminate_on_nan_raises(tmp_path):
    class NanModel(TinyModel):
        def training_step(self, batch, batch_idx):
            out = super().training_step(batch, batch_idx)
            out["loss"] = out["loss"] * float("nan")
            return out

    with pytest.raises(ValueError, match="nan"):
        _trainer(tmp_path, terminate_on_nan=True, limit_train_batches=2, limit_val_batches=0).fit(NanModel())


# ------------------------------------------------------------------ Ctrl-C
def test_keyboard_interrupt_is_graceful(tmp_path):
    events = []

    class Interrupt(Callback):
        def on_batch_end(self, trainer, pl_module):
            if trainer.batch_idx == 1:
                raise KeyboardInterrupt

        def on_keyboard_interrupt(self, trainer, pl_module):
            events.append("interrupt")

        def on_train_end(self, trainer, pl_module):
            events.append("train_end")

    counter = Counter()
    model = TinyModel()
    trainer = _trainer(tmp_path, max_epochs=3, limit_val_batches=0, callbacks=[Interrupt(), counter])
    with pytest.warns(UserWarning, match="KeyboardInterrupt"):
        assert trainer.fit(model) == 1
    assert trainer.interrupted is True
    assert events == ["interrupt", "train_end"]
    assert counter.batches == 2 and counter.epochs == 1
    # the model is usable: it predicts, has no stale gradients and trains again
    x, _ = make_data(4)[:]
    assert model(x).shape == (4, 3)
    assert all(p.grad is None for p in model.parameters())
    again = _trainer(tmp_path, limit_train_batches=2, limit_val_batches=0)
    assert again.fit(model) == 1 and again.global_step == 2 and not again.interrupted


# ---------------------------------------------------------------- determinism
def _fit_trajectory(tmp_path, **kwargs):
    seed_everything(123)
    model = TinyModel(shuffle=True, dropout=0.5)
    args = dict(max_epochs=2)
    args.update(kwargs)
    trainer = _trainer(tmp_path, **args)
    trainer.fit(model)
    return _state(model), trainer


def test_validation_does_not_change_the_training_trajectory(tmp_path):
    without, t0 = _fit_trajectory(tmp_path, limit_val_batches=0)
    with_val, t1 = _fit_trajectory(tmp_path, num_sanity_val_steps=2)
    mid_epoch, t2 = _fit_trajectory(tmp_path, val_check_interval=0.5, num_sanity_val_steps=2)
    assert "val_loss" not in t0.callback_metrics and "val_loss" in t1.callback_metrics
    assert "val_loss" in t2.callback_metrics
    _assert_same_state(without, with_val)
    _assert_same_state(without, mid_epoch)


def test_same_seed_same_weights(tmp_path):
    a, _ = _fit_trajectory(tmp_path, limit_val_batches=0)
    b, _ = _fit_trajectory(tmp_path, limit_val_batches=0)
    _assert_same_state(a, b)
    seed_everything(123)
    untrained = _state(TinyModel(shuffle=True, dropout=0.5))
    assert any(not torch.equal(a[k], untrained[k]) for k in a)
