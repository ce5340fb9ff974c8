"""``Trainer.fit`` on a 0.8-style module equals a hand-written PyTorch loop.

Same seed, same initial weights (a deep copy of the model), same data order (a shuffled loader
drawn from the same seeded generator), SGD with momentum; parametrized over gradient
accumulation, the scheduler interval, an overridden ``training_epoch_end`` and the device.
"""
import copy

import pytest
import torch
from torch import nn
from torch.optim.lr_scheduler import StepLR

from pytorch_lightning import Trainer, seed_everything
from tests.helpers.models import TinyModel

EPOCHS = 2
N_SAMPLES = 40  # batches of 8 -> 5 batches, so accumulating 2 leaves a partial last window


def _optimizer_and_scheduler(model, interval):
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = StepLR(opt, step_size=1, gamma=0.7) if interval else None
    return opt, sched


class ParityModel(TinyModel):
    def __init__(self, interval=None, **kwargs):
        super().__init__(n=N_SAMPLES, shuffle=True, **kwargs)
        self.interval = interval

    def configure_optimizers(self):
        opt, sched = _optimizer_and_scheduler(self, self.interval)
        if sched is None:
            return opt
        return [opt], [{"scheduler": sched, "interval": self.interval}]


class ParityEpochEndModel(ParityModel):
    def training_epoch_end(self, outputs):
        return {"log": {"epoch_loss": torch.stack([o["loss"] for o in outputs]).mean()}}


def _hand_loop(model, device, accumulate, interval):
    """The loop a PyTorch user would write; returns the number of optimizer steps."""
    model.to(device)
    model.train()
    opt, sched = _optimizer_and_scheduler(model, interval)
    loader = model.train_dataloader()
    steps = 0
    for _ in range(EPOCHS):
        for i, (x, y) in enumerate(loader):
            x, y = x.to(device), y.to(device)
            loss = nn.functional.cross_entropy(model(x), y)
            if accumulate > 1:
                loss = loss / accumulate
            loss.backward()
            if (i + 1) % accumulate == 0 or i + 1 == len(loader):
                opt.step()
                opt.zero_grad()
                steps += 1
                if sched is not None and interval in ("step", "batch"):
                    sched.step()
        if sched is not None and interval == "epoch":
            sched.step()
    return steps, opt


@pytest.mark.parametrize("device", [
    "cpu",
    pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")),
])
@pytest.mark.parametrize("epoch_end", [False, True], ids=["no_epoch_end", "epoch_end"])
@pytest.mark.parametrize("interval", [None, "step", "batch", "epoch"], ids=["no_sched", "step", "batch", "epoch"])
@pytest.mark.parametrize("accumulate", [1, 2], ids=["acc1", "acc2"])
def test_fit_matches_hand_written_loop(tmp_path, accumulate, interval, epoch_end, device):
    torch.manual_seed(0)
    model = (ParityEpochEndModel if epoch_end else ParityModel)(interval=interval)
    reference = copy.deepcopy(model)
    initial = copy.deepcopy({k: v.detach().cpu() for k, v in model.state_dict().items()})

    trainer = Trainer(default_root_dir=tmp_path, max_epochs=EPOCHS, accumulate_grad_batches=accumulate,
                      gpus=1 if device == "cuda" else None, limit_val_batches=1, num_sanity_val_steps=1,
                      progress_bar_refresh_rate=0, weights_summary=None, logger=False, checkpoint_callback=False)
    seed_everything(7)
    trainer.fit(model)

    seed_everything(7)
    hand_steps, hand_opt = _hand_loop(reference, torch.device(device), accumulate, interval)

    expected_steps = EPOCHS * (3 if accumulate == 2 else 5)
    assert hand_steps == expected_steps
    assert trainer.global_step == hand_steps
    assert trainer.optimizers[0].param_groups[0]["lr"] == pytest.approx(hand_opt.param_groups[0]["lr"], rel=1e-12)
    fitted = copy.deepcopy({k: v.detach().cpu() for k, v in model.state_dict().items()})
    by_hand = copy.deepcopy({k: v.detach().cpu() for k, v in reference.state_dict().items()})
    assert fitted.keys() == by_hand.keys()
    for key in fitted:
        torch.testing.assert_close(fitted[key], by_hand[key], rtol=0, atol=1e-6, msg=key)
    assert any(not torch.equal(fitted[k], initial[k]) for k in fitted)  # and the run did train
