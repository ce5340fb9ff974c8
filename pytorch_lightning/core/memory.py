"""``weights_summary``: a printed table of the model's layers and parameter counts."""
from typing import List, Tuple

from torch import nn


class ModelSummary:
    """Layers of ``model`` with their types and parameter counts.

    Args:
        model: the module to describe.
        mode: ``'top'`` lists the direct children, ``'full'`` every submodule.
    """

    MODES = ("top", "full")

    def __init__(self, model: nn.Module, mode: str = "top"):
        if mode not in self.MODES:
            raise ValueError(f"`mode` must be one of {self.MODES}, got {mode!r}")
        self.model = model
        self.mode = mode
        modules = model.named_children() if mode == "top" else list(model.named_modules())[1:]
        self.rows: List[Tuple[str, str, int]] = [
            (name, type(module).__name__, sum(p.numel() for p in module.parameters())) for name, module in modules
        ]

    @property
    def total_params(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    @property
    def trainable_params(self) -> int:
        return sum(p.numel() for p in self.model.parameters() if p.requires_grad)

    def __str__(self) -> str:
        header = ("", "Name", "Type", "Params")
        rows = [(str(i), name, kind, _human(count)) for i, (name, kind, count) in enumerate(self.rows)]
        widths = [max(len(r[c]) for r in [header] + rows) for c in range(4)]
        line = lambda r: " | ".join(v.ljust(w) for v, w in zip(r, widths))  # noqa: E731
        out = [line(header), "-" * len(line(header))] + [line(r) for r in rows]
        out.append(f"{_human(self.trainable_params)} trainable params, {_human(self.total_params)} total params")
        return "\n".join(out)

    __repr__ = __str__


def _human(n: int) -> str:
    for unit, size in (("M", 1e6), ("K", 1e3)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return str(n)
