"""``LearningRateLogger``: how many points, at which steps, with which values and names, and where they land.

Every fit logs to a TensorBoard and a CSV logger at once (``logger=[tb, csv]``), so each check reads
the values three ways: ``lr_logger.lrs``, the TensorBoard event files and ``metrics.csv``.
"""
import os

import pandas as pd
import pytest
import torch
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from torch.optim.lr_scheduler import CyclicLR, OneCycleLR, ReduceLROnPlateau, StepLR

from pytorch_lightning import Trainer, seed_everything
from pytorch_lightning.callbacks import LearningRateLogger, LearningRateMonitor
from pytorch_lightning.loggers import CSVLogger, TensorBoardLogger
from pytorch_lightning.trainer.lr_finder import _ExponentialLR, _LinearLR
from pytorch_lightning.utilities.exceptions import MisconfigurationException
from tests.helpers.models import OptimizerConfigModel

BATCHES = 4  # training batches per epoch
EPOCHS = 2
LR = 0.1
GAMMA = 0.9
QUIET = dict(progress_bar_refresh_rate=0, weights_summary=None, checkpoint_callback=False)


# ------------------------------------------------------------------- helpers
def _fit(tmp_path, configure, lr_logger, accumulate=1, epochs=EPOCHS, model=None, **trainer_kwargs):
    """Fit ``BATCHES`` batches an epoch; the trainer logs its own loss every step too (``row_log_interval=1``)."""
    seed_everything(0)
    model = model if model is not None else OptimizerConfigModel(configure)
    kwargs = dict(max_epochs=epochs, limit_train_batches=BATCHES, limit_val_batches=0, num_sanity_val_steps=0,
                  accumulate_grad_batches=accumulate, row_log_interval=1, callbacks=[lr_logger],
                  default_root_dir=str(tmp_path),
                  logger=[TensorBoardLogger(str(tmp_path), name="tb"), CSVLogger(str(tmp_path), name="csv")],
                  **QUIET)
    kwargs.update(trainer_kwargs)
    trainer = Trainer(**kwargs)
    trainer.fit(model)
    return trainer, model


def _tb_logger(trainer):
    return next(lg for lg in trainer.logger if isinstance(lg, TensorBoardLogger))


def _csv_logger(trainer):
    return next(lg for lg in trainer.logger if isinstance(lg, CSVLogger))


def _tb_scalars(trainer):
    """``{tag: [(step, value), ...]}`` read back from the event files."""
    acc = EventAccumulator(_tb_logger(trainer).log_dir)
    acc.Reload()
    return {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}


def _csv_table(trainer):
    return pd.read_csv(os.path.join(_csv_logger(trainer).log_dir, "metrics.csv"))


def _csv_points(table, column):
    rows = table[table[column].notna()]
    return list(zip(rows["step"].astype(int).tolist(), rows[column].tolist()))


def _assert_points(trainer, lr_logger, name, steps, values, store="lrs"):
    """``name`` was logged exactly at ``steps`` with ``values``: in the callback, in TensorBoard, in the CSV."""
    assert getattr(lr_logger, store)[name] == pytest.approx(values, rel=1e-12)
    expected = list(zip(steps, values))
    tb = _tb_scalars(trainer)[name]
    assert [s for s, _ in tb] == list(steps)
    assert [v for _, v in tb] == pytest.approx(values, rel=1e-6)  # event files hold float32
    csv = _csv_points(_csv_table(trainer), name)
    assert [s for s, _ in csv] == list(steps)
    assert [v for _, v in csv] == pytest.approx(values, rel=1e-9)
    assert len(expected) == len(tb) == len(csv)


def _sgd_step_lr(interval, lr=LR, gamma=GAMMA, **sgd_kwargs):
    def configure(model):
        opt = torch.optim.SGD(model.parameters(), lr=lr, **sgd_kwargs)
        return [opt], [{"scheduler": StepLR(opt, step_size=1, gamma=gamma), "interval": interval}]

    return configure


def _only_sgd(model):
    return torch.optim.SGD(model.parameters(), lr=LR)


# ------------------------------------------------------------ points, steps, values
@pytest.mark.parametrize("accumulate", [1, 2])
@pytest.mark.parametrize("logging_interval", [None, "step", "batch", "epoch"])
@pytest.mark.parametrize("scheduler_interval", ["step", "batch", "epoch"])
def test_points_steps_and_values(tmp_path, scheduler_interval, logging_interval, accumulate):
    steps_per_epoch = BATCHES // accumulate
    scheduler_per_step = scheduler_interval in ("step", "batch")
    log_per_step = logging_interval in ("step", "batch") or (logging_interval is None and scheduler_per_step)
    if log_per_step:  # one point per optimizer step, none per micro-batch
        steps = list(range(EPOCHS * steps_per_epoch))
    else:  # one point per epoch, at its start
        steps = [epoch * steps_per_epoch for epoch in range(EPOCHS)]
    decays = [s if scheduler_per_step else s // steps_per_epoch for s in steps]
    values = [LR * GAMMA ** d for d in decays]

    lr_logger = LearningRateLogger(logging_interval=logging_interval)
    trainer, model = _fit(tmp_path, _sgd_step_lr(scheduler_interval), lr_logger, accumulate=accumulate)

    assert list(lr_logger.lrs) == ["lr-SGD"]
    _assert_points(trainer, lr_logger, "lr-SGD", steps, values)
    assert trainer.callback_metrics["lr-SGD"] == lr_logger.lrs["lr-SGD"][-1]
    assert len(model.stepped_lrs) == EPOCHS * steps_per_epoch
    if log_per_step:  # each value is the one the optimizer step at that global_step used
        assert list(zip(steps, lr_logger.lrs["lr-SGD"])) == [(s, lrs[0]) for s, lrs in model.stepped_lrs]


def test_batch_interval_gives_one_decayed_value_per_optimizer_step(tmp_path):
    """The issue's example, written out: StepLR(1, 0.9) at interval 'batch', 4 batches, accumulation 2."""
    lr_logger = LearningRateLogger()
    trainer, _ = _fit(tmp_path, _sgd_step_lr("batch"), lr_logger, accumulate=2)
    _assert_points(trainer, lr_logger, "lr-SGD", [0, 1, 2, 3], [0.1, 0.09, 0.081, 0.0729])
    lrs = lr_logger.lrs["lr-SGD"]
    assert [b / a for a, b in zip(lrs, lrs[1:])] == pytest.approx([GAMMA] * 3)


def test_uneven_accumulation_steps_at_the_epoch_end(tmp_path):
    """5 batches with accumulation 2: steps after batches 2, 4 and the last one, so 3 points per epoch."""
    lr_logger = LearningRateLogger(logging_interval="step")
    trainer, model = _fit(tmp_path, _sgd_step_lr("step"), lr_logger, accumulate=2, limit_train_batches=5)
    _assert_points(trainer, lr_logger, "lr-SGD", list(range(6)), [LR * GAMMA ** i for i in range(6)])
    assert [s for s, _ in model.stepped_lrs] == list(range(6))


def test_accumulation_schedule_changes_the_points_per_epoch(tmp_path):
    """``accumulate_grad_batches={0: 1, 1: 2}``: 4 steps in the first epoch, 2 in the second."""
    lr_logger = LearningRateLogger(logging_interval="step")
    trainer, _ = _fit(tmp_path, _sgd_step_lr("epoch"), lr_logger, accumulate={0: 1, 1: 2})
    _assert_points(trainer, lr_logger, "lr-SGD", list(range(6)), [LR] * 4 + [LR * GAMMA] * 2)


def test_max_steps_ends_the_points(tmp_path):
    lr_logger = LearningRateLogger()
    trainer, _ = _fit(tmp_path, _sgd_step_lr("step"), lr_logger, epochs=5, max_steps=6)
    _assert_points(trainer, lr_logger, "lr-SGD", list(range(6)), [LR * GAMMA ** s for s in range(6)])


# --------------------------------------------------------------------- names
def _split(model, count):
    """``count`` disjoint parameter lists of the tiny model."""
    first, second = model.net[0], model.net[3]
    pieces = [[first.weight, first.bias], list(second.parameters())]
    if count == 3:
        pieces = [[first.weight], [first.bias], list(second.parameters())]
    return pieces[:count]


def _three_sgd(model):
    opts = [torch.optim.SGD(params, lr=LR) for params in _split(model, 3)]
    return opts, [StepLR(opt, step_size=1) for opt in opts]


def _adam_and_sgd(model):
    a, b = _split(model, 2)
    opts = [torch.optim.Adam(a, lr=0.01), torch.optim.SGD(b, lr=LR)]
    return opts, [StepLR(opt, step_size=1) for opt in opts]


def _sgd_and_unscheduled_adam(model):
    a, b = _split(model, 2)
    sgd, adam = torch.optim.SGD(a, lr=LR), torch.optim.Adam(b, lr=0.01)
    return [sgd, adam], [StepLR(sgd, step_size=1)]


def _two_groups(model, group_names=(None, None), scheduler_name=None):
    groups = [{"params": params, "lr": lr} for params, lr in zip(_split(model, 2), (LR, LR / 10))]
    for group, name in zip(groups, group_names):
        if name is not None:
            group["name"] = name
    opt = torch.optim.SGD(groups, lr=LR)
    return [opt], [{"scheduler": StepLR(opt, step_size=1), "name": scheduler_name}]


def _named_scheduler(model):
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    return [opt], [{"scheduler": StepLR(opt, step_size=1), "name": "my-lr"}]


def _same_scheduler_names(model):
    opts = [torch.optim.SGD(params, lr=LR) for params in _split(model, 2)]
    return opts, [{"scheduler": StepLR(opt, step_size=1), "name": "my-lr"} for opt in opts]


@pytest.mark.parametrize("configure, names", [
    (_sgd_step_lr("epoch"), ["lr-SGD"]),
    (_adam_and_sgd, ["lr-Adam", "lr-SGD"]),
    (_three_sgd, ["lr-SGD", "lr-SGD-1", "lr-SGD-2"]),
    (_sgd_and_unscheduled_adam, ["lr-SGD", "lr-Adam"]),
    (_two_groups, ["lr-SGD/pg1", "lr-SGD/pg2"]),
    (lambda m: _two_groups(m, group_names=("encoder", "head")), ["lr-SGD/encoder", "lr-SGD/head"]),
    (lambda m: _two_groups(m, group_names=("encoder", None)), ["lr-SGD/encoder", "lr-SGD/pg2"]),
    (_named_scheduler, ["my-lr"]),
    (lambda m: _two_groups(m, scheduler_name="my-lr"), ["my-lr/pg1", "my-lr/pg2"]),
    (_same_scheduler_names, ["my-lr", "my-lr-1"]),
], ids=["sgd", "adam-sgd", "three-sgd", "unscheduled-optimizer", "param-groups", "group-names",
        "one-group-named", "scheduler-name", "scheduler-name-groups", "same-scheduler-names"])
def test_names(tmp_path, configure, names):
    lr_logger = LearningRateLogger(logging_interval="step")
    trainer, _ = _fit(tmp_path, configure, lr_logger, epochs=1)
    assert list(lr_logger.lrs) == names
    assert all(len(values) == BATCHES for values in lr_logger.lrs.values())
    assert set(names) <= set(_tb_scalars(trainer))
    assert set(names) <= set(_csv_table(trainer).columns)
    assert set(names) <= set(trainer.callback_metrics)
    assert not any(key.startswith("momentum-") for key in trainer.callback_metrics)


def test_param_groups_keep_their_own_values(tmp_path):
    lr_logger = LearningRateLogger()
    trainer, _ = _fit(tmp_path, lambda m: _two_groups(m), lr_logger)  # StepLR(gamma=0.1) at epoch interval
    _assert_points(trainer, lr_logger, "lr-SGD/pg1", [0, BATCHES], [LR, LR * 0.1])
    _assert_points(trainer, lr_logger, "lr-SGD/pg2", [0, BATCHES], [LR / 10, LR / 100])


def test_each_optimizer_follows_its_own_interval(tmp_path):
    """With ``logging_interval=None``, an epoch scheduler logs per epoch and an unscheduled optimizer per step."""
    def configure(model):
        a, b = _split(model, 2)
        first, second = torch.optim.SGD(a, lr=LR), torch.optim.SGD(b, lr=0.05)
        return [first, second], [{"scheduler": StepLR(first, step_size=1, gamma=0.5), "interval": "epoch"}]

    lr_logger = LearningRateLogger()
    trainer, _ = _fit(tmp_path, configure, lr_logger)
    _assert_points(trainer, lr_logger, "lr-SGD", [0, BATCHES], [LR, LR * 0.5])
    _assert_points(trainer, lr_logger, "lr-SGD-1", list(range(EPOCHS * BATCHES)), [0.05] * (EPOCHS * BATCHES))


def test_two_optimizers_stepping_in_one_batch_give_one_point_per_step(tmp_path):
    def configure(model):
        opts = [torch.optim.SGD(params, lr=LR) for params in _split(model, 2)]
        return opts, [{"scheduler": StepLR(opt, step_size=1, gamma=GAMMA), "interval": "step"} for opt in opts]

    lr_logger = LearningRateLogger()
    trainer, model = _fit(tmp_path, configure, lr_logger, accumulate=2)
    steps = list(range(EPOCHS * BATCHES // 2))
    for name in ("lr-SGD", "lr-SGD-1"):
        _assert_points(trainer, lr_logger, name, steps, [LR * GAMMA ** s for s in steps])
    assert len(model.stepped_lrs) == 2 * len(steps)  # both optimizers stepped every time


# ------------------------------------------------------------------ no scheduler
@pytest.mark.parametrize("logging_interval, steps", [
    (None, list(range(EPOCHS * BATCHES))),
    ("batch", list(range(EPOCHS * BATCHES))),
    ("epoch", [0, BATCHES]),
])
def test_optimizer_without_scheduler_is_logged_with_a_warning(tmp_path, logging_interval, steps):
    lr_logger = LearningRateLogger(logging_interval=logging_interval)
    with pytest.warns(RuntimeWarning, match="no learning rate schedulers"):
        trainer, _ = _fit(tmp_path, _only_sgd, lr_logger)
    _assert_points(trainer, lr_logger, "lr-SGD", steps, [LR] * len(steps))


# ------------------------------------------------------------------- momentum
@pytest.mark.parametrize("make_optimizer, name, momentum", [
    (lambda p: torch.optim.SGD(p, lr=LR, momentum=0.9), "SGD", 0.9),
    (lambda p: torch.optim.SGD(p, lr=LR), "SGD", 0.0),
    (lambda p: torch.optim.Adam(p, lr=LR, betas=(0.8, 0.99)), "Adam", 0.8),
], ids=["sgd-momentum", "sgd-plain", "adam-betas"])
def test_log_momentum(tmp_path, make_optimizer, name, momentum):
    def configure(model):
        opt = make_optimizer(model.parameters())
        return [opt], [{"scheduler": StepLR(opt, step_size=1, gamma=GAMMA), "interval": "step"}]

    lr_logger = LearningRateLogger(log_momentum=True)
    trainer, _ = _fit(tmp_path, configure, lr_logger, epochs=1)
    steps = list(range(BATCHES))
    _assert_points(trainer, lr_logger, f"momentum-{name}", steps, [momentum] * BATCHES, store="momenta")
    _assert_points(trainer, lr_logger, f"lr-{name}", steps, [LR * GAMMA ** s for s in steps])
    assert trainer.callback_metrics[f"momentum-{name}"] == momentum


def test_momentum_is_not_logged_by_default(tmp_path):
    lr_logger = LearningRateLogger()
    trainer, _ = _fit(tmp_path, _sgd_step_lr("step", momentum=0.9), lr_logger, epochs=1)
    assert lr_logger.momenta == {}
    assert not any(tag.startswith("momentum") for tag in _tb_scalars(trainer))
    assert not any(col.startswith("momentum") for col in _csv_table(trainer).columns)


def test_momentum_name_follows_the_scheduler_name(tmp_path):
    lr_logger = LearningRateLogger(log_momentum=True)
    _fit(tmp_path, _named_scheduler, lr_logger, epochs=1)
    assert list(lr_logger.lrs) == ["my-lr"]
    assert list(lr_logger.momenta) == ["momentum-my-lr"]


# ------------------------------------------------------- schedulers with a shape
TOTAL = EPOCHS * BATCHES

SHAPED = {
    "one-cycle": lambda opt: OneCycleLR(opt, max_lr=0.5, total_steps=TOTAL),
    "cyclic": lambda opt: CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2, base_momentum=0.8,
                                   max_momentum=0.9),
    "finder-exponential": lambda opt: _ExponentialLR(opt, end_lr=1.0, num_iter=TOTAL),
    "finder-linear": lambda opt: _LinearLR(opt, end_lr=0.5, num_iter=TOTAL),
}


def _reference(make_scheduler, steps):
    """The lr and momentum each of ``steps`` optimizer steps uses, on a standalone optimizer."""
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=LR, momentum=0.9)
    scheduler = make_scheduler(opt)
    lrs, momenta = [], []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        momenta.append(opt.param_groups[0]["momentum"])
        opt.step()
        scheduler.step()
    return lrs, momenta


@pytest.mark.parametrize("kind", sorted(SHAPED))
def test_shaped_schedulers_are_logged_point_by_point(tmp_path, kind):
    make_scheduler = SHAPED[kind]

    def configure(model):
        opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9)
        return [opt], [{"scheduler": make_scheduler(opt), "interval": "step"}]

    lr_logger = LearningRateLogger(log_momentum=True)
    trainer, _ = _fit(tmp_path, configure, lr_logger)
    lrs, momenta = _reference(make_scheduler, TOTAL)
    assert len(set(lrs)) > 2  # the reference really moves
    _assert_points(trainer, lr_logger, "lr-SGD", list(range(TOTAL)), lrs)
    _assert_points(trainer, lr_logger, "momentum-SGD", list(range(TOTAL)), momenta, store="momenta")


def test_cyclic_lr_cycles_momentum_against_the_lr(tmp_path):
    make_scheduler = SHAPED["cyclic"]

    def configure(model):
        opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=0.9)
        return [opt], [{"scheduler": make_scheduler(opt), "interval": "step"}]

    lr_logger = LearningRateLogger(log_momentum=True)
    _fit(tmp_path, configure, lr_logger)
    lrs, momenta = lr_logger.lrs["lr-SGD"], lr_logger.momenta["momentum-SGD"]
    assert lrs[:5] == pytest.approx([0.01, 0.055, 0.1, 0.055, 0.01])
    # where the lr is at its base the momentum is at its max, and the other way round
    assert [(lr - 0.01) / 0.09 for lr in lrs] == pytest.approx([(0.9 - m) / 0.1 for m in momenta])


def test_finder_exponential_sweep_endpoints(tmp_path):
    lr_logger = LearningRateLogger()
    _fit(tmp_path, None, lr_logger, model=OptimizerConfigModel(_finder_sweep))
    lrs = lr_logger.lrs["lr-SGD"]
    assert lrs == pytest.approx([LR * 10 ** (i / (TOTAL - 1)) for i in range(TOTAL)])
    assert lrs[0] == pytest.approx(LR) and lrs[-1] == pytest.approx(1.0)


def _finder_sweep(model):
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    return [opt], [{"scheduler": _ExponentialLR(opt, end_lr=1.0, num_iter=TOTAL), "interval": "step"}]


class _PlateauModel(OptimizerConfigModel):
    """Validation loss stuck at 1.0, so ReduceLROnPlateau(patience=0) halves the lr from the 2nd epoch on."""

    def validation_epoch_end(self, outputs):
        return {"val_loss": torch.tensor(1.0)}


@pytest.mark.parametrize("logging_interval, steps, values", [
    (None, [0, 4, 8], [LR, LR, LR / 2]),
    ("step", list(range(12)), [LR] * 8 + [LR / 2] * 4),
])
def test_reduce_on_plateau(tmp_path, logging_interval, steps, values):
    def configure(model):
        opt = torch.optim.SGD(model.parameters(), lr=LR)
        return [opt], [ReduceLROnPlateau(opt, factor=0.5, patience=0)]

    lr_logger = LearningRateLogger(logging_interval=logging_interval)
    trainer, _ = _fit(tmp_path, None, lr_logger, epochs=3, limit_val_batches=1, model=_PlateauModel(configure))
    _assert_points(trainer, lr_logger, "lr-SGD", steps, values)
    assert trainer.optimizers[0].param_groups[0]["lr"] == LR / 4  # the end of epoch 3 halved it again


# ------------------------------------------------------------ runs and lr_find
def _two_sgd(model):
    opts = [torch.optim.SGD(params, lr=LR) for params in _split(model, 2)]
    return opts, [StepLR(opt, step_size=1) for opt in opts]


def test_fitting_twice_rebuilds_the_state(tmp_path):
    lr_logger = LearningRateLogger()
    _fit(tmp_path / "first", _two_sgd, lr_logger, epochs=1)
    assert list(lr_logger.lrs) == ["lr-SGD", "lr-SGD-1"]
    _fit(tmp_path / "second", _two_sgd, lr_logger, epochs=1)
    assert list(lr_logger.lrs) == ["lr-SGD", "lr-SGD-1"]  # not lr-SGD-2, lr-SGD-3
    assert lr_logger.lrs["lr-SGD"] == [LR]  # this run's single epoch only
    trainer, _ = _fit(tmp_path / "third", _sgd_step_lr("step"), lr_logger, epochs=1)
    assert list(lr_logger.lrs) == ["lr-SGD"]
    _assert_points(trainer, lr_logger, "lr-SGD", list(range(BATCHES)), [LR * GAMMA ** s for s in range(BATCHES)])


def test_same_trainer_fitted_twice(tmp_path):
    lr_logger = LearningRateLogger()
    seed_everything(0)
    trainer = Trainer(max_epochs=1, limit_train_batches=BATCHES, limit_val_batches=0, num_sanity_val_steps=0,
                      callbacks=[lr_logger], logger=TensorBoardLogger(str(tmp_path)), **QUIET)
    for _ in range(2):
        trainer.fit(OptimizerConfigModel(_sgd_step_lr("step")))
        assert lr_logger.lrs == {"lr-SGD": pytest.approx([LR * GAMMA ** s for s in range(BATCHES)])}


def test_not_logged_during_lr_find(tmp_path):
    lr_logger = LearningRateLogger()
    tb = TensorBoardLogger(str(tmp_path), name="tb")
    model = OptimizerConfigModel(_sgd_step_lr("step"))
    seed_everything(0)
    trainer = Trainer(max_epochs=EPOCHS, limit_train_batches=BATCHES, limit_val_batches=0, num_sanity_val_steps=0,
                      callbacks=[lr_logger], logger=tb, default_root_dir=str(tmp_path), **QUIET)
    trainer.lr_find(model, num_training=6, early_stop_threshold=None)
    assert lr_logger.lrs == {}
    assert lr_logger in trainer.callbacks and trainer.logger is tb
    trainer.fit(model)
    steps = list(range(TOTAL))
    assert lr_logger.lrs["lr-SGD"] == pytest.approx([LR * GAMMA ** s for s in steps])
    acc = EventAccumulator(tb.log_dir)
    acc.Reload()
    assert [e.step for e in acc.Scalars("lr-SGD")] == steps  # no sweep points in the event files


def test_not_logged_during_auto_lr_find(tmp_path):
    def configure(model):
        opt = torch.optim.SGD(model.parameters(), lr=model.hparams.lr)
        return [opt], [{"scheduler": StepLR(opt, step_size=1, gamma=GAMMA), "interval": "step"}]

    lr_logger = LearningRateLogger()
    trainer, model = _fit(tmp_path, configure, lr_logger, auto_lr_find=True)
    lrs = lr_logger.lrs["lr-SGD"]
    assert len(lrs) == TOTAL
    assert lrs == pytest.approx([model.hparams.lr * GAMMA ** s for s in range(TOTAL)])
    assert [s for s, _ in _tb_scalars(trainer)["lr-SGD"]] == list(range(TOTAL))


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("interval", ["epochs", "Step", "iteration", 1])
def test_bad_logging_interval(interval):
    with pytest.raises(MisconfigurationException,
                       match=r"`logging_interval` must be one of \(None, 'step', 'batch', 'epoch'\), got"):
        LearningRateLogger(logging_interval=interval)


def test_needs_a_logger(tmp_path):
    trainer = Trainer(max_epochs=1, limit_train_batches=2, limit_val_batches=0, num_sanity_val_steps=0,
                      callbacks=[LearningRateLogger()], logger=False, default_root_dir=str(tmp_path), **QUIET)
    with pytest.raises(MisconfigurationException, match="needs a logger"):
        trainer.fit(OptimizerConfigModel(_sgd_step_lr("step")))


def test_learning_rate_monitor_is_the_same_callback():
    assert LearningRateMonitor is LearningRateLogger
    monitor = LearningRateMonitor(logging_interval="batch", log_momentum=True)
    assert monitor.logging_interval == "batch" and monitor.log_momentum is True
