"""Checkpoint contents, save_checkpoint through fsspec, atomic writes, load_from_checkpoint, bitwise resume."""
import copy
import errno
import os

import pytest
import torch
from fsspec.implementations.local import LocalFileOpener

import pytorch_lightning
from pytorch_lightning import Callback, Trainer, seed_everything
from pytorch_lightning.callbacks import EarlyStopping, ModelCheckpoint
from pytorch_lightning.utilities import cloud_io
from pytorch_lightning.utilities.exceptions import MisconfigurationException
from tests.helpers.models import HParamsDictModel, MetricSequenceModel, MomentumModel, TinyModel

QUIET = dict(progress_bar_refresh_rate=0, weights_summary=None, num_sanity_val_steps=0, logger=False)


def _trainer(tmp_path, **kwargs):
    args = dict(default_root_dir=str(tmp_path), max_epochs=1, limit_train_batches=2, limit_val_batches=1,
                checkpoint_callback=False, **QUIET)
    args.update(kwargs)
    return Trainer(**args)


def _fit(tmp_path, model=None, **kwargs):
    seed_everything(0)
    model = model if model is not None else TinyModel()
    trainer = _trainer(tmp_path, **kwargs)
    trainer.fit(model)
    return trainer, model


def _snapshot(model):
    return copy.deepcopy(model.state_dict())


def _assert_same_tensors(actual, expected):
    assert list(actual) == list(expected)
    for key in expected:
        assert torch.equal(actual[key], expected[key]), key


# -------------------------------------------------------------------- contents
def test_a_full_checkpoint_holds_everything_a_resume_needs(tmp_path):
    early_stop = EarlyStopping(patience=5)
    checkpoint_cb = ModelCheckpoint(filepath=str(tmp_path / "ckpts"))
    trainer, model = _fit(tmp_path, MomentumModel(lr=0.05, batch_size=8), max_epochs=2, limit_train_batches=3,
                          early_stop_callback=early_stop, checkpoint_callback=checkpoint_cb)
    expected_weights = _snapshot(model)
    path = tmp_path / "full.ckpt"
    trainer.save_checkpoint(str(path))
    ckpt = cloud_io.load(path)
    assert {"epoch", "global_step", "pytorch-lightning_version", "state_dict", "optimizer_states", "lr_schedulers",
            "callbacks", "rng_states", "hyper_parameters", "hparams_type"} <= set(ckpt)
    assert ckpt["epoch"] == 2  # epochs completed
    assert ckpt["global_step"] == trainer.global_step == 6  # optimizer steps taken
    assert ckpt["pytorch-lightning_version"] == pytorch_lightning.__version__
    _assert_same_tensors(ckpt["state_dict"], expected_weights)
    assert len(ckpt["optimizer_states"]) == 1
    assert all("momentum_buffer" in s for s in ckpt["optimizer_states"][0]["state"].values())
    assert ckpt["lr_schedulers"][0]["last_epoch"] == 2
    assert ckpt["lr_schedulers"][0]["_last_lr"] == [pytest.approx(0.05 * 0.25)]
    assert set(ckpt["callbacks"]) == {"ModelCheckpoint", "EarlyStopping"}
    assert ckpt["callbacks"]["EarlyStopping"]["patience"] == 5
    assert ckpt["callbacks"]["ModelCheckpoint"]["best_model_path"] == checkpoint_cb.best_model_path
    assert ckpt["hyper_parameters"] == {"lr": 0.05, "batch_size": 8}
    assert ckpt["hparams_type"] == "Namespace"


def test_a_weights_only_checkpoint(tmp_path):
    trainer, model = _fit(tmp_path)
    path = tmp_path / "weights.ckpt"
    trainer.save_checkpoint(str(path), weights_only=True)
    ckpt = cloud_io.load(path)
    assert set(ckpt) == {"epoch", "global_step", "pytorch-lightning_version", "state_dict", "hyper_parameters",
                         "hparams_type"}
    _assert_same_tensors(ckpt["state_dict"], _snapshot(model))


def test_model_checkpoint_save_weights_only(tmp_path):
    checkpoint_cb = ModelCheckpoint(filepath=str(tmp_path / "ckpts"), save_weights_only=True)
    _fit(tmp_path, checkpoint_callback=checkpoint_cb)
    assert "optimizer_states" not in cloud_io.load(checkpoint_cb.best_model_path)


def test_save_checkpoint_before_fit_is_refused(tmp_path):
    with pytest.raises(MisconfigurationException, match=r"`save_checkpoint` needs a model"):
        _trainer(tmp_path).save_checkpoint(str(tmp_path / "early.ckpt"))
    assert not os.listdir(tmp_path)


def test_the_model_hooks_see_the_checkpoint(tmp_path):
    class Hooked(TinyModel):
        def on_save_checkpoint(self, checkpoint):
            checkpoint["extra"] = {"note": "kept"}

        def on_load_checkpoint(self, checkpoint):
            self.loaded_extra = checkpoint["extra"]

    trainer, _ = _fit(tmp_path, Hooked())
    path = str(tmp_path / "hooked.ckpt")
    trainer.save_checkpoint(path)
    assert Hooked.load_from_checkpoint(path).loaded_extra == {"note": "kept"}
    resumed = Hooked()
    _fit(tmp_path, resumed, resume_from_checkpoint=path, max_epochs=2)
    assert resumed.loaded_extra == {"note": "kept"}


# ------------------------------------------------------------------- save / IO
def test_save_checkpoint_through_fsspec(root):
    trainer, model = _fit(root)
    expected = _snapshot(model)
    path = cloud_io.join(root, "sub/dir/model.ckpt")
    trainer.save_checkpoint(path)
    _assert_same_tensors(cloud_io.load(path)["state_dict"], expected)
    _assert_same_tensors(TinyModel.load_from_checkpoint(path).state_dict(), expected)
    fs = cloud_io.get_filesystem(path)
    assert [os.path.basename(p) for p in fs.ls(cloud_io.join(root, "sub/dir"), detail=False)] == ["model.ckpt"]


def test_a_save_failing_midway_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    trainer, model = _fit(tmp_path)
    path = str(tmp_path / "model.ckpt")
    trainer.save_checkpoint(path)
    before = _snapshot(model)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)
    original = LocalFileOpener.write

    def write(self, data, *args, **kwargs):
        original(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(LocalFileOpener, "write", write)
    with pytest.raises(OSError, match="No space left"):
        trainer.save_checkpoint(path)
    monkeypatch.undo()
    _assert_same_tensors(cloud_io.load(path)["state_dict"], before)
    assert os.listdir(tmp_path) == ["model.ckpt"]


def test_a_model_checkpoint_save_failing_during_fit_keeps_the_best_so_far(tmp_path, monkeypatch):
    directory = tmp_path / "ckpts"
    original = LocalFileOpener.write
    writes = []

    def write(self, data, *args, **kwargs):
        writes.append(len(data))
        if len(writes) == 2:  # the second checkpoint: epoch 1, which would replace epoch 0
            original(self, data[:100])
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, data)

    class Snapshot(Callback):
        def on_epoch_start(self, trainer, pl_module):
            self.weights = _snapshot(pl_module)  # epoch 1's start: the weights epoch 0's checkpoint holds

    snapshot = Snapshot()
    monkeypatch.setattr(LocalFileOpener, "write", write)
    with pytest.raises(OSError, match="No space left"):
        _fit(tmp_path, MetricSequenceModel([2.0, 1.0]), max_epochs=2, callbacks=[snapshot],
             checkpoint_callback=ModelCheckpoint(filepath=str(directory)))
    monkeypatch.undo()
    assert os.listdir(directory) == ["epoch=0.ckpt"]
    ckpt = cloud_io.load(directory / "epoch=0.ckpt")
    assert ckpt["epoch"] == 1
    _assert_same_tensors(ckpt["state_dict"], snapshot.weights)


# --------------------------------------------------------- load_from_checkpoint
def test_load_from_checkpoint_with_namespace_hparams(tmp_path):
    trainer, model = _fit(tmp_path, TinyModel(lr=0.05, batch_size=4))
    path = str(tmp_path / "ns.ckpt")
    trainer.save_checkpoint(path)
    loaded = TinyModel.load_from_checkpoint(path)
    assert dict(loaded.hparams) == {"lr": 0.05, "batch_size": 4}
    assert loaded._hparams_namespace
    _assert_same_tensors(loaded.state_dict(), _snapshot(model))
    overridden = TinyModel.load_from_checkpoint(path, lr=0.5)
    assert dict(overridden.hparams) == {"lr": 0.5, "batch_size": 4}


def test_load_from_checkpoint_with_dict_hparams(tmp_path):
    trainer, model = _fit(tmp_path, HParamsDictModel(lr=0.05, hidden=12))
    path = str(tmp_path / "dict.ckpt")
    trainer.save_checkpoint(path)
    assert cloud_io.load(path)["hparams_type"] == "dict"
    loaded = HParamsDictModel.load_from_checkpoint(path)
    assert dict(loaded.hparams) == {"lr": 0.05, "batch_size": 8, "hidden": 12}
    assert loaded.net[0].out_features == 12  # rebuilt with the saved hparams, so the weights fit
    _assert_same_tensors(loaded.state_dict(), _snapshot(model))
    assert dict(HParamsDictModel.load_from_checkpoint(path, batch_size=2).hparams)["batch_size"] == 2


def test_load_from_checkpoint_with_a_dict_passed_as_hparams(tmp_path):
    trainer, _ = _fit(tmp_path, TinyModel(hparams={"lr": 0.02, "batch_size": 4}))
    path = str(tmp_path / "plain.ckpt")
    trainer.save_checkpoint(path)
    loaded = TinyModel.load_from_checkpoint(path)
    assert not loaded._hparams_namespace
    assert dict(loaded.hparams) == {"lr": 0.02, "batch_size": 4}


def _truncated_copy(tmp_path):
    trainer, _ = _fit(tmp_path)
    good = tmp_path / "good.ckpt"
    trainer.save_checkpoint(str(good))
    data = good.read_bytes()
    bad = tmp_path / "truncated.ckpt"
    bad.write_bytes(data[: len(data) // 2])
    return str(bad)


def test_load_from_checkpoint_of_a_bad_file_names_the_path(tmp_path):
    with pytest.raises(RuntimeError, match=r"truncated\.ckpt.*truncated or not a checkpoint"):
        TinyModel.load_from_checkpoint(_truncated_copy(tmp_path))
    foreign = tmp_path / "state_dict.pt"
    torch.save(TinyModel().state_dict(), foreign)
    with pytest.raises(RuntimeError, match=r"state_dict\.pt.*is not a Lightning checkpoint"):
        TinyModel.load_from_checkpoint(str(foreign))
    with pytest.raises(FileNotFoundError, match="absent.ckpt"):
        TinyModel.load_from_checkpoint(str(tmp_path / "absent.ckpt"))


# ---------------------------------------------------------------------- resume
DEVICES = [
    "cpu",
    pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")),
]


def _resume_run(tmp_path, max_epochs, resume=None, callbacks=(), device="cpu"):
    seed_everything(0)
    model = MomentumModel()
    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=max_epochs, resume_from_checkpoint=resume,
                      checkpoint_callback=False, callbacks=list(callbacks), gpus=1 if device == "cuda" else None,
                      **QUIET)
    trainer.fit(model)
    return trainer, model


def _assert_same_run(trainer, model, reference_trainer, reference_model):
    _assert_same_tensors(model.state_dict(), reference_model.state_dict())
    (opt,), (ref_opt,) = trainer.optimizers, reference_trainer.optimizers
    for state, ref_state in zip(opt.state.values(), ref_opt.state.values()):
        assert torch.equal(state["momentum_buffer"], ref_state["momentum_buffer"])
    scheduler, ref_scheduler = trainer.lr_schedulers[0]["scheduler"], reference_trainer.lr_schedulers[0]["scheduler"]
    assert scheduler.state_dict() == ref_scheduler.state_dict()
    assert opt.param_groups[0]["lr"] == ref_opt.param_groups[0]["lr"]
    assert trainer.global_step == reference_trainer.global_step
    assert trainer.current_epoch == reference_trainer.current_epoch


@pytest.mark.parametrize("device", DEVICES)
def test_resume_from_a_model_checkpoint_file_is_bitwise(tmp_path, device):
    every_epoch = ModelCheckpoint(filepath=str(tmp_path / "run"), save_top_k=-1)
    reference_trainer, reference_model = _resume_run(tmp_path / "run", 4, callbacks=[every_epoch], device=device)
    assert reference_trainer.global_step == 32
    path = str(tmp_path / "run" / "epoch=1.ckpt")
    assert cloud_io.load(path)["epoch"] == 2 and cloud_io.load(path)["global_step"] == 16
    trainer, model = _resume_run(tmp_path / "resumed", 4, resume=path, device=device)
    _assert_same_run(trainer, model, reference_trainer, reference_model)


def test_resume_from_save_checkpoint_after_fit_is_bitwise(tmp_path):
    reference_trainer, reference_model = _resume_run(tmp_path / "reference", 4)
    first, first_model = _resume_run(tmp_path / "first", 2)
    path = str(tmp_path / "first" / "after_two.ckpt")
    first.save_checkpoint(path)
    assert not torch.equal(first_model.net[0].weight, reference_model.net[0].weight)
    trainer, model = _resume_run(tmp_path / "second", 4, resume=path)
    _assert_same_run(trainer, model, reference_trainer, reference_model)


def test_resume_restores_the_callback_states(tmp_path):
    first_stop = EarlyStopping(patience=10)
    first_ckpt = ModelCheckpoint(filepath=str(tmp_path / "ckpts"), save_top_k=2)
    trainer, _ = _fit(tmp_path, MetricSequenceModel([3.0, 2.0, 2.5]), max_epochs=3, early_stop_callback=first_stop,
                      checkpoint_callback=first_ckpt)
    path = str(tmp_path / "state.ckpt")
    trainer.save_checkpoint(path)

    class AtFirstEpoch(Callback):
        def on_epoch_start(self, trainer, pl_module):
            if not hasattr(self, "seen"):
                self.seen = (stop.wait_count, stop.best_score.item(), dict(ckpt.best_k_models), trainer.current_epoch)

    stop, ckpt, probe = EarlyStopping(patience=10), ModelCheckpoint(filepath=str(tmp_path / "ckpts"), save_top_k=2), \
        AtFirstEpoch()
    _fit(tmp_path, MetricSequenceModel([3.0, 2.0, 2.5, 1.0]), max_epochs=4, early_stop_callback=stop,
         checkpoint_callback=ckpt, callbacks=[probe], resume_from_checkpoint=path)
    assert probe.seen == (1, 2.0, first_ckpt.best_k_models, 3)
    # before the resume epoch 2 (2.5) replaced epoch 0 (3.0); after it, epoch 3 (1.0) replaces epoch 2
    assert sorted(os.listdir(tmp_path / "ckpts")) == ["epoch=1.ckpt", "epoch=3.ckpt"]


def test_resume_from_a_truncated_file_names_the_path(tmp_path):
    path = _truncated_copy(tmp_path)
    with pytest.raises(RuntimeError, match=r"truncated\.ckpt.*truncated or not a checkpoint"):
        _fit(tmp_path, resume_from_checkpoint=path)


def test_resume_from_a_foreign_file_names_the_path(tmp_path):
    foreign = str(tmp_path / "state_dict.pt")
    torch.save(TinyModel().state_dict(), foreign)
    with pytest.raises(MisconfigurationException,
                       match=r"`resume_from_checkpoint='.*state_dict\.pt'` is not a training checkpoint"):
        _fit(tmp_path, resume_from_checkpoint=foreign)


def test_resume_from_a_missing_file_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.ckpt"):
        _fit(tmp_path, resume_from_checkpoint=str(tmp_path / "absent.ckpt"))


def test_resume_from_a_weights_only_checkpoint_is_refused_before_loading(tmp_path):
    trainer, _ = _fit(tmp_path)
    path = str(tmp_path / "weights.ckpt")
    trainer.save_checkpoint(path, weights_only=True)
    model = TinyModel()
    before = _snapshot(model)
    with pytest.raises(MisconfigurationException, match=r"weights\.ckpt.*`save_weights_only=True`"):
        _fit(tmp_path, model, resume_from_checkpoint=path)
    _assert_same_tensors(model.state_dict(), before)  # nothing was loaded


def test_resume_with_a_different_number_of_schedulers_is_refused(tmp_path):
    trainer, _ = _fit(tmp_path)  # TinyModel: no scheduler
    path = str(tmp_path / "no_scheduler.ckpt")
    trainer.save_checkpoint(path)
    with pytest.raises(MisconfigurationException, match=r"has 0 lr scheduler states but .* returned 1 schedulers"):
        _fit(tmp_path, MomentumModel(), resume_from_checkpoint=path)


def test_resume_after_the_last_epoch_trains_no_more(tmp_path):
    trainer, model = _fit(tmp_path, max_epochs=2)
    path = str(tmp_path / "done.ckpt")
    trainer.save_checkpoint(path)
    expected = _snapshot(model)
    resumed, resumed_model = _fit(tmp_path, TinyModel(), max_epochs=2, resume_from_checkpoint=path)
    _assert_same_tensors(resumed_model.state_dict(), expected)
    assert resumed.global_step == trainer.global_step == 4


def test_resuming_into_a_new_directory_leaves_the_earlier_runs_files_alone(tmp_path):
    from pytorch_lightning.callbacks import ModelCheckpoint
    from tests.helpers.models import MetricSequenceModel

    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    trainer = _trainer(tmp_path, max_epochs=2,
                       checkpoint_callback=ModelCheckpoint(filepath=str(first_dir) + "/", save_top_k=2))
    trainer.fit(MetricSequenceModel([3.0, 2.0, 1.0, 0.5]))
    before = sorted(os.listdir(first_dir))
    assert before == ["epoch=0.ckpt", "epoch=1.ckpt"]
    second = ModelCheckpoint(filepath=str(second_dir) + "/", save_top_k=2)
    resumed = _trainer(tmp_path, max_epochs=4, checkpoint_callback=second,
                       resume_from_checkpoint=str(first_dir / "epoch=1.ckpt"))
    resumed.fit(MetricSequenceModel([3.0, 2.0, 1.0, 0.5]))
    assert sorted(os.listdir(first_dir)) == before  # not ours to delete
    assert sorted(os.listdir(second_dir)) == ["epoch=2.ckpt", "epoch=3.ckpt"]
    assert second.best_model_path == str(second_dir / "epoch=3.ckpt")
