"""``Trainer.add_argparse_args`` / ``Trainer.from_argparse_args``: every Trainer argument on the command line."""
import inspect
from argparse import ArgumentParser, Namespace
from typing import Any, Dict, Union


def _str_to_bool(value: str) -> bool:
    lowered = str(value).strip().lower()
    if lowered in ("1", "true", "t", "yes", "y"):
        return True
    if lowered in ("0", "false", "f", "no", "n"):
        return False
    raise ValueError(f"expected a boolean (true/false), got {value!r}")


def _parse_value(value: str) -> Any:
    """'none' -> None, booleans, ints, floats, else the string (e.g. gpus='0,1')."""
    lowered = value.strip().lower()
    if lowered == "none":
        return None
    if lowered in ("true", "false"):
        return lowered == "true"
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return value


def trainer_init_arguments(cls) -> Dict[str, inspect.Parameter]:
    params = inspect.signature(cls.__init__).parameters
    return {name: p for name, p in params.items() if name != "self" and p.kind == p.POSITIONAL_OR_KEYWORD}


def add_argparse_args(cls, parent_parser: ArgumentParser) -> ArgumentParser:
    """A parser with ``--<name>`` for each Trainer argument, defaulting to the Trainer's defaults."""
    parser = ArgumentParser(parents=[parent_parser], add_help=False)
    for name, param in trainer_init_arguments(cls).items():
        default = param.default
        if name in ("logger", "checkpoint_callback", "early_stop_callback", "callbacks", "profiler"):
            if name == "callbacks":
                continue
            parser.add_argument(f"--{name}", type=_str_to_bool, nargs="?", const=True, default=default)
        elif isinstance(default, bool):
            parser.add_argument(f"--{name}", type=_parse_value, nargs="?", const=True, default=default)
        else:
            parser.add_argument(f"--{name}", type=_parse_value, default=default)
    return parser


def from_argparse_args(cls, args: Union[Namespace, ArgumentParser], **kwargs):
    """Build a Trainer from parsed arguments; ``kwargs`` win, unknown names are left out."""
    if isinstance(args, ArgumentParser):
        args = args.parse_args([])
    known = trainer_init_arguments(cls)
    params = {k: v for k, v in vars(args).items() if k in known}
    params.update(kwargs)
    return cls(**params)
