"""EarlyStopping: patience, min_delta, modes, strictness, and `early_stop_callback=True`."""
import inspect

import pytest
import torch

from pytorch_lightning import Callback, Trainer, seed_everything
from pytorch_lightning.callbacks import EarlyStopping
from pytorch_lightning.utilities.exceptions import MisconfigurationException
from tests.helpers.models import MetricSequenceModel, TinyModel

QUIET = dict(progress_bar_refresh_rate=0, weights_summary=None, num_sanity_val_steps=0, logger=False,
             checkpoint_callback=False)


class EpochCounter(Callback):
    def __init__(self):
        self.epochs = []

    def on_epoch_end(self, trainer, pl_module):
        self.epochs.append(trainer.current_epoch)


def _fit(tmp_path, early_stop, model, max_epochs=10, **kwargs):
    seed_everything(0)
    counter = EpochCounter()
    args = dict(default_root_dir=str(tmp_path), max_epochs=max_epochs, limit_train_batches=1, limit_val_batches=1,
                early_stop_callback=early_stop, callbacks=[counter], **QUIET)
    args.update(kwargs)
    trainer = Trainer(**args)
    trainer.fit(model)
    return trainer, counter.epochs


def test_signature_and_defaults_are_085s():
    params = inspect.signature(EarlyStopping.__init__).parameters
    defaults = {name: p.default for name, p in params.items() if name != "self"}
    assert defaults == dict(monitor="val_loss", min_delta=0.0, patience=3, verbose=False, mode="auto", strict=True)


@pytest.mark.parametrize("kwargs, match", [
    (dict(mode="lowest"), "`mode` must be 'min', 'max' or 'auto', got 'lowest'"),
    (dict(patience=-1), "`patience` must be an int >= 0, got -1"),
    (dict(patience=2.5), "`patience` must be an int >= 0, got 2.5"),
    (dict(min_delta="0.1"), "`min_delta` must be a finite number, got '0.1'"),
    (dict(monitor=None), "`monitor` must be a metric name, got None"),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(MisconfigurationException, match=match):
        EarlyStopping(**kwargs)


@pytest.mark.parametrize("patience", [0, 1, 3])
def test_stops_after_patience_checks_without_improvement(tmp_path, patience):
    # Improves at epochs 0 and 1, then stays flat: the stop comes `patience` epochs after epoch 1
    # (patience=0 stops at the first check without improvement).
    early_stop = EarlyStopping(patience=patience)
    model = MetricSequenceModel([5.0, 4.0] + [4.0] * 10)
    trainer, epochs = _fit(tmp_path, early_stop, model)
    stop = 1 + max(patience, 1)
    assert epochs == list(range(stop + 1))
    assert trainer.current_epoch == early_stop.stopped_epoch == stop
    assert trainer.should_stop
    assert early_stop.best_score.item() == 4.0


def test_an_improvement_resets_the_wait(tmp_path):
    early_stop = EarlyStopping(patience=2)
    model = MetricSequenceModel([5.0, 6.0, 4.0, 6.0, 6.0, 6.0, 6.0])
    trainer, epochs = _fit(tmp_path, early_stop, model)
    assert epochs == [0, 1, 2, 3, 4]  # epoch 1 waits, epoch 2 improves, epochs 3 and 4 wait: stop
    assert early_stop.stopped_epoch == 4


def test_runs_all_epochs_while_the_metric_improves(tmp_path):
    early_stop = EarlyStopping(patience=1)
    trainer, epochs = _fit(tmp_path, early_stop, MetricSequenceModel([5, 4, 3, 2, 1]), max_epochs=5)
    assert epochs == [0, 1, 2, 3, 4]
    assert early_stop.stopped_epoch == 0 and early_stop.wait_count == 0


def test_min_delta_is_respected(tmp_path):
    values = [1.0, 0.97, 0.94, 0.91, 0.88, 0.85]  # steps of 0.03
    _, epochs = _fit(tmp_path, EarlyStopping(patience=1, min_delta=0.05), MetricSequenceModel(values))
    assert epochs == [0, 1]  # 0.97 is not 0.05 below 1.0
    _, epochs = _fit(tmp_path, EarlyStopping(patience=2, min_delta=0.05), MetricSequenceModel(values), max_epochs=6)
    assert epochs == [0, 1, 2, 3, 4, 5]  # 0.94 is 0.06 below 1.0: the wait resets every second epoch
    _, epochs = _fit(tmp_path, EarlyStopping(patience=1), MetricSequenceModel(values), max_epochs=6)
    assert epochs == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("mode", ["max", "auto"])
def test_max_mode(tmp_path, mode):
    early_stop = EarlyStopping(monitor="val_acc", mode=mode, patience=2)
    assert early_stop.mode == "max"
    model = MetricSequenceModel([0.5, 0.6, 0.7, 0.7, 0.65, 0.9], key="val_acc")
    _, epochs = _fit(tmp_path, early_stop, model)
    assert epochs == [0, 1, 2, 3, 4]
    assert early_stop.best_score.item() == pytest.approx(0.7)


def test_min_mode_on_a_name_that_would_infer_max(tmp_path):
    early_stop = EarlyStopping(monitor="val_acc", mode="min", patience=1)
    _, epochs = _fit(tmp_path, early_stop, MetricSequenceModel([0.5, 0.6, 0.7], key="val_acc"))
    assert epochs == [0, 1]


def test_early_stop_callback_true_uses_the_defaults(tmp_path):
    trainer = Trainer(default_root_dir=str(tmp_path), early_stop_callback=True, **QUIET)
    callbacks = [c for c in trainer.callbacks if isinstance(c, EarlyStopping)]
    assert callbacks == [trainer.early_stop_callback]
    early_stop = callbacks[0]
    assert (early_stop.monitor, early_stop.patience, early_stop.min_delta, early_stop.mode, early_stop.strict) == (
        "val_loss", 3, 0.0, "min", True)
    model = MetricSequenceModel([3.0, 2.0] + [2.0] * 10)
    trainer.limit_train_batches = trainer.limit_val_batches = 1
    trainer.fit(model)
    assert trainer.current_epoch == early_stop.stopped_epoch == 4


def test_a_missing_metric_raises_when_strict_and_lists_the_available_ones(tmp_path):
    early_stop = EarlyStopping(monitor="val_f1")
    with pytest.raises(RuntimeError, match=r"'val_f1' which is not available; available metrics are \[.*'val_loss'"):
        _fit(tmp_path, early_stop, TinyModel())


def test_a_missing_metric_warns_when_not_strict(tmp_path):
    early_stop = EarlyStopping(monitor="val_f1", strict=False)
    with pytest.warns(RuntimeWarning, match=r"'val_f1' which is not available; available metrics are"):
        _, epochs = _fit(tmp_path, early_stop, TinyModel(), max_epochs=3)
    assert epochs == [0, 1, 2]  # never stops


def test_epochs_without_validation_do_not_count(tmp_path):
    # Validation runs at epochs 1, 3, 5...: the epochs in between must not count a stale value again.
    early_stop = EarlyStopping(patience=2)
    model = MetricSequenceModel([9.0, 1.0, 9.0, 1.0, 9.0, 1.0, 9.0, 1.0, 9.0, 1.0])
    _, epochs = _fit(tmp_path, early_stop, model, check_val_every_n_epoch=2)
    assert epochs == [0, 1, 2, 3, 4, 5]
    assert early_stop.stopped_epoch == 5


class SetMetric(Callback):
    """Puts ``values[epoch]`` into ``callback_metrics['my_loss']`` before the early stopping check."""

    def __init__(self, values):
        self.values = values

    def on_epoch_end(self, trainer, pl_module):
        trainer.callback_metrics["my_loss"] = torch.tensor(self.values[trainer.current_epoch])


def test_without_validation_the_check_runs_at_epoch_end(tmp_path):
    early_stop = EarlyStopping(monitor="my_loss", patience=1)
    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=10, limit_train_batches=1, limit_val_batches=0,
                      early_stop_callback=early_stop, callbacks=[SetMetric([3.0, 2.0, 2.5, 1.0])], **QUIET)
    trainer.fit(TinyModel())
    assert trainer.current_epoch == early_stop.stopped_epoch == 2


def test_stopping_waits_for_min_epochs(tmp_path):
    early_stop = EarlyStopping(patience=1)
    _, epochs = _fit(tmp_path, early_stop, MetricSequenceModel([1.0] * 10), min_epochs=4)
    assert epochs == [0, 1, 2, 3]


def test_per_run_state_is_reset_at_train_start(tmp_path):
    early_stop = EarlyStopping(patience=1)
    _fit(tmp_path, early_stop, MetricSequenceModel([1.0, 2.0]))
    assert early_stop.wait_count == 1
    _, epochs = _fit(tmp_path, early_stop, MetricSequenceModel([5.0, 4.0, 4.0]))
    assert epochs == [0, 1, 2]  # a second fit starts with a fresh best score and wait
    assert early_stop.best_score.item() == 4.0


def test_verbose_reports_the_stop(tmp_path, capsys):
    _fit(tmp_path, EarlyStopping(patience=1, verbose=True), MetricSequenceModel([1.0, 2.0, 3.0]))
    assert "Epoch 00002: early stopping" in capsys.readouterr().out
