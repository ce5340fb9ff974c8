"""A drop-in fork of PyTorch Lightning 0.8.x whose learning-rate finder and logger tell the truth."""
__version__ = "0.8.5.post1"

from pytorch_lightning.callbacks.base import Callback  # noqa: E402,F401
from pytorch_lightning.core.decorators import data_loader  # noqa: E402,F401
from pytorch_lightning.core.lightning import LightningModule  # noqa: E402,F401
from pytorch_lightning.trainer.trainer import Trainer  # noqa: E402,F401
from pytorch_lightning.utilities.seed import seed_everything  # noqa: E402,F401

__all__ = ["Trainer", "LightningModule", "Callback", "seed_everything", "data_loader"]
