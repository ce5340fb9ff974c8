"""Metrics (0.8.x scripts import this module); ``functional`` holds the plain functions."""
from pytorch_lightning.metrics import functional  # noqa: F401
from pytorch_lightning.metrics.functional import accuracy  # noqa: F401
