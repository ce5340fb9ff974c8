"""Decorators for LightningModule methods."""
import warnings
from functools import wraps

from pytorch_lightning.utilities.apply_func import move_data_to_device


def auto_move_data(fn):
    """Move the tensors given to ``forward`` to the module's device (for inference from plain code)."""

    @wraps(fn)
    def wrapped(self, *args, **kwargs):
        device = self.device
        args = move_data_to_device(args, device)
        kwargs = move_data_to_device(kwargs, device)
        return fn(self, *args, **kwargs)

    return wrapped


def data_loader(fn):
    """Deprecated since 0.7 and a no-op: dataloader hooks are plain methods. Kept so 0.8.x code imports."""
    warnings.warn("`@data_loader` is deprecated and does nothing; remove the decorator", DeprecationWarning)
    return fn
