"""All file IO goes through fsspec, so local paths, ``file://`` and ``memory://`` behave alike."""
import io
import os
import uuid
from typing import Any, Union

import fsspec
import torch

PathLike = Union[str, os.PathLike]


def get_filesystem(path: PathLike) -> fsspec.AbstractFileSystem:
    path = str(path)
    if "://" in path:
        return fsspec.filesystem(path.split("://", 1)[0])
    return fsspec.filesystem("file")


def atomic_save(obj: Any, path: PathLike) -> None:
    """``torch.save`` to ``path`` through a temporary file and a rename.

    A failure midway (a full disk, say) leaves whatever was at ``path`` before intact.
    """
    path = str(path)
    fs = get_filesystem(path)
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    parent = os.path.dirname(path.split("://", 1)[-1]) if "://" in path else os.path.dirname(path)
    if parent:
        fs.makedirs(_with_protocol(path, parent), exist_ok=True)
    tmp = f"{path}.tmp-{uuid.uuid4().hex}"
    try:
        with fs.open(tmp, "wb") as f:
            f.write(buffer.getvalue())
        fs.mv(tmp, path)
    finally:
        if fs.exists(tmp):
            fs.rm(tmp)


def load(path: PathLike, map_location: Any = None) -> Any:
    """Load a checkpoint written by :func:`atomic_save`; a truncated or foreign file names the path."""
    path = str(path)
    fs = get_filesystem(path)
    if not fs.exists(path):
        raise FileNotFoundError(f"Checkpoint not found: {path}")
    with fs.open(path, "rb") as f:
        data = f.read()
    try:
        return torch.load(io.BytesIO(data), map_location=map_location, weights_only=False)
    except Exception as err:
        raise RuntimeError(f"Could not read checkpoint {path!r}: the file is truncated or not a checkpoint ({err})") from err


def _with_protocol(path: str, bare: str) -> str:
    if "://" in path:
        return path.split("://", 1)[0] + "://" + bare
    return bare
