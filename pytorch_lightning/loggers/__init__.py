from pytorch_lightning.loggers.base import DummyLogger, LightningLoggerBase, LoggerCollection  # noqa: F401
from pytorch_lightning.loggers.csv_logs import CSVLogger  # noqa: F401
from pytorch_lightning.loggers.tensorboard import TensorBoardLogger  # noqa: F401
