"""``LightningModule``: an ``nn.Module`` that also says how to train itself.

Every hook is optional except ``training_step``, ``train_dataloader`` (or a loader passed to
``fit``) and ``configure_optimizers``. The trainer calls the hooks in the order pinned by
``tests/trainer/test_hook_order.py``.
"""
import inspect
from argparse import Namespace
from typing import Any, Dict, List, Optional, Union

import torch
from torch import nn

from pytorch_lightning.utilities.cloud_io import load as _load_checkpoint
from pytorch_lightning.utilities.parsing import AttributeDict, hparams_to_dict


class LightningModule(nn.Module):
    """Base class of the models the :class:`~pytorch_lightning.Trainer` fits.

    Example:
        >>> class Model(LightningModule):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.layer = nn.Linear(4, 2)
        ...     def training_step(self, batch, batch_idx):
        ...         x, y = batch
        ...         return nn.functional.cross_entropy(self.layer(x), y)
        ...     def configure_optimizers(self):
        ...         return torch.optim.SGD(self.parameters(), lr=0.1)
    """

    CHECKPOINT_HYPER_PARAMS_KEY = "hyper_parameters"

    def __init__(self, *args, **kwargs):
        super().__init__()
        self.trainer = None
        self.example_input_array = None
        self._hparams = AttributeDict()
        self._hparams_namespace = False
        self._logged: Dict[str, Dict[str, Any]] = {}

    # ------------------------------------------------------------------ state
    @property
    def hparams(self) -> AttributeDict:
        return self._hparams

    @hparams.setter
    def hparams(self, hp: Union[dict, Namespace]) -> None:
        self._hparams = AttributeDict(hparams_to_dict(hp))
        self._hparams_namespace = isinstance(hp, Namespace)

    def save_hyperparameters(self, *names: str) -> None:
        """Store the arguments of the calling ``__init__`` in ``self.hparams``.

        Called with no names, every init argument is kept; a single dict or Namespace argument
        becomes ``self.hparams`` itself.
        """
        frame = inspect.currentframe().f_back
        init_args = {}
        signature = inspect.signature(type(self).__init__)
        local_vars = frame.f_locals
        for name, param in signature.parameters.items():
            if name == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                continue
            if name in local_vars:
                init_args[name] = local_vars[name]
        if names:
            unknown = [n for n in names if n not in init_args]
            if unknown:
                raise ValueError(f"`save_hyperparameters` got names {unknown} that are not arguments of `__init__`; "
                                 f"arguments are {sorted(init_args)}")
            init_args = {n: init_args[n] for n in names}
        if len(init_args) == 1:
            (only,) = init_args.values()
            if isinstance(only, (dict, Namespace)):
                self.hparams = only
                return
        self.hparams = init_args

    @property
    def device(self) -> torch.device:
        for tensor in self.parameters():
            return tensor.device
        for tensor in self.buffers():
            return tensor.device
        return torch.device("cpu")

    @property
    def on_gpu(self) -> bool:
        return self.device.type == "cuda"

    @property
    def current_epoch(self) -> int:
        return self.trainer.current_epoch if self.trainer is not None else 0

    @property
    def global_step(self) -> int:
        return self.trainer.global_step if self.trainer is not None else 0

    # ------------------------------------------------------------ newer API
    def log(self, name: str, value: Any, prog_bar: bool = False, logger: bool = True,
            on_step: Optional[bool] = None, on_epoch: Optional[bool] = None) -> None:
        """Record a metric from a step (the newer spelling of returning ``{'log': ...}``).

        In ``training_step`` the default is ``on_step=True, on_epoch=False``; in validation and
        test steps ``on_step=False, on_epoch=True`` (the epoch mean).
        """
        if not isinstance(name, str) or not name:
            raise ValueError(f"`name` must be a non-empty string, got {name!r}")
        if isinstance(value, torch.Tensor):
            if value.numel() != 1:
                raise ValueError(f"`self.log({name!r}, ...)` needs a scalar, got a tensor of shape {tuple(value.shape)}")
            value = value.detach()
        self._logged[name] = {"value": value, "prog_bar": prog_bar, "logger": logger,
                              "on_step": on_step, "on_epoch": on_epoch}

    def print(self, *args, **kwargs) -> None:
        print(*args, **kwargs)

    # ------------------------------------------------------------ data hooks
    def prepare_data(self) -> None:
        """Download or write data, once, before ``setup``."""

    def setup(self, stage: str) -> None:
        """Build what needs the data or the trainer (layers too); ``stage`` is ``'fit'`` or ``'test'``."""

    def teardown(self, stage: str) -> None:
        """Undo ``setup`` at the end of ``fit`` or ``test``."""

    def train_dataloader(self):
        return None

    def val_dataloader(self):
        return None

    def test_dataloader(self):
        return None

    # ------------------------------------------------------------ step hooks
    def forward(self, *args, **kwargs):
        raise NotImplementedError("`forward` is not implemented by this LightningModule")

    def training_step(self, *args, **kwargs):
        raise NotImplementedError("`training_step` must be implemented to be used with the Lightning Trainer")

    def training_step_end(self, *args, **kwargs):
        """Post-process the output of ``training_step``."""

    def training_epoch_end(self, outputs: List[Any]):
        """Receive the outputs of every ``training_step`` of the epoch."""

    def validation_step(self, *args, **kwargs):
        """One validation batch."""

    def validation_step_end(self, *args, **kwargs):
        """Post-process the output of ``validation_step``."""

    def validation_epoch_end(self, outputs: List[Any]):
        """Reduce the validation outputs into ``{'val_loss': ..., 'log': ...}``."""

    def test_step(self, *args, **kwargs):
        """One test batch."""

    def test_step_end(self, *args, **kwargs):
        """Post-process the output of ``test_step``."""

    def test_epoch_end(self, outputs: List[Any]):
        """Reduce the test outputs."""

    def configure_optimizers(self):
        raise NotImplementedError("`configure_optimizers` must be implemented to be used with the Lightning Trainer")

    # ------------------------------------------------------ optimisation hooks
    def backward(self, trainer, loss: torch.Tensor, optimizer: torch.optim.Optimizer, optimizer_idx: int) -> None:
        """Compute gradients; override for custom backward passes."""
        if trainer.scaler is not None:
            loss = trainer.scaler.scale(loss)
        loss.backward()

    def optimizer_step(self, epoch: int, batch_idx: int, optimizer: torch.optim.Optimizer, optimizer_idx: int,
                       second_order_closure=None, on_tpu: bool = False, using_native_amp: bool = False,
                       using_lbfgs: bool = False) -> None:
        """Step ``optimizer``; override for warm-up or custom stepping."""
        if using_native_amp:
            self.trainer.scaler.step(optimizer)
        elif using_lbfgs:
            optimizer.step(second_order_closure)
        else:
            optimizer.step()

    def optimizer_zero_grad(self, epoch: int, batch_idx: int, optimizer: torch.optim.Optimizer, optimizer_idx: int):
        optimizer.zero_grad()

    def on_before_zero_grad(self, optimizer: torch.optim.Optimizer) -> None:
        """Called after ``optimizer_step`` and before gradients are cleared."""

    def on_after_backward(self) -> None:
        """Called after ``backward`` and before the optimizer step; gradients are available."""

    # ------------------------------------------------------------ loop hooks
    def on_fit_start(self): ...
    def on_fit_end(self): ...
    def on_train_start(self): ...
    def on_train_end(self): ...
    def on_epoch_start(self): ...
    def on_epoch_end(self): ...
    def on_batch_start(self, batch): ...
    def on_batch_end(self): ...
    def on_validation_start(self): ...
    def on_validation_end(self): ...
    def on_test_start(self): ...
    def on_test_end(self): ...
    def on_save_checkpoint(self, checkpoint: Dict[str, Any]) -> None: ...
    def on_load_checkpoint(self, checkpoint: Dict[str, Any]) -> None: ...

    def get_progress_bar_dict(self) -> Dict[str, Any]:
        """What the progress bar shows besides the step's ``progress_bar`` metrics."""
        items = {}
        trainer = self.trainer
        if trainer is not None and trainer.running_loss is not None:
            items["loss"] = f"{trainer.running_loss:.3f}"
        version = getattr(trainer.logger, "version", None) if trainer is not None and trainer.logger else None
        if version is not None:
            items["v_num"] = version[-4:] if isinstance(version, str) else version
        return items

    # ---------------------------------------------------------------- utils
    def freeze(self) -> None:
        for param in self.parameters():
            param.requires_grad = False
        self.eval()

    def unfreeze(self) -> None:
        for param in self.parameters():
            param.requires_grad = True
        self.train()

    def summarize(self, mode: str = "top"):
        from pytorch_lightning.core.memory import ModelSummary

        summary = ModelSummary(self, mode=mode)
        print(summary)
        return summary

    @classmethod
    def load_from_checkpoint(cls, checkpoint_path: str, *args, map_location: Any = None,
                             hparams_file: Optional[str] = None, strict: bool = True, **overrides):
        """Rebuild the model from a checkpoint: the saved hyperparameters (or those of ``hparams_file``,
        an ``hparams.yaml`` written by a logger), with ``overrides`` on top, then the weights.

        Example:
            >>> model = MyModel.load_from_checkpoint("epoch=2.ckpt", learning_rate=0.01)  # doctest: +SKIP
        """
        checkpoint = _load_checkpoint(checkpoint_path, map_location=map_location)
        if "state_dict" not in checkpoint:
            raise RuntimeError(f"{checkpoint_path!r} is not a Lightning checkpoint: it has no `state_dict`")
        if hparams_file is not None:
            from pytorch_lightning.core.saving import load_hparams_from_yaml

            hparams = load_hparams_from_yaml(hparams_file)
        else:
            hparams = dict(checkpoint.get(cls.CHECKPOINT_HYPER_PARAMS_KEY) or {})
        hparams.update(overrides)
        params = inspect.signature(cls.__init__).parameters
        if "hparams" in params and "hparams" not in hparams:
            # 0.8.x style `__init__(self, hparams)` + `self.hparams = hparams`: the saved keys are its fields
            # (a saved 'hparams' key means `save_hyperparameters()` kept it beside other arguments)
            kind = checkpoint.get("hparams_type", "dict")
            model = cls(*args, hparams=Namespace(**hparams) if kind == "Namespace" else hparams)
        else:  # the saved keys are `__init__` arguments (`save_hyperparameters()`)
            model = cls(*args, **hparams)
        model.on_load_checkpoint(checkpoint)
        model.load_state_dict(checkpoint["state_dict"], strict=strict)
        return model


def is_overridden(name: str, model: Any, base: type = LightningModule) -> bool:
    """True when ``model`` (its class, or the instance itself, as 0.8.x tests patch hooks on instances)
    defines hook ``name`` instead of inheriting ``base``'s."""
    attr = getattr(model, name, None)
    if attr is None:
        return False
    default = getattr(base, name, None)
    if default is None:
        return True
    code = getattr(getattr(attr, "__func__", attr), "__code__", None)
    return code is not getattr(default, "__code__", None)
