"""Logger interface, a collection of loggers, and a logger that does nothing."""
from abc import ABC, abstractmethod
from argparse import Namespace
from typing import Any, Dict, Iterable, Optional, Union

import torch

from pytorch_lightning.utilities.distributed import rank_zero_only  # noqa: F401  (re-exported, as in 0.8.x)


def _scalar(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.item() if value.numel() == 1 else value.detach().cpu()
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
