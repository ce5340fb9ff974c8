"""``configure_optimizers``: every 0.8.x return form, scheduler defaults and when each scheduler is stepped."""
import pytest
import torch
from torch.optim.lr_scheduler import ReduceLROnPlateau, StepLR

from pytorch_lightning import Trainer
from pytorch_lightning.utilities.exceptions import MisconfigurationException
from tests.helpers.models import TinyModel


class ConfModel(TinyModel):
    """TinyModel whose ``configure_optimizers`` returns ``configure(self)``.

    Records ``(batch_idx, optimizer_idx)`` per training step in ``self.steps`` and, per optimizer
    step, ``(optimizer, [lr of each group])`` in ``self.stepped`` (the lr the step used).
    """

    def __init__(self, configure, **kwargs):
        super().__init__(**kwargs)
        self._configure = configure
        self.steps = []
        self.stepped = []
        self.val_losses = []

    def configure_optimizers(self):
        return self._configure(self)

    def training_step(self, batch, batch_idx, optimizer_idx=None):
        self.steps.append((batch_idx, optimizer_idx))
        return super().training_step(batch, batch_idx)

    def optimizer_step(self, epoch, batch_idx, optimizer, optimizer_idx, *args, **kwargs):
        self.stepped.append((optimizer, [g["lr"] for g in optimizer.param_groups]))
        super().optimizer_step(epoch, batch_idx, optimizer, optimizer_idx, *args, **kwargs)

    def validation_epoch_end(self, outputs):
        result = super().validation_epoch_end(outputs)
        if not self.trainer.running_sanity_check:
            self.val_losses.append(float(result["val_loss"]))
        return result


def _trainer(tmp_path, **kwargs):
    args = dict(default_root_dir=tmp_path, max_epochs=1, limit_train_batches=4, limit_val_batches=0,
                num_sanity_val_steps=0, progress_bar_refresh_rate=0, weights_summary=None, logger=False,
                checkpoint_callback=False)
    args.update(kwargs)
    return Trainer(**args)


def _sgd(params, lr=0.1):
    return torch.optim.SGD(params, lr=lr)


def _two(model):
    """Two SGD optimizers over disjoint halves of the model."""
    return _sgd(model.net[0].parameters()), _sgd(model.net[3].parameters())


def _lrs(model):
    return [lrs[0] for _, lrs in model.stepped]


# ------------------------------------------------------------------ return forms
def test_single_optimizer(tmp_path):
    holder = {}

    def configure(model):
        holder["opt"] = _sgd(model.parameters())
        return holder["opt"]

    model = ConfModel(configure)
    trainer = _trainer(tmp_path)
    assert trainer.fit(model) == 1
    assert len(trainer.optimizers) == 1 and trainer.optimizers[0] is holder["opt"]
    assert trainer.lr_schedulers == []
    assert all(opt is holder["opt"] for opt, _ in model.stepped) and len(model.stepped) == 4
    assert model.steps == [(i, None) for i in range(4)]


@pytest.mark.parametrize("container", [list, tuple])
def test_several_optimizers_each_step_every_batch(tmp_path, container):
    holder = {}

    def configure(model):
        holder["opts"] = _two(model)
        return container(holder["opts"])

    model = ConfModel(configure)
    trainer = _trainer(tmp_path, limit_train_batches=2)
    trainer.fit(model)
    first, second = holder["opts"]
    assert trainer.optimizers[0] is first and trainer.optimizers[1] is second
    assert model.steps == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert [opt for opt, _ in model.stepped] == [first, second, first, second]
    assert trainer.global_step == 2  # one count per batch, not per optimizer


def _check_default_scheduler_config(cfg, scheduler):
    assert cfg["scheduler"] is scheduler
    assert cfg["interval"] == "epoch"
    assert cfg["frequency"] == 1
    assert cfg["monitor"] == "val_loss"
    assert cfg["reduce_on_plateau"] is False


def test_optimizers_and_schedulers_tuple(tmp_path):
    holder = {}

    def configure(model):
        opt = _sgd(model.parameters())
        holder["sched"] = StepLR(opt, step_size=1, gamma=0.5)
        return [opt], [holder["sched"]]

    model = ConfModel(configure)
    trainer = _trainer(tmp_path)
    trainer.fit(model)
    assert len(trainer.lr_schedulers) == 1
    _check_default_scheduler_config(trainer.lr_schedulers[0], holder["sched"])
    assert trainer.lr_schedulers[0]["scheduler"].optimizer is trainer.optimizers[0]


def test_dict_with_optimizer_and_lr_scheduler(tmp_path):
    holder = {}

    def configure(model):
        opt = _sgd(model.parameters())
        holder["opt"], holder["sched"] = opt, StepLR(opt, step_size=1, gamma=0.5)
        return {"optimizer": opt, "lr_scheduler": holder["sched"]}

    model = ConfModel(configure)
    trainer = _trainer(tmp_path)
    trainer.fit(model)
    assert trainer.optimizers == [holder["opt"]]
    _check_default_scheduler_config(trainer.lr_schedulers[0], holder["sched"])


def test_scheduler_dict_keeps_given_keys_and_fills_defaults(tmp_path):
    def configure(model):
        opt = _sgd(model.parameters())
        return [opt], [{"scheduler": StepLR(opt, step_size=1), "interval": "step", "name": "my-lr"}]

    trainer = _trainer(tmp_path)
    trainer.fit(ConfModel(configure))
    cfg = trainer.lr_schedulers[0]
    assert (cfg["interval"], cfg["name"], cfg["frequency"], cfg["monitor"]) == ("step", "my-lr", 1, "val_loss")


def test_list_of_dicts_with_frequency_alternates_optimizers(tmp_path):
    holder = {}

    def configure(model):
        holder["opts"] = _two(model)
        return [{"optimizer": holder["opts"][0], "frequency": 1}, {"optimizer": holder["opts"][1], "frequency": 2}]

    model = ConfModel(configure)
    trainer = _trainer(tmp_path, limit_train_batches=6)
    trainer.fit(model)
    assert trainer.optimizer_frequencies == [1, 2]
    assert model.steps == [(0, 0), (1, 1), (2, 1), (3, 0), (4, 1), (5, 1)]
    first, second = holder["opts"]
    assert [opt for opt, _ in model.stepped] == [first, second, second, first, second, second]
    assert trainer.global_step == 6


@pytest.mark.parametrize("bad", [None, "sgd", [], 3])
def test_unsupported_return_raises(tmp_path, bad):
    with pytest.raises(MisconfigurationException, match="configure_optimizers"):
        _trainer(tmp_path).fit(ConfModel(lambda model: bad))


def test_dict_without_optimizer_key_raises(tmp_path):
    with pytest.raises(MisconfigurationException, match="'optimizer'"):
        _trainer(tmp_path).fit(ConfModel(lambda model: {"lr_scheduler": None}))


# ------------------------------------------------------------------ scheduler stepping
@pytest.mark.parametrize("interval", ["step", "batch"])
def test_step_and_batch_intervals_step_after_every_optimizer_step(tmp_path, interval):
    def configure(model):
        opt = _sgd(model.parameters(), lr=0.1)
        return [opt], [{"scheduler": StepLR(opt, step_size=1, gamma=0.5), "interval": interval}]

    model = ConfModel(configure)
    trainer = _trainer(tmp_path, max_epochs=2, limit_train_batches=3)
    trainer.fit(model)
    assert _lrs(model) == [0.1 * 0.5 ** k for k in range(6)]
    assert trainer.optimizers[0].param_groups[0]["lr"] == 0.1 * 0.5 ** 6
    assert trainer.lr_schedulers[0]["scheduler"].last_epoch == 6


@pytest.mark.parametrize("interval", ["step", "batch"])
def test_step_interval_counts_optimizer_steps_not_batches(tmp_path, interval):
    """With accumulation 2 over 4 batches there are 2 optimizer steps, so 2 scheduler steps."""
    def configure(model):
        opt = _sgd(model.parameters(), lr=0.1)
        return [opt], [{"scheduler": StepLR(opt, step_size=1, gamma=0.5), "interval": interval}]

    model = ConfModel(configure)
    trainer = _trainer(tmp_path, accumulate_grad_batches=2)
    trainer.fit(model)
    assert _lrs(model) == [0.1, 0.05]
    assert trainer.optimizers[0].param_groups[0]["lr"] == 0.025


def test_step_interval_with_frequency(tmp_path):
    def configure(model):
        opt = _sgd(model.parameters(), lr=0.1)
        return [opt], [{"scheduler": StepLR(opt, step_size=1, gamma=0.5), "interval": "step", "frequency": 2}]

    model = ConfModel(configure)
    _trainer(tmp_path, limit_train_batches=5).fit(model)
    assert _lrs(model) == [0.1, 0.1, 0.05, 0.05, 0.025]


def test_epoch_interval_steps_once_per_epoch(tmp_path):
    holder = {}

    def configure(model):
        opt = _sgd(model.parameters(), lr=0.1)
        holder["sched"] = StepLR(opt, step_size=1, gamma=0.5)
        return [opt], [holder["sched"]]

    model = ConfModel(configure)
    trainer = _trainer(tmp_path, max_epochs=2, limit_train_batches=3)
    trainer.fit(model)
    assert _lrs(model) == [0.1] * 3 + [0.05] * 3
    assert trainer.lr_schedulers[0]["scheduler"] is holder["sched"]
    assert holder["sched"].last_epoch == 2
    assert trainer.optimizers[0].param_groups[0]["lr"] == 0.025


def test_epoch_interval_with_frequency(tmp_path):
    def configure(model):
        opt = _sgd(model.parameters(), lr=0.1)
        return [opt], [{"scheduler": StepLR(opt, step_size=1, gamma=0.5), "frequency": 2}]

    model = ConfModel(configure)
    _trainer(tmp_path, max_epochs=4, limit_train_batches=1).fit(model)
    assert _lrs(model) == [0.1, 0.1, 0.05, 0.05]


def test_bad_interval_raises_naming_accepted_values(tmp_path):
    def configure(model):
        opt = _sgd(model.parameters())
        return [opt], [{"scheduler": StepLR(opt, step_size=1), "interval": "minute"}]

    with pytest.raises(MisconfigurationException, match=r"interval.*'step'.*'batch'.*'epoch'.*'minute'"):
        _trainer(tmp_path).fit(ConfModel(configure))


class RecordingPlateau(ReduceLROnPlateau):
    """ReduceLROnPlateau that remembers the metric values it was stepped with."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []

    def step(self, metrics, *args, **kwargs):
        self.seen.append(float(metrics))
        return super().step(metrics, *args, **kwargs)


@pytest.mark.parametrize("form", ["bare", "dict_monitor", "top_level_monitor"])
def test_reduce_lr_on_plateau_steps_with_monitored_metric(tmp_path, form):
    holder = {}
    monitor = "val_loss" if form == "bare" else "val_acc"

    def configure(model):
        opt = _sgd(model.parameters())
        holder["sched"] = sched = RecordingPlateau(opt, patience=0)
        if form == "bare":
            return [opt], [sched]
        if form == "dict_monitor":
            return [opt], [{"scheduler": sched, "monitor": "val_acc"}]
        return {"optimizer": opt, "lr_scheduler": sched, "monitor": "val_acc"}

    accs = []

    class Model(ConfModel):
        def validation_epoch_end(self, outputs):
            result = super().validation_epoch_end(outputs)
            accs.append(float(torch.stack([o["val_acc"] for o in outputs]).mean()))
            result["val_acc"] = torch.tensor(accs[-1])
            return result

    model = Model(configure)
    trainer = _trainer(tmp_path, max_epochs=3, limit_train_batches=2, limit_val_batches=2)
    trainer.fit(model)
    cfg = trainer.lr_schedulers[0]
    assert cfg["reduce_on_plateau"] is True and cfg["monitor"] == monitor
    expected = model.val_losses if monitor == "val_loss" else accs
    assert len(expected) == 3
    assert holder["sched"].seen == pytest.approx(expected, abs=1e-7)


def test_reduce_lr_on_plateau_missing_metric_lists_available(tmp_path):
    def configure(model):
        opt = _sgd(model.parameters())
        return [opt], [{"scheduler": ReduceLROnPlateau(opt), "monitor": "val_nope"}]

    with pytest.raises(MisconfigurationException, match=r"'val_nope'.*available.*'val_loss'"):
        _trainer(tmp_path, limit_val_batches=1).fit(ConfModel(configure))


def test_scheduler_on_foreign_optimizer_raises(tmp_path):
    def configure(model):
        opt = _sgd(model.parameters())
        other = _sgd(model.parameters())
        return [opt], [StepLR(other, step_size=1)]

    with pytest.raises(MisconfigurationException, match="scheduler"):
        _trainer(tmp_path).fit(ConfModel(configure))


def test_trainer_holds_the_objects_that_are_stepped(tmp_path):
    holder = {}

    def configure(model):
        opt = _sgd(model.parameters(), lr=0.1)
        holder["opt"], holder["sched"] = opt, StepLR(opt, step_size=1, gamma=0.5)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": holder["sched"], "interval": "step"}}

    model = ConfModel(configure)
    trainer = _trainer(tmp_path, limit_train_batches=3)
    before = [p.detach().clone() for p in model.parameters()]
    trainer.fit(model)
    assert trainer.optimizers[0] is holder["opt"]
    assert trainer.lr_schedulers[0]["scheduler"] is holder["sched"]
    assert all(opt is holder["opt"] for opt, _ in model.stepped) and len(model.stepped) == 3
    assert holder["sched"].last_epoch == 3
    assert holder["opt"].param_groups[0]["lr"] == 0.1 * 0.5 ** 3
    after = list(model.parameters())
    assert all(id(p) in {id(q) for g in holder["opt"].param_groups for q in g["params"]} for p in after)
    assert any(not torch.equal(b, a.detach()) for b, a in zip(before, after))
