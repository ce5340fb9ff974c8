"""The per-step hooks are bound once per epoch (``Trainer._bind_hooks``) for speed; these tests pin that
binding to the behaviour of calling every hook every step: whatever a user overrides, patches or
mocks is called, and callbacks added or removed in the middle of an epoch are seen from the next batch.
"""
from unittest import mock

import pytest
import torch

from pytorch_lightning import Callback, LightningModule, Trainer
from tests.helpers.models import TinyModel


def make_trainer(root, **kwargs):
    settings = dict(default_root_dir=str(root), max_epochs=1, logger=False, checkpoint_callback=False,
                    progress_bar_refresh_rate=0, weights_summary=None, num_sanity_val_steps=0, limit_val_batches=0)
    settings.update(kwargs)
    return Trainer(**settings)


def test_callbacks_added_or_removed_mid_epoch_are_seen_from_the_next_batch(tmp_path):
    calls = []

    class Late(Callback):
        def on_batch_end(self, trainer, pl_module):
            calls.append(("late", trainer.batch_idx))

    class Adder(Callback):
        def on_train_batch_start(self, trainer, pl_module, batch, batch_idx, dataloader_idx):
            if batch_idx == 1:
                trainer.callbacks.append(Late())

    class SelfRemoving(Callback):
        def on_batch_end(self, trainer, pl_module):
            calls.append(("self-removing", trainer.batch_idx))
            if trainer.batch_idx == 0:
                trainer.callbacks.remove(self)

    torch.manual_seed(0)
    make_trainer(tmp_path, callbacks=[Adder(), SelfRemoving()]).fit(TinyModel(n=32))  # 4 batches
    assert calls == [("self-removing", 0), ("late", 2), ("late", 3)]


@pytest.mark.parametrize("autospec", [False, True])
def test_model_hooks_mocked_on_the_base_class_are_called(tmp_path, autospec):
    torch.manual_seed(0)
    with mock.patch.object(LightningModule, "on_after_backward", autospec=autospec) as after, \
            mock.patch.object(LightningModule, "on_batch_end", autospec=autospec) as batch_end:
        make_trainer(tmp_path).fit(TinyModel(n=16))  # 2 batches
    assert after.call_count == 2 and batch_end.call_count == 2


@pytest.mark.parametrize("autospec", [False, True])
def test_callback_hooks_mocked_on_the_base_class_are_called(tmp_path, autospec):
    torch.manual_seed(0)
    with mock.patch.object(Callback, "on_train_batch_end", autospec=autospec) as batch_end, \
            mock.patch.object(Callback, "on_before_optimizer_step", autospec=autospec) as before_step:
        make_trainer(tmp_path, callbacks=[Callback()]).fit(TinyModel(n=16))
    assert batch_end.call_count == 2 and before_step.call_count == 2


def test_instance_patched_model_hooks_and_default_inlined_steps(tmp_path):
    """Hooks set on the instance before fit are called; with none, the inlined defaults train the same."""
    torch.manual_seed(0)
    plain = TinyModel(n=32)
    make_trainer(tmp_path).fit(plain)

    torch.manual_seed(0)
    patched = TinyModel(n=32)
    seen = []
    patched.on_after_backward = lambda: seen.append("after_backward")
    patched.optimizer_zero_grad = lambda epoch, batch_idx, optimizer, idx: (seen.append("zero"), optimizer.zero_grad())
    make_trainer(tmp_path).fit(patched)
    assert seen == ["after_backward", "zero"] * 4
    for a, b in zip(plain.parameters(), patched.parameters()):
        assert torch.equal(a, b)


def test_extra_keys_of_a_step_dict_reach_callback_metrics_in_order(tmp_path):
    class Extras(TinyModel):
        def training_step(self, batch, batch_idx):
            out = super().training_step(batch, batch_idx)
            loss = out["loss"]
            return {"loss": loss, "zz": loss * 2, "aa": loss * 3, "log": out["log"], "mm": 1.5}

    torch.manual_seed(0)
    trainer = make_trainer(tmp_path)
    trainer.fit(Extras(n=16))
    assert list(trainer.callback_metrics)[:4] == ["loss", "zz", "aa", "mm"]
    assert not trainer.callback_metrics["zz"].requires_grad
