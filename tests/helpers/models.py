"""The tiny models and data every test uses (fixed seeds, no downloads)."""
from argparse import Namespace

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from pytorch_lightning import LightningModule


def make_data(n: int = 64, dim: int = 8, classes: int = 3, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, dim, generator=g)
    w = torch.randn(dim, classes, generator=g)
    y = (x @ w).argmax(dim=1)
    return TensorDataset(x, y)


class TinyModel(LightningModule):
    """A linear-ReLU-linear classifier on synthetic data; 0.8-style dict returns."""

    def __init__(self, hparams=None, lr: float = 0.1, batch_size: int = 8, n: int = 64, shuffle: bool = False,
                 dropout: float = 0.0, optimizer: str = "sgd"):
        super().__init__()
        self.hparams = hparams if hparams is not None else Namespace(lr=lr, batch_size=batch_size)
        self.n = n
        self.shuffle = shuffle
        self.optimizer_name = optimizer
        self.net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, 3))

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = nn.functional.cross_entropy(self(x), y)
        return {"loss": loss, "log": {"train_loss": loss}}

    def validation_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        return {"val_loss": nn.functional.cross_entropy(logits, y),
                "val_acc": (logits.argmax(1) == y).float().mean()}

    def validation_epoch_end(self, outputs):
        val_loss = torch.stack([o["val_loss"] for o in outputs]).mean()
        val_acc = torch.stack([o["val_acc"] for o in outputs]).mean()
        return {"val_loss": val_loss, "log": {"val_loss": val_loss, "val_acc": val_acc}}

    def test_step(self, batch, batch_idx):
        out = self.validation_step(batch, batch_idx)
        return {"test_loss": out["val_loss"]}

    def test_epoch_end(self, outputs):
        return {"test_loss": torch.stack([o["test_loss"] for o in outputs]).mean()}

    def configure_optimizers(self):
        if self.optimizer_name == "adam":
            return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)

    def train_dataloader(self):
        return DataLoader(make_data(self.n), batch_size=self.hparams.batch_size, shuffle=self.shuffle)

    def val_dataloader(self):
        return DataLoader(make_data(32, seed=1), batch_size=self.hparams.batch_size)

    def test_dataloader(self):
        return DataLoader(make_data(32, seed=2), batch_size=self.hparams.batch_size)


class SetupModel(TinyModel):
    """Builds its layers in ``setup()``, as the #2814 reporter's ResNet module does (also from __init__)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        del self.net
        self.setup("fit")

    def setup(self, stage):
        self.net = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))


class OptimizerConfigModel(TinyModel):
    """TinyModel whose ``configure_optimizers`` returns ``configure(self)``, for any optimizer set-up.

    ``training_step`` accepts the ``optimizer_idx`` the trainer passes when there are several optimizers.
    Each optimizer step records ``(global_step, lr of every group)`` in ``self.stepped_lrs``: the lr it used.
    """

    def __init__(self, configure, **kwargs):
        super().__init__(**kwargs)
        self._configure = configure
        self.stepped_lrs = []

    def training_step(self, batch, batch_idx, optimizer_idx=0):
        return super().training_step(batch, batch_idx)

    def configure_optimizers(self):
        return self._configure(self)

    def optimizer_step(self, epoch, batch_idx, optimizer, optimizer_idx, *args, **kwargs):
        self.stepped_lrs.append((self.trainer.global_step, [g["lr"] for g in optimizer.param_groups]))
        super().optimizer_step(epoch, batch_idx, optimizer, optimizer_idx, *args, **kwargs)


class MetricSequenceModel(TinyModel):
    """TinyModel whose validation reports ``values[current_epoch]`` as ``key``: a metric the test controls."""

    def __init__(self, values, key: str = "val_loss", **kwargs):
        super().__init__(**kwargs)
        self.values = list(values)
        self.key = key

    def validation_epoch_end(self, outputs):
        value = torch.tensor(float(self.values[self.current_epoch]))
        return {self.key: value, "log": {self.key: value}}


class MomentumModel(TinyModel):
    """A shuffled loader, dropout, momentum SGD and a per-epoch StepLR: every state a resume must restore."""

    def __init__(self, **kwargs):
        kwargs.setdefault("shuffle", True)
        kwargs.setdefault("dropout", 0.2)
        super().__init__(**kwargs)

    def configure_optimizers(self):
        optimizer = torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)
        return [optimizer], [torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)]


class HParamsDictModel(TinyModel):
    """Keeps its init arguments with ``save_hyperparameters()``: dict hparams, as newer scripts do."""

    def __init__(self, lr: float = 0.1, batch_size: int = 8, hidden: int = 16):
        super().__init__(lr=lr, batch_size=batch_size)
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(8, hidden), nn.ReLU(), nn.Linear(hidden, 3))
