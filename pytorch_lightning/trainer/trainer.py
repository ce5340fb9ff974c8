"""The Trainer: arguments become state, then one plain loop runs.

The loop, top to bottom::

    fit(model):
        on_fit_start; prepare_data; [auto_lr_find]; setup('fit'); model.to(device)
        optimizers, lr_schedulers = configure_optimizers()     # after setup and device placement
        [restore resume_from_checkpoint]; [sanity validation]; on_train_start
        for epoch in epochs:                                    # _run_train_epoch
            on_epoch_start
            for batch in train batches:                         # _run_train_batch
                on_batch_start
                for each active optimizer:
                    training_step -> backward -> on_after_backward
                    every `accumulate_grad_batches` batches (and at the epoch's last batch):
                        clip; on_before_optimizer_step; optimizer_step; on_before_zero_grad; zero_grad
                when an optimizer stepped: global_step += 1; step 'step'/'batch' schedulers
                on_batch_end
                [validation every `val_check_batch` batches: by default after the last one]
            training_epoch_end; step 'epoch' schedulers; on_epoch_end
            stop when `should_stop` (early stopping, max_steps, Ctrl-C) allows it
        on_train_end; teardown('fit'); on_fit_end

Model hooks run first, then each callback's hook of the same name (see ``_call_hook``).
"""
import contextlib
import functools
import inspect
import math
import os
import warnings
from typing import Any, Dict, List, Optional, Tuple, Union

import torch

from pytorch_lightning.callbacks.base import Callback
from pytorch_lightning.callbacks.early_stopping import EarlyStopping
from pytorch_lightning.callbacks.model_checkpoint import ModelCheckpoint
from pytorch_lightning.callbacks.progress import ProgressBar, ProgressBarBase
from pytorch_lightning.core.lightning import LightningModule, is_overridden
from pytorch_lightning.loggers.base import LightningLoggerBase, LoggerCollection
from pytorch_lightning.loggers.tensorboard import TensorBoardLogger
from pytorch_lightning.profiler import BaseProfiler, PassThroughProfiler, SimpleProfiler
from pytorch_lightning.trainer import optimizers as optim_utils
from pytorch_lightning.trainer.checkpointing import dump_checkpoint, restore_checkpoint
from pytorch_lightning.trainer.data import (
    apply_limit,
    batch_count,
    iter_with_last,
    no_shuffle,
    resolve_loaders,
)
from pytorch_lightning.trainer.metrics import StepMetrics
from pytorch_lightning.utilities import cloud_io
from pytorch_lightning.utilities.apply_func import move_data_to_device
from pytorch_lightning.utilities.exceptions import MisconfigurationException
from pytorch_lightning.utilities.seed import get_rng_states, set_rng_states

_DEPRECATED_ALIASES = {
    "train_percent_check": "limit_train_batches",
    "val_percent_check": "limit_val_batches",
    "test_percent_check": "limit_test_batches",
}


class Trainer:
    """Fit and test a :class:`~pytorch_lightning.LightningModule` (0.8.5 arguments and defaults).

    Example:
        >>> trainer = Trainer(max_epochs=1, logger=False, checkpoint_callback=False)  # doctest: +SKIP
        >>> trainer.fit(model)  # doctest: +SKIP
    """

    def __init__(
        self,
        logger: Union[LightningLoggerBase, List[LightningLoggerBase], bool] = True,
        checkpoint_callback: Union[ModelCheckpoint, bool] = True,
        early_stop_callback: Optional[Union[EarlyStopping, bool]] = False,
        callbacks: Optional[List[Callback]] = None,
        default_root_dir: Optional[str] = None,
        gradient_clip_val: float = 0,
        process_position: int = 0,
        num_nodes: int = 1,
        num_processes: int = 1,
        gpus: Optional[Union[List[int], str, int]] = None,
        auto_select_gpus: bool = False,
        tpu_cores: Optional[Union[List[int], int]] = None,
        log_gpu_memory: Optional[str] = None,
        progress_bar_refresh_rate: int = 1,
        overfit_batches: Union[int, float] = 0.0,
        track_grad_norm: Union[int, float, str] = -1,
        check_val_every_n_epoch: int = 1,
        fast_dev_run: bool = False,
        accumulate_grad_batches: Union[int, Dict[int, int]] = 1,
        max_epochs: int = 1000,
        min_epochs: int = 1,
        max_steps: Optional[int] = None,
        min_steps: Optional[int] = None,
        limit_train_batches: Union[int, float] = 1.0,
        limit_val_batches: Union[int, float] = 1.0,
        limit_test_batches: Union[int, float] = 1.0,
        val_check_interval: Union[int, float] = 1.0,
        log_save_interval: int = 100,
        row_log_interval: int = 50,
        distributed_backend: Optional[str] = None,
        sync_batchnorm: bool = False,
        precision: Union[int, str] = 32,
        weights_summary: Optional[str] = "top",
        weights_save_path: Optional[str] = None,
        num_sanity_val_steps: int = 2,
        truncated_bptt_steps: Optional[int] = None,
        resume_from_checkpoint: Optional[str] = None,
        profiler: Optional[Union[BaseProfiler, bool]] = None,
        benchmark: bool = False,
        deterministic: bool = False,
        reload_dataloaders_every_epoch: bool = False,
        auto_lr_find: Union[bool, str] = False,
        replace_sampler_ddp: bool = True,
        terminate_on_nan: bool = False,
        auto_scale_batch_size: Union[str, bool] = False,
        prepare_data_per_node: bool = True,
        amp_level: str = "O2",
        num_tpu_cores: Optional[int] = None,
        use_amp: Optional[bool] = None,
        show_progress_bar: Optional[bool] = None,
        val_percent_check: Optional[float] = None,
        test_percent_check: Optional[float] = None,
        train_percent_check: Optional[float] = None,
        overfit_pct: Optional[float] = None,
    ):
        # 0.8.5's deprecated spellings, mapped onto their replacements
        renamed = (("num_tpu_cores", num_tpu_cores, "tpu_cores"), ("use_amp", use_amp, "precision=16"),
                   ("show_progress_bar", show_progress_bar, "progress_bar_refresh_rate"),
                   ("overfit_pct", overfit_pct, "overfit_batches"))
        for old, value, new in renamed:
            if value is not None:
                warnings.warn(f"`{old}` is deprecated since 0.7 and will be removed; use `{new}` instead",
                              DeprecationWarning)
        tpu_cores = num_tpu_cores if num_tpu_cores is not None else tpu_cores
        if use_amp is not None:
            precision = 16 if _check_bool("use_amp", use_amp) else precision
        if show_progress_bar is not None and not _check_bool("show_progress_bar", show_progress_bar):
            progress_bar_refresh_rate = 0
        overfit_batches = overfit_pct if overfit_pct is not None else overfit_batches
        # (argument name as given, value) of each limit: a deprecated alias is named in its own errors
        limits = {"limit_train_batches": ("limit_train_batches", limit_train_batches),
                  "limit_val_batches": ("limit_val_batches", limit_val_batches),
                  "limit_test_batches": ("limit_test_batches", limit_test_batches)}
        for old, value in (("train_percent_check", train_percent_check), ("val_percent_check", val_percent_check),
                           ("test_percent_check", test_percent_check)):
            if value is not None:
                new = _DEPRECATED_ALIASES[old]
                warnings.warn(f"`{old}` is deprecated since 0.8 and will be removed; use `{new}` instead",
                              DeprecationWarning)
                limits[new] = (old, value)
        self.callbacks: List[Callback] = _check_callbacks(callbacks)
        for cb in self.callbacks:
            cb.on_init_start(self)

        self.default_root_dir = _check_path("default_root_dir", default_root_dir) or os.getcwd()
        self.weights_save_path = _check_path("weights_save_path", weights_save_path) or self.default_root_dir
        self.max_epochs = _check_int("max_epochs", max_epochs, minimum=1)
        self.min_epochs = _check_int("min_epochs", min_epochs, minimum=0)
        self.max_steps = None if max_steps is None else _check_int("max_steps", max_steps, minimum=1)
        self.min_steps = None if min_steps is None else _check_int("min_steps", min_steps, minimum=0)
        if self.min_epochs > self.max_epochs:
            raise MisconfigurationException(
                f"`min_epochs={min_epochs}` is above `max_epochs={max_epochs}`; the maximum would silently win")
        if self.min_steps is not None and self.max_steps is not None and self.min_steps > self.max_steps:
            raise MisconfigurationException(
                f"`min_steps={min_steps}` is above `max_steps={max_steps}`; the maximum would silently win")
        # The batch limits are checked when `fit`/`test` starts, as 0.8.5 did (its tests build the
        # Trainer with a bad limit and expect `fit` to raise); the names are the ones the user gave.
        self._limit_names = {attr: given for attr, (given, _) in limits.items()}
        self.limit_train_batches = limits["limit_train_batches"][1]
        self.limit_val_batches = limits["limit_val_batches"][1]
        self.limit_test_batches = limits["limit_test_batches"][1]
        self.val_check_interval = val_check_interval
        self.check_val_every_n_epoch = _check_int("check_val_every_n_epoch", check_val_every_n_epoch, minimum=1)
        self.num_sanity_val_steps = _check_int("num_sanity_val_steps", num_sanity_val_steps, minimum=-1)
        self.overfit_batches = overfit_batches
        self.row_log_interval = _check_int("row_log_interval", row_log_interval, minimum=1)
        self.log_save_interval = _check_int("log_save_interval", log_save_interval, minimum=1)
        self.progress_bar_refresh_rate = _check_int("progress_bar_refresh_rate", progress_bar_refresh_rate, minimum=0)
        self.gradient_clip_val = _check_number("gradient_clip_val", gradient_clip_val, minimum=0)
        self.accumulation_schedule = _check_accumulation(accumulate_grad_batches)
        self.accumulate_grad_batches = self.accumulation_schedule[0]
        self.precision = _check_precision(precision)
        self.weights_summary = _check_choice("weights_summary", weights_summary, ("top", "full", None))
        self.terminate_on_nan = _check_bool("terminate_on_nan", terminate_on_nan)
        self.reload_dataloaders_every_epoch = _check_bool("reload_dataloaders_every_epoch",
                                                          reload_dataloaders_every_epoch)
        self.fast_dev_run = _check_bool("fast_dev_run", fast_dev_run)
        _check_bool("benchmark", benchmark)
        _check_bool("deterministic", deterministic)
        self.track_grad_norm = track_grad_norm
        self.resume_from_checkpoint = _check_path("resume_from_checkpoint", resume_from_checkpoint)
        self.process_position = _check_int("process_position", process_position, minimum=0)
        self.num_nodes = num_nodes
        self.num_processes = num_processes
        self.distributed_backend = distributed_backend
        self.sync_batchnorm = sync_batchnorm
        self.amp_level = amp_level
        self.prepare_data_per_node = prepare_data_per_node
        self.replace_sampler_ddp = replace_sampler_ddp
        self.auto_scale_batch_size = auto_scale_batch_size
        self.log_gpu_memory = log_gpu_memory
        self.auto_select_gpus = auto_select_gpus
        if auto_scale_batch_size:
            raise MisconfigurationException(
                f"`auto_scale_batch_size={auto_scale_batch_size!r}`: batch-size scaling is not supported by this "
                "package; leave it False")
        if num_processes != 1 or num_nodes != 1 or distributed_backend not in (None, "dp"):
            raise MisconfigurationException(
                f"`distributed_backend={distributed_backend!r}`, `num_processes={num_processes!r}`, "
                f"`num_nodes={num_nodes!r}`: this package trains in one process on one device; use "
                "distributed_backend=None (or 'dp' with gpus=1), num_processes=1, num_nodes=1")
        _check_choice("amp_level", amp_level, ("O0", "O1", "O2", "O3"))
        ignored = {"track_grad_norm": (track_grad_norm, -1), "log_gpu_memory": (log_gpu_memory, None),
                   "auto_select_gpus": (auto_select_gpus, False), "sync_batchnorm": (sync_batchnorm, False),
                   "amp_level": (amp_level, "O2")}
        for name, (value, default) in ignored.items():
            if value != default:
                warnings.warn(f"`{name}={value!r}` is accepted for compatibility but has no effect in this package",
                              UserWarning)
        if tpu_cores:
            raise MisconfigurationException(f"`tpu_cores={tpu_cores!r}`: TPUs are not supported by this package")
        if truncated_bptt_steps is not None:
            raise MisconfigurationException(
                f"`truncated_bptt_steps={truncated_bptt_steps!r}`: truncated back-propagation through time is not "
                "supported by this package; leave it None")
        if not isinstance(auto_lr_find, (bool, str)) or auto_lr_find == "":
            raise MisconfigurationException(
                f"`auto_lr_find` must be a bool or the name of the model attribute to set, got {auto_lr_find!r}")
        self.auto_lr_find = auto_lr_find
        self.gpus = gpus
        self.device = _parse_device(gpus)
        self.root_gpu = self.device.index if self.device.type == "cuda" else None
        self.on_gpu = self.device.type == "cuda"
        self.single_gpu = self.on_gpu
        self.use_amp = self.precision == 16
        if self.use_amp and not self.on_gpu:
            raise MisconfigurationException("`precision=16` needs a GPU (`gpus=1`); on the CPU use 32 or 'bf16'")
        if deterministic:
            torch.backends.cudnn.deterministic = True
        self.deterministic = deterministic
        self.benchmark = benchmark
        torch.backends.cudnn.benchmark = benchmark
        if self.fast_dev_run:
            self.max_epochs, self.num_sanity_val_steps = 1, 0
            self.limit_train_batches = self.limit_val_batches = self.limit_test_batches = 1
        elif _is_number(overfit_batches) and overfit_batches > 0:
            self.limit_train_batches = self.limit_val_batches = overfit_batches
            self._limit_names.update(limit_train_batches="overfit_batches", limit_val_batches="overfit_batches")

        self.logger = _configure_logger(logger, self.default_root_dir)
        self.checkpoint_callback = _configure_callback(checkpoint_callback, ModelCheckpoint, "checkpoint_callback")
        self.early_stop_callback = _configure_callback(early_stop_callback, EarlyStopping, "early_stop_callback")
        if profiler is True:
            profiler = SimpleProfiler()
        elif profiler is False or profiler is None:
            profiler = PassThroughProfiler()
        elif not isinstance(profiler, BaseProfiler):
            raise MisconfigurationException(f"`profiler` must be a bool or a BaseProfiler, got {type(profiler).__name__}")
        self.profiler = profiler
        self._profiling = not isinstance(profiler, PassThroughProfiler)
        for cb in (self.checkpoint_callback, self.early_stop_callback):
            if cb is not None and cb not in self.callbacks:
                self.callbacks.append(cb)
        if self.progress_bar_refresh_rate and not any(isinstance(c, ProgressBarBase) for c in self.callbacks):
            self.callbacks.append(ProgressBar(self.progress_bar_refresh_rate, process_position))

        self.model: Optional[LightningModule] = None
        self._has_training_step_end = False
        self._tuned_model: Optional[LightningModule] = None  # `tune` already ran auto_lr_find for it
        self.optimizers: List[torch.optim.Optimizer] = []
        self.lr_schedulers: List[Dict[str, Any]] = []
        self.optimizer_frequencies: List[int] = []
        self.scaler = None
        self.callback_metrics: Dict[str, Any] = {}
        self.progress_bar_metrics: Dict[str, Any] = {}
        self.logged_metrics: Dict[str, Any] = {}
        self.train_dataloader = None
        self.val_dataloaders: List[Any] = []
        self.test_dataloaders: List[Any] = []
        self.num_training_batches = 0
        self.num_val_batches: List[Union[int, float]] = []
        self.num_test_batches: List[Union[int, float]] = []
        self.val_check_batch: Union[int, float] = math.inf
        self._metrics = StepMetrics()
        self._callback_hooks: Dict[str, List[Tuple[Any, bool]]] = {}  # see `_bind_callback_hooks`
        self._step_hooks: frozenset = frozenset()  # see `_bind_hooks`
        self._bound_callback_count = 0
        self._all_optimizers: List[Tuple[int, torch.optim.Optimizer]] = []
        self._autocast = _NULL_CONTEXT
        self._reset_run_state()
        for cb in self.callbacks:
            cb.on_init_end(self)

    # ----------------------------------------------------------------- state
    def _check_limits(self) -> None:
        """Validate the batch limits (a fraction in [0, 1] or an int count) before any work."""
        names = self._limit_names
        for attr in ("limit_train_batches", "limit_val_batches", "limit_test_batches"):
            _check_limit(names.get(attr, attr), getattr(self, attr))
        _check_limit("overfit_batches", self.overfit_batches)
        _check_limit("val_check_interval", self.val_check_interval, allow_zero=False)

    def _reset_run_state(self) -> None:
        """The run state, all in one place.

        - ``global_step``: optimizer steps taken (a step that AMP's GradScaler skipped is not one).
        - ``current_epoch``: index of the epoch running (or last run).
        - ``batch_idx``: index of the training batch within its epoch; ``total_batch_idx`` across epochs.
        - ``should_stop``: the one stop signal, checked at batch and epoch boundaries.
        - ``interrupted``: a KeyboardInterrupt ended the run.
        - ``accumulated_loss``: the mean training loss of the micro-batches of the optimizer step
          being taken (detached), set before ``on_before_optimizer_step``.
        """
        self.global_step = 0
        self.current_epoch = 0
        self.batch_idx = 0
        self.total_batch_idx = 0
        self.should_stop = False
        self.interrupted = False
        self.running_sanity_check = False
        self.testing = False
        self.accumulated_loss: Optional[torch.Tensor] = None

    @property
    def running_loss(self) -> Optional[float]:
        """Mean of the last 20 training losses (a host sync: read it when displaying, not per step)."""
        return self._metrics.running_loss()

    @property
    def is_global_zero(self) -> bool:
        return True

    @property
    def num_val_batches_this_epoch(self) -> Union[int, float]:
        """Validation batches the current epoch will run (0 when it does not validate)."""
        if not self._val_enabled() or not self._epoch_end_validation_due():
            return 0
        if self.val_check_batch == math.inf:
            return sum(self.num_val_batches)
        if self.num_training_batches == math.inf:
            return math.inf  # validation every `val_check_batch` batches of an endless epoch
        checks = int(self.num_training_batches // self.val_check_batch)
        return sum(self.num_val_batches) * checks

    @property
    def progress_bar_callback(self) -> Optional[ProgressBarBase]:
        return next((c for c in self.callbacks if isinstance(c, ProgressBarBase)), None)

    @property
    def progress_bar_dict(self) -> Dict[str, Any]:
        items = self.model.get_progress_bar_dict() if self.model is not None else {}
        items.update({k: _display_value(v) for k, v in self.progress_bar_metrics.items()})
        return items

    def get_model(self) -> Optional[LightningModule]:
        return self.model

    # ----------------------------------------------------------------- hooks
    def _call_hook(self, name: str, *args, model: bool = True, newer: tuple = ()) -> Any:
        """Call the model's hook ``name(*args)``, then each callback's ``name(trainer, model, *args)``.

        ``newer``: arguments that later Lightning releases added to the hook (the batch, its index...),
        passed to callbacks whose hook takes them.
        """
        if self._profiling:
            with self.profiler.profile(name):
                return self._dispatch_hook(name, args, model, newer)
        return self._dispatch_hook(name, args, model, newer)

    def _dispatch_hook(self, name: str, args: tuple, model: bool, newer: tuple) -> Any:
        output = getattr(self.model, name)(*args) if model else None
        hooks = self._callback_hooks.get(name)
        if hooks is None:
            hooks = self._callback_hooks[name] = _bind_callback_hooks(self.callbacks, name, len(args), bool(newer))
        for hook, takes_newer in hooks:
            if takes_newer:
                hook(self, self.model, *args, *newer)
            else:
                hook(self, self.model, *args)
        return output

    def _bind_hooks(self) -> None:
        """Look up, for the batches to come, what the loop calls: the optimizers, and the per-step hooks
        worth calling (``_step_hooks``).

        ``_step_hooks`` holds the model's per-step hooks that are not LightningModule's defaults (those
        do nothing, or what the loop does inline), and ``'callback.<hook>'`` for each per-step callback
        hook that a callback implements (every one under a profiler). Bound at each epoch start, and
        again when a callback is added or removed; a model hook patched in the middle of an epoch is
        seen from the next epoch on.
        """
        self._callback_hooks = {}
        self._bound_callback_count = len(self.callbacks)
        self._all_optimizers = list(enumerate(self.optimizers))
        model = self.model
        names = {name for name in _PER_STEP_MODEL_HOOKS
                 if getattr(getattr(model, name, None), "__func__", None) is not _MODEL_DEFAULTS[name]}
        names.update(f"callback.{name}" for name in _PER_STEP_CALLBACK_HOOKS
                     if self._profiling or _bind_callback_hooks(self.callbacks, name, 0, False))
        self._step_hooks = frozenset(names)

    # ------------------------------------------------------------------- fit
    def fit(self, model: LightningModule, train_dataloader=None, val_dataloaders=None) -> int:
        """Train ``model``; dataloaders given here replace the model's own. Returns 1, as 0.8.5 did."""
        if not isinstance(model, LightningModule):
            raise MisconfigurationException(f"`model` must be a LightningModule, got {type(model).__name__}")
        self._check_limits()
        if not is_overridden("training_step", model):
            raise MisconfigurationException("No `training_step()` method defined: the model has nothing to train")
        if not is_overridden("configure_optimizers", model):
            raise MisconfigurationException("No `configure_optimizers()` method defined: the model has no optimizer")
        self.model = model
        model.trainer = self
        self._has_training_step_end = is_overridden("training_step_end", model)
        self._train_source, self._val_source = train_dataloader, val_dataloaders
        self._callback_hooks = {}
        if self.resume_from_checkpoint and not cloud_io.exists(self.resume_from_checkpoint):
            raise FileNotFoundError(f"`resume_from_checkpoint={self.resume_from_checkpoint!r}`: no such file")
        self._call_hook("on_fit_start")
        model.prepare_data()
        if self.auto_lr_find and self._tuned_model is not model:
            from pytorch_lightning.trainer.lr_finder import run_auto_lr_find

            run_auto_lr_find(self, model, train_dataloader, val_dataloaders)
            self.model, model.trainer = model, self
        self._call_hook("setup", "fit")
        model.to(self.device)
        self.optimizers, self.lr_schedulers, self.optimizer_frequencies = optim_utils.init_optimizers(model)
        self.scaler = torch.amp.GradScaler("cuda") if self.use_amp else None
        self._autocast = _autocast_context(self.precision, self.device)
        self._reset_run_state()
        # A store per fit: an lr_find sweep's losses never reach the fit before it (lr_find restores this).
        self._metrics = StepMetrics(track_running_loss=self.progress_bar_callback is not None)
        self._load_train_data(model)
        self._load_val_data(model)
        if self.logger is not None:
            self.logger.log_hyperparams(model.hparams)
        if self.resume_from_checkpoint:
            restore_checkpoint(self, model, cloud_io.load(self.resume_from_checkpoint, map_location=self.device))
        if self.weights_summary is not None:
            model.summarize(mode=self.weights_summary)
        try:
            self._run_sanity_check()
            self._call_hook("on_train_start")
            self._run_epochs()
        except KeyboardInterrupt:
            self.interrupted = True
            warnings.warn("Detected KeyboardInterrupt, attempting graceful shutdown...")
            self._call_hook("on_keyboard_interrupt", model=False)
        except BaseException:
            if self.logger is not None:  # what was logged before the error reaches the disk
                self.logger.finalize("failed")
            raise
        finally:
            model.zero_grad(set_to_none=True)
        self._call_hook("on_train_end")
        if self.logger is not None:
            self.logger.finalize("interrupted" if self.interrupted else "success")
        self._call_hook("teardown", "fit")
        self._call_hook("on_fit_end")
        return 1

    def _run_epochs(self) -> None:
        start = self.current_epoch
        for epoch in range(start, self.max_epochs):
            self.current_epoch = epoch
            self._run_train_epoch()
            if self.should_stop and self._may_stop():
                break
            self.should_stop = False

    def _may_stop(self) -> bool:
        """Early stopping waits for ``min_epochs`` and ``min_steps``; ``max_steps`` always stops."""
        if self.max_steps is not None and self.global_step >= self.max_steps:
            return True
        if self.current_epoch + 1 < self.min_epochs:
            return False
        return self.min_steps is None or self.global_step >= self.min_steps

    def _run_train_epoch(self) -> None:
        epoch = self.current_epoch
        # the count of the latest scheduled epoch reached (it may go down as well as up)
        self.accumulate_grad_batches = self.accumulation_schedule[max(e for e in self.accumulation_schedule if e <= epoch)]
        if self.reload_dataloaders_every_epoch and epoch > 0:
            self._load_train_data(self.model)
        self._callback_hooks = {}  # callbacks added or removed since the last epoch are seen
        self._call_hook("on_epoch_start")
        self._call_hook("on_train_epoch_start", model=False)
        self._bind_hooks()  # after those hooks: they may replace the optimizers or patch the model's hooks
        self.model.train()
        keep_outputs = is_overridden("training_epoch_end", self.model)
        validate_this_epoch = self._val_enabled() and self._epoch_end_validation_due()
        outputs: List[Any] = []
        batch_idx = -1
        for batch_idx, batch, is_last in iter_with_last(self.train_dataloader, self.num_training_batches):
            self.batch_idx = batch_idx
            output = self._run_train_batch(batch, batch_idx, is_last)
            if output is _SKIP_EPOCH:
                break
            if output is not None and keep_outputs:
                outputs.append(output)
            self.total_batch_idx += 1
            if validate_this_epoch and self._is_val_check_batch(batch_idx, is_last):
                self._run_evaluation(test=False)
            if self.should_stop and self._may_stop():
                break
        if batch_idx < 0:
            raise MisconfigurationException(
                f"The train dataloader gave no batches in epoch {epoch}: there is nothing to train on")
        if keep_outputs:
            result = self.model.training_epoch_end(outputs)
            if result is not None:
                self._record_epoch_result(result)
        self._metrics.log_epoch_means(self)
        optim_utils.step_schedulers(self.lr_schedulers, "epoch", epoch + 1, self.callback_metrics)
        self._call_hook("on_epoch_end")
        self._call_hook("on_train_epoch_end", model=False)
        if self.logger is not None:
            self.logger.save()

    def _run_train_batch(self, batch: Any, batch_idx: int, is_last: bool) -> Any:
        """One batch: a training step per active optimizer, the optimizer step when accumulation is due.

        Hooks that nothing implements are not called (see ``_bind_hooks``): code run between the
        model's kernels costs several times what it costs in a warm loop.
        """
        if len(self.callbacks) != self._bound_callback_count:  # a callback added or removed mid-epoch
            self._bind_hooks()
        model, hooks = self.model, self._step_hooks
        if self.device.type != "cpu":
            batch = move_data_to_device(batch, self.device)
        if "on_batch_start" in hooks and model.on_batch_start(batch) == -1:
            return _SKIP_EPOCH
        if "callback.on_batch_start" in hooks:
            self._call_hook("on_batch_start", model=False)
        if "callback.on_train_batch_start" in hooks:
            self._call_hook("on_train_batch_start", batch, batch_idx, 0, model=False)
        accumulate = self.accumulate_grad_batches
        step_due = accumulate == 1 or (batch_idx + 1) % accumulate == 0 or is_last
        # AMP: a step the GradScaler skips (inf/NaN gradients) lowers its scale; that is how we see it
        scale = self.scaler.get_scale() if step_due and self.scaler is not None else None
        outputs = []
        for opt_idx, optimizer in (self._active_optimizers(batch_idx) if self.optimizer_frequencies
                                   else self._all_optimizers):
            output = self._training_step_and_backward(batch, batch_idx, opt_idx, optimizer)
            if output is None:
                continue
            outputs.append(output)
            if step_due:
                self._optimizer_step(optimizer, opt_idx, batch_idx, batch)
        if step_due and outputs:
            skipped = False
            if self.scaler is not None:
                self.scaler.update()  # once per iteration, after every optimizer stepped
                skipped = self.scaler.get_scale() < scale
            if not skipped:  # an optimizer step taken: count it, step the step-interval schedulers
                self.global_step += 1
                if self.lr_schedulers:
                    optim_utils.step_schedulers(self.lr_schedulers, "step", self.global_step, self.callback_metrics)
                if self.max_steps is not None and self.global_step >= self.max_steps:
                    self.should_stop = True
        result = outputs[0] if len(outputs) == 1 else (outputs or None)
        if "on_batch_end" in hooks:
            model.on_batch_end()
        if "callback.on_batch_end" in hooks:
            self._call_hook("on_batch_end", model=False)
        if "callback.on_train_batch_end" in hooks:
            self._call_hook("on_train_batch_end", result, batch, batch_idx, 0, model=False)
        if batch_idx % self.row_log_interval == 0 or self.should_stop or self.fast_dev_run:  # as 0.8.5
            self._metrics.flush_to_logger(self)
        if self.logger is not None and (batch_idx + 1) % self.log_save_interval == 0:
            self.logger.save()
        return result

    def _active_optimizers(self, batch_idx: int) -> List[Tuple[int, torch.optim.Optimizer]]:
        """With optimizer frequencies, the one optimizer whose turn batch ``batch_idx`` is."""
        place = batch_idx % sum(self.optimizer_frequencies)
        for idx, freq in enumerate(self.optimizer_frequencies):
            if place < freq:
                return [(idx, self.optimizers[idx])]
            place -= freq
        raise AssertionError("unreachable")

    def _training_step(self, batch: Any, batch_idx: int, opt_idx: int) -> Any:
        model = self.model
        args = (batch, batch_idx, opt_idx) if len(self.optimizers) > 1 else (batch, batch_idx)
        if self._autocast is _NULL_CONTEXT and not self._has_training_step_end:
            return model.training_step(*args)  # the common case, without entering a null context
        with self._autocast:
            output = model.training_step(*args)
            if self._has_training_step_end:
                output = model.training_step_end(output)
        return output

    def _training_step_and_backward(self, batch, batch_idx, opt_idx, optimizer) -> Optional[Dict[str, Any]]:
        toggled = self._toggle_params(optimizer) if len(self.optimizers) > 1 else None
        try:
            processed = self._metrics.process_train_output(self, self._training_step(batch, batch_idx, opt_idx))
            if processed is None:
                return None
            loss, detached, epoch_output = processed
            if self.terminate_on_nan and not torch.isfinite(loss).all():
                raise ValueError(f"The loss returned in `training_step` is {loss.item()} (terminate_on_nan=True)")
            if self.accumulate_grad_batches > 1:
                self._metrics.add_micro_batch_loss(detached, opt_idx)
                loss = loss / self.accumulate_grad_batches
            else:
                self.accumulated_loss = detached
            hooks = self._step_hooks
            if "backward" in hooks:
                self.model.backward(self, loss, optimizer, opt_idx)
            else:  # LightningModule.backward, inlined
                (loss if self.scaler is None else self.scaler.scale(loss)).backward()
            if "on_after_backward" in hooks:
                self.model.on_after_backward()
        finally:
            if toggled is not None:
                for param, flag in toggled:
                    param.requires_grad = flag
        return epoch_output

    def _toggle_params(self, optimizer) -> List[Tuple[torch.nn.Parameter, bool]]:
        """With several optimizers, only the stepping optimizer's parameters receive gradients."""
        own = {id(p) for group in optimizer.param_groups for p in group["params"]}
        saved = [(p, p.requires_grad) for p in self.model.parameters()]
        for p, flag in saved:
            p.requires_grad = flag and id(p) in own
        return saved

    def _optimizer_step(self, optimizer, opt_idx: int, batch_idx: int, batch: Any) -> None:
        model, hooks = self.model, self._step_hooks
        if self.accumulate_grad_batches > 1:
            self.accumulated_loss = self._metrics.step_loss(opt_idx)
        if self.gradient_clip_val > 0:
            if self.scaler is not None:
                self.scaler.unscale_(optimizer)
            params = [p for group in optimizer.param_groups for p in group["params"]]
            torch.nn.utils.clip_grad_norm_(params, self.gradient_clip_val)
        if "callback.on_before_optimizer_step" in hooks:
            self._call_hook("on_before_optimizer_step", optimizer, opt_idx, model=False)
        using_lbfgs = isinstance(optimizer, torch.optim.LBFGS)
        if "optimizer_step" in hooks or using_lbfgs or self.scaler is not None:
            closure = (lambda: self._lbfgs_closure(batch, batch_idx, opt_idx, optimizer)) if using_lbfgs else None
            model.optimizer_step(self.current_epoch, batch_idx, optimizer, opt_idx, second_order_closure=closure,
                                 on_tpu=False, using_native_amp=self.scaler is not None, using_lbfgs=using_lbfgs)
        else:  # LightningModule.optimizer_step, inlined
            optimizer.step()
        if "on_before_zero_grad" in hooks:
            model.on_before_zero_grad(optimizer)
        if "optimizer_zero_grad" in hooks:
            model.optimizer_zero_grad(self.current_epoch, batch_idx, optimizer, opt_idx)
        else:
            optimizer.zero_grad()

    def _lbfgs_closure(self, batch, batch_idx, opt_idx, optimizer) -> torch.Tensor:
        optimizer.zero_grad()
        loss = self._metrics.process_train_output(self, self._training_step(batch, batch_idx, opt_idx))[0]
        self.model.backward(self, loss, optimizer, opt_idx)
        return loss

    def _record_epoch_result(self, result: Dict[str, Any]) -> None:
        if not isinstance(result, dict):
            raise MisconfigurationException(
                f"`training_epoch_end` must return None or a dict, got {type(result).__name__}")
        self._metrics.record_result(self, result, log_step=True)

    # ------------------------------------------------------------ validation
    def _val_enabled(self) -> bool:
        return bool(self.val_dataloaders) and any(n > 0 for n in self.num_val_batches)

    def _epoch_end_validation_due(self) -> bool:
        return (self.current_epoch + 1) % self.check_val_every_n_epoch == 0

    def _is_val_check_batch(self, batch_idx: int, is_last: bool) -> bool:
        """Validation runs every ``val_check_batch`` batches (at the epoch's end for unsized loaders)."""
        if self.val_check_batch == math.inf:
            return is_last
        return (batch_idx + 1) % self.val_check_batch == 0

    def _run_sanity_check(self) -> None:
        steps = self.num_sanity_val_steps
        if steps == 0 or not self._val_enabled():
            return
        self.running_sanity_check = True
        self._call_hook("on_sanity_check_start", model=False)
        try:
            self._run_evaluation(test=False, max_batches=None if steps == -1 else steps)
        finally:
            self.running_sanity_check = False
        self._call_hook("on_sanity_check_end", model=False)
        self.callback_metrics.clear()

    def _run_evaluation(self, test: bool, max_batches: Optional[int] = None) -> List[Dict[str, Any]]:
        """Validation or test over every loader, between a save and a restore of the RNG states."""
        model = self.model
        loaders = self.test_dataloaders if test else self.val_dataloaders
        counts = self.num_test_batches if test else self.num_val_batches
        stage = "test" if test else "validation"
        step_name = "test_step" if test else "validation_step"
        rng = get_rng_states()
        was_training = model.training
        model.eval()
        self._call_hook(f"on_{stage}_start")
        all_outputs = []
        try:
            with torch.no_grad():
                for dl_idx, (loader, count) in enumerate(zip(loaders, counts)):
                    limit = count if max_batches is None else min(count, max_batches)
                    outputs = []
                    for batch_idx, batch, _ in iter_with_last(loader, limit):
                        batch = move_data_to_device(batch, self.device)
                        self._call_hook(f"on_{stage}_batch_start", model=False, newer=(batch, batch_idx, dl_idx))
                        args = [batch, batch_idx] + ([dl_idx] if len(loaders) > 1 else [])
                        with self._autocast:
                            out = getattr(model, step_name)(*args)
                            if is_overridden(f"{step_name}_end", model):
                                out = getattr(model, f"{step_name}_end")(out)
                        self._metrics.collect_eval_logs(model)
                        if out is not None:
                            outputs.append(out)
                        self._call_hook(f"on_{stage}_batch_end", model=False,
                                        newer=(out, batch, batch_idx, dl_idx))
                    all_outputs.append(outputs)
                results = self._evaluation_epoch_end(all_outputs, test)
        finally:
            set_rng_states(rng)
            model.train(was_training)
        self._call_hook(f"on_{stage}_end")
        return results

    def _evaluation_epoch_end(self, all_outputs: List[List[Any]], test: bool) -> List[Dict[str, Any]]:
        model = self.model
        hook = "test_epoch_end" if test else "validation_epoch_end"
        outputs = all_outputs[0] if len(all_outputs) == 1 else all_outputs
        result = getattr(model, hook)(outputs) if is_overridden(hook, model) else None
        logged = self._metrics.eval_log_means()
        result = dict(result or {})
        if logged:
            result.setdefault("log", {}).update(logged["log"])
            result.setdefault("progress_bar", {}).update(logged["progress_bar"])
            for key, value in logged["callback"].items():
                result.setdefault(key, value)
        if self.running_sanity_check:
            return [result]
        flat = self._metrics.record_result(self, result, log_step=True)
        return [flat]

    # ------------------------------------------------------------------ test
    def test(self, model: Optional[LightningModule] = None, test_dataloaders=None,
             ckpt_path: Optional[str] = "best") -> List[Dict[str, Any]]:
        """Run the test loop; returns one dict of metrics per test dataloader.

        Without ``model``, the fitted model is used, with the best checkpoint's weights when
        ``ckpt_path='best'`` and a checkpoint callback saved one.
        """
        if model is None:
            model = self.model
            if model is None:
                raise MisconfigurationException("`test()` needs a `model` when `fit()` has not been called")
            if ckpt_path == "best":
                best = getattr(self.checkpoint_callback, "best_model_path", "") if self.checkpoint_callback else ""
                ckpt_path = best or None
            if ckpt_path:
                checkpoint = cloud_io.load(ckpt_path, map_location=self.device)
                model.load_state_dict(checkpoint["state_dict"])
        self._check_limits()
        if not is_overridden("test_step", model):
            raise MisconfigurationException("No `test_step()` method defined: `test()` has nothing to run")
        self.model, model.trainer = model, self
        self.testing = True
        self._callback_hooks = {}
        self._autocast = _autocast_context(self.precision, self.device)
        try:
            model.prepare_data()
            self._call_hook("setup", "test")
            model.to(self.device)
            self.test_dataloaders = resolve_loaders(test_dataloaders, model.test_dataloader, "test_dataloader")
            self.num_test_batches = [apply_limit(batch_count(dl), self.limit_test_batches, "limit_test_batches")
                                     for dl in self.test_dataloaders]
            if not self.test_dataloaders:
                raise MisconfigurationException("`test()` needs a test dataloader: pass `test_dataloaders` or "
                                                "implement `test_dataloader()`")
            results = self._run_evaluation(test=True)
            self._call_hook("teardown", "test")
        finally:
            self.testing = False
        return [{k: _display_value(v) for k, v in r.items()} for r in results]

    # ------------------------------------------------------------------ data
    def _load_train_data(self, model: LightningModule) -> None:
        loaders = resolve_loaders(self._train_source, model.train_dataloader, "train_dataloader")
        if len(loaders) != 1:
            raise MisconfigurationException(
                f"Training needs exactly one train dataloader; got {len(loaders)}. Pass `train_dataloader` to `fit` "
                "or implement `train_dataloader()`")
        loader = loaders[0]
        if self.overfit_batches:
            loader = no_shuffle(loader)
        self.train_dataloader = loader
        self.num_training_batches = apply_limit(batch_count(loader), self.limit_train_batches, "limit_train_batches")
        if self.num_training_batches == 0:
            raise MisconfigurationException(
                "The train dataloader gives 0 batches (after `limit_train_batches="
                f"{self.limit_train_batches!r}`): there is nothing to train on")
        interval = self.val_check_interval
        if isinstance(interval, float):
            if self.num_training_batches == math.inf:
                if interval != 1.0:
                    raise MisconfigurationException(
                        f"`val_check_interval={interval}` is a fraction, but the train dataloader has no length "
                        "(an infinite DataLoader); pass an int count of batches")
                self.val_check_batch = math.inf
            else:
                self.val_check_batch = max(1, int(self.num_training_batches * interval))
        else:
            if self.num_training_batches != math.inf and interval > self.num_training_batches:
                raise MisconfigurationException(
                    f"`val_check_interval={interval}` must be at most the number of training batches "
                    f"({self.num_training_batches})")
            self.val_check_batch = interval

    def _load_val_data(self, model: LightningModule) -> None:
        if self.overfit_batches:
            self.val_dataloaders = [self.train_dataloader]
        else:
            self.val_dataloaders = resolve_loaders(self._val_source, model.val_dataloader, "val_dataloader")
        self.num_val_batches = [apply_limit(batch_count(dl), self.limit_val_batches, "limit_val_batches")
                                for dl in self.val_dataloaders]
        if self.val_dataloaders and not is_overridden("validation_step", model):
            self.val_dataloaders, self.num_val_batches = [], []
        for idx, count in enumerate(self.num_val_batches):
            if count == 0 and self.limit_val_batches != 0:
                warnings.warn(f"The val dataloader {idx} gives 0 batches: it is never validated on", UserWarning)

    # ----------------------------------------------------------- checkpoints
    def save_checkpoint(self, filepath: str, weights_only: bool = False) -> None:
        """Write a checkpoint atomically (through fsspec) to ``filepath``."""
        cloud_io.atomic_save(dump_checkpoint(self, weights_only=weights_only), filepath)

    # ------------------------------------------------------------- argparse
    @classmethod
    def add_argparse_args(cls, parent_parser):
        """Add ``--<arg>`` for every Trainer argument to a copy of ``parent_parser``."""
        from pytorch_lightning.trainer.argparse import add_argparse_args

        return add_argparse_args(cls, parent_parser)

    @classmethod
    def from_argparse_args(cls, args, **kwargs) -> "Trainer":
        """``Trainer.from_argparse_args(args, max_epochs=3)``: the parsed Trainer arguments, ``kwargs`` on top."""
        from pytorch_lightning.trainer.argparse import from_argparse_args

        return from_argparse_args(cls, args, **kwargs)

    # -------------------------------------------------------------- tuning
    @property
    def tuner(self):
        """``trainer.tuner.lr_find(model)``: the newer spelling of ``trainer.lr_find(model)``."""
        from pytorch_lightning.trainer.tuning import Tuner

        return Tuner(self)

    def tune(self, model: LightningModule, train_dataloader=None, val_dataloaders=None,
             lr_find_kwargs: Optional[Dict[str, Any]] = None):
        """Run ``auto_lr_find`` now (with ``lr_find_kwargs``) instead of at the start of ``fit``."""
        finder = self.tuner.tune(model, train_dataloader, val_dataloaders, lr_find_kwargs=lr_find_kwargs)
        if finder is not None:
            self._tuned_model = model
        return finder

    # -------------------------------------------------------------- lr_find
    def lr_find(self, model: LightningModule, train_dataloader=None, val_dataloaders=None, min_lr: float = 1e-8,
                max_lr: float = 1, num_training: int = 100, mode: str = "exponential",
                early_stop_threshold: Optional[float] = 4.0, num_accumulation_steps: Optional[int] = None,
                update_attr: bool = False):
        """Learning-rate range test; see :func:`pytorch_lightning.trainer.lr_finder.lr_find`."""
        from pytorch_lightning.trainer.lr_finder import lr_find

        return lr_find(self, model, train_dataloader=train_dataloader, val_dataloaders=val_dataloaders,
                       min_lr=min_lr, max_lr=max_lr, num_training=num_training, mode=mode,
                       early_stop_threshold=early_stop_threshold, num_accumulation_steps=num_accumulation_steps,
                       update_attr=update_attr)


def _autocast_context(precision: Union[int, str], device: torch.device):
    """The context the training step runs in (entered once per step, so built once per fit)."""
    if precision == 16:
        return torch.autocast("cuda", dtype=torch.float16)
    if precision == "bf16":
        return torch.autocast(device.type, dtype=torch.bfloat16)
    return _NULL_CONTEXT


def _bind_callback_hooks(callbacks: List[Any], name: str, n_args: int, has_newer: bool) -> List[Tuple[Any, bool]]:
    """Each callback's ``name`` hook that does something, and whether it takes the newer arguments.

    Looked up once per epoch (and when the callback list changes length): the batch hooks run every
    step, and most callbacks inherit the no-ops.
    """
    noop = _CALLBACK_NOOPS.get(name)
    hooks = []
    for callback in callbacks:
        hook = getattr(callback, name, None)  # callbacks need not subclass Callback
        if hook is None or (noop is not None and getattr(hook, "__func__", None) is noop):
            continue
        takes_newer = has_newer and _positional_count(getattr(hook, "__func__", hook)) > 3 + n_args
        hooks.append((hook, takes_newer))
    return hooks


@functools.lru_cache(maxsize=None)
def _positional_count(fn) -> int:
    """Positional parameters of ``fn`` (``self`` included); a ``*args`` hook takes any number."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 0
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return 1 << 30
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


_NULL_CONTEXT = contextlib.nullcontext()
# LightningModule hooks called every step; one left as LightningModule defines it is not called
_PER_STEP_MODEL_HOOKS = ("on_batch_start", "on_batch_end", "on_after_backward", "backward", "optimizer_step",
                         "on_before_zero_grad", "optimizer_zero_grad")
# The functions the defaults are, taken at import: a hook that is not one of them (overridden, patched
# on the instance or on the base class, a mock) is called.
_MODEL_DEFAULTS = {name: vars(LightningModule)[name] for name in _PER_STEP_MODEL_HOOKS}
_CALLBACK_NOOPS = {name: fn for name, fn in vars(Callback).items() if inspect.isfunction(fn)}
_PER_STEP_CALLBACK_HOOKS = ("on_batch_start", "on_train_batch_start", "on_before_optimizer_step", "on_batch_end",
                            "on_train_batch_end")
_SKIP_EPOCH = object()


def _display_value(value: Any) -> Any:
    """A one-element tensor as a python number (results and progress-bar values handed to the user)."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return value.item()
    return value


# ------------------------------------------------------------ argument checks
def _check_int(name: str, value: Any, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise MisconfigurationException(f"`{name}` must be an int >= {minimum}, got {value!r}")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise MisconfigurationException(f"`{name}` must be True or False, got {value!r}")
    return value


def _check_path(name: str, value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)) or str(value) == "":
        raise MisconfigurationException(f"`{name}` must be None or a path (str or os.PathLike), got {value!r}")
    return str(value)


def _check_callbacks(callbacks: Any) -> List[Callback]:
    if callbacks is None:
        return []
    if not isinstance(callbacks, (list, tuple)):
        raise MisconfigurationException(
            f"`callbacks` must be a list of Callback instances, got {type(callbacks).__name__} {callbacks!r}")
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise MisconfigurationException(
                f"`callbacks` must be a list of Callback instances, got an item {cb!r} of type {type(cb).__name__}")
    return list(callbacks)


def _check_number(name: str, value: Any, minimum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= minimum:
        raise MisconfigurationException(f"`{name}` must be a number >= {minimum}, got {value!r}")
    return value


def _check_limit(name: str, value: Any, allow_zero: bool = True) -> Union[int, float]:
    """A fraction in [0, 1] (a float) or a count of batches (an int)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise MisconfigurationException(f"`{name}` must be a float in [0, 1] or an int count, got {value!r}")
    if isinstance(value, float):
        if not 0.0 <= value <= 1.0 or (not allow_zero and value == 0.0):
            low = "[0" if allow_zero else "(0"
            raise MisconfigurationException(f"`{name}` as a float must be in {low}, 1], got {value!r}")
    elif value < (0 if allow_zero else 1):
        raise MisconfigurationException(f"`{name}` as an int must be >= {0 if allow_zero else 1}, got {value!r}")
    return value


def _check_choice(name: str, value: Any, choices: Tuple[Any, ...]) -> Any:
    if value not in choices:
        raise MisconfigurationException(f"`{name}` must be one of {choices}, got {value!r}")
    return value


def _check_precision(value: Any) -> Union[int, str]:
    if value in (32, "32"):
        return 32
    if value in (16, "16"):
        return 16
    if value in ("bf16", "bf16-mixed"):
        return "bf16"
    raise MisconfigurationException(f"`precision` must be 32, 16 or 'bf16', got {value!r}")


def _check_accumulation(value: Any) -> Dict[int, int]:
    if isinstance(value, dict):
        if not value or not all(isinstance(k, int) and isinstance(v, int) and k >= 0 and v >= 1
                                for k, v in value.items()):
            raise MisconfigurationException(
                f"`accumulate_grad_batches` as a dict must map epochs (ints >= 0) to counts (ints >= 1), got {value!r}")
        schedule = dict(value)
        schedule.setdefault(0, 1)
        return schedule
    return {0: _check_int("accumulate_grad_batches", value, minimum=1)}


def _parse_device(gpus: Any) -> torch.device:
    """``gpus``: None or 0 (CPU), an int count, a list of indices, or a string like ``"0"`` / ``"0,1"`` / ``"-1"``."""
    if gpus is None or gpus == 0 or gpus == "" or gpus == []:
        return torch.device("cpu")
    if isinstance(gpus, bool):
        raise MisconfigurationException(f"`gpus` must be None, an int, a list of ints or a string, got {gpus!r}")
    if isinstance(gpus, str):
        text = gpus.strip()
        try:
            gpus = int(text) if "," not in text else [int(g) for g in text.split(",") if g.strip()]
        except ValueError:
            raise MisconfigurationException(f"`gpus` string must be like '1', '0,1' or '-1', got {text!r}") from None
    if isinstance(gpus, int):
        if gpus < -1:
            raise MisconfigurationException(f"`gpus` must be -1, 0 or a positive count, got {gpus}")
        indices = None if gpus == -1 else list(range(gpus))
    elif isinstance(gpus, (list, tuple)) and all(isinstance(g, int) and g >= 0 for g in gpus):
        indices = list(gpus)
    else:
        raise MisconfigurationException(f"`gpus` must be None, an int, a list of ints or a string, got {gpus!r}")
    if not torch.cuda.is_available():
        raise MisconfigurationException(f"You requested GPUs (`gpus={gpus!r}`) but none is available")
    count = torch.cuda.device_count()
    indices = list(range(count)) if indices is None else indices
    if len(indices) > 1:
        raise MisconfigurationException(
            f"`gpus={gpus!r}` asks for {len(indices)} GPUs; this package trains on one device. Use `gpus=1`")
    if indices[0] >= count:
        raise MisconfigurationException(f"`gpus={gpus!r}` names GPU {indices[0]} but only {count} are available")
    return torch.device("cuda", indices[0])


def _configure_logger(logger: Any, root: str) -> Optional[LightningLoggerBase]:
    if logger is True:
        return TensorBoardLogger(save_dir=root, name="lightning_logs")
    if logger is False or logger is None:
        return None
    if isinstance(logger, (list, tuple)):
        for item in logger:
            if not isinstance(item, LightningLoggerBase):
                raise MisconfigurationException(
                    f"`logger` as a list must hold loggers, got an item {item!r} of type {type(item).__name__}")
        return LoggerCollection(logger)
    if isinstance(logger, LightningLoggerBase):
        return logger
    raise MisconfigurationException(f"`logger` must be a bool, a logger or a list of loggers, got {type(logger).__name__}")


def _configure_callback(value: Any, cls: type, name: str) -> Optional[Callback]:
    if value is True:
        return cls()
    if value is False or value is None:
        return None
    if isinstance(value, cls):
        return value
    raise MisconfigurationException(f"`{name}` must be a bool or a {cls.__name__}, got {type(value).__name__}")
