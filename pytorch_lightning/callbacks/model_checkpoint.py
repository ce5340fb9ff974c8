"""``ModelCheckpoint``: save the model whenever the monitored metric improves (0.8.5 arguments)."""
import os
import re
from typing import Any, Dict, Optional

import torch

from pytorch_lightning.callbacks.base import Callback
from pytorch_lightning.utilities import cloud_io
from pytorch_lightning.utilities.exceptions import MisconfigurationException

_MAX_HINTS = ("acc", "accuracy", "f1", "auc", "precision", "recall", "fmeasure", "score")


def infer_mode(monitor: str) -> str:
    """'max' for metrics whose name says bigger is better (accuracy, f1, auc...), else 'min'."""
    lowered = monitor.lower()
    return "max" if any(hint in lowered for hint in _MAX_HINTS) else "min"


class ModelCheckpoint(Callback):
    """Save checkpoints after validation (or at epoch end without validation), keeping the top k.

    Args:
        filepath: a directory, or a path whose file name is a format like ``'{epoch}-{val_loss:.2f}'``
            (giving ``epoch=2-val_loss=0.12.ckpt``). None: the logger's ``version_N/checkpoints``.
        monitor: the metric to compare; ``save_top_k``: how many to keep (-1 all, 0 none);
        mode: 'min', 'max' or 'auto'; period: epochs between checks; prefix: put before the name.

    Example:
        >>> ModelCheckpoint(filepath='my/path/{epoch}-{val_loss:.2f}')  # doctest: +ELLIPSIS
        <...ModelCheckpoint object at ...>
    """

    CHECKPOINT_NAME_LAST = "last.ckpt"

    def __init__(self, filepath: Optional[str] = None, monitor: str = "val_loss", verbose: bool = False,
                 save_last: bool = False, save_top_k: int = 1, save_weights_only: bool = False, mode: str = "auto",
                 period: int = 1, prefix: str = ""):
        if mode not in ("min", "max", "auto"):
            raise MisconfigurationException(f"`mode` must be 'min', 'max' or 'auto', got {mode!r}")
        if not isinstance(save_top_k, int) or save_top_k < -1:
            raise MisconfigurationException(f"`save_top_k` must be an int >= -1, got {save_top_k!r}")
        if not isinstance(period, int) or period < 1:
            raise MisconfigurationException(f"`period` must be an int >= 1, got {period!r}")
        self.monitor = monitor
        self.verbose = verbose
        self.save_last = save_last
        self.save_top_k = save_top_k
        self.save_weights_only = save_weights_only
        self.period = period
        self.prefix = prefix
        self.mode = infer_mode(monitor) if mode == "auto" else mode
        self.filename = None
        self.dirpath = None
        if filepath is not None:
            filepath = str(filepath)
            fs = cloud_io.get_filesystem(filepath)
            if fs.isdir(filepath) or filepath.endswith("/"):
                self.dirpath = filepath.rstrip("/")
            else:
                self.dirpath, self.filename = os.path.split(filepath)
        self.best_k_models: Dict[str, float] = {}
        self.kth_best_model_path = ""
        self.best_model_score: Optional[float] = None
        self.best_model_path = ""
        self.last_model_path = ""
        self._epochs_since_check = 0
        self._validated_this_epoch = False

    @property
    def best_model(self) -> str:
        return self.best_model_path

    def on_train_start(self, trainer, pl_module):
        if self.dirpath is None:
            logger = trainer.logger
            if logger is not None and getattr(logger, "save_dir", None) is not None:
                version = logger.version if isinstance(logger.version, str) else f"version_{logger.version}"
                self.dirpath = os.path.join(logger.save_dir, str(logger.name), version, "checkpoints")
            else:
                self.dirpath = os.path.join(trainer.weights_save_path, "checkpoints")

    def on_epoch_start(self, trainer, pl_module):
        self._validated_this_epoch = False

    def on_validation_end(self, trainer, pl_module):
        if trainer.running_sanity_check:
            return
        self._validated_this_epoch = True
        self._check(trainer, pl_module)

    def on_epoch_end(self, trainer, pl_module):
        if not self._validated_this_epoch:
            self._check(trainer, pl_module)

    def _check(self, trainer, pl_module) -> None:
        if self.save_top_k == 0 and not self.save_last:
            return
        self._epochs_since_check += 1
        if self._epochs_since_check < self.period:
            return
        self._epochs_since_check = 0
        metrics = dict(trainer.callback_metrics)
        metrics["epoch"] = trainer.current_epoch
        if self.save_last:
            self.last_model_path = self._join(self.CHECKPOINT_NAME_LAST)
            trainer.save_checkpoint(self.last_model_path, self.save_weights_only)
        if self.save_top_k == 0:
            return
        if self.monitor not in metrics:
            if self.save_top_k == -1 or self.save_top_k == 1 and self.monitor == "val_loss":
                # No metric to compare: keep the latest (0.8.5 did the same when val_loss was missing).
                path = self.format_checkpoint_name(trainer.current_epoch, metrics)
                self._replace_all(trainer, path, None)
                return
            raise MisconfigurationException(
                f"ModelCheckpoint(monitor={self.monitor!r}) found no such metric; available metrics are "
                f"{sorted(trainer.callback_metrics)}")
        score = float(metrics[self.monitor])
        if not self._improves(score):
            if self.verbose:
                print(f"Epoch {trainer.current_epoch}: {self.monitor} was not in top {self.save_top_k}")
            return
        path = self.format_checkpoint_name(trainer.current_epoch, metrics)
        trainer.save_checkpoint(path, self.save_weights_only)
        self.best_k_models[path] = score
        if self.save_top_k != -1 and len(self.best_k_models) > self.save_top_k:
            worst = self._worst()
            self.best_k_models.pop(worst)
            if worst != path:
                self._remove(worst)
        pick = min if self.mode == "min" else max
        self.best_model_path = pick(self.best_k_models, key=self.best_k_models.get)
        self.best_model_score = self.best_k_models[self.best_model_path]
        self.kth_best_model_path = self._worst()
        if self.verbose:
            print(f"Epoch {trainer.current_epoch}: {self.monitor} reached {score:.5f}, saving model to {path}")

    def _improves(self, score: float) -> bool:
        if self.save_top_k == -1 or len(self.best_k_models) < self.save_top_k:
            return True
        worst = self.best_k_models[self._worst()]
        return score < worst if self.mode == "min" else score > worst

    def _worst(self) -> str:
        pick = max if self.mode == "min" else min
        return pick(self.best_k_models, key=self.best_k_models.get) if self.best_k_models else ""

    def _replace_all(self, trainer, path: str, score) -> None:
        trainer.save_checkpoint(path, self.save_weights_only)
        for old in list(self.best_k_models):
            if old != path:
                self._remove(old)
        self.best_k_models = {path: score}
        self.best_model_path = self.kth_best_model_path = path

    def _remove(self, path: str) -> None:
        fs = cloud_io.get_filesystem(path)
        if fs.exists(path):
            fs.rm(path)

    def _join(self, name: str) -> str:
        return f"{self.dirpath}/{name}" if "://" in str(self.dirpath) else os.path.join(self.dirpath, name)

    def format_checkpoint_name(self, epoch: int, metrics: Dict[str, Any], ver: Optional[int] = None) -> str:
        """``'{epoch}-{val_loss:.2f}'`` becomes ``'epoch=2-val_loss=0.12'``; no format gives ``'epoch=2'``."""
        template = self.filename or "{epoch}"
        values = {k: (v.item() if isinstance(v, torch.Tensor) and v.numel() == 1 else v) for k, v in metrics.items()}
        values["epoch"] = epoch
        names = re.findall(r"\{([^{}:]+)(?::[^{}]*)?\}", template)
        for name in names:
            values.setdefault(name, 0)
        template = re.sub(r"\{([^{}:]+)(?::[^{}]*)?\}", lambda m: f"{m.group(1)}={m.group(0)}", template)
        name = template.format(**values)
        if self.prefix:
            name = f"{self.prefix}-{name}"
        if ver is not None:
            name = f"{name}_v{ver}"
        if not name.endswith(".ckpt"):
            name += ".ckpt"
        return self._join(name)

    def on_save_checkpoint(self, trainer, pl_module):
        return {"best_model_score": self.best_model_score, "best_model_path": self.best_model_path,
                "best_k_models": dict(self.best_k_models)}

    def on_load_checkpoint(self, checkpointed_state):
        self.best_model_score = checkpointed_state.get("best_model_score")
        self.best_model_path = checkpointed_state.get("best_model_path", "")
        self.best_k_models = dict(checkpointed_state.get("best_k_models", {}))


