"""What a checkpoint holds, and how a trainer resumes from one.

A full checkpoint holds::

    epoch, global_step, pytorch-lightning_version, state_dict,
    optimizer_states, lr_schedulers, callbacks, rng_states, [native_amp_scaling_state],
    [hyper_parameters, hparams_type]

``save_weights_only=True`` keeps the first four and the hparams.
"""
from collections import OrderedDict
from typing import Any, Dict

import torch

from pytorch_lightning.utilities.exceptions import MisconfigurationException
from pytorch_lightning.utilities.seed import get_rng_states, set_rng_states

_REQUIRED_KEYS = ("state_dict", "epoch", "global_step")


def dump_checkpoint(trainer, weights_only: bool = False) -> Dict[str, Any]:
    """The checkpoint dict: counters, weights, optimizer and scheduler states, callback states, hparams.

    ``epoch`` is the number of epochs completed and ``global_step`` the optimizer steps taken, so a
    resumed run starts exactly where this one stopped (0.8.5 stored both one too high). The random
    generators' states are kept too, so that a resumed run shuffles and drops out as the
    uninterrupted one would have.
    """
    from pytorch_lightning import __version__

    model = trainer.model
    if model is None:
        raise MisconfigurationException("`save_checkpoint` needs a model: call `trainer.fit(model)` first")
    checkpoint: Dict[str, Any] = {
        "epoch": trainer.current_epoch + 1,
        "global_step": trainer.global_step,
        "pytorch-lightning_version": __version__,
        "state_dict": _cpu_state_dict(model),
    }
    if not weights_only:
        checkpoint["optimizer_states"] = [opt.state_dict() for opt in trainer.optimizers]
        checkpoint["lr_schedulers"] = [cfg["scheduler"].state_dict() for cfg in trainer.lr_schedulers]
        checkpoint["callbacks"] = {type(cb).__name__: state for cb in trainer.callbacks
                                   if (state := cb.on_save_checkpoint(trainer, model)) is not None}
        checkpoint["rng_states"] = get_rng_states()
        if trainer.scaler is not None:
            checkpoint["native_amp_scaling_state"] = trainer.scaler.state_dict()
    if model.hparams:
        checkpoint[model.CHECKPOINT_HYPER_PARAMS_KEY] = dict(model.hparams)
        checkpoint["hparams_type"] = "Namespace" if getattr(model, "_hparams_namespace", False) else "dict"
    model.on_save_checkpoint(checkpoint)
    return checkpoint


def _cpu_state_dict(model) -> "OrderedDict[str, Any]":
    """The model's state dict on the CPU, keeping the per-module versions ``load_state_dict`` reads."""
    state = model.state_dict()
    cpu = OrderedDict((k, v.detach().cpu()) for k, v in state.items())
    metadata = getattr(state, "_metadata", None)
    if metadata is not None:
        cpu._metadata = metadata
    return cpu


def restore_checkpoint(trainer, model, checkpoint: Dict[str, Any]) -> None:
    """Load weights, optimizer/scheduler states, counters, callback and RNG states (``resume_from_checkpoint``).

    Everything is checked before anything is loaded, so a bad checkpoint leaves the model untouched.
    """
    path = trainer.resume_from_checkpoint
    missing = [key for key in _REQUIRED_KEYS if key not in checkpoint]
    if missing:
        raise MisconfigurationException(
            f"`resume_from_checkpoint={path!r}` is not a training checkpoint: it has no {missing} "
            f"(keys found: {sorted(checkpoint)})")
    if "optimizer_states" not in checkpoint:
        raise MisconfigurationException(
            f"`resume_from_checkpoint={path!r}` needs a full checkpoint; this one was saved with "
            "`save_weights_only=True`")
    states = checkpoint["optimizer_states"]
    if len(states) != len(trainer.optimizers):
        raise MisconfigurationException(
            f"`resume_from_checkpoint={path!r}` has {len(states)} optimizer states but `configure_optimizers` "
            f"returned {len(trainer.optimizers)} optimizers")
    scheduler_states = checkpoint.get("lr_schedulers", [])
    if len(scheduler_states) != len(trainer.lr_schedulers):
        raise MisconfigurationException(
            f"`resume_from_checkpoint={path!r}` has {len(scheduler_states)} lr scheduler states but "
            f"`configure_optimizers` returned {len(trainer.lr_schedulers)} schedulers")
    model.on_load_checkpoint(checkpoint)
    model.load_state_dict(checkpoint["state_dict"])
    for opt, state in zip(trainer.optimizers, states):
        opt.load_state_dict(state)
    for cfg, state in zip(trainer.lr_schedulers, scheduler_states):
        cfg["scheduler"].load_state_dict(state)
    callback_states = checkpoint.get("callbacks", {})
    for cb in trainer.callbacks:
        state = callback_states.get(type(cb).__name__)
        if state is not None:
            cb.on_load_checkpoint(state)
    if trainer.scaler is not None and "native_amp_scaling_state" in checkpoint:
        trainer.scaler.load_state_dict(checkpoint["native_amp_scaling_state"])
    if "rng_states" in checkpoint:
        set_rng_states(_host_rng_states(checkpoint["rng_states"]))
    trainer.global_step = checkpoint["global_step"]
    trainer.current_epoch = checkpoint["epoch"]


def _host_rng_states(states: Dict[str, Any]) -> Dict[str, Any]:
    """The generator states back on the CPU, where ``set_rng_state`` wants them.

    ``map_location`` may have moved them to the GPU. CUDA states are kept for the devices present
    (none when resuming without CUDA).
    """
    host = {key: value.cpu() if isinstance(value, torch.Tensor) else value for key, value in states.items()}
    if "cuda" in host:
        devices = torch.cuda.device_count() if torch.cuda.is_available() else 0
        host["cuda"] = [state.cpu() for state in host["cuda"][:devices]]
        if not host["cuda"]:
            del host["cuda"]
    return host
