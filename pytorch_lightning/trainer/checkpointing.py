"""What a checkpoint holds, and how a trainer resumes from one."""
from typing import Any, Dict

from pytorch_lightning.utilities.exceptions import MisconfigurationException


def dump_checkpoint(trainer, weights_only: bool = False) -> Dict[str, Any]:
    """The checkpoint dict: counters, weights, optimizer and scheduler states, callback states, hparams.

    ``epoch`` is the number of epochs completed and ``global_step`` the optimizer steps taken, so a
    resumed run starts exactly where this one stopped (0.8.5 stored both one too high).
    """
    from pytorch_lightning import __version__

    model = trainer.model
    checkpoint: Dict[str, Any] = {
        "epoch": trainer.current_epoch + 1,
        "global_step": trainer.global_step,
        "pytorch-lightning_version": __version__,
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
    }
    if not weights_only:
        checkpoint["optimizer_states"] = [opt.state_dict() for opt in trainer.optimizers]
        checkpoint["lr_schedulers"] = [cfg["scheduler"].state_dict() for cfg in trainer.lr_schedulers]
        checkpoint["callbacks"] = {type(cb).__name__: state for cb in trainer.callbacks
                                   if (state := _callback_state(trainer, model, cb)) is not None}
        if trainer.scaler is not None:
            checkpoint["native_amp_scaling_state"] = trainer.scaler.state_dict()
    if model.hparams:
        raw = model.hparams
        checkpoint[model.CHECKPOINT_HYPER_PARAMS_KEY] = dict(raw)
        checkpoint["hparams_type"] = "Namespace" if getattr(model, "_hparams_namespace", False) else "dict"
    model.on_save_checkpoint(checkpoint)
    return checkpoint


def _callback_state(trainer, model, callback) -> Any:
    return callback.on_save_checkpoint(trainer, model)


def restore_checkpoint(trainer, model, checkpoint: Dict[str, Any]) -> None:
    """Load weights, optimizer/scheduler states, counters and callback states (``resume_from_checkpoint``)."""
    for key in ("state_dict", "epoch", "global_step"):
        if key not in checkpoint:
            raise MisconfigurationException(
                f"`resume_from_checkpoint` file is not a training checkpoint: it has no {key!r}")
    model.on_load_checkpoint(checkpoint)
    model.load_state_dict(checkpoint["state_dict"])
    if "optimizer_states" not in checkpoint:
        raise MisconfigurationException(
            "`resume_from_checkpoint` needs a full checkpoint; this one was saved with `save_weights_only=True`")
    states = checkpoint["optimizer_states"]
    if len(states) != len(trainer.optimizers):
        raise MisconfigurationException(
            f"The checkpoint has {len(states)} optimizer states but `configure_optimizers` returned "
            f"{len(trainer.optimizers)} optimizers")
    for opt, state in zip(trainer.optimizers, states):
        opt.load_state_dict(state)
    for cfg, state in zip(trainer.lr_schedulers, checkpoint.get("lr_schedulers", [])):
        cfg["scheduler"].load_state_dict(state)
    callback_states = checkpoint.get("callbacks", {})
    for cb in trainer.callbacks:
        state = callback_states.get(type(cb).__name__)
        if state is not None:
            cb.on_load_checkpoint(state)
    if trainer.scaler is not None and "native_amp_scaling_state" in checkpoint:
        trainer.scaler.load_state_dict(checkpoint["native_amp_scaling_state"])
    trainer.global_step = checkpoint["global_step"]
    trainer.current_epoch = checkpoint["epoch"]

