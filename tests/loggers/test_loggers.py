"""The TensorBoard and CSV loggers, the logger collection, and what the trainer sends them."""
import os
import pickle
from argparse import Namespace

import numpy as np
import pandas as pd
import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from pytorch_lightning import Trainer, seed_everything
from pytorch_lightning.loggers import CSVLogger, DummyLogger, LoggerCollection, TensorBoardLogger
from tests.helpers.models import TinyModel

QUIET = dict(progress_bar_refresh_rate=0, weights_summary=None, checkpoint_callback=False)
LOGGERS = [TensorBoardLogger, CSVLogger]


def _scalars(log_dir):
    """``{tag: [(step, value), ...]}`` from the event files in ``log_dir``."""
    acc = EventAccumulator(str(log_dir))
    acc.Reload()
    return {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}


def _metrics_csv(logger):
    return pd.read_csv(os.path.join(logger.log_dir, "metrics.csv"))


def _points(table, column):
    rows = table[table[column].notna()]
    return list(zip(rows["step"].astype(int).tolist(), rows[column].tolist()))


def _touch(logger):
    """Make the logger create its version directory."""
    logger.log_metrics({"x": 1.0}, step=0)
    logger.save()


class LossRecordingModel(TinyModel):
    """Remembers the training loss of every global step, to compare with what was logged."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.losses = {}

    def training_step(self, batch, batch_idx):
        output = super().training_step(batch, batch_idx)
        self.losses[self.trainer.global_step] = output["loss"].item()
        return output


def _fit(tmp_path, logger, model=None, **kwargs):
    seed_everything(0)
    model = model if model is not None else LossRecordingModel()
    args = dict(max_epochs=1, limit_val_batches=0, num_sanity_val_steps=0, default_root_dir=str(tmp_path),
                logger=logger, **QUIET)
    args.update(kwargs)
    trainer = Trainer(**args)
    trainer.fit(model)
    return trainer, model


# ------------------------------------------------------------------ versions
@pytest.mark.parametrize("logger_class", LOGGERS)
def test_version_auto_increments(tmp_path, logger_class):
    first = logger_class(str(tmp_path), name="exp")
    assert first.version == 0
    _touch(first)
    assert os.path.isdir(tmp_path / "exp" / "version_0")
    second = logger_class(str(tmp_path), name="exp")
    assert second.version == 1
    assert second.log_dir == os.path.join(str(tmp_path), "exp", "version_1")
    _touch(second)
    assert logger_class(str(tmp_path), name="exp").version == 2
    assert logger_class(str(tmp_path), name="other").version == 0  # versions count per name


@pytest.mark.parametrize("logger_class", LOGGERS)
def test_next_version_skips_gaps_and_ignores_other_entries(tmp_path, logger_class):
    for entry in ("version_0", "version_3", "version_x", "notes"):
        (tmp_path / "exp" / entry).mkdir(parents=True)
    (tmp_path / "exp" / "version_9").write_text("a file, not a run")
    assert logger_class(str(tmp_path), name="exp").version == 4


@pytest.mark.parametrize("logger_class", LOGGERS)
@pytest.mark.parametrize("version, directory", [(5, "version_5"), ("run-a", "run-a")])
def test_given_version(tmp_path, logger_class, version, directory):
    logger = logger_class(str(tmp_path), name="exp", version=version)
    assert logger.version == version
    _touch(logger)
    assert logger.log_dir == os.path.join(str(tmp_path), "exp", directory)
    assert os.path.isdir(logger.log_dir)


@pytest.mark.parametrize("logger_class", LOGGERS)
@pytest.mark.parametrize("name", [None, ""])
def test_no_name_writes_in_save_dir(tmp_path, logger_class, name):
    logger = logger_class(str(tmp_path), name=name)
    assert logger.name == ""
    assert logger.root_dir == str(tmp_path)
    assert logger.log_dir == os.path.join(str(tmp_path), "version_0")


@pytest.mark.parametrize("logger_class", LOGGERS)
def test_bad_version_type(tmp_path, logger_class):
    with pytest.raises(ValueError, match=r"`version` must be None, an int >= 0 or a str, got 1\.5"):
        logger_class(str(tmp_path), version=1.5)


# ------------------------------------------------------------------- hparams
HPARAMS = {"lr": 0.1, "optimizer": "adam", "nested": {"depth": 2, "widths": [4, 8]}, "nothing": None,
           "flag": True, "tensor": torch.tensor(0.5), "ns": Namespace(decay=0.9)}
HPARAMS_BACK = {"lr": 0.1, "optimizer": "adam", "nested/depth": 2, "nested/widths": [4, 8], "nothing": None,
                "flag": True, "tensor": 0.5, "ns/decay": 0.9}


@pytest.mark.parametrize("logger_class", LOGGERS)
def test_hparams_yaml_round_trips(tmp_path, logger_class):
    yaml = pytest.importorskip("yaml")  # not a requirement of the package; read the file as any YAML reader would
    logger = logger_class(str(tmp_path))
    logger.log_hyperparams(HPARAMS)
    logger.save()
    with open(os.path.join(logger.log_dir, "hparams.yaml")) as f:
        assert yaml.safe_load(f) == HPARAMS_BACK


@pytest.mark.parametrize("logger_class", LOGGERS)
def test_hparams_yaml_written_by_fit(tmp_path, logger_class):
    yaml = pytest.importorskip("yaml")
    logger = logger_class(str(tmp_path))
    _fit(tmp_path, logger, model=TinyModel(lr=0.05, batch_size=16), limit_train_batches=2)
    with open(os.path.join(logger.log_dir, "hparams.yaml")) as f:
        assert yaml.safe_load(f) == {"lr": 0.05, "batch_size": 16}


# ------------------------------------------------------------- tensorboard
def test_tensorboard_scalars_read_back(tmp_path):
    logger = TensorBoardLogger(str(tmp_path))
    logger.log_metrics({"a": 1.5, "b": torch.tensor(2.5), "c": np.float32(3.5), "d": np.int64(4)}, step=3)
    logger.log_metrics({"a": 0.5}, step=7)
    logger.save()
    scalars = _scalars(logger.log_dir)
    assert set(scalars) == {"a", "b", "c", "d"}
    assert scalars["a"] == [(3, 1.5), (7, 0.5)]
    assert scalars["b"] == [(3, 2.5)]
    assert scalars["c"] == [(3, 3.5)]
    assert scalars["d"] == [(3, 4.0)]


@pytest.mark.parametrize("value, kind", [("text", "str"), (torch.ones(3), "Tensor"), ([1.0], "list")])
def test_tensorboard_rejects_what_is_not_a_number(tmp_path, value, kind):
    logger = TensorBoardLogger(str(tmp_path))
    with pytest.raises(ValueError, match=f"metric `bad` is a {kind}"):
        logger.log_metrics({"bad": value}, step=0)


def test_tensorboard_logger_pickles_without_its_writer(tmp_path):
    logger = TensorBoardLogger(str(tmp_path), name="exp")
    _touch(logger)
    clone = pickle.loads(pickle.dumps(logger))
    assert clone._experiment is None
    assert clone.log_dir == logger.log_dir


# ----------------------------------------------------------------------- csv
def test_csv_columns_grow_as_metrics_appear(tmp_path):
    logger = CSVLogger(str(tmp_path))
    logger.log_metrics({"a": 1.0}, step=0)
    logger.save()
    assert list(_metrics_csv(logger).columns) == ["a", "step"]
    logger.log_metrics({"a": 2.0, "b": torch.tensor(3.0)}, step=1)
    logger.log_metrics({"c": 4.0}, step=2)
    logger.save()
    table = _metrics_csv(logger)
    assert list(table.columns) == ["a", "step", "b", "c"]
    assert table["step"].tolist() == [0, 1, 2]
    assert _points(table, "a") == [(0, 1.0), (1, 2.0)]
    assert _points(table, "b") == [(1, 3.0)]
    assert _points(table, "c") == [(2, 4.0)]


def test_csv_logger_on_an_fsspec_memory_path():
    logger = CSVLogger("memory://csv-logs", name="exp")
    logger.log_hyperparams({"lr": 0.1})
    logger.log_metrics({"a": 1.0}, step=0)
    logger.save()
    fs = logger.experiment.fs
    with fs.open(os.path.join(logger.log_dir, "metrics.csv")) as f:
        assert f.read().decode().splitlines() == ["a,step", "1.0,0"]
    assert CSVLogger("memory://csv-logs", name="exp").version == 1
    fs.rm("memory://csv-logs", recursive=True)


def test_metrics_of_the_same_step_are_merged(tmp_path):
    logger = CSVLogger(str(tmp_path))
    logger.agg_and_log_metrics({"a": 1.0}, step=0)
    logger.agg_and_log_metrics({"b": 2.0}, step=0)
    logger.agg_and_log_metrics({"a": 3.0}, step=1)
    logger.save()  # also sends the last, still pending step
    table = _metrics_csv(logger)
    assert table["step"].tolist() == [0, 1]
    assert _points(table, "a") == [(0, 1.0), (1, 3.0)]
    assert _points(table, "b") == [(0, 2.0)]


# ------------------------------------------------------- what the trainer logs
@pytest.mark.parametrize("row_log_interval", [1, 3])
def test_trainer_logs_every_row_log_interval_with_global_step_and_epoch(tmp_path, row_log_interval):
    tb, csv = TensorBoardLogger(str(tmp_path), name="tb"), CSVLogger(str(tmp_path), name="csv")
    trainer, model = _fit(tmp_path, [tb, csv], max_epochs=2, limit_train_batches=8, limit_val_batches=2,
                          row_log_interval=row_log_interval)
    batches = [b for b in range(8) if b % row_log_interval == 0]  # 0.8.5: batches 0, k, 2k...
    steps = [epoch * 8 + b for epoch in range(2) for b in batches]
    losses = [model.losses[s] for s in steps]
    epochs = [s // 8 for s in steps]

    table = _metrics_csv(csv)
    assert _points(table, "train_loss") == [(s, pytest.approx(v)) for s, v in zip(steps, losses)]
    assert table[table["train_loss"].notna()]["epoch"].astype(int).tolist() == epochs
    # validation at each epoch end, at the global step reached by then
    assert [s for s, _ in _points(table, "val_loss")] == [8, 16]
    assert table[table["val_loss"].notna()]["epoch"].astype(int).tolist() == [0, 1]

    scalars = _scalars(tb.log_dir)
    assert [s for s, _ in scalars["train_loss"]] == steps
    assert [v for _, v in scalars["train_loss"]] == pytest.approx(losses, rel=1e-6)
    assert [s for s, _ in scalars["val_loss"]] == [8, 16]
    # each epoch's training rows, then its validation row
    expected_epochs = [(s, e) for e in range(2) for s in [e * 8 + b for b in batches] + [(e + 1) * 8]]
    assert scalars["epoch"] == expected_epochs


def test_logger_collection_writes_to_both(tmp_path):
    tb, csv = TensorBoardLogger(str(tmp_path), name="tb"), CSVLogger(str(tmp_path), name="csv")
    trainer, model = _fit(tmp_path, [tb, csv], limit_train_batches=6, row_log_interval=2)
    assert isinstance(trainer.logger, LoggerCollection)
    assert list(trainer.logger) == [tb, csv]
    steps = [0, 2, 4]
    tb_points = _scalars(tb.log_dir)["train_loss"]
    csv_points = _points(_metrics_csv(csv), "train_loss")
    assert [s for s, _ in tb_points] == [s for s, _ in csv_points] == steps
    assert [v for _, v in tb_points] == pytest.approx([v for _, v in csv_points], rel=1e-6)
    assert [v for _, v in csv_points] == pytest.approx([model.losses[s] for s in steps])
    for logger in (tb, csv):
        assert os.path.isfile(os.path.join(logger.log_dir, "hparams.yaml"))


def test_logger_collection_delegates(tmp_path):
    a, b = CSVLogger(str(tmp_path), name="a"), CSVLogger(str(tmp_path), name="b", version="v")
    collection = LoggerCollection([a, b])
    assert len(collection) == 2 and collection[1] is b
    assert collection.name == "a_b"
    assert collection.version == "0_v"
    collection.log_hyperparams({"lr": 0.1})
    collection.agg_and_log_metrics({"m": 1.0}, step=4)
    collection.finalize("success")
    for logger in (a, b):
        assert _points(_metrics_csv(logger), "m") == [(4, 1.0)]


def test_logger_true_writes_to_default_root_dir(tmp_path):
    for version in range(2):
        trainer, _ = _fit(tmp_path, True, limit_train_batches=2, row_log_interval=1)
        assert isinstance(trainer.logger, TensorBoardLogger)
        log_dir = tmp_path / "lightning_logs" / f"version_{version}"
        assert trainer.logger.log_dir == str(log_dir)
        assert any(f.startswith("events.out.tfevents") for f in os.listdir(log_dir))
        assert (log_dir / "hparams.yaml").is_file()
        assert [s for s, _ in _scalars(log_dir)["train_loss"]] == [0, 1]


def test_logger_false_writes_nothing(tmp_path):
    trainer, _ = _fit(tmp_path, False, limit_train_batches=2)
    assert trainer.logger is None
    assert not (tmp_path / "lightning_logs").exists()


def test_dummy_logger_accepts_everything():
    logger = DummyLogger()
    logger.log_hyperparams({"a": 1})
    logger.log_metrics({"a": 1.0}, step=0)
    logger.agg_and_log_metrics({"a": 1.0}, step=0)
    logger.finalize("success")
    assert logger.experiment.anything(1, key=2) is None
    assert logger.name == "" and logger.version == ""
