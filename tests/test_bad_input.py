"""Bad input, tried systematically: every case raises an error that names the argument (and the value
given, or its type), before any work, and leaves the model's weights as they were.

Cases tried (``argument: values``), 261 test cases in all.

Trainer (raise at construction, nothing written under ``default_root_dir``)
    logger: 'tensorboard', 1, [CSVLogger, 'csv']
    checkpoint_callback: 'yes', EarlyStopping(); early_stop_callback: 'yes', ModelCheckpoint()
    callbacks: ModelCheckpoint() (not a list), 'abc', [1]
    default_root_dir: 123; weights_save_path: 123
    gradient_clip_val: -1.0, '1', nan, True; process_position: -1, '0'
    num_nodes: 2, 0; num_processes: 2; distributed_backend: 'ddp', 'dpp' (a typo)
    gpus (without a GPU): 'abc', -2, True, 1.5, 1
    tpu_cores: 8; truncated_bptt_steps: 2; auto_scale_batch_size: True, 'pwoer' (a typo)
    progress_bar_refresh_rate: -1, 1.5, '1', True
    check_val_every_n_epoch: 0, 1.5
    accumulate_grad_batches: 0, 1.5, '2', {0: 0}, {-1: 2}, {}, {'0': 2}
    max_epochs: 0, -1, 1.5, '10', None; min_epochs: -1, '1'; min_epochs > max_epochs
    max_steps: 0, -5, 1.5; min_steps: -1; min_steps > max_steps
    log_save_interval: 0, '1'; row_log_interval: 0, 1.5
    (checked when fit/test starts, as in 0.8.5, before any work) limit_train_batches: 1.5, -0.1, -1,
    '0.5', True, nan; limit_val_batches: 2.0; limit_test_batches: -1; val_check_interval: 0.0, 0,
    1.5, -1; overfit_batches: -1, 1.5, '0.1'
    precision: 64, '16-mixed', 'bf61' (a typo), 16 (on the CPU)
    weights_summary: 'topp', 'Top'; num_sanity_val_steps: -2, 1.5
    profiler: 'simple', 1; auto_lr_find: 1, '', 1.5; amp_level: 'O5'; resume_from_checkpoint: 123
    train_percent_check: 2.0 (the error names the deprecated name the user passed)
    compatibility-only arguments warn, naming themselves: track_grad_norm 'infinity',
        log_gpu_memory 'min-max', sync_batchnorm True, auto_select_gpus True
    bool flags given the string 'False': fast_dev_run, terminate_on_nan, reload_dataloaders_every_epoch,
        benchmark, deterministic

Trainer.fit and the data (raise before the first optimizer step, weights unchanged, no file written)
    model: 'model', nn.Linear; a model without training_step, without configure_optimizers, without
    any train dataloader; train_dataloader: 5, an empty DataLoader, an empty unsized loader;
    limit_train_batches=0; val_dataloaders: 5, an empty DataLoader (a warning);
    val_check_interval: 100 (more than the 8 batches); resume_from_checkpoint: a missing file (named,
    before the logger writes); auto_lr_find: 'lrr' (no such field)

configure_optimizers returns
    None, 'sgd', [], [opt, 'x'], ([], []), ([opt, 'x'], []), ([opt], ['x']),
    ([opt], [scheduler of another optimizer]), (opt, scheduler), ([opt], [sched], 'extra'),
    {'optimzer': opt}, {'optimizer': 'x'}, {'optimizer': opt, 'lr_schedular': sched},
    scheduler dicts with 'interval': 'steps', 'intervall': 'step', 'frequency': 0, 'scheduler': 'x',
    {'optimizer': opt, 'frequency': 0}, a 'frequency' on only one of two optimizer dicts

training_step returns
    'loss', {'los': loss}, {'loss': 1.0}, {'loss': tensor of shape (2,)}, loss.detach(), (loss, 1),
    [loss], {'loss': loss, 'log': 5}, {'loss': loss, 'progress_bar': [1]}; None for every batch (lr_find)

lr_find (nothing written, the model untouched and unattached)
    model: nn.Linear; min_lr: '1e-3', True, None, nan, -1.0 and 0.0 (exponential); max_lr: '1', inf,
    None, below min_lr; num_training: 1, 0, -5, 10.0, True, '100', None;
    mode: 'Exponential', 'exp', 'linaer', None, 1; early_stop_threshold: 1.0, 0.5, -4, '4', True, nan;
    num_accumulation_steps: 0, 1.5, True, '2'; update_attr: 'yes'; train_dataloader: 5, an empty
    DataLoader, an empty unsized loader; val_dataloaders: 5; models without training_step or
    configure_optimizers; loaders shorter than num_training (1 batch; 2 batches with
    accumulate_grad_batches=4; 3 batches of an unsized loader): the sweep goes on over epochs and
    records num_training points

_LRFinder.suggestion / suggest_index / plot / _LRFinder
    skip_begin: -1, 1.5, '10', True, None; skip_end: -1, 2.0; filter_size: 0, -1, 2.5, True, '3';
    method: 'steep', 'Steepest', None; lrs and losses of different lengths, 2-d;
    plot suggest: 'yes'; show: 'no'; ax: 1, 'left'; _LRFinder mode: 'exp'

LearningRateLogger
    logging_interval: 'steps', 'Epoch', 1, ''; log_momentum: 'False'; no logger at fit

ModelCheckpoint
    filepath: 123, ''; monitor: '', 1, None; mode: 'mn', 'Min', None;
    save_top_k: -2, 1.5, '1', True; period: 0, -1, 1.5; prefix: 1;
    verbose / save_last / save_weights_only: 'False'; monitor 'val_los' (a typo) at the first check

EarlyStopping
    monitor: '', 1; mode: 'mx'; patience: -1, 1.5, '3'; min_delta: '0.1', True, nan, inf;
    verbose / strict: 'False'; monitor 'val_los' (a typo) at the first check

TensorBoardLogger / CSVLogger (each)
    save_dir: None, 123; name: 1; version: True, 1.5, -1;
    TensorBoardLogger's SummaryWriter keyword typo 'flush_sec'
"""
import copy
import math
import os
import re

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, IterableDataset, TensorDataset

from pytorch_lightning import LightningModule, Trainer
from pytorch_lightning.callbacks import EarlyStopping, LearningRateLogger, ModelCheckpoint
from pytorch_lightning.loggers import CSVLogger, TensorBoardLogger
from pytorch_lightning.trainer.lr_finder import _LRFinder, suggest_index
from pytorch_lightning.utilities.exceptions import MisconfigurationException
from tests.helpers.models import TinyModel, make_data

NAN, INF = float("nan"), float("inf")


# -------------------------------------------------------------------- helpers
def quiet(root, **kwargs):
    """Trainer settings that write nothing and print nothing, overridden by ``kwargs``."""
    settings = dict(default_root_dir=str(root), progress_bar_refresh_rate=0, weights_summary=None, logger=False,
                    checkpoint_callback=False, max_epochs=1)
    settings.update(kwargs)
    return settings


def state_copy(model):
    return copy.deepcopy({k: v.detach().cpu() for k, v in model.state_dict().items()})


def assert_same_state(model, before):
    after = state_copy(model)
    assert after.keys() == before.keys()
    for key in before:
        assert torch.equal(after[key], before[key]), key


def names(name, value):
    """A regex that finds the backticked argument ``name`` and the value given (its repr or its type)."""
    shown = "|".join(re.escape(s) for s in {repr(value), str(value), type(value).__name__} if s)
    return rf"(?s)(?=.*`{re.escape(name)}\b)(?=.*(?:{shown}))"


def files_under(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


class CountingSteps(TinyModel):
    """TinyModel counting its optimizer steps (a step is "work")."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.optimizer_steps = 0

    def optimizer_step(self, *args, **kwargs):
        self.optimizer_steps += 1
        super().optimizer_step(*args, **kwargs)


class ConfigModel(CountingSteps):
    """``configure_optimizers`` returns ``configure(self)``."""

    def __init__(self, configure, **kwargs):
        super().__init__(**kwargs)
        self._configure = configure

    def configure_optimizers(self):
        return self._configure(self)


class StepReturnModel(CountingSteps):
    """``training_step`` returns ``shape(loss)``."""

    def __init__(self, shape, **kwargs):
        super().__init__(**kwargs)
        self._shape = shape

    def training_step(self, batch, batch_idx):
        x, y = batch
        return self._shape(nn.functional.cross_entropy(self(x), y))


class EmptyIterable(IterableDataset):
    def __iter__(self):
        return iter(())


class ThreeBatches(IterableDataset):
    """An unsized dataset of 3 batches of 8."""

    def __iter__(self):
        data = make_data(24)
        return iter([data[i:i + 8] for i in range(0, 24, 8)])


def without(hook):
    """A CountingSteps whose ``hook`` is LightningModule's default (as if never written)."""

    class Model(CountingSteps):
        pass

    setattr(Model, hook, getattr(LightningModule, hook))
    return Model()


# ================================================================== Trainer
TRAINER_CASES = [
    ("logger", "tensorboard"),
    ("logger", 1),
    ("checkpoint_callback", "yes"),
    ("checkpoint_callback", EarlyStopping()),
    ("early_stop_callback", "yes"),
    ("early_stop_callback", ModelCheckpoint()),
    ("gradient_clip_val", -1.0),
    ("gradient_clip_val", "1"),
    ("gradient_clip_val", NAN),
    ("gradient_clip_val", True),
    ("num_nodes", 2),
    ("num_nodes", 0),
    ("num_processes", 2),
    ("distributed_backend", "ddp"),
    ("distributed_backend", "dpp"),
    ("gpus", "abc"),
    ("gpus", -2),
    ("gpus", True),
    ("gpus", 1.5),
    pytest.param("gpus", 1, marks=pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is available")),
    ("tpu_cores", 8),
    ("truncated_bptt_steps", 2),
    ("auto_scale_batch_size", True),
    ("auto_scale_batch_size", "pwoer"),
    ("progress_bar_refresh_rate", -1),
    ("progress_bar_refresh_rate", 1.5),
    ("progress_bar_refresh_rate", "1"),
    ("progress_bar_refresh_rate", True),
    ("check_val_every_n_epoch", 0),
    ("check_val_every_n_epoch", 1.5),
    ("accumulate_grad_batches", 0),
    ("accumulate_grad_batches", 1.5),
    ("accumulate_grad_batches", "2"),
    ("accumulate_grad_batches", {0: 0}),
    ("accumulate_grad_batches", {-1: 2}),
    ("accumulate_grad_batches", {}),
    ("accumulate_grad_batches", {"0": 2}),
    ("max_epochs", 0),
    ("max_epochs", -1),
    ("max_epochs", 1.5),
    ("max_epochs", "10"),
    ("max_epochs", None),
    ("min_epochs", -1),
    ("min_epochs", "1"),
    ("max_steps", 0),
    ("max_steps", -5),
    ("max_steps", 1.5),
    ("min_steps", -1),
    ("log_save_interval", 0),
    ("log_save_interval", "1"),
    ("row_log_interval", 0),
    ("row_log_interval", 1.5),
    ("precision", 64),
    ("precision", "16-mixed"),
    ("precision", "bf61"),
    ("precision", 16),
    ("weights_summary", "topp"),
    ("weights_summary", "Top"),
    ("num_sanity_val_steps", -2),
    ("num_sanity_val_steps", 1.5),
    ("profiler", "simple"),
    ("profiler", 1),
    ("auto_lr_find", 1),
    ("auto_lr_find", ""),
    ("auto_lr_find", 1.5),
    ("logger", [CSVLogger("unused"), "csv"]),
    ("callbacks", ModelCheckpoint()),
    ("callbacks", "abc"),
    ("callbacks", [1]),
    ("default_root_dir", 123),
    ("weights_save_path", 123),
    ("process_position", -1),
    ("process_position", "0"),
    ("amp_level", "O5"),
    ("resume_from_checkpoint", 123),
]


@pytest.mark.parametrize("name, value", TRAINER_CASES)
def test_trainer_argument(tmp_path, name, value):
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises((MisconfigurationException, ValueError, TypeError), match=names(name, value)):
        Trainer(**quiet(root, **{name: value}))
    assert files_under(root) == []


# The batch limits are checked when fit (or test) starts, as in 0.8.5, whose tests build the Trainer
# with a bad limit and expect fit to raise: still before any work, and a ValueError.
LIMIT_CASES = [
    ("overfit_batches", -1),
    ("overfit_batches", 1.5),
    ("overfit_batches", "0.1"),
    ("limit_train_batches", 1.5),
    ("limit_train_batches", -0.1),
    ("limit_train_batches", -1),
    ("limit_train_batches", "0.5"),
    ("limit_train_batches", True),
    ("limit_train_batches", NAN),
    ("limit_val_batches", 2.0),
    ("limit_test_batches", -1),
    ("val_check_interval", 0.0),
    ("val_check_interval", 0),
    ("val_check_interval", 1.5),
    ("val_check_interval", -1),
]


@pytest.mark.parametrize("name, value", LIMIT_CASES)
def test_batch_limit_argument_fails_when_fit_starts(tmp_path, name, value):
    root = tmp_path / "root"
    root.mkdir()
    trainer = Trainer(**quiet(root, logger=True, **{name: value}))
    model = CountingSteps()
    before = state_copy(model)
    with pytest.raises(MisconfigurationException, match=names(name, value)) as raised:
        trainer.fit(model)
    assert isinstance(raised.value, ValueError)
    assert_same_state(model, before)
    assert model.trainer is None and files_under(root) == []
    if name == "limit_test_batches":
        with pytest.raises(MisconfigurationException, match=names(name, value)):
            trainer.test(model)


@pytest.mark.parametrize("kwargs, name", [
    ({"min_epochs": 5, "max_epochs": 2}, "min_epochs"),
    ({"min_steps": 10, "max_steps": 5}, "min_steps"),
])
def test_trainer_contradictory_minimum_and_maximum(tmp_path, kwargs, name):
    other = name.replace("min", "max")
    with pytest.raises(MisconfigurationException, match=rf"`{name}={kwargs[name]}\b.*`{other}={kwargs[other]}\b"):
        Trainer(**quiet(tmp_path, **kwargs))


def test_a_deprecated_alias_is_named_in_its_own_error(tmp_path):
    with pytest.warns(DeprecationWarning):
        trainer = Trainer(**quiet(tmp_path, train_percent_check=2.0))
    with pytest.raises(MisconfigurationException, match="`train_percent_check`"):
        trainer.fit(CountingSteps())


@pytest.mark.parametrize("name, value", [
    ("track_grad_norm", "infinity"),
    ("log_gpu_memory", "min-max"),
    ("sync_batchnorm", True),
    ("auto_select_gpus", True),
])
def test_compatibility_only_arguments_warn_naming_themselves(tmp_path, name, value):
    with pytest.warns(UserWarning, match=rf"`{name}=.*no effect"):
        Trainer(**quiet(tmp_path, **{name: value}))


BOOL_STRING = "bool('False') is True: the string silently turns the flag on"


@pytest.mark.parametrize("name", ["fast_dev_run", "terminate_on_nan", "reload_dataloaders_every_epoch", "benchmark",
                                  "deterministic"])
def test_trainer_bool_flag_rejects_a_string(tmp_path, name):
    with pytest.raises((MisconfigurationException, TypeError), match=names(name, "False")):
        Trainer(**quiet(tmp_path, **{name: "False"}))


# ============================================================ fit and data
def fit_case(tmp_path, model, exc, match, trainer_kwargs=None, **fit_kwargs):
    before = state_copy(model)
    trainer = Trainer(**quiet(tmp_path, **(trainer_kwargs or {})))
    with pytest.raises(exc, match=match):
        trainer.fit(model, **fit_kwargs)
    assert_same_state(model, before)
    assert getattr(model, "optimizer_steps", 0) == 0
    assert trainer.global_step == 0
    assert files_under(tmp_path) == []
    return trainer


def test_fit_rejects_a_model_that_is_not_a_lightning_module(tmp_path):
    for model in ("model", nn.Linear(2, 2)):
        with pytest.raises(MisconfigurationException, match=names("model", model)):
            Trainer(**quiet(tmp_path)).fit(model)


@pytest.mark.parametrize("make, match", [
    (lambda: without("training_step"), "`training_step"),
    (lambda: without("configure_optimizers"), "`configure_optimizers"),
])
def test_fit_without_a_required_hook(tmp_path, make, match):
    fit_case(tmp_path, make(), MisconfigurationException, match)


def test_fit_without_any_train_dataloader(tmp_path):
    model = without("train_dataloader")
    fit_case(tmp_path, model, MisconfigurationException, "train dataloader.*`train_dataloader")


@pytest.mark.parametrize("fit_kwargs, match", [
    ({"train_dataloader": 5}, names("train_dataloader", 5)),
    ({"train_dataloader": DataLoader(TensorDataset(torch.zeros(0, 8), torch.zeros(0).long()), batch_size=4)},
     r"train dataloader gives 0 batches"),
    ({"val_dataloaders": 5}, names("val_dataloader", 5)),
])
def test_fit_rejects_bad_dataloaders(tmp_path, fit_kwargs, match):
    fit_case(tmp_path, CountingSteps(), MisconfigurationException, match, **fit_kwargs)


def test_fit_rejects_an_empty_unsized_dataloader(tmp_path):
    fit_case(tmp_path, CountingSteps(), MisconfigurationException, r"(?i)train.dataloader",
             train_dataloader=DataLoader(EmptyIterable(), batch_size=4))


def test_fit_rejects_a_limit_that_leaves_no_training_batch(tmp_path):
    fit_case(tmp_path, CountingSteps(), MisconfigurationException, r"0 batches \(after `limit_train_batches=0`\)",
             trainer_kwargs={"limit_train_batches": 0})


def test_fit_warns_about_an_empty_val_dataloader(tmp_path):
    empty = DataLoader(TensorDataset(torch.zeros(0, 8), torch.zeros(0).long()), batch_size=4)
    with pytest.warns(UserWarning, match=r"(?i)val.dataloader.*0 batches|0 batches.*val.dataloader"):
        Trainer(**quiet(tmp_path)).fit(CountingSteps(), val_dataloaders=empty)


def test_fit_rejects_a_val_check_interval_beyond_the_epoch(tmp_path):
    fit_case(tmp_path, CountingSteps(), MisconfigurationException, names("val_check_interval", 100),
             trainer_kwargs={"val_check_interval": 100})


def test_fit_rejects_a_missing_resume_checkpoint_before_any_work(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    missing = str(tmp_path / "missing.ckpt")
    model = CountingSteps()
    before = state_copy(model)
    trainer = Trainer(**quiet(root, logger=True, resume_from_checkpoint=missing))
    with pytest.raises((FileNotFoundError, MisconfigurationException), match=names("resume_from_checkpoint", missing)):
        trainer.fit(model)
    assert_same_state(model, before)
    assert files_under(root) == []


def test_fit_rejects_an_auto_lr_find_field_that_does_not_exist(tmp_path):
    fit_case(tmp_path, CountingSteps(), MisconfigurationException, r"`auto_lr_find='lrr'`.*no field 'lrr'",
             trainer_kwargs={"auto_lr_find": "lrr"})


# ------------------------------------------------- configure_optimizers returns
def sgd(model, lr=0.1):
    return torch.optim.SGD(model.parameters(), lr=lr)


def step_lr(optimizer):
    return torch.optim.lr_scheduler.StepLR(optimizer, step_size=1)


def with_scheduler(**entries):
    def configure(model):
        opt = sgd(model)
        return {"optimizer": opt, "lr_scheduler": dict({"scheduler": step_lr(opt)}, **entries)}
    return configure


CONFIGURE_CASES = [
    (lambda m: None, "`configure_optimizers` returned None"),
    (lambda m: "sgd", "`configure_optimizers` returned .*str"),
    (lambda m: [], "`configure_optimizers` returned .*list"),
    (lambda m: [sgd(m), "x"], "`configure_optimizers` returned .*list"),
    (lambda m: ([sgd(m), "x"], []), "`configure_optimizers` returned str at optimizer position 1"),
    (lambda m: ([sgd(m)], ["x"]), "'scheduler' must be a torch learning-rate scheduler, got str"),
    (lambda m: ([sgd(m)], [step_lr(sgd(m))]), "steps an optimizer that `configure_optimizers` did not return"),
    (lambda m: (sgd(m), step_lr(sgd(m))), "`configure_optimizers` returned .*tuple"),
    (lambda m: ([sgd(m)], [], "extra"), "`configure_optimizers` returned .*tuple"),
    (lambda m: {"optimzer": sgd(m)}, r"needs an 'optimizer' key; got keys \['optimzer'\]"),
    (lambda m: {"optimizer": "x"}, "`configure_optimizers` returned str at optimizer position 0"),
    (with_scheduler(interval="steps"), "'interval' must be one of .*got 'steps'"),
    (with_scheduler(intervall="step"), r"Unknown scheduler dict keys \['intervall'\]"),
    (with_scheduler(frequency=0), "'frequency' must be a positive int, got 0"),
    (lambda m: {"optimizer": sgd(m), "lr_scheduler": {"scheduler": "x"}}, "'scheduler' must be a torch"),
    (lambda m: {"optimizer": sgd(m), "frequency": 0}, "'frequency' must be a positive int, got 0"),
    (lambda m: [{"optimizer": sgd(m), "frequency": 1}, {"optimizer": sgd(m)}], "'frequency' or none does; got 1 of 2"),
    (lambda m: ([], []), "(?i)no optimizer|`configure_optimizers`"),
    (lambda m: {"optimizer": sgd(m), "lr_schedular": step_lr(sgd(m))}, "lr_schedular"),
]


@pytest.mark.parametrize("configure, match", CONFIGURE_CASES)
def test_configure_optimizers_return(tmp_path, configure, match):
    fit_case(tmp_path, ConfigModel(configure), MisconfigurationException, match)


# ------------------------------------------------------ training_step returns
STEP_CASES = [
    (lambda loss: "loss", "`training_step` must return .*got str"),
    (lambda loss: {"los": loss}, r"`training_step` needs a 'loss' key; got keys \['los'\]"),
    (lambda loss: {"loss": 1.0}, "training loss must be a scalar tensor, got float"),
    (lambda loss: {"loss": loss.repeat(2)}, r"scalar tensor, got Tensor of shape \(2,\)"),
    (lambda loss: loss.detach(), "does not require grad"),
    (lambda loss: (loss, 1), "`training_step` must return .*got tuple"),
    (lambda loss: [loss], "`training_step` must return .*got list"),
    (lambda loss: {"loss": loss, "log": 5}, "'log'"),
    (lambda loss: {"loss": loss, "progress_bar": [1]}, "'progress_bar'"),
]


@pytest.mark.parametrize("shape, match", STEP_CASES)
def test_training_step_return(tmp_path, shape, match):
    fit_case(tmp_path, StepReturnModel(shape), MisconfigurationException, match)


# ==================================================================== lr_find
def lr_find_case(tmp_path, model, exc, match, **kwargs):
    before = state_copy(model)
    trainer = Trainer(**quiet(tmp_path))
    with pytest.raises(exc, match=match):
        trainer.lr_find(model, **kwargs)
    assert_same_state(model, before)
    assert getattr(model, "optimizer_steps", 0) == 0
    assert trainer.model is None and model.trainer is None
    assert files_under(tmp_path) == []


LR_FIND_ARGUMENTS = [
    ("min_lr", "1e-3"), ("min_lr", True), ("min_lr", None), ("min_lr", NAN), ("min_lr", -1.0), ("min_lr", 0.0),
    ("max_lr", "1"), ("max_lr", INF), ("max_lr", None), ("max_lr", 1e-9),
    ("num_training", 1), ("num_training", 0), ("num_training", -5), ("num_training", 10.0), ("num_training", True),
    ("num_training", "100"), ("num_training", None),
    ("mode", "Exponential"), ("mode", "exp"), ("mode", "linaer"), ("mode", None), ("mode", 1),
    ("early_stop_threshold", 1.0), ("early_stop_threshold", 0.5), ("early_stop_threshold", -4),
    ("early_stop_threshold", "4"), ("early_stop_threshold", True), ("early_stop_threshold", NAN),
    ("num_accumulation_steps", 0), ("num_accumulation_steps", 1.5), ("num_accumulation_steps", True),
    ("num_accumulation_steps", "2"),
    ("update_attr", "yes"),
]


@pytest.mark.parametrize("name, value", LR_FIND_ARGUMENTS)
def test_lr_find_argument(tmp_path, name, value):
    lr_find_case(tmp_path, CountingSteps(), MisconfigurationException, names(name, value), **{name: value})


def test_lr_find_rejects_a_model_that_is_not_a_lightning_module(tmp_path):
    with pytest.raises(MisconfigurationException, match=names("model", nn.Linear(2, 2))):
        Trainer(**quiet(tmp_path)).lr_find(nn.Linear(2, 2))


@pytest.mark.parametrize("make, kwargs, match", [
    (CountingSteps, {"train_dataloader": 5}, names("train_dataloader", 5)),
    (CountingSteps, {"train_dataloader": DataLoader(TensorDataset(torch.zeros(0, 8)), batch_size=4)},
     "train dataloader gives 0 batches"),
    (lambda: CountingSteps(), {"train_dataloader": DataLoader(EmptyIterable(), batch_size=4)},
     "The train dataloader gave no batches in epoch 0"),
    (CountingSteps, {"val_dataloaders": 5}, names("val_dataloader", 5)),
    (lambda: without("training_step"), {}, "`training_step"),
    (lambda: without("configure_optimizers"), {}, "`configure_optimizers"),
    (lambda: StepReturnModel(lambda loss: None), {}, "`training_step` returned None for all of them"),
])
def test_lr_find_rejects_unusable_models_and_data(tmp_path, make, kwargs, match):
    lr_find_case(tmp_path, make(), MisconfigurationException, match, **kwargs)


@pytest.mark.parametrize("loader, accumulate, batches_per_step", [
    (DataLoader(make_data(8), batch_size=8), 1, 1),  # 1 batch an epoch: 7 more epochs
    (DataLoader(make_data(16), batch_size=8), 4, 2),  # the epoch's last batch steps what it accumulated
    (DataLoader(ThreeBatches(), batch_size=None), 1, 1),  # no length: the sweep finds the epoch's end
])
def test_a_loader_shorter_than_num_training_continues_over_epochs(tmp_path, loader, accumulate, batches_per_step):
    torch.manual_seed(0)
    model = CountingSteps()
    before = state_copy(model)
    trainer = Trainer(**quiet(tmp_path, accumulate_grad_batches=accumulate))
    finder = trainer.lr_find(model, train_dataloader=loader, min_lr=1e-4, max_lr=1e-1, num_training=8,
                             early_stop_threshold=None)
    assert finder.stop_reason == "completed"
    assert len(finder.results["lr"]) == len(finder.results["loss_raw"]) == 8
    assert finder._total_batch_idx == 8 * batches_per_step - 1
    assert model.optimizer_steps == 8
    assert finder.results["lr"][0] == pytest.approx(1e-4, rel=1e-9)
    assert finder.results["lr"][-1] == pytest.approx(1e-1, rel=1e-9)
    assert all(math.isfinite(v) for v in finder.results["loss_raw"])
    assert_same_state(model, before)


# ================================================== suggestion, suggest_index, plot
def a_finder():
    finder = _LRFinder("exponential", 1e-4, 1.0, 30)
    lrs = [1e-4 * 10 ** (4 * i / 29) for i in range(30)]
    losses = [3.0 - i / 10 for i in range(30)]
    finder.results = {"lr": lrs, "loss": list(losses), "loss_raw": losses}
    return finder


@pytest.mark.parametrize("name, value", [
    ("skip_begin", -1), ("skip_begin", 1.5), ("skip_begin", "10"), ("skip_begin", True), ("skip_begin", None),
    ("skip_end", -1), ("skip_end", 2.0),
    ("filter_size", 0), ("filter_size", -1), ("filter_size", 2.5), ("filter_size", True), ("filter_size", "3"),
    ("method", "steep"), ("method", "Steepest"), ("method", None),
])
def test_suggestion_argument(name, value):
    finder = a_finder()
    results = copy.deepcopy(finder.results)
    with pytest.raises(ValueError, match=names(name, value)):
        finder.suggestion(**{name: value})
    assert finder.results == results


@pytest.mark.parametrize("lrs, losses", [
    ([1e-3, 1e-2, 1e-1], [1.0, 0.5]),
    ([[1e-3, 1e-2]], [[1.0, 0.5]]),
])
def test_suggest_index_rejects_mismatched_curves(lrs, losses):
    with pytest.raises(ValueError, match="`lrs` and `losses` must be 1-d and of one length"):
        suggest_index(lrs, losses)


@pytest.mark.parametrize("name, value", [("suggest", "yes"), ("show", "no"), ("ax", 1), ("ax", "left")])
def test_plot_argument(name, value):
    with pytest.raises((TypeError, ValueError), match=names(name, value)):
        a_finder().plot(**{name: value})


def test_finder_mode():
    with pytest.raises(MisconfigurationException, match=names("mode", "exp")):
        _LRFinder("exp", 1e-4, 1.0, 10)


# ========================================================== LearningRateLogger
@pytest.mark.parametrize("value", ["steps", "Epoch", 1, ""])
def test_lr_logger_interval(value):
    with pytest.raises(MisconfigurationException, match=names("logging_interval", value)):
        LearningRateLogger(logging_interval=value)


def test_lr_logger_log_momentum_rejects_a_string():
    with pytest.raises((MisconfigurationException, TypeError), match=names("log_momentum", "False")):
        LearningRateLogger(log_momentum="False")


def test_lr_logger_without_a_logger_raises_before_training(tmp_path):
    match = "`LearningRateLogger` needs a logger.*`logger=False`"
    fit_case(tmp_path, CountingSteps(), MisconfigurationException, match,
             trainer_kwargs={"callbacks": [LearningRateLogger()]})


# ============================================================= ModelCheckpoint
@pytest.mark.parametrize("name, value", [
    ("monitor", ""), ("monitor", 1), ("monitor", None),
    ("mode", "mn"), ("mode", "Min"), ("mode", None),
    ("save_top_k", -2), ("save_top_k", 1.5), ("save_top_k", "1"), ("save_top_k", True),
    ("period", 0), ("period", -1), ("period", 1.5),
    pytest.param("filepath", 123),
    pytest.param("filepath", ""),
    pytest.param("prefix", 1),
] + [
    pytest.param(flag, "False")
    for flag in ("verbose", "save_last", "save_weights_only")
])
def test_model_checkpoint_argument(tmp_path, name, value):
    with pytest.raises((MisconfigurationException, TypeError, ValueError), match=names(name, value)):
        ModelCheckpoint(**{name: value})
    assert files_under(tmp_path) == []


def test_model_checkpoint_monitor_typo_names_the_metric_and_the_available_ones(tmp_path):
    trainer = Trainer(**quiet(tmp_path, checkpoint_callback=ModelCheckpoint(str(tmp_path / "ckpt"), monitor="val_los")))
    with pytest.raises(MisconfigurationException, match=r"monitor='val_los'.*available metrics are \[.*'val_loss'"):
        trainer.fit(TinyModel())
    assert files_under(tmp_path) == []


# =============================================================== EarlyStopping
@pytest.mark.parametrize("name, value", [
    ("monitor", ""), ("monitor", 1), ("mode", "mx"),
    ("patience", -1), ("patience", 1.5), ("patience", "3"),
    ("min_delta", "0.1"), ("min_delta", True),
    pytest.param("min_delta", NAN),
    pytest.param("min_delta", INF),
] + [
    pytest.param(flag, "False")
    for flag in ("verbose", "strict")
])
def test_early_stopping_argument(name, value):
    with pytest.raises((MisconfigurationException, TypeError, ValueError), match=names(name, value)):
        EarlyStopping(**{name: value})


def test_early_stopping_monitor_typo_names_the_metric_and_the_available_ones(tmp_path):
    trainer = Trainer(**quiet(tmp_path, early_stop_callback=EarlyStopping(monitor="val_los")))
    with pytest.raises(RuntimeError, match=r"metric 'val_los' which is not available; available metrics are "
                                           r"\[.*'val_loss'"):
        trainer.fit(TinyModel())
    assert files_under(tmp_path) == []


# ===================================================================== loggers
LOGGER_SILENT = "DirectoryLogger.__init__ (loggers/base.py) accepts it silently"


@pytest.mark.parametrize("cls", [TensorBoardLogger, CSVLogger])
@pytest.mark.parametrize("kwargs, name", [
    ({"version": True}, "version"),
    ({"version": 1.5}, "version"),
    pytest.param({"version": -1}, "version"),
    pytest.param({"save_dir": None}, "save_dir"),
    pytest.param({"save_dir": 123}, "save_dir"),
    pytest.param({"name": 1}, "name"),
])
def test_logger_argument(tmp_path, cls, kwargs, name):
    kwargs = dict({"save_dir": str(tmp_path)}, **kwargs)
    with pytest.raises((ValueError, TypeError, MisconfigurationException), match=names(name, kwargs[name])):
        cls(**kwargs)
    assert files_under(tmp_path) == []


def test_tensorboard_logger_rejects_an_unknown_summary_writer_keyword(tmp_path):
    with pytest.raises(TypeError, match="flush_sec"):
        TensorBoardLogger(str(tmp_path), flush_sec=10)
