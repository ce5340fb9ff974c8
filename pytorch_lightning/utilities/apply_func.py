"""Apply a function to every tensor of a nested collection."""
from collections.abc import Mapping, Sequence
from typing import Any, Callable

import torch


def apply_to_collection(data: Any, dtype: type, function: Callable, *args, **kwargs) -> Any:
    """Apply ``function`` to every element of type ``dtype`` in nested lists, tuples and dicts."""
    if isinstance(data, dtype):
        return function(data, *args, **kwargs)
    if isinstance(data, Mapping):
        return type(data)({k: apply_to_collection(v, dtype, function, *args, **kwargs) for k, v in data.items()})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return type(data)(*(apply_to_collection(d, dtype, function, *args, **kwargs) for d in data))
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return type(data)([apply_to_collection(d, dtype, function, *args, **kwargs) for d in data])
    return data


def move_data_to_device(batch: Any, device: torch.device) -> Any:
    """Move every tensor of ``batch`` (tensors in nested lists, tuples and dicts) to ``device``.

    On the CPU the batch is returned as it is: loaders give CPU tensors, and walking the batch
    every step would cost more than the rare move it could make.
    """
    if device is None or device.type == "cpu":
        return batch
    return apply_to_collection(batch, torch.Tensor, lambda t: t.to(device, non_blocking=True))
