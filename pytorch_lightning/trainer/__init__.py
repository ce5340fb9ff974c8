from pytorch_lightning.trainer.trainer import Trainer  # noqa: F401
