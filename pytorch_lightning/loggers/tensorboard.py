"""TensorBoard logger: event files and ``hparams.yaml`` under ``save_dir/name/version_N``."""
from numbers import Number
from typing import Any, Dict, Optional, Union

from pytorch_lightning.loggers.base import NAME_HPARAMS_FILE, DirectoryLogger, _scalar, save_hparams_to_yaml
from pytorch_lightning.utilities.distributed import rank_zero_only


class TensorBoardLogger(DirectoryLogger):
    """Write metrics and hyperparameters with ``torch.utils.tensorboard``.

    Args:
        save_dir: root directory of the logs.
        name: experiment name, a sub-directory of ``save_dir``.
        version: an int (``version_<int>``), a string (used as is) or None (the next free number).
        **kwargs: passed to ``SummaryWriter``.

    Example:
        >>> logger = TensorBoardLogger("tb_logs", name="my_model")  # doctest: +SKIP
        >>> logger.log_metrics({"loss": 0.5}, step=10)  # doctest: +SKIP
        >>> logger.log_dir  # doctest: +SKIP
        'tb_logs/my_model/version_0'
    """

    NAME_HPARAMS_FILE = NAME_HPARAMS_FILE

    def __init__(self, save_dir: str, name: Optional[str] = "default", version: Optional[Union[int, str]] = None,
                 **kwargs):
        super().__init__(save_dir, name, version)
        if kwargs:
            _check_writer_kwargs(kwargs)
        self._kwargs = kwargs
        self._experiment = None
        self.hparams: Dict[str, Any] = {}

    @property
    @rank_zero_only
    def experiment(self):
        if self._experiment is None:
            from torch.utils.tensorboard import SummaryWriter  # imported here: tensorboard is slow to import

            self._fs.makedirs(self.log_dir, exist_ok=True)
            self._experiment = SummaryWriter(log_dir=self.log_dir, **self._kwargs)
        return self._experiment

    @rank_zero_only
    def log_hyperparams(self, params) -> None:
        params = self._flatten_dict(self._convert_params(params))
        self.hparams.update(params)
        for key, value in params.items():
            self.experiment.add_text(f"hparams/{key}", str(value), 0)
        save_hparams_to_yaml(self._fs, self.log_dir, self.hparams)

    @rank_zero_only
    def log_metrics(self, metrics: Dict[str, Any], step: Optional[int] = None) -> None:
        for key, value in metrics.items():
            value = _scalar(value)
            if isinstance(value, dict):
                self.experiment.add_scalars(key, value, step)
            elif isinstance(value, Number):
                self.experiment.add_scalar(key, value, step)
            else:
                raise ValueError(
                    f"TensorBoardLogger logs numbers, one-element tensors or dicts of them; metric `{key}` is a "
                    f"{type(value).__name__}")

    @rank_zero_only
    def save(self) -> None:
        super().save()
        if self._experiment is not None:
            self._experiment.flush()

    @rank_zero_only
    def finalize(self, status: str) -> None:
        """Flush and close the writer (its thread and file); logging again opens a new one."""
        super().save()
        if self._experiment is not None:
            self._experiment.close()
            self._experiment = None

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_experiment"] = None
        return state


def _check_writer_kwargs(kwargs: Dict[str, Any]) -> None:
    """A typo in a ``SummaryWriter`` keyword fails here, not at the first log in the middle of a fit."""
    import inspect

    from torch.utils.tensorboard import SummaryWriter

    accepted = set(inspect.signature(SummaryWriter.__init__).parameters) - {"self", "log_dir"}
    unknown = sorted(set(kwargs) - accepted)
    if unknown:
        raise TypeError(f"TensorBoardLogger got keyword arguments {unknown} that SummaryWriter does not take; "
                        f"it takes {sorted(accepted)}")
