"""``LearningRateLogger``: log the lr of every optimizer at every point the loop can change it.

Step-interval values (``'step'`` and ``'batch'`` are synonyms) are logged just before each optimizer
step, with ``step=trainer.global_step``: the lr that step uses. Under ``accumulate_grad_batches=k``
that is one point per optimizer step, not per micro-batch. Epoch-interval values are logged at
epoch start. 0.8.5 knew only 'step' and 'epoch', so an ``interval='batch'`` scheduler was never
logged (upstream #2814, #2847).
"""
from typing import Any, Dict, List, Optional, Tuple

from pytorch_lightning.callbacks.base import Callback
from pytorch_lightning.utilities.distributed import rank_zero_warn
from pytorch_lightning.utilities.exceptions import MisconfigurationException

LOGGING_INTERVALS = (None, "step", "batch", "epoch")


def _kind(interval: Optional[str]) -> str:
    return "epoch" if interval == "epoch" else "step"


class LearningRateLogger(Callback):
    """Log learning rates (and optionally momenta) to the trainer's logger.

    Args:
        logging_interval: None follows each scheduler's own interval (optimizers without a
            scheduler are logged every step); 'step' or 'batch' logs everything at every
            optimizer step; 'epoch' once per epoch.
        log_momentum: also log ``momentum-<name>`` (SGD's ``momentum``, Adam's ``betas[0]``).

    Names: ``lr-<OptimizerClass>``, or the scheduler dict's ``'name'`` when given; a second and third
    optimizer of the same name get ``-1`` and ``-2``; several parameter groups add ``/pg1``, ``/pg2``
    (or ``/<group name>`` for a group with a ``'name'`` key). The values are kept in ``self.lrs``
    (and ``self.momenta``), sent to the logger and put in ``trainer.callback_metrics``.

    Raises:
        MisconfigurationException: for an unknown ``logging_interval``, or at ``fit`` when the
            Trainer has no logger.

    Example:
        >>> from pytorch_lightning import Trainer
        >>> lr_logger = LearningRateLogger(logging_interval='step')
        >>> trainer = Trainer(callbacks=[lr_logger])  # doctest: +SKIP
    """

    def __init__(self, logging_interval: Optional[str] = None, log_momentum: bool = False):
        if logging_interval not in LOGGING_INTERVALS:
            raise MisconfigurationException(
                f"`logging_interval` must be one of {LOGGING_INTERVALS}, got {logging_interval!r}")
        if not isinstance(log_momentum, bool):
            raise MisconfigurationException(f"`log_momentum` must be True or False, got {log_momentum!r}")
        self.logging_interval = logging_interval
        self.log_momentum = log_momentum
        self.lrs: Dict[str, List[float]] = {}
        self.momenta: Dict[str, List[float]] = {}
        self._entries: List[Tuple[str, Any, int, str]] = []
        self._last_logged_step: Optional[int] = None

    # ----------------------------------------------------------- per-run set-up
    def on_train_start(self, trainer, pl_module):
        if not trainer.logger:
            raise MisconfigurationException(
                "`LearningRateLogger` needs a logger to write to, but the Trainer has none (`logger=False`): pass "
                "`logger=True` or a logger")
        if not trainer.lr_schedulers:
            rank_zero_warn("You are using LearningRateLogger callback with models that have no learning rate "
                           "schedulers. Please see documentation for `configure_optimizers` method.",
                           RuntimeWarning)
        self._entries = self._build_entries(trainer)
        self.lrs = {name: [] for name, *_ in self._entries}
        self.momenta = {_momentum_key(name): [] for name, *_ in self._entries} if self.log_momentum else {}
        self._last_logged_step = None

    def _build_entries(self, trainer) -> List[Tuple[str, Any, int, str]]:
        """``(name, optimizer, group index, kind)`` for every parameter group of every optimizer."""
        schedulers = {id(cfg["scheduler"].optimizer): cfg for cfg in trainer.lr_schedulers}
        seen: Dict[str, int] = {}
        entries = []
        for optimizer in trainer.optimizers:
            cfg = schedulers.get(id(optimizer))
            base = cfg["name"] if cfg is not None and cfg.get("name") else f"lr-{type(optimizer).__name__}"
            count = seen.get(base, 0)
            seen[base] = count + 1
            if count:  # a second optimizer of the same class (or scheduler name) gets -1, a third -2
                base = f"{base}-{count}"
            if self.logging_interval is not None:
                kind = _kind(self.logging_interval)
            else:
                kind = _kind(cfg["interval"]) if cfg is not None else "step"
            groups = optimizer.param_groups
            for idx, group in enumerate(groups):
                if "name" in group and group["name"]:
                    name = f"{base}/{group['name']}"
                elif len(groups) > 1:
                    name = f"{base}/pg{idx + 1}"
                else:
                    name = base
                entries.append((name, optimizer, idx, kind))
        return entries

    # --------------------------------------------------------------- logging
    def on_epoch_start(self, trainer, pl_module):
        self._log(trainer, "epoch")

    def on_before_optimizer_step(self, trainer, pl_module, optimizer, optimizer_idx):
        if self._last_logged_step == trainer.global_step:
            return  # several optimizers step in one batch: one point per step
        self._last_logged_step = trainer.global_step
        self._log(trainer, "step")

    def _log(self, trainer, kind: str) -> None:
        metrics = {}
        for name, optimizer, idx, entry_kind in self._entries:
            if entry_kind != kind:
                continue
            group = optimizer.param_groups[idx]
            lr = float(group["lr"])
            self.lrs[name].append(lr)
            metrics[name] = lr
            if self.log_momentum:
                momentum = _momentum(group)
                key = _momentum_key(name)
                self.momenta[key].append(momentum)
                metrics[key] = momentum
        if not metrics:
            return
        trainer.callback_metrics.update(metrics)
        if trainer.logger is not None:
            trainer.logger.log_metrics(metrics, step=trainer.global_step)


def _momentum_key(lr_name: str) -> str:
    return f"momentum-{lr_name[3:]}" if lr_name.startswith("lr-") else f"momentum-{lr_name}"


def _momentum(group: Dict[str, Any]) -> float:
    if "betas" in group:
        return float(group["betas"][0])
    return float(group.get("momentum", 0.0))


LearningRateMonitor = LearningRateLogger
