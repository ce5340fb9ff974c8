"""ModelCheckpoint: 0.8.5 names, top-k bookkeeping on disk, default directories, save_last, period, fsspec."""
import inspect
import os

import fsspec
import pytest
import torch

from pytorch_lightning import Callback, Trainer, seed_everything
from pytorch_lightning.callbacks import ModelCheckpoint
from pytorch_lightning.loggers import TensorBoardLogger
from pytorch_lightning.utilities import cloud_io
from pytorch_lightning.utilities.exceptions import MisconfigurationException
from tests.helpers.models import MetricSequenceModel, TinyModel

QUIET = dict(progress_bar_refresh_rate=0, weights_summary=None, num_sanity_val_steps=0)


class FilesPerEpoch(Callback):
    """Lists the checkpoint files at each epoch's end; placed after the ModelCheckpoint in ``callbacks``."""

    def __init__(self, checkpoint):
        self.checkpoint = checkpoint
        self.files = []

    def on_epoch_end(self, trainer, pl_module):
        directory = self.checkpoint.dirpath
        fs = cloud_io.get_filesystem(directory)
        names = fs.ls(directory, detail=False) if fs.exists(directory) else []
        self.files.append(sorted(os.path.basename(n.rstrip("/")) for n in names))


def _fit(tmp_path, checkpoint, model=None, max_epochs=1, **kwargs):
    """Fit with ``checkpoint`` as the checkpoint callback; returns the trainer and the files after each epoch."""
    seed_everything(0)
    recorder = FilesPerEpoch(checkpoint)
    args = dict(default_root_dir=str(tmp_path), max_epochs=max_epochs, limit_train_batches=2, limit_val_batches=1,
                logger=False, checkpoint_callback=checkpoint, callbacks=[checkpoint, recorder], **QUIET)
    args.update(kwargs)
    trainer = Trainer(**args)
    trainer.fit(model if model is not None else TinyModel())
    return trainer, recorder.files


@pytest.fixture
def memory_root(tmp_path):
    url = f"memory://{tmp_path.name}"
    yield url
    fs = fsspec.filesystem("memory")
    if fs.exists(url):
        fs.rm(url, recursive=True)


# -------------------------------------------------------------------- arguments
def test_signature_and_defaults_are_085s():
    params = inspect.signature(ModelCheckpoint.__init__).parameters
    defaults = {name: p.default for name, p in params.items() if name != "self"}
    assert defaults == dict(filepath=None, monitor="val_loss", verbose=False, save_last=False, save_top_k=1,
                            save_weights_only=False, mode="auto", period=1, prefix="")


@pytest.mark.parametrize("kwargs, match", [
    (dict(mode="maximum"), "`mode` must be 'min', 'max' or 'auto', got 'maximum'"),
    (dict(save_top_k=-2), "`save_top_k` must be an int >= -1, got -2"),
    (dict(save_top_k=1.5), "`save_top_k` must be an int >= -1, got 1.5"),
    (dict(period=0), "`period` must be an int >= 1, got 0"),
    (dict(monitor=""), "`monitor` must be a metric name, got ''"),
])
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises(MisconfigurationException, match=match):
        ModelCheckpoint(**kwargs)


@pytest.mark.parametrize("monitor, mode", [
    ("val_loss", "min"), ("loss", "min"), ("val_acc", "max"), ("train_accuracy", "max"), ("val_f1", "max"),
    ("val_auc", "max"), ("fmeasure", "max"), ("val_mse", "min"),
])
def test_auto_mode_is_inferred_from_the_metric_name(monitor, mode):
    assert ModelCheckpoint(monitor=monitor).mode == mode
    assert ModelCheckpoint(monitor=monitor, mode="min").mode == "min"  # an explicit mode wins


# ---------------------------------------------------------------------- names
@pytest.mark.parametrize("template, epoch, metrics, expected", [
    ("{epoch}-{val_loss:.2f}", 2, {"val_loss": 0.123456}, "epoch=2-val_loss=0.12.ckpt"),
    ("{epoch}-{val_loss:.2f}", 2, {"val_loss": torch.tensor(0.123456)}, "epoch=2-val_loss=0.12.ckpt"),
    ("{epoch:03d}", 5, {}, "epoch=005.ckpt"),
    ("{epoch}", 0, {}, "epoch=0.ckpt"),
    ("{missing:d}", 0, {}, "missing=0.ckpt"),
    ("sample-mnist_{epoch:02d}-{val_loss:.2f}", 3, {"val_loss": 0.32}, "sample-mnist_epoch=03-val_loss=0.32.ckpt"),
    ("{epoch}.ckpt", 1, {}, "epoch=1.ckpt"),
    ("best.ckpt", 3, {}, "_ckpt_epoch_3.ckpt"),  # 0.8.5's name for a file name without fields
])
def test_format_checkpoint_name(tmp_path, template, epoch, metrics, expected):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path / template))
    assert checkpoint.format_checkpoint_name(epoch, metrics) == str(tmp_path / expected)


def test_format_checkpoint_name_with_prefix_and_version(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path / "{epoch}"), prefix="run1-")
    assert checkpoint.format_checkpoint_name(4, {}) == str(tmp_path / "run1-epoch=4.ckpt")
    assert checkpoint.format_checkpoint_name(4, {}, ver=2) == str(tmp_path / "run1-epoch=4_v2.ckpt")


def test_a_directory_filepath_is_kept_as_given(tmp_path):
    existing = ModelCheckpoint(filepath=str(tmp_path))
    assert existing.dirpath == str(tmp_path)
    assert existing.format_checkpoint_name(1, {}) == str(tmp_path / "epoch=1.ckpt")
    for given in ("not/yet/there/", "not/yet/there"):  # missing: a trailing slash or a name without fields
        relative = ModelCheckpoint(filepath=given)
        assert relative.dirpath == "not/yet/there"
        assert relative.format_checkpoint_name(1, {}) == os.path.join("not", "yet", "there", "epoch=1.ckpt")
    assert not os.path.exists("not")  # nothing is created before a save
    memory = ModelCheckpoint(filepath="memory://bucket/run")
    assert memory.format_checkpoint_name(1, {}) == "memory://bucket/run/epoch=1.ckpt"
    template = ModelCheckpoint(filepath="memory://bucket/run/{epoch}")
    assert (template.dirpath, template.filename) == ("memory://bucket/run", "{epoch}")


def test_filename_from_a_real_fit(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path / "{epoch}-{val_loss:.2f}"))
    _, files = _fit(tmp_path, checkpoint, MetricSequenceModel([0.123, 0.05, 0.2]), max_epochs=3)
    assert files == [["epoch=0-val_loss=0.12.ckpt"], ["epoch=1-val_loss=0.05.ckpt"], ["epoch=1-val_loss=0.05.ckpt"]]
    assert checkpoint.best_model_path == str(tmp_path / "epoch=1-val_loss=0.05.ckpt")
    assert checkpoint.best_model_score == pytest.approx(0.05)


# ----------------------------------------------------------------------- top-k
def test_top_k_keeps_the_k_best_and_deletes_the_rest(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path / "{epoch}"), save_top_k=2)
    _, files = _fit(tmp_path, checkpoint, MetricSequenceModel([5, 4, 6, 3, 7, 2]), max_epochs=6)
    assert files == [
        ["epoch=0.ckpt"],
        ["epoch=0.ckpt", "epoch=1.ckpt"],
        ["epoch=0.ckpt", "epoch=1.ckpt"],  # 6 is worse than both
        ["epoch=1.ckpt", "epoch=3.ckpt"],  # 3 beats 5: epoch 0's file is deleted
        ["epoch=1.ckpt", "epoch=3.ckpt"],
        ["epoch=3.ckpt", "epoch=5.ckpt"],
    ]
    assert checkpoint.best_k_models == {str(tmp_path / "epoch=3.ckpt"): 3.0, str(tmp_path / "epoch=5.ckpt"): 2.0}
    assert checkpoint.best_model_path == str(tmp_path / "epoch=5.ckpt")
    assert checkpoint.kth_best_model_path == str(tmp_path / "epoch=3.ckpt")


def test_top_k_in_max_mode_from_the_metric_name(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path / "{epoch}"), monitor="val_acc", save_top_k=1)
    _, files = _fit(tmp_path, checkpoint, MetricSequenceModel([0.5, 0.7, 0.6, 0.9], key="val_acc"), max_epochs=4)
    assert files == [["epoch=0.ckpt"], ["epoch=1.ckpt"], ["epoch=1.ckpt"], ["epoch=3.ckpt"]]
    assert checkpoint.best_model_score == pytest.approx(0.9)


def test_a_nan_score_never_enters_the_top_k(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path), save_top_k=2)
    _, files = _fit(tmp_path, checkpoint, MetricSequenceModel([float("nan"), 2.0, float("nan")]), max_epochs=3)
    assert files == [[], ["epoch=1.ckpt"], ["epoch=1.ckpt"]]


def test_save_top_k_minus_one_keeps_everything(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path / "{epoch}"), save_top_k=-1)
    _, files = _fit(tmp_path, checkpoint, MetricSequenceModel([3, 4, 5]), max_epochs=3)
    assert files[-1] == ["epoch=0.ckpt", "epoch=1.ckpt", "epoch=2.ckpt"]
    assert checkpoint.best_model_path == str(tmp_path / "epoch=0.ckpt")


def test_save_top_k_zero_saves_nothing(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path / "ckpts/{epoch}"), save_top_k=0)
    _, files = _fit(tmp_path, checkpoint, max_epochs=2)
    assert files == [[], []]
    assert checkpoint.best_model_path == ""


def test_several_checks_in_an_epoch_get_versioned_names(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path), save_top_k=-1)
    _, files = _fit(tmp_path, checkpoint, max_epochs=2, limit_train_batches=4, val_check_interval=0.5)
    assert files[-1] == ["epoch=0.ckpt", "epoch=0_v0.ckpt", "epoch=1.ckpt", "epoch=1_v0.ckpt"]


def test_a_missing_monitored_metric_raises_and_lists_the_metrics(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path), monitor="val_f1")
    with pytest.raises(MisconfigurationException, match=r"monitor='val_f1'.*available metrics are \[.*'val_loss'"):
        _fit(tmp_path, checkpoint)


def test_the_default_callback_without_val_loss_keeps_the_latest(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path))
    _, files = _fit(tmp_path, checkpoint, max_epochs=3, limit_val_batches=0)
    assert files == [["epoch=0.ckpt"], ["epoch=1.ckpt"], ["epoch=2.ckpt"]]
    assert checkpoint.best_model_path == str(tmp_path / "epoch=2.ckpt")


def test_save_top_k_minus_one_without_the_metric_keeps_everything(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path), save_top_k=-1)
    _, files = _fit(tmp_path, checkpoint, max_epochs=3, limit_val_batches=0)
    assert files[-1] == ["epoch=0.ckpt", "epoch=1.ckpt", "epoch=2.ckpt"]


def test_epochs_without_validation_are_not_checked(tmp_path):
    # Validation every second epoch: the epochs in between must not save with a stale (or no) score.
    checkpoint = ModelCheckpoint(filepath=str(tmp_path), save_top_k=-1)
    model = MetricSequenceModel([9, 1, 9, 2])
    _, files = _fit(tmp_path, checkpoint, model, max_epochs=4, check_val_every_n_epoch=2)
    assert files == [[], ["epoch=1.ckpt"], ["epoch=1.ckpt"], ["epoch=1.ckpt", "epoch=3.ckpt"]]
    assert checkpoint.best_k_models == {str(tmp_path / "epoch=1.ckpt"): 1.0, str(tmp_path / "epoch=3.ckpt"): 2.0}


# ----------------------------------------------------------- save_last, period
def test_save_last_writes_last_ckpt_every_check(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path), save_last=True, prefix="exp-")
    trainer, files = _fit(tmp_path, checkpoint, MetricSequenceModel([1, 2, 3]), max_epochs=3)
    assert files == [["exp-epoch=0.ckpt", "exp-last.ckpt"]] * 3  # epoch 0 stays the best
    last = cloud_io.load(tmp_path / "exp-last.ckpt")
    assert last["epoch"] == 3 and last["global_step"] == trainer.global_step == 6
    assert checkpoint.last_model_path == str(tmp_path / "exp-last.ckpt")


def test_save_last_with_save_top_k_zero(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path), save_last=True, save_top_k=0)
    _, files = _fit(tmp_path, checkpoint, max_epochs=2)
    assert files == [["last.ckpt"], ["last.ckpt"]]


@pytest.mark.parametrize("period, saved", [(1, [0, 1, 2, 3, 4]), (2, [0, 2, 4]), (3, [0, 3])])
def test_period_counts_epochs_between_checks(tmp_path, period, saved):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path), save_top_k=-1, period=period)
    _fit(tmp_path, checkpoint, max_epochs=5)
    assert sorted(os.listdir(tmp_path)) == sorted(f"epoch={e}.ckpt" for e in saved)


# ------------------------------------------------------------ default directory
def test_default_directory_is_under_the_loggers_version(tmp_path):
    seed_everything(0)
    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=2, limit_train_batches=2, limit_val_batches=1,
                      **QUIET)
    trainer.fit(TinyModel())
    directory = tmp_path / "lightning_logs" / "version_0" / "checkpoints"
    assert trainer.checkpoint_callback.dirpath == str(directory)
    assert os.listdir(directory) == [os.path.basename(trainer.checkpoint_callback.best_model_path)]
    assert os.listdir(directory)[0] in ("epoch=0.ckpt", "epoch=1.ckpt")


def test_default_directory_with_a_named_logger_and_a_string_version(tmp_path):
    logger = TensorBoardLogger(str(tmp_path / "logs"), name="exp", version="run-a")
    trainer, _ = _fit(tmp_path, ModelCheckpoint(), logger=logger)
    assert trainer.checkpoint_callback.dirpath == str(tmp_path / "logs" / "exp" / "run-a" / "checkpoints")
    assert os.listdir(trainer.checkpoint_callback.dirpath) == ["epoch=0.ckpt"]


def test_default_directory_without_a_logger_and_with_weights_save_path(tmp_path):
    trainer, _ = _fit(tmp_path, ModelCheckpoint())
    assert trainer.checkpoint_callback.dirpath == str(tmp_path / "checkpoints")
    weights = tmp_path / "weights"
    logger = TensorBoardLogger(str(tmp_path / "logs"), name="exp")
    trainer, _ = _fit(tmp_path, ModelCheckpoint(), logger=logger, weights_save_path=str(weights))
    assert trainer.checkpoint_callback.dirpath == str(weights / "exp" / "version_0" / "checkpoints")


# ---------------------------------------------------------------------- fsspec
def test_top_k_on_a_memory_filesystem(memory_root):
    checkpoint = ModelCheckpoint(filepath=f"{memory_root}/ckpts/{{epoch}}-{{val_loss:.1f}}", save_top_k=1)
    _, files = _fit(memory_root, checkpoint, MetricSequenceModel([2.0, 1.0, 3.0]), max_epochs=3)
    assert files == [["epoch=0-val_loss=2.0.ckpt"], ["epoch=1-val_loss=1.0.ckpt"], ["epoch=1-val_loss=1.0.ckpt"]]
    assert checkpoint.best_model_path == f"{memory_root}/ckpts/epoch=1-val_loss=1.0.ckpt"
    assert cloud_io.load(checkpoint.best_model_path)["epoch"] == 2


def test_top_k_on_a_file_url(tmp_path):
    checkpoint = ModelCheckpoint(filepath=f"file://{tmp_path}/ckpts/", save_top_k=1)
    _, files = _fit(tmp_path, checkpoint, MetricSequenceModel([2.0, 1.0]), max_epochs=2)
    assert files == [["epoch=0.ckpt"], ["epoch=1.ckpt"]]
    assert os.listdir(tmp_path / "ckpts") == ["epoch=1.ckpt"]


# --------------------------------------------------------------- state, output
def test_test_with_ckpt_path_best_loads_the_best_weights(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path), save_top_k=1)
    model = MetricSequenceModel([3.0, 1.0, 2.0])
    trainer, _ = _fit(tmp_path, checkpoint, model, max_epochs=3)
    final = {k: v.clone() for k, v in model.state_dict().items()}
    best = cloud_io.load(checkpoint.best_model_path)["state_dict"]
    assert not all(torch.equal(final[k], best[k]) for k in best)
    trainer.test()
    assert all(torch.equal(model.state_dict()[k], best[k]) for k in best)


def test_the_callback_state_goes_into_the_checkpoint(tmp_path):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path), save_top_k=2, save_last=True)
    _fit(tmp_path, checkpoint, MetricSequenceModel([3.0, 1.0]), max_epochs=2)
    state = cloud_io.load(tmp_path / "last.ckpt")["callbacks"]["ModelCheckpoint"]
    # last.ckpt is written after the top-k bookkeeping of its own check
    assert state["best_k_models"] == {str(tmp_path / "epoch=0.ckpt"): 3.0, str(tmp_path / "epoch=1.ckpt"): 1.0}
    assert state["epoch_last_check"] == 1


def test_each_checkpoint_holds_the_bookkeeping_that_includes_itself(tmp_path):
    """Resuming from the best checkpoint must know it is the best (and not name a deleted file)."""
    checkpoint = ModelCheckpoint(filepath=str(tmp_path), save_top_k=1)
    _fit(tmp_path, checkpoint, MetricSequenceModel([10.0, 9.0, 8.0]), max_epochs=3)
    best = str(tmp_path / "epoch=2.ckpt")
    assert sorted(os.listdir(tmp_path)) == ["epoch=2.ckpt"]
    state = cloud_io.load(best)["callbacks"]["ModelCheckpoint"]
    assert state["best_model_path"] == best and state["best_model_score"] == 8.0
    assert state["best_k_models"] == {best: 8.0}


def test_verbose_reports_each_check(tmp_path, capsys):
    checkpoint = ModelCheckpoint(filepath=str(tmp_path), verbose=True)
    _fit(tmp_path, checkpoint, MetricSequenceModel([1.0, 2.0]), max_epochs=2)
    out = capsys.readouterr().out
    assert f"Epoch 0: val_loss reached 1.0, saving model to {tmp_path / 'epoch=0.ckpt'}" in out
    assert "Epoch 1: val_loss was not in top 1" in out
