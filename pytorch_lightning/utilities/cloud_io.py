"""All file IO goes through fsspec, so local paths, ``file://`` and ``memory://`` behave alike."""
import io
import os
import posixpath
import uuid
from typing import Any, Union

import fsspec
import torch

PathLike = Union[str, os.PathLike]


def get_filesystem(path: PathLike) -> fsspec.AbstractFileSystem:
    """The fsspec filesystem of ``path``: its ``protocol://`` prefix, or the local one."""
    path = str(path)
    if "://" in path:
        return fsspec.filesystem(path.split("://", 1)[0])
    return fsspec.filesystem("file")


def join(directory: PathLike, name: str) -> str:
    """``directory/name``, with ``/`` for URLs (``os.path.join`` would use ``\\`` on Windows)."""
    directory = str(directory)
    return posixpath.join(directory, name) if "://" in directory else os.path.join(directory, name)


def atomic_save(obj: Any, path: PathLike) -> None:
    """``torch.save`` to ``path`` through a temporary file in the same directory and a rename.

    A failure midway (a full disk, say) leaves whatever was at ``path`` before intact, and no
    temporary file behind.

    Example:
        >>> atomic_save({"a": 1}, "memory://doc/example.ckpt")
        >>> load("memory://doc/example.ckpt")
        {'a': 1}
    """
    path = str(path)
    fs = get_filesystem(path)
    buffer = io.BytesIO()
    torch.save(obj, buffer)  # serialise first: a failure here touches no file at all
    parent = _parent(path)
    if parent:
        fs.makedirs(parent, exist_ok=True)
    tmp = f"{path}.tmp-{uuid.uuid4().hex}"
    try:
        with fs.open(tmp, "wb") as f:
            f.write(buffer.getvalue())
        fs.mv(tmp, path)
    finally:
        if fs.exists(tmp):
            fs.rm(tmp)


def exists(path: PathLike) -> bool:
    return get_filesystem(path).exists(str(path))


def read(path: PathLike, mode: str = "rb", missing: str = "") -> Any:
    """The contents of ``path``; ``FileNotFoundError(missing)`` (or a default message) when absent."""
    path = str(path)
    fs = get_filesystem(path)
    if not fs.exists(path):
        raise FileNotFoundError(missing or f"No such file: {path!r}")
    with fs.open(path, mode) as f:
        return f.read()


def load(path: PathLike, map_location: Any = None) -> Any:
    """Load a checkpoint written by :func:`atomic_save`.

    Raises:
        FileNotFoundError: nothing at ``path``.
        RuntimeError: the file is truncated, not a torch file, or holds something other than a dict;
            the message names ``path``.
    """
    path = str(path)
    data = read(path, "rb", missing=f"Checkpoint not found: {path!r}")
    try:
        # Checkpoints hold hparams and scheduler states (arbitrary python objects), so not weights_only.
        checkpoint = torch.load(io.BytesIO(data), map_location=map_location, weights_only=False)
    except Exception as err:
        raise RuntimeError(
            f"Could not read checkpoint {path!r}: the file is truncated or not a checkpoint ({err})") from err
    if not isinstance(checkpoint, dict):
        raise RuntimeError(
            f"{path!r} is not a Lightning checkpoint: it holds a {type(checkpoint).__name__}, not a dict")
    return checkpoint


def _parent(path: str) -> str:
    """The directory of ``path``, keeping its ``protocol://`` prefix ('' for a bare file name)."""
    if "://" in path:
        protocol, bare = path.split("://", 1)
        parent = posixpath.dirname(bare)
        return f"{protocol}://{parent}" if parent else ""
    return os.path.dirname(path)
