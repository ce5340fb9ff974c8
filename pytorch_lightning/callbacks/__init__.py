from pytorch_lightning.callbacks.base import Callback  # noqa: F401
from pytorch_lightning.callbacks.early_stopping import EarlyStopping  # noqa: F401
from pytorch_lightning.callbacks.lr_logger import LearningRateLogger, LearningRateMonitor  # noqa: F401
from pytorch_lightning.callbacks.model_checkpoint import ModelCheckpoint  # noqa: F401
from pytorch_lightning.callbacks.progress import ProgressBar, ProgressBarBase  # noqa: F401
