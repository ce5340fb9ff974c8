"""Process-rank helpers. This package trains in one process; the rank is read from the environment."""
import os
import warnings
from functools import wraps
from typing import Callable


def _current_rank() -> int:
    for key in ("LOCAL_RANK", "RANK", "SLURM_PROCID"):
        if key in os.environ:
            try:
                return int(os.environ[key])
            except ValueError:
                pass
    return 0


def rank_zero_only(fn: Callable) -> Callable:
    """Decorate ``fn`` so that it runs only in the process of rank 0 (``rank_zero_only.rank``)."""

    @wraps(fn)
    def wrapped(*args, **kwargs):
        if rank_zero_only.rank == 0:
            return fn(*args, **kwargs)
        return None

    return wrapped


rank_zero_only.rank = _current_rank()


@rank_zero_only
def rank_zero_warn(*args, **kwargs) -> None:
    warnings.warn(*args, **kwargs)
