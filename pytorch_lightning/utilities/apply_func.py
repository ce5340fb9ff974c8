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
    """Move every tensor of ``batch`` (tensors in nested lists, tuples and dicts) to ``device``."""
    if device is None or device.type == "cpu" and not _has_device_tensor(batch):
        return batch
    non_blocking = device.type == "cuda"
    return apply_to_collection(batch, torch.Tensor, lambda t: t.to(device, non_blocking=non_blocking))


def _has_device_tensor(batch: Any) -> bool:
    """True when some tensor in ``batch`` is not on the CPU (so a move to the CPU has work to do)."""
    if isinstance(batch, torch.Tensor):
        return batch.device.type != "cpu"
    if isinstance(batch, Mapping):
        return any(_has_device_tensor(v) for v in batch.values())
    if isinstance(batch, Sequence) and not isinstance(batch, (str, bytes)):
        return any(_has_device_tensor(v) for v in batch)
    return False
