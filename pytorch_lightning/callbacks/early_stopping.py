"""``EarlyStopping``: stop when the monitored metric stops improving (0.8.5 arguments)."""
import math
import warnings

import torch

from pytorch_lightning.callbacks.base import Callback
from pytorch_lightning.callbacks.model_checkpoint import infer_mode
from pytorch_lightning.utilities.exceptions import MisconfigurationException


class EarlyStopping(Callback):
    """Set ``trainer.should_stop`` after ``patience`` checks without an improvement of more than ``min_delta``.

    The check runs after every validation; a model without validation is checked at each epoch's end
    (on the training metrics).

    Args:
        monitor: the metric to watch.
        min_delta: the smallest change that counts as an improvement.
        patience: checks without improvement before stopping.
        verbose: print the epoch it stopped at.
        mode: 'min', 'max' or 'auto' (from the metric's name: 'max' for accuracies, f1, auc...).
        strict: a missing metric raises (listing the available ones) instead of warning.

    Example:
        >>> EarlyStopping(monitor='val_loss', patience=3)  # doctest: +ELLIPSIS
        <...EarlyStopping object at ...>
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 3, verbose: bool = False,
                 mode: str = "auto", strict: bool = True):
        if not isinstance(monitor, str) or not monitor:
            raise MisconfigurationException(f"`monitor` must be a metric name, got {monitor!r}")
        if mode not in ("min", "max", "auto"):
            raise MisconfigurationException(f"`mode` must be 'min', 'max' or 'auto', got {mode!r}")
        if not isinstance(patience, int) or isinstance(patience, bool) or patience < 0:
            raise MisconfigurationException(f"`patience` must be an int >= 0, got {patience!r}")
        if isinstance(min_delta, bool) or not isinstance(min_delta, (int, float)) or not math.isfinite(min_delta):
            raise MisconfigurationException(f"`min_delta` must be a finite number, got {min_delta!r}")
        for name, flag in (("verbose", verbose), ("strict", strict)):
            if not isinstance(flag, bool):
                raise MisconfigurationException(f"`{name}` must be True or False, got {flag!r}")
        self.monitor = monitor
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.strict = strict
        self.mode = infer_mode(monitor) if mode == "auto" else mode
        self._reset_state()
        self._restored = False

    def _reset_state(self) -> None:
        self.wait_count = 0
        self.stopped_epoch = 0
        self.best_score = torch.tensor(float("inf") if self.mode == "min" else float("-inf"), dtype=torch.float64)
        self._validated_this_epoch = False

    def on_train_start(self, trainer, pl_module):
        if self._restored:  # resuming: keep the state loaded from the checkpoint
            self._restored = False
            return
        self._reset_state()

    def on_epoch_start(self, trainer, pl_module):
        self._validated_this_epoch = False

    def on_validation_end(self, trainer, pl_module):
        if trainer.running_sanity_check:
            return
        self._validated_this_epoch = True
        self._run_check(trainer)

    def on_epoch_end(self, trainer, pl_module):
        # A model that validates is checked on its validation metrics only: an epoch that skips
        # validation (`check_val_every_n_epoch`) would otherwise count a stale value again.
        if not self._validated_this_epoch and not sum(trainer.num_val_batches) > 0:
            self._run_check(trainer)

    def on_train_end(self, trainer, pl_module):
        if self.verbose and self.stopped_epoch > 0:
            print(f"Epoch {self.stopped_epoch + 1:05d}: early stopping")

    def _run_check(self, trainer) -> None:
        metrics = trainer.callback_metrics
        if self.monitor not in metrics:
            message = (f"Early stopping conditioned on metric {self.monitor!r} which is not available; available "
                       f"metrics are {sorted(metrics)}. Return it from `validation_epoch_end` or pass "
                       "`EarlyStopping(monitor=...)` one of these")
            if self.strict:
                raise RuntimeError(message)
            warnings.warn(message, RuntimeWarning)
            return
        current = torch.as_tensor(metrics[self.monitor], dtype=torch.float64).detach().cpu()
        if current.numel() != 1:
            raise MisconfigurationException(
                f"EarlyStopping(monitor={self.monitor!r}) needs a scalar metric, got a tensor of shape "
                f"{tuple(current.shape)}")
        current = current.reshape(())
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
        self.best_score = torch.as_tensor(checkpointed_state["best_score"], dtype=torch.float64).cpu()
        self._restored = True
