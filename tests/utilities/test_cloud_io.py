"""fsspec IO: atomic saves and clear load errors on local, ``file://`` and ``memory://`` paths."""
import errno
import os

import pytest
import torch
from fsspec.implementations.local import LocalFileOpener, LocalFileSystem
from fsspec.implementations.memory import MemoryFile, MemoryFileSystem

from pytorch_lightning.utilities import cloud_io



def _names(directory):
    fs = cloud_io.get_filesystem(directory)
    return sorted(os.path.basename(p.rstrip("/")) for p in fs.ls(directory, detail=False))


def _fail_writes_midway(monkeypatch, url):
    """Every write puts half its bytes down, then fails as a full disk does."""
    file_class = MemoryFile if url.startswith("memory://") else LocalFileOpener
    original = file_class.write

    def write(self, data, *args, **kwargs):
        original(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(file_class, "write", write)


def test_get_filesystem_follows_the_protocol(tmp_path):
    assert isinstance(cloud_io.get_filesystem(str(tmp_path)), LocalFileSystem)
    assert isinstance(cloud_io.get_filesystem(f"file://{tmp_path}"), LocalFileSystem)
    assert isinstance(cloud_io.get_filesystem("memory://a/b.ckpt"), MemoryFileSystem)


def test_join_uses_slashes_for_urls():
    assert cloud_io.join("memory://run/checkpoints", "last.ckpt") == "memory://run/checkpoints/last.ckpt"
    assert cloud_io.join("runs", "last.ckpt") == os.path.join("runs", "last.ckpt")


def test_save_and_load_round_trip(root):
    path = cloud_io.join(root, "nested/dir/model.ckpt")
    weights = torch.arange(6.0).reshape(2, 3)
    cloud_io.atomic_save({"epoch": 3, "w": weights}, path)
    loaded = cloud_io.load(path)
    assert loaded["epoch"] == 3
    assert torch.equal(loaded["w"], weights)
    assert _names(cloud_io.join(root, "nested/dir")) == ["model.ckpt"]  # the parents were created, no temp left


def test_save_replaces_the_previous_file(root):
    path = cloud_io.join(root, "model.ckpt")
    cloud_io.atomic_save({"version": 1}, path)
    cloud_io.atomic_save({"version": 2}, path)
    assert cloud_io.load(path) == {"version": 2}
    assert _names(root) == ["model.ckpt"]


def test_a_write_failing_midway_keeps_the_previous_checkpoint(root, monkeypatch):
    path = cloud_io.join(root, "model.ckpt")
    cloud_io.atomic_save({"version": 1, "w": torch.ones(1000)}, path)
    _fail_writes_midway(monkeypatch, root)
    with pytest.raises(OSError, match="No space left"):
        cloud_io.atomic_save({"version": 2, "w": torch.zeros(1000)}, path)
    monkeypatch.undo()
    previous = cloud_io.load(path)
    assert previous["version"] == 1 and torch.equal(previous["w"], torch.ones(1000))
    assert _names(root) == ["model.ckpt"]  # no temporary file left behind


def test_a_failing_rename_keeps_the_previous_checkpoint(root, monkeypatch):
    path = cloud_io.join(root, "model.ckpt")
    cloud_io.atomic_save({"version": 1}, path)
    fs_class = type(cloud_io.get_filesystem(path))

    def mv(self, *args, **kwargs):
        raise OSError("rename failed")

    monkeypatch.setattr(fs_class, "mv", mv)
    with pytest.raises(OSError, match="rename failed"):
        cloud_io.atomic_save({"version": 2}, path)
    monkeypatch.undo()
    assert cloud_io.load(path) == {"version": 1}
    assert _names(root) == ["model.ckpt"]


def test_an_object_that_cannot_be_serialised_touches_no_file(root):
    path = cloud_io.join(root, "model.ckpt")
    cloud_io.atomic_save({"version": 1}, path)
    with pytest.raises(Exception):
        cloud_io.atomic_save({"version": 2, "fn": lambda: None}, path)  # lambdas do not pickle
    assert cloud_io.load(path) == {"version": 1}
    assert _names(root) == ["model.ckpt"]


def test_load_of_a_missing_file_names_the_path(root):
    path = cloud_io.join(root, "absent.ckpt")
    with pytest.raises(FileNotFoundError, match="absent.ckpt"):
        cloud_io.load(path)


def _write_bytes(path, data: bytes):
    with cloud_io.get_filesystem(path).open(path, "wb") as f:
        f.write(data)


def test_load_of_a_truncated_file_names_the_path(root):
    path = cloud_io.join(root, "model.ckpt")
    cloud_io.atomic_save({"w": torch.ones(1000)}, path)
    fs = cloud_io.get_filesystem(path)
    with fs.open(path, "rb") as f:
        data = f.read()
    _write_bytes(path, data[: len(data) // 2])
    with pytest.raises(RuntimeError, match=r"model\.ckpt.*truncated or not a checkpoint"):
        cloud_io.load(path)


@pytest.mark.parametrize("content", [b"", b"hello, not a checkpoint\n"])
def test_load_of_a_foreign_file_names_the_path(root, content):
    path = cloud_io.join(root, "notes.txt")
    _write_bytes(path, content)
    with pytest.raises(RuntimeError, match=r"notes\.txt.*truncated or not a checkpoint"):
        cloud_io.load(path)


def test_load_of_a_torch_file_without_a_dict_names_the_path(root):
    path = cloud_io.join(root, "tensor.pt")
    cloud_io.atomic_save(torch.ones(3), path)
    with pytest.raises(RuntimeError, match=r"tensor\.pt.*not a Lightning checkpoint: it holds a Tensor"):
        cloud_io.load(path)


def test_load_maps_tensors_to_the_requested_device(tmp_path):
    path = str(tmp_path / "model.ckpt")
    cloud_io.atomic_save({"w": torch.ones(2)}, path)
    assert cloud_io.load(path, map_location="meta")["w"].device.type == "meta"
