"""``Tuner``: the newer spelling of the tuning entry points (``trainer.tuner.lr_find``, ``trainer.tune``)."""
from typing import Any, Dict, Optional

from pytorch_lightning.utilities.exceptions import MisconfigurationException


class Tuner:
    """Runs the learning-rate finder for a trainer.

    Example:
        >>> from pytorch_lightning import Trainer
        >>> tuner = Tuner(Trainer(logger=False, checkpoint_callback=False))
        >>> finder = tuner.lr_find(model)  # doctest: +SKIP
    """

    def __init__(self, trainer):
        self.trainer = trainer

    def lr_find(self, model, train_dataloader=None, val_dataloaders=None, **kwargs):
        """The same as :meth:`Trainer.lr_find`."""
        return self.trainer.lr_find(model, train_dataloader=train_dataloader, val_dataloaders=val_dataloaders,
                                    **kwargs)

    def tune(self, model, train_dataloader=None, val_dataloaders=None,
             lr_find_kwargs: Optional[Dict[str, Any]] = None):
        """Run the finder when ``Trainer(auto_lr_find=...)`` asks for it and write the suggestion to the model.

        ``lr_find_kwargs`` go to the finder (``early_stop_threshold=None``, say). Returns the finder,
        or None when ``auto_lr_find`` is off.
        """
        from pytorch_lightning.trainer.lr_finder import run_auto_lr_find

        kwargs = dict(lr_find_kwargs or {})
        if "update_attr" in kwargs:
            raise MisconfigurationException("`lr_find_kwargs` may not set `update_attr`: `tune` always writes the "
                                            "suggestion to the model")
        if not self.trainer.auto_lr_find:
            return None
        return run_auto_lr_find(self.trainer, model, train_dataloader, val_dataloaders, **kwargs)
