"""``EarlyStopping``: stop when the monitored metric stops improving (0.8.5 arguments)."""
import warnings

import torch

from pytorch_lightning.callbacks.base import Callback
from pytorch_lightning.callbacks.model_checkpoint import infer_mode
from pytorch_lightning.utilities.exceptions import MisconfigurationException


class EarlyStopping(Callback):
    """Set ``trainer.should_stop`` after ``patience`` checks without an improvement of ``min_delta``.

    Args:
        monitor: the metric; ``mode``: 'min', 'max' or 'auto' (from the name); ``strict``: a missing
            metric raises (listing the available ones) instead of warning.

    Example:
        >>> EarlyStopping(monitor='val_loss', patience=3)  # doctest: +ELLIPSIS
        <...EarlyStopping object at ...>
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 3, verbose: bool = False,
                 mode: str = "auto", strict: bool = True):
        if mode not in ("min", "max", "auto"):
            raise MisconfigurationException(f"`mode` must be 'min', 'max' or 'auto', got {mode!r}")
        if not isinstance(patience, int) or patience < 0:
            raise MisconfigurationException(f"`patience` must be an int >= 0, got {patience!r}")
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.strict = strict
        self.mode = infer_mode(monitor) if mode == "auto" else mode
        self.wait_count = 0
        self.stopped_epoch = 0
        self.best_score = torch.tensor(float("inf") if self.mode == "min" else float("-inf"))
        self._validated_this_epoch = False
        self._restored = False

    def on_train_start(self, trainer, pl_module):
        if self._restored:  # resuming: keep the state loaded from the checkpoint
            self._restored = False
            return
        self.wait_count = 0
        self.stopped_epoch = 0
        self.best_score = torch.tensor(float("inf") if self.mode == "min" else float("-inf"))

    def on_epoch_start(self, trainer, pl_module):
        self._validated_this_epoch = False

    def on_validation_end(self, trainer, pl_module):
        if trainer.running_sanity_check:
            return
        self._validated_this_epoch = True
        self._run_check(trainer)

    def on_epoch_end(self, trainer, pl_module):
        if not self._validated_this_epoch:
            self._run_check(trainer)

    def _run_check(self, trainer) -> None:
        metrics = trainer.callback_metrics
        if self.monitor not in metrics:
            message = (f"Early stopping conditioned on metric {self.monitor!r} which is not available; available "
                       f"metrics are {sorted(metrics)}")
            if self.strict:
                raise RuntimeError(message)
            if self.verbose:
                warnings.warn(message, RuntimeWarning)
            return
        current = torch.as_tensor(metrics[self.monitor], dtype=torch.float64).cpu()
        best = self.best_score.double()
        improved = current < best - self.min_delta if self.mode == "min" else current > best + self.min_delta
        if bool(improved):
            self.best_score = current
            self.wait_count = 0
            return
        self.wait_count += 1
        if self.wait_count >= self.patience:
            self.stopped_epoch = trainer.current_epoch
            trainer.should_stop = True

    def on_save_checkpoint(self, trainer, pl_module):
        return {"wait_count": self.wait_count, "stopped_epoch": self.stopped_epoch, "best_score": self.best_score,
                "patience": self.patience}

    def on_load_checkpoint(self, checkpointed_state):
        self.wait_count = checkpointed_state["wait_count"]
        self.stopped_epoch = checkpointed_state["stopped_epoch"]
        self.best_score = checkpointed_state["best_score"]
        self._restored = True
