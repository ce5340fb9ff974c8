"""Functional metrics."""
from typing import Optional

import torch


def accuracy(pred: torch.Tensor, target: torch.Tensor, num_classes: Optional[int] = None) -> torch.Tensor:
    """Fraction of ``pred`` (class indices, or scores whose argmax over dim 1 is taken) equal to ``target``."""
    if pred.dim() == target.dim() + 1:
        pred = pred.argmax(dim=1)
    if pred.shape != target.shape:
        raise ValueError(f"`pred` and `target` must have one shape, got {tuple(pred.shape)} and {tuple(target.shape)}")
    return (pred == target).float().mean()
