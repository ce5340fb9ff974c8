"""Reading back the ``hparams.yaml`` files the loggers write (0.8.x's ``core.saving`` names)."""
import json
from typing import Any, Dict

from pytorch_lightning.utilities.cloud_io import read

_YAML_SPECIALS = {".nan": float("nan"), ".inf": float("inf"), "-.inf": float("-inf"), "null": None, "~": None}


def load_hparams_from_yaml(config_yaml: str) -> Dict[str, Any]:
    """The hyperparameters in ``config_yaml``; PyYAML is used when installed, else the files the
    loggers write (one ``"key": <JSON value>`` per line) are read directly.

    Example:
        >>> load_hparams_from_yaml("lightning_logs/version_0/hparams.yaml")  # doctest: +SKIP
        {'lr': 0.1, 'batch_size': 32}
    """
    text = read(config_yaml, "r", missing=f"`hparams_file={config_yaml!r}`: no such file")
    try:
        import yaml
    except ImportError:
        return _parse_simple_yaml(text, config_yaml)
    loaded = yaml.safe_load(text)
    return dict(loaded or {})


def _parse_simple_yaml(text: str, path: str) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    decoder = json.JSONDecoder()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            key, end = decoder.raw_decode(line) if line.startswith('"') else (line.split(":", 1)[0], None)
            rest = line[end:] if end is not None else line.split(":", 1)[1]
            rest = rest.lstrip()[1:] if rest.lstrip().startswith(":") else rest
            rest = rest.strip()
            out[str(key)] = _YAML_SPECIALS[rest] if rest in _YAML_SPECIALS else json.loads(rest)
        except (ValueError, IndexError) as err:
            raise ValueError(f"{path}:{number}: cannot read {line!r} without PyYAML installed ({err})") from None
    return out
