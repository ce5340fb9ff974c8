"""General utilities."""
from pytorch_lightning.utilities.distributed import rank_zero_only, rank_zero_warn  # noqa: F401
from pytorch_lightning.utilities.parsing import AttributeDict  # noqa: F401

APEX_AVAILABLE = False
NATIVE_AMP_AVALAIBLE = True
