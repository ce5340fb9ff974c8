"""``LightningModule``: hparams, ``save_hyperparameters``, device properties and ``is_overridden``."""
from argparse import Namespace

import pytest
import torch
from torch import nn

from pytorch_lightning import LightningModule, Trainer
from pytorch_lightning.core.lightning import is_overridden
from tests.helpers.models import SetupModel, TinyModel


# --------------------------------------------------------------------- hparams
@pytest.mark.parametrize("hparams", [Namespace(lr=0.05, batch_size=4), {"lr": 0.05, "batch_size": 4}],
                         ids=["namespace", "dict"])
def test_hparams_attribute_and_item_access(hparams):
    model = TinyModel(hparams=hparams)
    assert model.hparams.lr == 0.05 and model.hparams["lr"] == 0.05
    assert model.hparams.batch_size == 4 and model.hparams["batch_size"] == 4
    assert dict(model.hparams) == {"lr": 0.05, "batch_size": 4}
    with pytest.raises(AttributeError, match="missing"):
        model.hparams.missing


def test_hparams_are_a_copy_of_the_given_container():
    given = {"lr": 0.05}
    model = TinyModel(hparams=given)
    model.hparams.lr = 1.0
    assert given == {"lr": 0.05}
    assert model.hparams["lr"] == 1.0


def test_hparams_set_attribute_is_an_item():
    model = TinyModel(hparams=Namespace(lr=0.1))
    model.hparams.momentum = 0.9
    assert model.hparams["momentum"] == 0.9


def test_hparams_default_is_empty():
    class Bare(LightningModule):
        pass

    assert dict(Bare().hparams) == {}


def test_hparams_used_by_the_model_during_fit(tmp_path):
    model = TinyModel(hparams={"lr": 0.0, "batch_size": 16})
    before = [p.detach().clone() for p in model.parameters()]
    trainer = Trainer(default_root_dir=tmp_path, max_epochs=1, limit_val_batches=0, num_sanity_val_steps=0,
                      progress_bar_refresh_rate=0, weights_summary=None, logger=False, checkpoint_callback=False)
    trainer.fit(model)
    assert trainer.num_training_batches == 4  # 64 samples in batches of hparams.batch_size
    assert all(torch.equal(b, a.detach()) for b, a in zip(before, model.parameters()))  # lr 0: no change


class SavesAll(LightningModule):
    def __init__(self, lr=0.1, layers=2, name="net", *args, **kwargs):
        super().__init__()
        self.save_hyperparameters()
        self.layer = nn.Linear(2, 2)


class SavesSome(LightningModule):
    def __init__(self, lr=0.1, layers=2, verbose=False):
        super().__init__()
        self.save_hyperparameters("lr", "layers")


class SavesContainer(LightningModule):
    def __init__(self, hparams):
        super().__init__()
        self.save_hyperparameters()


def test_save_hyperparameters_keeps_every_init_argument():
    model = SavesAll(lr=0.5, name="x")
    assert dict(model.hparams) == {"lr": 0.5, "layers": 2, "name": "x"}
    assert model.hparams.lr == 0.5 and model.hparams["layers"] == 2


def test_save_hyperparameters_with_names_keeps_only_those():
    model = SavesSome(lr=0.3, verbose=True)
    assert dict(model.hparams) == {"lr": 0.3, "layers": 2}


def test_save_hyperparameters_unknown_name_raises():
    class Bad(LightningModule):
        def __init__(self, lr=0.1):
            super().__init__()
            self.save_hyperparameters("momentum")

    with pytest.raises(ValueError, match="momentum"):
        Bad()


@pytest.mark.parametrize("container", [Namespace(lr=0.2, depth=3), {"lr": 0.2, "depth": 3}], ids=["namespace", "dict"])
def test_save_hyperparameters_single_container_becomes_hparams(container):
    model = SavesContainer(container)
    assert dict(model.hparams) == {"lr": 0.2, "depth": 3}
    assert model.hparams.depth == 3


# ---------------------------------------------------------------------- device
def test_device_and_on_gpu_on_cpu():
    model = TinyModel()
    assert model.device == torch.device("cpu")
    assert model.on_gpu is False


def test_device_without_parameters_is_cpu():
    class Empty(LightningModule):
        pass

    assert Empty().device == torch.device("cpu")


def test_device_follows_buffers_without_parameters():
    class BufferOnly(LightningModule):
        def __init__(self):
            super().__init__()
            self.register_buffer("scale", torch.ones(1, dtype=torch.float64))

    model = BufferOnly()
    assert model.device == torch.device("cpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_device_and_on_gpu_on_cuda():
    model = TinyModel().to("cuda")
    assert model.device.type == "cuda"
    assert model.on_gpu is True


def test_trainer_state_properties():
    model = TinyModel()
    assert model.current_epoch == 0 and model.global_step == 0


# --------------------------------------------------------------- is_overridden
def test_is_overridden():
    model = TinyModel()
    assert is_overridden("training_step", model)
    assert is_overridden("validation_epoch_end", model)
    assert not is_overridden("training_epoch_end", model)
    assert not is_overridden("on_after_backward", model)
    assert not is_overridden("setup", model)


def test_is_overridden_through_inheritance():
    model = SetupModel()
    assert is_overridden("setup", model)
    assert is_overridden("training_step", model)  # inherited from TinyModel, still not LightningModule's
    assert not is_overridden("on_epoch_end", model)


def test_is_overridden_for_a_name_not_on_the_base():
    class Extra(TinyModel):
        def custom_hook(self):
            return 1

    assert is_overridden("custom_hook", Extra())
    assert not is_overridden("no_such_hook", Extra())

