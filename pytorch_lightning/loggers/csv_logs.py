"""CSV logger: ``metrics.csv`` (a row per step, columns growing as metrics appear) and ``hparams.yaml``."""
import csv
import io
import os
from typing import Any, Dict, List, Optional, Union

from pytorch_lightning.loggers.base import NAME_HPARAMS_FILE, DirectoryLogger, _scalar, save_hparams_to_yaml
from pytorch_lightning.utilities.cloud_io import get_filesystem
from pytorch_lightning.utilities.distributed import rank_zero_only


class ExperimentWriter:
    """Keeps the rows in memory and rewrites the file on ``save`` (columns may grow at any step)."""

    NAME_METRICS_FILE = "metrics.csv"
    NAME_HPARAMS_FILE = NAME_HPARAMS_FILE

    def __init__(self, log_dir: str):
        self.log_dir = log_dir
        self.fs = get_filesystem(log_dir)
        self.fs.makedirs(log_dir, exist_ok=True)
        self.metrics: List[Dict[str, Any]] = []
        self.hparams: Dict[str, Any] = {}
        self.metrics_file_path = os.path.join(log_dir, self.NAME_METRICS_FILE)

    def log_hparams(self, params: Dict[str, Any]) -> None:
        self.hparams.update(params)

    def log_metrics(self, metrics: Dict[str, Any], step: Optional[int] = None) -> None:
        row = {k: _scalar(v) for k, v in metrics.items()}
        if step is not None:
            row["step"] = step
        self.metrics.append(row)

    def save(self) -> None:
        save_hparams_to_yaml(self.fs, self.log_dir, self.hparams)
        if not self.metrics:
            return
        columns: List[str] = []
        for row in self.metrics:
            columns.extend(k for k in row if k not in columns)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns)
        writer.writeheader()
        writer.writerows(self.metrics)
        with self.fs.open(self.metrics_file_path, "w") as f:
            f.write(buffer.getvalue())


class CSVLogger(DirectoryLogger):
    """Log to ``save_dir/name/version_N/metrics.csv``, rewritten at every ``save``.

    Example:
        >>> logger = CSVLogger("logs", name="my_exp_name")  # doctest: +SKIP
        >>> logger.log_metrics({"loss": 0.5}, step=10)  # doctest: +SKIP
        >>> logger.save()  # doctest: +SKIP
    """

    def __init__(self, save_dir: str, name: Optional[str] = "default", version: Optional[Union[int, str]] = None):
        super().__init__(save_dir, name, version)
        self._experiment: Optional[ExperimentWriter] = None

    @property
    @rank_zero_only
    def experiment(self) -> ExperimentWriter:
        if self._experiment is None:
            self._experiment = ExperimentWriter(self.log_dir)
        return self._experiment

    @rank_zero_only
    def log_hyperparams(self, params) -> None:
        self.experiment.log_hparams(self._flatten_dict(self._convert_params(params)))

    @rank_zero_only
    def log_metrics(self, metrics: Dict[str, Any], step: Optional[int] = None) -> None:
        self.experiment.log_metrics(metrics, step)

    @rank_zero_only
    def save(self) -> None:
        super().save()
        self.experiment.save()
