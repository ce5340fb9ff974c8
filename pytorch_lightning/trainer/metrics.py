"""What the steps return becomes ``callback_metrics``, progress-bar metrics and logged metrics.

Nothing here reads a tensor's value on the host per step: losses stay on their device until a
logger or the progress bar asks for them.
"""
from collections import deque
from typing import Any, Deque, Dict, List, Optional, Tuple

import torch

from pytorch_lightning.utilities.exceptions import MisconfigurationException

_RESERVED = ("progress_bar", "log", "hiddens")


def _detach(value: Any) -> Any:
    return value.detach() if isinstance(value, torch.Tensor) else value


def _detached_dict(key: str, value: Any) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise MisconfigurationException(
            f"The {key!r} entry returned by `training_step` must be a dict, got {type(value).__name__}")
    out = {}
    for k, v in value.items():  # a loop, not a comprehension: no extra frame per step
        out[k] = v.detach() if isinstance(v, torch.Tensor) else v
    return out


def _check_loss(loss: Any) -> torch.Tensor:
    if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
        raise MisconfigurationException(
            f"The training loss must be a scalar tensor, got {type(loss).__name__}"
            + (f" of shape {tuple(loss.shape)}" if isinstance(loss, torch.Tensor) else ""))
    if not loss.requires_grad:
        raise MisconfigurationException(
            "The loss returned by `training_step` does not require grad: it was computed without the "
            "model's parameters (or under torch.no_grad())")
    return loss


def _to_log_value(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.item() if value.numel() == 1 else value
    return value


class _MeanTracker:
    """Running sums of ``self.log(..., on_epoch=True)`` values, kept on device."""

    def __init__(self):
        self.sums: Dict[str, Any] = {}
        self.counts: Dict[str, int] = {}
        self.flags: Dict[str, Dict[str, Any]] = {}

    def add(self, name: str, entry: Dict[str, Any]) -> None:
        value = entry["value"]
        self.sums[name] = self.sums.get(name, 0.0) + (value.float() if isinstance(value, torch.Tensor) else value)
        self.counts[name] = self.counts.get(name, 0) + 1
        self.flags[name] = entry

    def means(self) -> Dict[str, Any]:
        out = {name: self.sums[name] / self.counts[name] for name in self.sums}
        return out

    def clear(self) -> None:
        self.sums, self.counts, self.flags = {}, {}, {}


class StepMetrics:
    """The trainer's metric bookkeeping for one fit."""

    RUNNING_WINDOW = 20

    def __init__(self, track_running_loss: bool = True):
        """``track_running_loss``: keep the last losses for ``running_loss`` (only a progress bar reads
        them; holding them alive costs a little every step)."""
        self._track_running_loss = track_running_loss
        self._recent: Deque[torch.Tensor] = deque(maxlen=self.RUNNING_WINDOW)
        self._micro: Dict[int, List[torch.Tensor]] = {}
        self._pending_log: Dict[str, Any] = {}
        self._pending_step = 0
        self._pending_batch = -1
        self._train_epoch = _MeanTracker()
        self._eval_epoch = _MeanTracker()

    # -------------------------------------------------------------- training
    def process_train_output(self, trainer, output: Any) -> Optional[Tuple[torch.Tensor, torch.Tensor, Dict[str, Any]]]:
        """Split a ``training_step`` output into ``(loss, detached loss, epoch output)``; None skips the batch.

        This runs every step between the model's kernels, where each Python operation costs several
        times what it costs in a warm loop: a tensor return takes the shortest path.
        """
        model = trainer.model
        callback = trainer.callback_metrics
        progress = log = None
        if isinstance(output, torch.Tensor):
            loss = output
            if not (loss.requires_grad and loss.numel() == 1):
                _check_loss(loss)
            detached = loss.detach()
            callback["loss"] = detached
            epoch_output = {"loss": detached}
        elif isinstance(output, dict):
            if "loss" not in output:
                raise MisconfigurationException(
                    f"The dict returned by `training_step` needs a 'loss' key; got keys {sorted(output)}")
            loss = output["loss"]
            if not (isinstance(loss, torch.Tensor) and loss.requires_grad and loss.numel() == 1):
                _check_loss(loss)
            detached = loss.detach()
            callback["loss"] = detached
            # the output, detached (0.8.x gave `training_epoch_end` no graphs); dict operations, not a
            # Python loop, for the usual keys
            epoch_output = dict(output)
            epoch_output["loss"] = detached
            known = 1
            log = output.get("log")
            if log is not None:
                log = epoch_output["log"] = _detached_dict("log", log)
                known += 1
            progress = output.get("progress_bar")
            if progress is not None:
                progress = epoch_output["progress_bar"] = _detached_dict("progress_bar", progress)
                known += 1
            if "hiddens" in output:
                del epoch_output["hiddens"]
                known += 1
            if len(output) > known:  # other keys reach `callback_metrics`, in the dict's order
                for key, value in output.items():
                    if key != "loss" and key not in _RESERVED:
                        callback[key] = epoch_output[key] = _detach(value)
        elif output is None:
            model._logged = {}
            return None
        else:
            raise MisconfigurationException(
                f"`training_step` must return a loss tensor, a dict with 'loss', or None; got {type(output).__name__}")
        if self._track_running_loss:
            self._recent.append(detached)
        if model._logged:
            progress, log = dict(progress or ()), dict(log or ())
            self._take_step_logs(model, callback, progress, log)
        if progress:
            callback.update(progress)
            trainer.progress_bar_metrics.update(progress)
        if log:
            callback.update(log)
            if self._pending_batch != trainer.total_batch_idx:  # a new batch: what was not flushed is stale
                self._pending_log, self._pending_batch = {}, trainer.total_batch_idx
            self._pending_log.update(log)  # several optimizers in one batch: all their metrics
            self._pending_step = trainer.global_step
        return loss, detached, epoch_output

    def _take_step_logs(self, model, callback: Dict[str, Any], progress: Dict[str, Any], log: Dict[str, Any]):
        """``self.log`` calls of a training step: on_step values now, on_epoch ones into the epoch mean."""
        for name, entry in model._logged.items():
            on_step = True if entry["on_step"] is None else entry["on_step"]
            if on_step:
                key = f"{name}_step" if entry["on_epoch"] else name
                if entry["logger"]:
                    log[key] = entry["value"]
                if entry["prog_bar"]:
                    progress[key] = entry["value"]
                callback[key] = entry["value"]
            if entry["on_epoch"]:
                self._train_epoch.add(name, entry)
        model._logged = {}

    def add_micro_batch_loss(self, loss: torch.Tensor, opt_idx: int = 0) -> None:
        self._micro.setdefault(opt_idx, []).append(loss)

    def step_loss(self, opt_idx: int = 0) -> Optional[torch.Tensor]:
        """Mean loss of the micro-batches since the last optimizer step of ``opt_idx`` (on device)."""
        losses = self._micro.pop(opt_idx, [])
        if not losses:
            return None
        return losses[0] if len(losses) == 1 else torch.stack(losses).mean()

    def running_loss(self) -> Optional[float]:
        if not self._recent:
            return None
        return torch.stack(list(self._recent)).float().mean().item()

    def flush_to_logger(self, trainer) -> None:
        if not self._pending_log or self._pending_batch != trainer.total_batch_idx:
            self._pending_log = {}  # nothing, or an earlier batch's that was not due: stale
            return
        metrics = {k: _to_log_value(v) for k, v in self._pending_log.items()}
        trainer.logged_metrics.update(metrics)
        if trainer.logger is not None:
            metrics["epoch"] = trainer.current_epoch
            trainer.logger.agg_and_log_metrics(metrics, step=self._pending_step)
        self._pending_log = {}

    def log_epoch_means(self, trainer) -> None:
        """Epoch means of ``self.log(..., on_epoch=True)`` from training steps."""
        if not self._train_epoch.sums:
            return
        result = self._split_means(self._train_epoch, suffix_when_both=True)
        self._train_epoch.clear()
        self.record_result(trainer, result, log_step=True)

    # ------------------------------------------------------------ evaluation
    def collect_eval_logs(self, model) -> None:
        for name, entry in model._logged.items():
            self._eval_epoch.add(name, entry)
        model._logged = {}

    def eval_log_means(self) -> Dict[str, Dict[str, Any]]:
        if not self._eval_epoch.sums:
            return {}
        result = self._split_means(self._eval_epoch, suffix_when_both=False)
        self._eval_epoch.clear()
        return {"log": result.pop("log"), "progress_bar": result.pop("progress_bar"), "callback": result}

    @staticmethod
    def _split_means(tracker: _MeanTracker, suffix_when_both: bool) -> Dict[str, Any]:
        log, progress, callback = {}, {}, {}
        for name, value in tracker.means().items():
            entry = tracker.flags[name]
            key = f"{name}_epoch" if suffix_when_both and entry["on_step"] else name
            callback[key] = value
            if entry["logger"]:
                log[key] = value
            if entry["prog_bar"]:
                progress[key] = value
        return dict(callback, log=log, progress_bar=progress)

    # --------------------------------------------------------------- results
    def record_result(self, trainer, result: Dict[str, Any], log_step: bool) -> Dict[str, Any]:
        """Put an epoch-end result dict into the trainer's metrics and log its ``'log'`` part now."""
        progress = {k: _detach(v) for k, v in (result.get("progress_bar") or {}).items()}
        log = {k: _detach(v) for k, v in (result.get("log") or {}).items()}
        flat = {k: _detach(v) for k, v in result.items() if k not in _RESERVED}
        flat.update(progress)
        flat.update(log)
        trainer.callback_metrics.update(flat)
        trainer.progress_bar_metrics.update(progress)
        if log:
            values = {k: _to_log_value(v) for k, v in log.items()}
            trainer.logged_metrics.update(values)
            if trainer.logger is not None and log_step:
                values["epoch"] = trainer.current_epoch
                trainer.logger.agg_and_log_metrics(values, step=trainer.global_step)
        return flat
