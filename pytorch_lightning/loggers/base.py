"""Logger interface, loggers that write under ``save_dir/name/version_N``, a collection of loggers, and a
logger that does nothing."""
import json
import math
import os
from abc import ABC, abstractmethod
from argparse import Namespace
from typing import Any, Dict, Iterable, Optional, Union

import numpy as np
import torch

from pytorch_lightning.utilities.cloud_io import get_filesystem
from pytorch_lightning.utilities.distributed import rank_zero_only  # noqa: F401  (re-exported, as in 0.8.x)

NAME_HPARAMS_FILE = "hparams.yaml"


def _scalar(value: Any) -> Any:
    """One-element tensors and numpy scalars become Python numbers; other tensors move to the CPU."""
    if isinstance(value, torch.Tensor):
        return value.item() if value.numel() == 1 else value.detach().cpu()
    if isinstance(value, np.generic):
        return value.item()
    return value


class LightningLoggerBase(ABC):
    """Base class of loggers: ``log_metrics(metrics, step)`` and ``log_hyperparams(params)``."""

    def __init__(self):
        self._prev_step: Optional[int] = None
        self._pending: Dict[str, Any] = {}

    @property
    @abstractmethod
    def experiment(self) -> Any:
        """The object the logger writes to."""

    @property
    @abstractmethod
    def name(self) -> str:
        ...

    @property
    @abstractmethod
    def version(self) -> Union[int, str]:
        ...

    @abstractmethod
    def log_metrics(self, metrics: Dict[str, float], step: Optional[int] = None) -> None:
        ...

    @abstractmethod
    def log_hyperparams(self, params: Union[Dict[str, Any], Namespace]) -> None:
        ...

    def agg_and_log_metrics(self, metrics: Dict[str, Any], step: Optional[int] = None) -> None:
        """Merge metrics of the same step and log them once the step changes (or at ``save``)."""
        if step is not None and self._prev_step is not None and step != self._prev_step:
            self._flush()
        self._prev_step = step
        self._pending.update({k: _scalar(v) for k, v in metrics.items()})

    def _flush(self) -> None:
        if self._pending:
            self.log_metrics(self._pending, self._prev_step)
            self._pending = {}

    def save(self) -> None:
        self._flush()

    def finalize(self, status: str) -> None:
        self.save()

    def close(self) -> None:
        self.save()

    @staticmethod
    def _flatten_dict(params: Dict[str, Any], delimiter: str = "/") -> Dict[str, Any]:
        out = {}
        for key, value in params.items():
            if isinstance(value, Namespace):
                value = vars(value)
            if isinstance(value, dict):
                for sub, sub_value in LightningLoggerBase._flatten_dict(value, delimiter).items():
                    out[f"{key}{delimiter}{sub}"] = sub_value
            else:
                out[key] = value
        return out

    @staticmethod
    def _convert_params(params: Union[Dict[str, Any], Namespace, None]) -> Dict[str, Any]:
        if params is None:
            return {}
        return dict(vars(params)) if isinstance(params, Namespace) else dict(params)


class DirectoryLogger(LightningLoggerBase):
    """A logger that writes under ``save_dir/name/version_N`` (the TensorBoard and CSV loggers).

    Args:
        save_dir: root directory of the logs (a local path or an fsspec URL).
        name: experiment name, a sub-directory of ``save_dir``; None or '' writes in ``save_dir`` itself.
        version: an int (``version_<int>``), a string (the directory name as is) or None: the next free
            number, chosen when first asked for, so that a run started later does not reuse it.
    """

    def __init__(self, save_dir: str, name: Optional[str] = "default", version: Optional[Union[int, str]] = None):
        super().__init__()
        if not isinstance(save_dir, (str, os.PathLike)) or str(save_dir) == "":
            raise ValueError(f"`save_dir` must be a non-empty path (str or os.PathLike), got {save_dir!r}")
        if name is not None and not isinstance(name, str):
            raise ValueError(f"`name` must be None or a str, got {name!r}")
        if version is not None and (isinstance(version, bool) or not isinstance(version, (int, str))
                                    or isinstance(version, int) and version < 0):
            raise ValueError(f"`version` must be None, an int >= 0 or a str, got {version!r}")
        self._save_dir = str(save_dir)
        self._name = name or ""
        self._version = version
        self._fs = get_filesystem(self._save_dir)

    @property
    def save_dir(self) -> str:
        return self._save_dir

    @property
    def name(self) -> str:
        return self._name

    @property
    def version(self) -> Union[int, str]:
        if self._version is None:
            self._version = self._next_version()
        return self._version

    @property
    def root_dir(self) -> str:
        """``save_dir/name``: the parent of every version's directory."""
        return os.path.join(self._save_dir, self._name) if self._name else self._save_dir

    @property
    def log_dir(self) -> str:
        """``root_dir/version_N`` (or ``root_dir/<version>`` for a string version)."""
        version = self.version if isinstance(self.version, str) else f"version_{self.version}"
        return os.path.join(self.root_dir, version)

    def _next_version(self) -> int:
        """One more than the largest ``version_<int>`` directory under ``root_dir`` (0 if there is none)."""
        root = self.root_dir
        if not self._fs.isdir(root):
            return 0
        numbers = []
        for entry in self._fs.listdir(root, detail=False):
            base = os.path.basename(str(entry).rstrip("/"))
            suffix = base[len("version_"):]
            if base.startswith("version_") and suffix.isdigit() and self._fs.isdir(entry):
                numbers.append(int(suffix))
        return max(numbers) + 1 if numbers else 0


def save_hparams_to_yaml(fs, log_dir: str, hparams: Dict[str, Any]) -> None:
    """Write ``log_dir/hparams.yaml``, one ``key: value`` line per (flattened) hyperparameter.

    Values are written as JSON, which YAML reads back unchanged (None, bools, numbers, strings,
    lists); anything else is written as its ``str``.
    """
    fs.makedirs(log_dir, exist_ok=True)
    with fs.open(os.path.join(log_dir, NAME_HPARAMS_FILE), "w") as f:
        f.write("".join(f"{json.dumps(str(key))}: {_yaml_value(value)}\n" for key, value in hparams.items()))


def _yaml_value(value: Any) -> str:
    value = _scalar(value)
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return json.dumps(str(value))


class LoggerCollection(LightningLoggerBase):
    """Several loggers used as one (``Trainer(logger=[a, b])``)."""

    def __init__(self, logger_iterable: Iterable[LightningLoggerBase]):
        super().__init__()
        self._logger_iterable = list(logger_iterable)

    def __getitem__(self, index: int) -> LightningLoggerBase:
        return self._logger_iterable[index]

    def __len__(self) -> int:
        return len(self._logger_iterable)

    def __iter__(self):
        return iter(self._logger_iterable)

    @property
    def experiment(self):
        return [logger.experiment for logger in self._logger_iterable]

    def log_metrics(self, metrics, step=None):
        for logger in self._logger_iterable:
            logger.log_metrics(metrics, step)

    def agg_and_log_metrics(self, metrics, step=None):
        for logger in self._logger_iterable:
            logger.agg_and_log_metrics(metrics, step)

    def log_hyperparams(self, params):
        for logger in self._logger_iterable:
            logger.log_hyperparams(params)

    def save(self):
        for logger in self._logger_iterable:
            logger.save()

    def finalize(self, status):
        for logger in self._logger_iterable:
            logger.finalize(status)

    @property
    def name(self) -> str:
        return "_".join(str(logger.name) for logger in self._logger_iterable)

    @property
    def version(self) -> str:
        return "_".join(str(logger.version) for logger in self._logger_iterable)

    @property
    def save_dir(self):
        return getattr(self._logger_iterable[0], "save_dir", None) if self._logger_iterable else None


class DummyExperiment:
    def __getattr__(self, _):
        return lambda *args, **kwargs: None


class DummyLogger(LightningLoggerBase):
    """Accepts everything and writes nothing."""

    def __init__(self):
        super().__init__()
        self._experiment = DummyExperiment()

    @property
    def experiment(self):
        return self._experiment

    def log_metrics(self, metrics, step=None):
        pass

    def log_hyperparams(self, params):
        pass

    @property
    def name(self):
        return ""

    @property
    def version(self):
        return ""
