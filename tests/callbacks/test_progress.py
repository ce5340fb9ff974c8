"""The tqdm progress bar: totals, description, postfix, refresh rate, text output, custom bars."""
import pickle

import pytest
import torch

from pytorch_lightning import Callback, Trainer, seed_everything
from pytorch_lightning.callbacks import ProgressBar, ProgressBarBase
from tests.helpers.models import TinyModel

QUIET = dict(weights_summary=None, logger=False, checkpoint_callback=False)


class ProgressBarMetricModel(TinyModel):
    """Sends a constant ``train_metric`` to the progress bar from every training step."""

    def training_step(self, batch, batch_idx):
        output = super().training_step(batch, batch_idx)
        output["progress_bar"] = {"train_metric": torch.tensor(0.25)}
        return output


class BarWatcher(Callback):
    """Reads the bars' state after the ProgressBar's own hooks ran (it comes after the bar in ``callbacks``)."""

    def __init__(self, bar):
        self.bar = bar
        self.main_n = []
        self.epoch_end = []
        self.val_bars = []
        self.descriptions = []

    def on_epoch_start(self, trainer, pl_module):
        self.descriptions.append(getattr(self.bar.main_progress_bar, "desc", None))

    def on_batch_end(self, trainer, pl_module):
        self.main_n.append(self.bar.main_progress_bar.n)

    def on_validation_batch_end(self, trainer, pl_module):
        val = self.bar.val_progress_bar
        self.val_bars.append((getattr(val, "desc", None), val.n, val.total))

    def on_epoch_end(self, trainer, pl_module):
        main = self.bar.main_progress_bar
        self.epoch_end.append((main.n, main.total, main.postfix))


def _fit(tmp_path, bar=None, model=None, **kwargs):
    seed_everything(0)
    args = dict(default_root_dir=str(tmp_path), max_epochs=2, limit_train_batches=5, limit_val_batches=2,
                num_sanity_val_steps=0, **QUIET)
    callbacks = []
    watcher = None
    if bar is not None:
        watcher = BarWatcher(bar)
        callbacks = [bar, watcher]
    args.update(kwargs)
    trainer = Trainer(callbacks=callbacks, **args)
    trainer.fit(model if model is not None else ProgressBarMetricModel())
    return trainer, watcher


def test_the_default_bar_is_added_once(tmp_path):
    trainer = Trainer(default_root_dir=str(tmp_path), progress_bar_refresh_rate=3, process_position=1, **QUIET)
    bars = [c for c in trainer.callbacks if isinstance(c, ProgressBarBase)]
    assert len(bars) == 1 and type(bars[0]) is ProgressBar
    assert trainer.progress_bar_callback is bars[0]
    assert (bars[0].refresh_rate, bars[0].process_position) == (3, 1)


def test_the_main_bar_counts_train_and_val_batches_and_shows_the_metrics(tmp_path):
    bar = ProgressBar()
    _, watcher = _fit(tmp_path, bar)
    assert watcher.descriptions == ["Epoch 1: ", "Epoch 2: "]  # tqdm appends ": "
    assert watcher.main_n == [1, 2, 3, 4, 5] * 2
    assert [(n, total) for n, total, _ in watcher.epoch_end] == [(7, 7), (7, 7)]
    postfix = watcher.epoch_end[-1][2]
    assert "loss=" in postfix and "train_metric=0.25" in postfix
    assert bar.main_progress_bar is None  # closed at the end of training


def test_the_validation_bar(tmp_path):
    bar = ProgressBar()
    _, watcher = _fit(tmp_path, bar, max_epochs=1, num_sanity_val_steps=1)
    assert watcher.val_bars == [("Validation sanity check", 1, 1), ("Validating", 1, 2), ("Validating", 2, 2)]
    assert bar.val_progress_bar is None


@pytest.mark.parametrize("refresh_rate, expected", [
    (2, [0, 2, 2, 4, 4]),  # every second batch; the validation batches complete the count
    (3, [0, 0, 3, 3, 3]),
    (5, [0, 0, 0, 0, 5]),
])
def test_the_refresh_rate_is_honoured(tmp_path, refresh_rate, expected):
    bar = ProgressBar(refresh_rate=refresh_rate)
    _, watcher = _fit(tmp_path, bar, max_epochs=1)
    assert watcher.main_n == expected
    assert watcher.epoch_end[0][:2] == (7, 7)  # the last batch is always drawn


def test_refresh_rate_zero_disables_the_bar(tmp_path, capsys):
    trainer, _ = _fit(tmp_path, progress_bar_refresh_rate=0)
    assert not any(isinstance(c, ProgressBarBase) for c in trainer.callbacks)
    assert trainer.progress_bar_callback is None
    out = capsys.readouterr().out
    assert "Epoch" not in out and "Validating" not in out and "it/s" not in out


def test_text_output_when_stdout_is_not_a_terminal(tmp_path, capsys):
    trainer, _ = _fit(tmp_path, progress_bar_refresh_rate=1, num_sanity_val_steps=1)
    trainer.test()
    out = capsys.readouterr().out
    assert "Validation sanity check" in out
    assert "Epoch 1: 100%" in out and "Epoch 2: 100%" in out
    assert "7/7" in out
    assert "loss=" in out and "train_metric=0.25" in out
    assert "Validating" in out
    assert "Testing" in out and "4/4" in out


class CountingBar(ProgressBarBase):
    """A custom bar that only records what the base class counts."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_end(self, trainer, pl_module):
        self.seen.append((self.train_batch_idx, self.total_train_batches, self.val_batch_idx, self.total_val_batches))


def test_a_custom_bar_replaces_the_default(tmp_path, capsys):
    bar = CountingBar()
    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=2, limit_train_batches=3, limit_val_batches=2,
                      num_sanity_val_steps=0, callbacks=[bar], **QUIET)
    assert [c for c in trainer.callbacks if isinstance(c, ProgressBarBase)] == [bar]
    assert trainer.progress_bar_callback is bar and bar.trainer is trainer
    trainer.fit(TinyModel())
    assert bar.seen == [(3, 3, 2, 2), (3, 3, 2, 2)]
    assert "Epoch 1" not in capsys.readouterr().out  # no tqdm bar was drawn
    trainer.test()
    assert bar.test_batch_idx == bar.total_test_batches == 4


def test_disable_and_enable(tmp_path, capsys):
    bar = ProgressBar()
    bar.disable()
    assert not bar.is_enabled
    _, watcher = _fit(tmp_path, bar, max_epochs=1)
    assert "Epoch 1" not in capsys.readouterr().out
    assert watcher.main_n == [0, 0, 0, 0, 0]
    bar.enable()
    assert bar.is_enabled
    assert not ProgressBar(refresh_rate=0).is_enabled


def test_the_bar_pickles_without_its_tqdm_objects(tmp_path):
    bar = ProgressBar(refresh_rate=2)

    class PickleMidway(Callback):
        def on_batch_end(self, trainer, pl_module):
            self.copy = pickle.loads(pickle.dumps(bar))

    probe = PickleMidway()
    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=1, limit_train_batches=1, limit_val_batches=0,
                      callbacks=[bar, probe], **QUIET)
    trainer.fit(TinyModel())
    assert probe.copy.main_progress_bar is None and probe.copy.refresh_rate == 2


def test_print_goes_to_stdout_between_the_bars(tmp_path, capsys):
    bar = ProgressBar()

    class Say(Callback):
        def on_epoch_end(self, trainer, pl_module):
            trainer.progress_bar_callback.print("epoch", trainer.current_epoch, "done")

    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=1, limit_train_batches=1, limit_val_batches=0,
                      callbacks=[bar, Say()], **QUIET)
    trainer.fit(TinyModel())
    assert "epoch 0 done\n" in capsys.readouterr().out
