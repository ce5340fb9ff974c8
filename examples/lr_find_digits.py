"""LR-finder demo: a small CNN on scikit-learn's bundled digits (real data, no download).

Runs ``trainer.lr_find``, saves ``lr_finder.png``, prints the suggestion and why the sweep
stopped, then fits a few epochs with the suggested lr and prints the validation accuracy.
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")

import torch  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

import pytorch_lightning as pl  # noqa: E402


class DigitsCNN(pl.LightningModule):
    """Two conv layers and a linear head on 8x8 digits; layers built in ``setup`` (the #2814 case)."""

    def __init__(self, hparams):
        super().__init__()
        self.hparams = hparams
        self.setup("fit")  # like the #2814 reporter's module: once here and again inside fit

    def setup(self, stage):
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2), nn.Flatten())
        self.head = nn.Linear(32 * 4 * 4, 10)

    def prepare_data(self):
        digits = load_digits()
        x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
        y = torch.tensor(digits.target)
        g = torch.Generator().manual_seed(0)
        order = torch.randperm(len(y), generator=g)
        split = int(0.8 * len(y))
        self.train_set = TensorDataset(x[order[:split]], y[order[:split]])
        self.val_set = TensorDataset(x[order[split:]], y[order[split:]])

    def forward(self, x):
        return self.head(self.features(x))

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = nn.functional.cross_entropy(self(x), y)
        return {"loss": loss, "log": {"train_loss": loss}}

    def validation_step(self, batch, batch_idx):
        x, y = batch
        logits = self(x)
        return {"val_loss": nn.functional.cross_entropy(logits, y), "correct": (logits.argmax(1) == y).sum(),
                "count": torch.tensor(len(y))}

    def validation_epoch_end(self, outputs):
        val_loss = torch.stack([o["val_loss"] for o in outputs]).mean()
        val_acc = sum(o["correct"] for o in outputs).float() / sum(o["count"] for o in outputs)
        return {"val_loss": val_loss, "val_acc": val_acc, "log": {"val_loss": val_loss, "val_acc": val_acc}}

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.hparams.batch_size, shuffle=True)

    def val_dataloader(self):
        return DataLoader(self.val_set, batch_size=256)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lr", type=float, default=1e-5, help="starting lr, replaced by the suggestion")
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--num_training", type=int, default=200)
    parser.add_argument("--out", default="lr_finder.png")
    parser.add_argument("--root", default=os.path.join(os.getcwd(), "lightning_logs_demo"))
    args = parser.parse_args()

    pl.seed_everything(0)
    model = DigitsCNN(args)
    trainer = pl.Trainer(max_epochs=args.epochs, default_root_dir=args.root, progress_bar_refresh_rate=0,
                         weights_summary=None, checkpoint_callback=False)
    finder = trainer.lr_find(model, min_lr=1e-5, max_lr=10.0, num_training=args.num_training)
    fig = finder.plot(suggest=True)
    fig.savefig(args.out, dpi=120)
    suggestion = finder.suggestion()
    print(f"lr_find: {len(finder.results['lr'])} steps, stop reason: {finder.stop_reason}")
    print(f"lr_find: first loss {finder.results['loss_raw'][0]:.3f}, lowest {min(finder.results['loss_raw']):.3f}")
    print(f"suggested lr: {suggestion:.3g} (plot saved to {args.out})")

    model.hparams.lr = suggestion
    trainer.fit(model)
    print(f"after {args.epochs} epochs at lr={suggestion:.3g}: val_acc={float(trainer.callback_metrics['val_acc']):.3f}")


if __name__ == "__main__":
    main()
