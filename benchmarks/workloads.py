"""Workloads for the benchmarks: each as a LightningModule and as the same loop written by hand."""
import copy
import math
from typing import Callable, Dict, Tuple

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import pytorch_lightning as pl


def mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))


def small_cnn(channels: int, side: int) -> nn.Module:
    flat = 32 * (side // 4) * (side // 4)
    return nn.Sequential(nn.Conv2d(channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(flat, 10))


def synthetic(n: int, shape: Tuple[int, ...], seed: int = 0) -> TensorDataset:
    g = torch.Generator().manual_seed(seed)
    return TensorDataset(torch.randn(n, *shape, generator=g), torch.randint(0, 10, (n,), generator=g))


def digits() -> TensorDataset:
    from sklearn.datasets import load_digits

    data = load_digits()
    x = torch.tensor(data.images, dtype=torch.float32).unsqueeze(1) / 16.0
    return TensorDataset(x, torch.tensor(data.target))


WORKLOADS: Dict[str, Callable[[], Tuple[nn.Module, TensorDataset, int]]] = {
    "mlp": lambda: (mlp(), synthetic(8192, (64,)), 64),
    "digits-cnn": lambda: (small_cnn(1, 8), digits(), 64),
    "cifar-cnn": lambda: (small_cnn(3, 32), synthetic(2048, (3, 32, 32)), 64),
}


class Wrapped(pl.LightningModule):
    """The same network as a 0.8-style module; ``style`` picks how training_step reports the loss."""

    def __init__(self, net: nn.Module, loader: DataLoader, lr: float = 0.01, style: str = "dict"):
        super().__init__()
        self.net = net
        self.loader = loader
        self.lr = lr
        self.style = style

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = nn.functional.cross_entropy(self.net(x), y)
        if self.style == "tensor":
            return loss
        if self.style == "log":
            self.log("train_loss", loss)
            return loss
        return {"loss": loss, "log": {"train_loss": loss}}

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.lr)

    def train_dataloader(self):
        return self.loader


def quiet_trainer(**kwargs) -> pl.Trainer:
    return pl.Trainer(logger=False, checkpoint_callback=False, progress_bar_refresh_rate=0, weights_summary=None,
                      num_sanity_val_steps=0, **kwargs)


def hand_epoch(net: nn.Module, loader: DataLoader, lr: float = 0.01, device: str = "cpu") -> int:
    """One epoch written by hand; returns the number of optimizer steps."""
    net.to(device)
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    steps = 0
    for x, y in loader:
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        steps += 1
    return steps


def hand_range_test(net: nn.Module, loader: DataLoader, num_training: int = 100, min_lr: float = 1e-6,
                    max_lr: float = 1.0, device: str = "cpu"):
    """A hand-written exponential range test that snapshots and restores the model and optimizer."""
    net.to(device)
    opt = torch.optim.SGD(net.parameters(), lr=min_lr)
    saved_model = {k: v.detach().to("cpu", copy=True) for k, v in net.state_dict().items()}
    saved_opt = copy.deepcopy(opt.state_dict())
    lrs, losses = [], []
    ratio = max_lr / min_lr
    step = 0
    try:
        while step < num_training:
            for x, y in loader:
                lr = min_lr * ratio ** (step / (num_training - 1))
                for group in opt.param_groups:
                    group["lr"] = lr
                x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
                loss = nn.functional.cross_entropy(net(x), y)
                loss.backward()
                opt.step()
                opt.zero_grad()
                value = loss.item()
                lrs.append(lr)
                losses.append(value)
                step += 1
                if step >= num_training or not math.isfinite(value):
                    break
    finally:
        net.load_state_dict(saved_model)
        opt.load_state_dict(saved_opt)
    return lrs, losses
