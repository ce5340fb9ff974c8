"""TensorBoard logger: event files under ``save_dir/name/version_N``."""
import os
from typing import Any, Dict, Optional, Union

from pytorch_lightning.loggers.base import LightningLoggerBase, _scalar
from pytorch_lightning.utilities.cloud_io import get_filesystem
from pytorch_lightning.utilities.distributed import rank_zero_only


class TensorBoardLogger(LightningLoggerBase):
    """Write metrics and hyperparameters with ``torch.utils.tensorboard``.

    Args:
        save_dir: root directory of the logs.
        name: experiment name, a sub-directory of ``save_dir``.
        version: an int (``version_<int>``), a string (used as is) or None (the next free number).
        **kwargs: passed to ``SummaryWriter``.

    Example:
        >>> logger = TensorBoardLogger("tb_logs", name="my_model")  # doctest: +SKIP
    """

    NAME_HPARAMS_FILE = "hparams.yaml"

    def __init__(self, save_dir: str, name: Optional[str] = "default", version: Optional[Union[int, str]] = None,
                 **kwargs):
        super().__init__()
        self._save_dir = str(save_dir)
        self._name = name or ""
        self._version = version
        self._kwargs = kwargs
        self._experiment = None
        self.hparams: Dict[str, Any] = {}
        self._fs = get_filesystem(self._save_dir)

    @property
    def save_dir(self) -> str:
        return self._save_dir

    @property
    def root_dir(self) -> str:
        return os.path.join(self._save_dir, self._name) if self._name else self._save_dir

    @property
    def log_dir(self) -> str:
        version = self.version if isinstance(self.version, str) else f"version_{self.version}"
        return os.path.join(self.root_dir, version)

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
        clean = {k: v if isinstance(v, (int, float, str, bool)) else str(v) for k, v in params.items()}
        for key, value in clean.items():
            self.experiment.add_text(f"hparams/{key}", str(value), 0)
        self._save_hparams_file()

    def _save_hparams_file(self) -> None:
        lines = [f"{k}: {v!r}" for k, v in self.hparams.items()]
        self._fs.makedirs(self.log_dir, exist_ok=True)
        with self._fs.open(os.path.join(self.log_dir, self.NAME_HPARAMS_FILE), "w") as f:
            f.write("\n".join(lines) + ("\n" if lines else ""))

    @rank_zero_only
    def log_metrics(self, metrics: Dict[str, Any], step: Optional[int] = None) -> None:
        for key, value in metrics.items():
            value = _scalar(value)
            if isinstance(value, (int, float)):
                self.experiment.add_scalar(key, value, step)
            elif isinstance(value, dict):
                self.experiment.add_scalars(key, value, step)

    @rank_zero_only
    def save(self) -> None:
        super().save()
        if self._experiment is not None:
            self._experiment.flush()

    @rank_zero_only
    def finalize(self, status: str) -> None:
        self.save()
        if self._experiment is not None:
            self._experiment.flush()

    @property
    def name(self) -> str:
        return self._name

    @property
    def version(self) -> Union[int, str]:
        if self._version is None:
            self._version = self._next_version()
        return self._version

    def _next_version(self) -> int:
        root = self.root_dir
        if not self._fs.isdir(root):
            return 0
        numbers = []
        for entry in self._fs.listdir(root, detail=False):
            base = os.path.basename(str(entry).rstrip("/"))
            if base.startswith("version_") and base[len("version_"):].isdigit():
                numbers.append(int(base[len("version_"):]))
        return max(numbers) + 1 if numbers else 0

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_experiment"] = None
        return state
