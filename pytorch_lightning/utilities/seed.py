"""Seeding of every random generator the training loop touches."""
import os
import random
import warnings
from typing import Any, Dict, Optional

import numpy as np
import torch

_MAX_SEED = np.iinfo(np.uint32).max
_MIN_SEED = np.iinfo(np.uint32).min


def seed_everything(seed: Optional[int] = None) -> int:
    """Seed python's ``random``, numpy and torch (all devices), and set ``PL_GLOBAL_SEED``.

    Args:
        seed: the seed; ``None`` reads ``PL_GLOBAL_SEED`` or picks one at random.

    Returns:
        The seed that was used.

    Example:
        >>> seed_everything(42)
        42
    """
    if seed is None:
        env = os.environ.get("PL_GLOBAL_SEED")
        seed = int(env) if env is not None else random.randint(_MIN_SEED, _MAX_SEED)
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise ValueError(f"`seed` must be an integer, got {seed!r}") from None
    if not _MIN_SEED <= seed <= _MAX_SEED:
        warnings.warn(f"`seed` {seed} is out of bounds [{_MIN_SEED}, {_MAX_SEED}]; using a random seed instead")
        seed = random.randint(_MIN_SEED, _MAX_SEED)
    os.environ["PL_GLOBAL_SEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return seed


def get_rng_states() -> Dict[str, Any]:
    """Snapshot of the python, numpy, torch and (when initialised) CUDA generators."""
    states = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        states["cuda"] = torch.cuda.get_rng_state_all()
    return states


def set_rng_states(states: Dict[str, Any]) -> None:
    """Restore a snapshot taken by :func:`get_rng_states`."""
    random.setstate(states["python"])
    np.random.set_state(states["numpy"])
    torch.set_rng_state(states["torch"])
    if "cuda" in states:
        torch.cuda.set_rng_state_all(states["cuda"])
