import os

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _no_cwd_writes(tmp_path, monkeypatch):
    """Every test runs in its own directory, so nothing lands in the repository."""
    monkeypatch.chdir(tmp_path)
    yield
