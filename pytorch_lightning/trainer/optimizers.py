"""Turn what ``configure_optimizers`` returns into optimizers and scheduler configs, and step them.

Accepted returns (0.8.x): one optimizer; a list or tuple of optimizers; ``([optimizers],
[schedulers])``; a dict ``{'optimizer', 'lr_scheduler', 'frequency'}``; a list of such dicts. A
scheduler is a bare scheduler or a dict ``{'scheduler', 'interval', 'frequency', 'monitor',
'name'}``. ``interval='batch'`` means the same as ``'step'``: stepped after every optimizer step.
"""
from typing import Any, Dict, List, Optional, Tuple

import torch
from torch.optim import Optimizer

from pytorch_lightning.utilities.exceptions import MisconfigurationException

INTERVALS = ("step", "batch", "epoch")
STEP_INTERVALS = ("step", "batch")
_SCHEDULER_KEYS = {"scheduler", "interval", "frequency", "monitor", "name", "reduce_on_plateau", "strict"}
_OPTIMIZER_KEYS = {"optimizer", "lr_scheduler", "frequency", "monitor"}


def init_optimizers(model) -> Tuple[List[Optimizer], List[Dict[str, Any]], List[int]]:
    """Call ``model.configure_optimizers()`` and return ``(optimizers, lr_schedulers, frequencies)``."""
    conf = model.configure_optimizers()
    optimizers, schedulers, frequencies = _parse(conf)
    if not optimizers:
        raise MisconfigurationException(f"`configure_optimizers` returned no optimizer ({conf!r}); return at least one")
    for i, opt in enumerate(optimizers):
        if not isinstance(opt, Optimizer):
            raise MisconfigurationException(
                f"`configure_optimizers` returned {type(opt).__name__} at optimizer position {i}; expected a "
                "`torch.optim.Optimizer`")
    lr_schedulers = [configure_scheduler(s) for s in schedulers]
    for cfg in lr_schedulers:
        if not any(cfg["scheduler"].optimizer is opt for opt in optimizers):
            raise MisconfigurationException(
                f"The scheduler {type(cfg['scheduler']).__name__} steps an optimizer that `configure_optimizers` "
                "did not return; build the scheduler on one of the returned optimizers")
    return optimizers, lr_schedulers, frequencies


def _parse(conf: Any) -> Tuple[list, list, list]:
    if conf is None:
        raise MisconfigurationException("`configure_optimizers` returned None; return an optimizer (or see the docs "
                                        "for the accepted forms)")
    if isinstance(conf, Optimizer):
        return [conf], [], []
    if isinstance(conf, dict):
        return _parse_dicts([conf])
    if isinstance(conf, (list, tuple)):
        if len(conf) == 2 and isinstance(conf[0], (list, tuple)):
            optimizers, schedulers = list(conf[0]), conf[1]
            schedulers = list(schedulers) if isinstance(schedulers, (list, tuple)) else [schedulers]
            return optimizers, schedulers, []
        if conf and all(isinstance(c, dict) for c in conf):
            return _parse_dicts(list(conf))
        if conf and all(isinstance(c, Optimizer) for c in conf):
            return list(conf), [], []
    raise MisconfigurationException(
        f"`configure_optimizers` returned an unsupported value of type {type(conf).__name__}; expected an optimizer, "
        "a list of optimizers, ([optimizers], [schedulers]), a dict with 'optimizer' and 'lr_scheduler', or a list "
        "of such dicts")


def _parse_dicts(confs: List[dict]) -> Tuple[list, list, list]:
    optimizers, schedulers, frequencies = [], [], []
    for conf in confs:
        if "optimizer" not in conf:
            raise MisconfigurationException(
                f"A dict returned by `configure_optimizers` needs an 'optimizer' key; got keys {sorted(conf)}")
        unknown = set(conf) - _OPTIMIZER_KEYS
        if unknown:
            raise MisconfigurationException(
                f"Unknown keys {sorted(unknown)} in a dict returned by `configure_optimizers`; accepted keys are "
                f"{sorted(_OPTIMIZER_KEYS)}")
        optimizers.append(conf["optimizer"])
        if conf.get("lr_scheduler") is not None:
            sched = conf["lr_scheduler"]
            if not isinstance(sched, dict) and "monitor" in conf:
                sched = {"scheduler": sched, "monitor": conf["monitor"]}
            schedulers.append(sched)
        if "frequency" in conf:
            freq = conf["frequency"]
            if not isinstance(freq, int) or isinstance(freq, bool) or freq < 1:
                raise MisconfigurationException(f"An optimizer 'frequency' must be a positive int, got {freq!r}")
            frequencies.append(freq)
    if frequencies and len(frequencies) != len(optimizers):
        raise MisconfigurationException(
            f"Either every optimizer dict has a 'frequency' or none does; got {len(frequencies)} of {len(optimizers)}")
    return optimizers, schedulers, frequencies


def configure_scheduler(sched: Any) -> Dict[str, Any]:
    """Normalise a bare scheduler or a scheduler dict into the dict the loop steps."""
    if isinstance(sched, dict):
        if "scheduler" not in sched:
            raise MisconfigurationException(
                f"A scheduler dict needs a 'scheduler' key; got keys {sorted(sched)}")
        unknown = set(sched) - _SCHEDULER_KEYS
        if unknown:
            raise MisconfigurationException(
                f"Unknown scheduler dict keys {sorted(unknown)}; accepted keys are {sorted(_SCHEDULER_KEYS)}")
        cfg = dict(sched)
    else:
        cfg = {"scheduler": sched}
    scheduler = cfg["scheduler"]
    if not hasattr(scheduler, "step") or not hasattr(scheduler, "optimizer"):
        raise MisconfigurationException(
            f"'scheduler' must be a torch learning-rate scheduler, got {type(scheduler).__name__}")
    # 0.8.5's keys and defaults (its tests compare the whole dict); 'name' and 'strict' only when given
    cfg.setdefault("interval", "epoch")
    cfg.setdefault("frequency", 1)
    cfg.setdefault("monitor", "val_loss")
    cfg["reduce_on_plateau"] = isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)
    if cfg["interval"] not in INTERVALS:
        raise MisconfigurationException(
            f"Scheduler 'interval' must be one of {INTERVALS}, got {cfg['interval']!r}")
    freq = cfg["frequency"]
    if not isinstance(freq, int) or isinstance(freq, bool) or freq < 1:
        raise MisconfigurationException(f"Scheduler 'frequency' must be a positive int, got {freq!r}")
    return cfg


def step_schedulers(lr_schedulers: List[Dict[str, Any]], interval: str, count: int,
                    metrics: Optional[Dict[str, Any]] = None) -> None:
    """Step every scheduler of ``interval`` ('step' or 'epoch') whose frequency divides ``count``.

    ``count`` is the number of optimizer steps (or epochs) completed so far.
    """
    for cfg in lr_schedulers:
        kind = "step" if cfg["interval"] in STEP_INTERVALS else "epoch"
        if kind != interval or count % cfg["frequency"] != 0:
            continue
        if cfg["reduce_on_plateau"]:
            metrics = metrics or {}
            monitor = cfg["monitor"]
            if monitor not in metrics:
                if not cfg.get("strict", True):
                    continue
                raise MisconfigurationException(
                    f"ReduceLROnPlateau conditioned on metric {monitor!r} which is not available; available "
                    f"metrics are {sorted(metrics)}. Set the scheduler dict's 'monitor' to one of them")
            value = metrics[monitor]
            cfg["scheduler"].step(float(value))
        else:
            cfg["scheduler"].step()
