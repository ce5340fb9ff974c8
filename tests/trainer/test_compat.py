"""0.8.x entry points beyond fit: argparse helpers, accepted-but-inert arguments, newer hook spellings."""
from argparse import ArgumentParser

import pytest
import torch

import pytorch_lightning as pl
from pytorch_lightning import Callback, Trainer
from pytorch_lightning.utilities.exceptions import MisconfigurationException
from tests.helpers.models import TinyModel


def quiet(tmp_path, **kwargs):
    return Trainer(default_root_dir=str(tmp_path), logger=False, checkpoint_callback=False,
                   progress_bar_refresh_rate=0, weights_summary=None, **kwargs)


def test_add_argparse_args_and_from_argparse_args():
    parser = ArgumentParser()
    parser.add_argument("--lr", type=float, default=0.1)
    parser = Trainer.add_argparse_args(parser)
    args = parser.parse_args(["--max_epochs", "3", "--gpus", "none", "--fast_dev_run", "--limit_train_batches",
                              "0.5", "--logger", "false", "--auto_lr_find", "my_lr", "--accumulate_grad_batches", "2"])
    assert (args.max_epochs, args.gpus, args.fast_dev_run, args.limit_train_batches, args.logger) == \
        (3, None, True, 0.5, False)
    assert args.auto_lr_find == "my_lr" and args.lr == 0.1
    trainer = Trainer.from_argparse_args(args, progress_bar_refresh_rate=0, checkpoint_callback=False)
    assert trainer.logger is None and trainer.auto_lr_find == "my_lr"
    assert trainer.accumulate_grad_batches == 2
    assert trainer.max_epochs == 1  # fast_dev_run wins, as in 0.8.5
    defaults = Trainer.add_argparse_args(ArgumentParser()).parse_args([])
    assert defaults.max_epochs == 1000 and defaults.min_epochs == 1 and defaults.precision == 32


@pytest.mark.parametrize("kwargs, name", [
    ({"track_grad_norm": 2}, "track_grad_norm"),
    ({"log_gpu_memory": "all"}, "log_gpu_memory"),
    ({"sync_batchnorm": True}, "sync_batchnorm"),
])
def test_inert_arguments_warn(tmp_path, kwargs, name):
    with pytest.warns(UserWarning, match=f"`{name}=.*no effect"):
        quiet(tmp_path, **kwargs)


@pytest.mark.parametrize("kwargs, match", [
    ({"auto_scale_batch_size": True}, "auto_scale_batch_size"),
    ({"distributed_backend": "ddp"}, "distributed_backend='ddp'"),
    ({"num_processes": 2}, "num_processes=2"),
    ({"num_nodes": 2}, "num_nodes=2"),
    ({"truncated_bptt_steps": 2}, "truncated_bptt_steps=2"),
    ({"tpu_cores": 8}, "tpu_cores=8"),
])
def test_unsupported_arguments_raise(tmp_path, kwargs, match):
    with pytest.raises(MisconfigurationException, match=match):
        quiet(tmp_path, **kwargs)


def test_distributed_backend_dp_is_accepted(tmp_path):
    assert quiet(tmp_path, distributed_backend="dp").distributed_backend == "dp"


class OldStyle(Callback):
    def __init__(self):
        self.calls = 0

    def on_validation_batch_end(self, trainer, pl_module):
        self.calls += 1


class NewStyle(Callback):
    def __init__(self):
        self.seen = []

    def on_validation_batch_start(self, trainer, pl_module, batch, batch_idx, dataloader_idx):
        self.seen.append(("start", batch_idx, dataloader_idx, len(batch)))

    def on_validation_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx):
        self.seen.append(("end", batch_idx, dataloader_idx, sorted(outputs)))


def test_validation_batch_hooks_take_either_signature(tmp_path):
    old, new = OldStyle(), NewStyle()
    quiet(tmp_path, max_epochs=1, num_sanity_val_steps=0, callbacks=[old, new]).fit(TinyModel())
    assert old.calls == 4  # 32 validation samples in batches of 8
    assert new.seen[:2] == [("start", 0, 0, 2), ("end", 0, 0, ["val_acc", "val_loss"])]
    assert [s[1] for s in new.seen if s[0] == "end"] == [0, 1, 2, 3]


def test_data_loader_decorator_is_a_deprecated_no_op():
    with pytest.warns(DeprecationWarning, match="data_loader"):
        decorated = pl.data_loader(lambda self: 42)
    assert decorated(None) == 42


def test_fit_returns_one_and_test_returns_numbers(tmp_path):
    trainer = quiet(tmp_path, max_epochs=1)
    assert trainer.fit(TinyModel()) == 1
    (result,) = trainer.test()
    assert isinstance(result["test_loss"], float) and result["test_loss"] > 0
    assert torch.is_tensor(trainer.callback_metrics["test_loss"])


def test_profiler_true_times_every_hook(tmp_path):
    from pytorch_lightning.profiler import AdvancedProfiler, SimpleProfiler

    trainer = quiet(tmp_path, max_epochs=1, profiler=True, num_sanity_val_steps=0)
    trainer.fit(TinyModel())
    assert isinstance(trainer.profiler, SimpleProfiler)
    durations = trainer.profiler.recorded_durations
    assert len(durations["on_batch_start"]) == 8 and len(durations["on_epoch_end"]) == 1  # 64 samples / 8
    assert all(d >= 0 for d in durations["on_batch_end"])
    assert "on_batch_start" in trainer.profiler.summary()
    advanced = AdvancedProfiler()
    quiet(tmp_path, max_epochs=1, profiler=advanced).fit(TinyModel())
    assert "Profile stats for: on_train_start" in advanced.summary()


def test_deprecated_0_8_spellings_map_onto_their_replacements(tmp_path):
    with pytest.warns(DeprecationWarning, match="show_progress_bar"):
        trainer = Trainer(default_root_dir=str(tmp_path), logger=False, checkpoint_callback=False,
                          show_progress_bar=False)
    assert trainer.progress_bar_refresh_rate == 0 and trainer.progress_bar_callback is None
    with pytest.warns(DeprecationWarning, match="overfit_pct"):
        assert quiet(tmp_path, overfit_pct=0.25).overfit_batches == 0.25
    with pytest.warns(DeprecationWarning, match="use_amp"), pytest.raises(MisconfigurationException, match="GPU"):
        quiet(tmp_path, use_amp=True)  # precision=16, which needs a GPU
    with pytest.warns(DeprecationWarning, match="num_tpu_cores"), pytest.raises(MisconfigurationException,
                                                                                match="tpu_cores=8"):
        quiet(tmp_path, num_tpu_cores=8)


def test_scheduler_dict_has_0_8_5_keys_only():
    """0.8.5's tests compare the whole dict: no 'name' or 'strict' keys unless given."""
    from pytorch_lightning.trainer.optimizers import configure_scheduler

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt)
    assert configure_scheduler(plateau) == dict(scheduler=plateau, monitor="val_loss", interval="epoch",
                                                frequency=1, reduce_on_plateau=True)


def test_progress_bar_dict_holds_numbers_and_epoch_end_metrics(tmp_path):
    """As 0.8.5's hook tests read it: step metrics kept, epoch-end ones added and overriding."""

    class Model(TinyModel):
        def training_step(self, batch, batch_idx):
            out = super().training_step(batch, batch_idx)
            out["progress_bar"] = {"step_metric": torch.tensor(-1), "shared_metric": 100}
            return out

        def training_epoch_end(self, outputs):
            return {"progress_bar": {f"epoch_metric_{self.current_epoch}": torch.tensor(self.current_epoch),
                                     "shared_metric": 111}}

    trainer = quiet(tmp_path, max_epochs=3)
    assert trainer.fit(Model()) == 1
    metrics = trainer.progress_bar_dict
    assert metrics["step_metric"] == -1 and metrics["shared_metric"] == 111
    assert [metrics[f"epoch_metric_{i}"] for i in range(3)] == [0, 1, 2]


def test_hooks_set_to_none_on_the_instance_count_as_absent(tmp_path):
    """0.8.5's dataloader tests do `model.val_dataloader = None; model.validation_step = None`."""
    model = TinyModel()
    loader = model.train_dataloader()
    for hook in ("train_dataloader", "val_dataloader", "test_dataloader", "validation_step",
                 "validation_epoch_end", "test_step", "test_epoch_end"):
        setattr(model, hook, None)
    trainer = quiet(tmp_path, max_epochs=1)
    assert trainer.fit(model, train_dataloader=loader) == 1
    assert trainer.val_dataloaders == [] and trainer.global_step == 8
    with pytest.raises(MisconfigurationException, match="test_step"):
        trainer.test()


def test_data_errors_are_value_errors_with_0_8_5_wording(tmp_path):
    from torch.utils.data import DataLoader, IterableDataset, TensorDataset

    class Endless(IterableDataset):
        def __iter__(self):
            while True:
                yield torch.zeros(8), torch.tensor(0)

    empty = DataLoader(TensorDataset(torch.zeros(0, 8), torch.zeros(0).long()), batch_size=4)
    with pytest.raises(ValueError, match="0 batches"):
        quiet(tmp_path).fit(TinyModel(), train_dataloader=empty)
    with pytest.raises(MisconfigurationException, match="infinite DataLoader"):
        quiet(tmp_path, val_check_interval=0.5).fit(TinyModel(), train_dataloader=DataLoader(Endless(), batch_size=4))
    trainer = quiet(tmp_path, max_epochs=1, val_check_interval=3, limit_train_batches=6)
    assert trainer.fit(TinyModel(), train_dataloader=DataLoader(Endless(), batch_size=4)) == 1
    assert trainer.global_step == 6


@pytest.mark.parametrize("without_yaml", [False, True])
def test_load_from_checkpoint_with_an_hparams_file(tmp_path, monkeypatch, without_yaml):
    import builtins

    from pytorch_lightning.core.saving import load_hparams_from_yaml
    from pytorch_lightning.loggers import TensorBoardLogger
    from tests.helpers.models import HParamsDictModel

    logger = TensorBoardLogger(str(tmp_path), name="logs")
    model = HParamsDictModel()
    trainer = Trainer(default_root_dir=str(tmp_path), logger=logger, checkpoint_callback=False, max_epochs=1,
                      progress_bar_refresh_rate=0, weights_summary=None)
    trainer.fit(model)
    path = str(tmp_path / "model.ckpt")
    trainer.save_checkpoint(path)
    hparams_file = f"{logger.log_dir}/hparams.yaml"
    if without_yaml:
        real_import = builtins.__import__
        monkeypatch.setattr(builtins, "__import__", lambda name, *a, **k: (_ for _ in ()).throw(ImportError(name))
                            if name == "yaml" else real_import(name, *a, **k))
    assert load_hparams_from_yaml(hparams_file) == dict(model.hparams)
    loaded = HParamsDictModel.load_from_checkpoint(path, hparams_file=hparams_file)
    assert dict(loaded.hparams) == dict(model.hparams)
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value)
    with pytest.raises(FileNotFoundError, match="hparams_file"):
        HParamsDictModel.load_from_checkpoint(path, hparams_file=str(tmp_path / "missing.yaml"))


def test_an_accumulation_schedule_can_go_down(tmp_path):
    trainer = quiet(tmp_path, max_epochs=4, accumulate_grad_batches={0: 4, 2: 1}, num_sanity_val_steps=0)
    seen = []

    class Spy(Callback):
        def on_epoch_start(self, trainer, pl_module):
            seen.append(trainer.accumulate_grad_batches)

    trainer.callbacks.append(Spy())
    trainer.fit(TinyModel())  # 8 batches per epoch
    assert seen == [4, 4, 1, 1]
    assert trainer.global_step == 2 + 2 + 8 + 8


def test_an_endless_loader_with_an_int_val_check_interval_and_the_progress_bar(tmp_path, capsys):
    from torch.utils.data import DataLoader, IterableDataset

    class Endless(IterableDataset):
        def __iter__(self):
            while True:
                yield torch.zeros(8), torch.tensor(0)

    trainer = Trainer(default_root_dir=str(tmp_path), logger=False, checkpoint_callback=False, max_steps=12,
                      val_check_interval=5, weights_summary=None, num_sanity_val_steps=0)
    assert trainer.progress_bar_callback is not None
    trainer.fit(TinyModel(), train_dataloader=DataLoader(Endless(), batch_size=4))
    assert trainer.global_step == 12
    assert trainer.num_val_batches_this_epoch == float("inf")


def test_lr_find_gives_up_when_no_step_ever_comes(tmp_path):
    from pytorch_lightning.trainer.lr_finder import IDLE_STEPS_ALLOWED

    class NoLoss(TinyModel):
        calls = 0

        def training_step(self, batch, batch_idx):
            NoLoss.calls += 1
            return None

    model = NoLoss()
    with pytest.raises(MisconfigurationException, match="no optimizer step in .* batches in a row"):
        quiet(tmp_path, accumulate_grad_batches=2).lr_find(model)
    assert NoLoss.calls == IDLE_STEPS_ALLOWED * 2 + 1  # bounded, and it counts accumulation windows


def test_every_optimizers_log_metrics_reach_the_logger(tmp_path):
    """A GAN-style module logging one metric per optimizer: both are written, as in 0.8.5."""
    from pytorch_lightning.loggers import CSVLogger

    class TwoOptimizers(TinyModel):
        def training_step(self, batch, batch_idx, optimizer_idx):
            out = super().training_step(batch, batch_idx)
            return {"loss": out["loss"], "log": {f"loss_{optimizer_idx}": out["loss"]}}

        def configure_optimizers(self):
            return [torch.optim.SGD(self.net[0].parameters(), lr=0.1), torch.optim.SGD(self.net[3].parameters(), lr=0.1)]

    logger = CSVLogger(str(tmp_path), name="gan")
    trainer = Trainer(default_root_dir=str(tmp_path), logger=logger, checkpoint_callback=False, max_epochs=1,
                      progress_bar_refresh_rate=0, weights_summary=None, row_log_interval=1)
    trainer.fit(TwoOptimizers())
    rows = [r for r in logger.experiment.metrics if "loss_0" in r or "loss_1" in r]
    assert len(rows) == 8 and all("loss_0" in r and "loss_1" in r for r in rows)
    assert [r["step"] for r in rows] == list(range(8))


def test_load_from_checkpoint_with_hparams_beside_other_arguments(tmp_path):
    from argparse import Namespace

    class Model(TinyModel):
        def __init__(self, hparams, extra=3):
            super().__init__(lr=hparams.lr)
            self.save_hyperparameters()
            self.extra = extra

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=self.hparams["hparams"].lr)

        def train_dataloader(self):
            from torch.utils.data import DataLoader

            from tests.helpers.models import make_data

            return DataLoader(make_data(), batch_size=8)

        def val_dataloader(self):
            return None

    trainer = quiet(tmp_path, max_epochs=1)
    trainer.fit(Model(Namespace(lr=0.05), extra=5))
    path = str(tmp_path / "m.ckpt")
    trainer.save_checkpoint(path)
    loaded = Model.load_from_checkpoint(path)
    assert isinstance(loaded.hparams["hparams"], Namespace) and loaded.hparams["hparams"].lr == 0.05
    assert loaded.extra == 5
