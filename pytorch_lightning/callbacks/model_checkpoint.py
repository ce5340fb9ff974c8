"""``ModelCheckpoint``: save the model whenever the monitored metric improves (0.8.5 arguments)."""
import math
import os
import posixpath
import re
from typing import Any, Dict, Optional

import torch

from pytorch_lightning.callbacks.base import Callback
from pytorch_lightning.utilities import cloud_io
from pytorch_lightning.utilities.exceptions import MisconfigurationException

_MAX_HINTS = ("acc", "accuracy", "f1", "auc", "precision", "recall", "fmeasure", "score")
_FIELD = re.compile(r"\{([^{}:]+)(?::[^{}]*)?\}")  # '{name}' or '{name:format}'


def infer_mode(monitor: str) -> str:
    """'max' for metrics whose name says bigger is better (accuracy, f1, auc...), else 'min'."""
    lowered = monitor.lower()
    return "max" if any(hint in lowered for hint in _MAX_HINTS) else "min"


class ModelCheckpoint(Callback):
    """Save checkpoints after validation (or at epoch end without validation), keeping the top k.

    Args:
        filepath: a directory (kept as given, created at the first save; names like ``epoch=2.ckpt``),
            or a path whose file name is a format like ``'{epoch}-{val_loss:.2f}'`` (giving
            ``epoch=2-val_loss=0.12.ckpt``). A last part without fields is a directory, unless it ends
            in ``.ckpt``: then 0.8.5's ``_ckpt_epoch_2.ckpt`` is written next to it. None: the logger's
            ``version_N/checkpoints`` (or ``weights_save_path/checkpoints`` without a logger).
        monitor: the metric to compare.
        verbose: print a line at every check.
        save_last: also write ``last.ckpt`` at every check.
        save_top_k: how many checkpoints to keep (-1: all, 0: none); dropped ones are deleted.
        save_weights_only: save only the counters, ``state_dict`` and hparams.
        mode: 'min', 'max' or 'auto' (from the metric's name: 'max' for accuracies, f1, auc...).
        period: epochs between checks (0.8.5: checks at epochs 0, period, 2 * period...).
        prefix: put before every file name, as is.

    Example:
        >>> ModelCheckpoint(filepath='my/path/{epoch}-{val_loss:.2f}')  # doctest: +ELLIPSIS
        <...ModelCheckpoint object at ...>
    """

    CHECKPOINT_NAME_LAST = "last.ckpt"

    def __init__(self, filepath: Optional[str] = None, monitor: str = "val_loss", verbose: bool = False,
                 save_last: bool = False, save_top_k: int = 1, save_weights_only: bool = False, mode: str = "auto",
                 period: int = 1, prefix: str = ""):
        if filepath is not None and (not isinstance(filepath, (str, os.PathLike)) or str(filepath) == ""):
            raise MisconfigurationException(f"`filepath` must be None or a non-empty path, got {filepath!r}")
        if not isinstance(prefix, str):
            raise MisconfigurationException(f"`prefix` must be a str, got {prefix!r}")
        for name, flag in (("verbose", verbose), ("save_last", save_last), ("save_weights_only", save_weights_only)):
            if not isinstance(flag, bool):
                raise MisconfigurationException(f"`{name}` must be True or False, got {flag!r}")
        if not isinstance(monitor, str) or not monitor:
            raise MisconfigurationException(f"`monitor` must be a metric name, got {monitor!r}")
        if mode not in ("min", "max", "auto"):
            raise MisconfigurationException(f"`mode` must be 'min', 'max' or 'auto', got {mode!r}")
        if not isinstance(save_top_k, int) or isinstance(save_top_k, bool) or save_top_k < -1:
            raise MisconfigurationException(f"`save_top_k` must be an int >= -1, got {save_top_k!r}")
        if not isinstance(period, int) or isinstance(period, bool) or period < 1:
            raise MisconfigurationException(f"`period` must be an int >= 1, got {period!r}")
        self.monitor = monitor
        self.verbose = verbose
        self.save_last = save_last
        self.save_top_k = save_top_k
        self.save_weights_only = save_weights_only
        self.period = period
        self.prefix = prefix
        self.mode = infer_mode(monitor) if mode == "auto" else mode
        self.dirpath: Optional[str] = None
        self.filename = "{epoch}"
        if filepath is not None:
            filepath = str(filepath)
            stripped = _strip_slashes(filepath)
            split = posixpath.split if "://" in filepath else os.path.split
            directory, name = split(stripped)
            if _is_directory(filepath, name):
                self.dirpath = stripped
            else:
                self.dirpath, self.filename = directory, name
        self._reset_state()

    def _reset_state(self) -> None:
        self.best_k_models: Dict[str, Optional[float]] = {}
        self.kth_best_model_path = ""
        self.best_model_score: Optional[float] = None
        self.best_model_path = ""
        self.last_model_path = ""
        self.epoch_last_check: Optional[int] = None
        self._saved_at_step: Optional[int] = None
        self._check_at_epoch_end = False
        self._restored = False
        self._restored_dirpath: Optional[str] = None

    @property
    def best_model(self) -> str:
        """0.7's name of :attr:`best_model_path`."""
        return self.best_model_path

    # ------------------------------------------------------------------ hooks
    def on_train_start(self, trainer, pl_module):
        restored = self._restored
        if restored:  # resuming: keep the state loaded from the checkpoint
            self._restored = False
        else:
            self._reset_state()
        if self.dirpath is None:
            self.dirpath = _default_dirpath(trainer)
        if restored and self._restored_dirpath not in (None, self.dirpath):
            # The earlier run saved elsewhere: its files are not ours to delete; keep only its best.
            self.best_k_models = {}
            self.kth_best_model_path = ""

    def on_epoch_start(self, trainer, pl_module):
        self._check_at_epoch_end = False

    def on_validation_end(self, trainer, pl_module):
        if trainer.running_sanity_check:
            return
        if trainer.batch_idx + 1 >= trainer.num_training_batches:
            # The epoch's last validation: check in `on_epoch_end`, after the epoch's schedulers
            # stepped, so that resuming from this checkpoint continues the schedule exactly.
            self._check_at_epoch_end = True
        else:
            self._check(trainer)

    def on_epoch_end(self, trainer, pl_module):
        validates = sum(trainer.num_val_batches) > 0
        if self._check_at_epoch_end or not validates:
            self._check(trainer)
        self._check_at_epoch_end = False

    def on_keyboard_interrupt(self, trainer, pl_module):
        """Ctrl-C: save the state at the interruption as ``last.ckpt`` (unless this step is saved already)."""
        if self.save_top_k == 0 and not self.save_last or self.dirpath is None:
            return
        if self._saved_at_step == trainer.global_step:
            return
        self.last_model_path = self._join(self.prefix + self.CHECKPOINT_NAME_LAST)
        self._save(trainer, self.last_model_path)

    def _save(self, trainer, path: str) -> None:
        trainer.save_checkpoint(path, self.save_weights_only)
        self._saved_at_step = trainer.global_step

    # ------------------------------------------------------------------ check
    def _check(self, trainer) -> None:
        epoch = trainer.current_epoch
        if self.save_top_k == 0 and not self.save_last:
            return
        last = self.epoch_last_check
        if last is not None and epoch != last and epoch - last < self.period:
            return
        self.epoch_last_check = epoch
        metrics = dict(trainer.callback_metrics)
        if self.save_top_k != 0:
            self._check_top_k(trainer, epoch, metrics)
        if self.save_last:  # after the top-k bookkeeping, so that last.ckpt holds it too
            self.last_model_path = self._join(self.prefix + self.CHECKPOINT_NAME_LAST)
            self._save(trainer, self.last_model_path)

    def _check_top_k(self, trainer, epoch: int, metrics: Dict[str, Any]) -> None:
        """Update the top-k bookkeeping, then save (so the checkpoint holds its own entry), then
        delete the file that fell out of the top k."""
        score = self._score(metrics)
        before = (dict(self.best_k_models), self.best_model_path, self.best_model_score, self.kth_best_model_path)
        if score is None and self.save_top_k != -1:
            if not (self.save_top_k == 1 and self.monitor == "val_loss"):
                raise MisconfigurationException(
                    f"ModelCheckpoint(monitor={self.monitor!r}) found no such metric; available metrics are "
                    f"{sorted(trainer.callback_metrics)}")
            # The default callback on a model without `val_loss`: keep the latest checkpoint.
            path = self._new_path(epoch, metrics)
            dropped = [p for p in self.best_k_models if p != path]
            self.best_k_models = {path: None}
        elif self._improves(score):
            path = self._new_path(epoch, metrics)
            self.best_k_models[path] = score
            dropped = []
            if self.save_top_k != -1 and len(self.best_k_models) > self.save_top_k:
                worst = max(self.best_k_models, key=self._rank)
                self.best_k_models.pop(worst)
                dropped = [worst]
        else:
            if self.verbose:
                print(f"Epoch {epoch}: {self.monitor} was not in top {self.save_top_k}")
            return
        self._update_best(path)
        try:
            self._save(trainer, path)
        except BaseException:  # a failed write (a full disk) keeps the bookkeeping of what is on disk
            self.best_k_models, self.best_model_path, self.best_model_score, self.kth_best_model_path = before
            raise
        for old in dropped:
            self._delete(old)
        if self.verbose and score is not None:
            print(f"Epoch {epoch}: {self.monitor} reached {score}, saving model to {path}")

    def _score(self, metrics: Dict[str, Any]) -> Optional[float]:
        value = metrics.get(self.monitor)
        if value is None:
            return None
        if isinstance(value, torch.Tensor):
            if value.numel() != 1:
                raise MisconfigurationException(
                    f"ModelCheckpoint(monitor={self.monitor!r}) needs a scalar metric, got a tensor of shape "
                    f"{tuple(value.shape)}")
            value = value.item()
        return float(value)

    def _rank(self, path: str) -> float:
        """Smaller is better; a missing or NaN score ranks last."""
        score = self.best_k_models[path]
        if score is None or math.isnan(score):
            return math.inf
        return score if self.mode == "min" else -score

    def _improves(self, score: float) -> bool:
        if self.save_top_k == -1:
            return True
        if math.isnan(score):
            return False
        if len(self.best_k_models) < self.save_top_k:
            return True
        worst = max(self.best_k_models, key=self._rank)
        return (score if self.mode == "min" else -score) < self._rank(worst)

    def _new_path(self, epoch: int, metrics: Dict[str, Any]) -> str:
        """A name no kept checkpoint uses (``_v0``, ``_v1``... for a second save in an epoch)."""
        path = self.format_checkpoint_name(epoch, metrics)
        fs = cloud_io.get_filesystem(path)
        version = 0
        while path in self.best_k_models or fs.exists(path):
            path = self.format_checkpoint_name(epoch, metrics, ver=version)
            version += 1
        return path

    @staticmethod
    def _delete(path: str) -> None:
        fs = cloud_io.get_filesystem(path)
        if fs.exists(path):
            fs.rm(path)

    def _update_best(self, latest: str) -> None:
        scored = [p for p in self.best_k_models if self._rank(p) != math.inf]
        self.best_model_path = min(scored, key=self._rank) if scored else latest
        self.best_model_score = self.best_k_models[self.best_model_path]
        self.kth_best_model_path = max(self.best_k_models, key=self._rank)

    # ------------------------------------------------------------------ names
    def _join(self, name: str) -> str:
        return cloud_io.join(self.dirpath, name)

    def format_checkpoint_name(self, epoch: int, metrics: Dict[str, Any], ver: Optional[int] = None) -> str:
        """The path of the checkpoint of ``epoch``, with 0.8.5's names.

        ``'{epoch}-{val_loss:.2f}'`` becomes ``'epoch=2-val_loss=0.12.ckpt'``; a field missing from
        ``metrics`` is 0; a name without fields becomes ``'_ckpt_epoch_2.ckpt'``; ``ver`` adds ``'_v1'``.

        Example:
            >>> ckpt = ModelCheckpoint(filepath='ckpts/{epoch}-{val_loss:.2f}')
            >>> ckpt.format_checkpoint_name(2, {'val_loss': 0.1234})
            'ckpts/epoch=2-val_loss=0.12.ckpt'
        """
        template = self.filename
        if template.endswith(".ckpt"):
            template = template[:-len(".ckpt")]
        names = _FIELD.findall(template)
        if names:
            values = {k: (v.item() if isinstance(v, torch.Tensor) and v.numel() == 1 else v)
                      for k, v in metrics.items()}
            values["epoch"] = epoch
            for name in names:
                values.setdefault(name, 0)
            name = _FIELD.sub(lambda m: f"{m.group(1)}={m.group(0)}", template).format(**values)
        else:
            name = f"_ckpt_epoch_{epoch}"
        if ver is not None:
            name = f"{name}_v{ver}"
        return self._join(f"{self.prefix}{name}.ckpt")

    # ------------------------------------------------------------------ state
    def on_save_checkpoint(self, trainer, pl_module):
        return {"best_model_score": self.best_model_score, "best_model_path": self.best_model_path,
                "best_k_models": dict(self.best_k_models), "kth_best_model_path": self.kth_best_model_path,
                "epoch_last_check": self.epoch_last_check, "dirpath": self.dirpath}

    def on_load_checkpoint(self, checkpointed_state):
        self.best_model_score = checkpointed_state.get("best_model_score")
        self.best_model_path = checkpointed_state.get("best_model_path", "")
        self.best_k_models = dict(checkpointed_state.get("best_k_models", {}))
        self.kth_best_model_path = checkpointed_state.get("kth_best_model_path", "")
        self.epoch_last_check = checkpointed_state.get("epoch_last_check")
        self._restored_dirpath = checkpointed_state.get("dirpath")
        self._restored = True


def _strip_slashes(path: str) -> str:
    """``path`` without trailing slashes, keeping a root (``/``, ``memory://``) whole."""
    while path.endswith("/") and not path.endswith("://") and path != "/":
        path = path[:-1]
    return path


def _is_directory(filepath: str, name: str) -> bool:
    """A directory: one that exists, a trailing slash, or a last part with no fields and no ``.ckpt``.

    (0.8.5 took a missing ``my/path`` for a file name, dropped it and wrote ``my/_ckpt_epoch_0.ckpt``.)
    """
    if filepath.endswith("/") or cloud_io.get_filesystem(filepath).isdir(filepath):
        return True
    return not _FIELD.search(name) and not name.endswith(".ckpt")


def _default_dirpath(trainer) -> str:
    """``<save_dir>/<name>/version_N/checkpoints`` of the logger; ``weights_save_path`` wins when the user set it."""
    logger = trainer.logger
    if logger is None:
        return cloud_io.join(trainer.weights_save_path, "checkpoints")
    if trainer.weights_save_path != trainer.default_root_dir:
        save_dir = trainer.weights_save_path
    else:
        save_dir = getattr(logger, "save_dir", None) or trainer.default_root_dir
    version = logger.version if isinstance(logger.version, str) else f"version_{logger.version}"
    directory = cloud_io.join(save_dir, str(logger.name or ""))
    return cloud_io.join(cloud_io.join(directory, version), "checkpoints")
