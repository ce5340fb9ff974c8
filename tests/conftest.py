import fsspec
import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _no_cwd_writes(tmp_path, monkeypatch):
    """Every test runs in its own directory, so nothing lands in the repository."""
    monkeypatch.chdir(tmp_path)
    yield


PROTOCOLS = ["local", "file", "memory"]


@pytest.fixture(params=PROTOCOLS)
def root(request, tmp_path):
    """A fresh directory written as a plain path, a ``file://`` URL or a ``memory://`` URL."""
    if request.param == "local":
        yield str(tmp_path)
    elif request.param == "file":
        yield f"file://{tmp_path}"
    else:
        url = f"memory://{tmp_path.name}"  # tmp_path names are unique within a session
        yield url
        fs = fsspec.filesystem("memory")
        if fs.exists(url):
            fs.rm(url, recursive=True)
