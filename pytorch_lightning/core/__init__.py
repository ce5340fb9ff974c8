from pytorch_lightning.core.decorators import auto_move_data  # noqa: F401
from pytorch_lightning.core.lightning import LightningModule  # noqa: F401
