"""Hyperparameter containers."""
from argparse import Namespace
from typing import Any, Dict


class AttributeDict(dict):
    """A dict whose keys are also attributes.

    Example:
        >>> d = AttributeDict(lr=0.1)
        >>> d.lr
        0.1
    """

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"Missing attribute {key!r}") from None

    def __setattr__(self, key: str, value: Any) -> None:
        self[key] = value

    def __delattr__(self, key: str) -> None:
        try:
            del self[key]
        except KeyError:
            raise AttributeError(f"Missing attribute {key!r}") from None


def hparams_to_dict(hparams: Any) -> Dict[str, Any]:
    """A plain dict view of a Namespace, dict or AttributeDict of hyperparameters."""
    if hparams is None:
        return {}
    if isinstance(hparams, Namespace):
        return dict(vars(hparams))
    if isinstance(hparams, dict):
        return dict(hparams)
    raise ValueError(f"`hparams` must be a dict or an argparse.Namespace, got {type(hparams).__name__}")
