"""tqdm progress bars: one over the epoch's training and validation batches, one for validation."""
import sys
from typing import Optional

from pytorch_lightning.callbacks.base import Callback


class ProgressBarBase(Callback):
    """Base class of progress bars; counts the batches seen so custom bars only draw."""

    def __init__(self):
        self.train_batch_idx = 0
        self.val_batch_idx = 0
        self.test_batch_idx = 0
        self._enabled = True

    def disable(self) -> None:
        self._enabled = False

    def enable(self) -> None:
        self._enabled = True

    @property
    def is_enabled(self) -> bool:
        return self._enabled

    def on_epoch_start(self, trainer, pl_module):
        self.train_batch_idx = 0

    def on_batch_end(self, trainer, pl_module):
        self.train_batch_idx += 1

    def on_validation_start(self, trainer, pl_module):
        self.val_batch_idx = 0

    def on_validation_batch_end(self, trainer, pl_module):
        self.val_batch_idx += 1

    def on_test_start(self, trainer, pl_module):
        self.test_batch_idx = 0

    def on_test_batch_end(self, trainer, pl_module):
        self.test_batch_idx += 1


def _total(count) -> Optional[int]:
    return None if count == float("inf") else int(count)


class ProgressBar(ProgressBarBase):
    """tqdm bars refreshed every ``refresh_rate`` batches (0 disables them).

    Args:
        refresh_rate: batches between refreshes.
        process_position: vertical offset of the bars (several trainers at once).
    """

    def __init__(self, refresh_rate: int = 1, process_position: int = 0):
        super().__init__()
        self.refresh_rate = refresh_rate
        self.process_position = process_position
        self.main_progress_bar = None
        self.val_progress_bar = None
        self.test_progress_bar = None

    @property
    def is_enabled(self) -> bool:
        return self._enabled and self.refresh_rate > 0

    def _bar(self, desc: str, total, leave: bool, position: int):
        from tqdm.auto import tqdm

        return tqdm(desc=desc, total=total, leave=leave, position=position + self.process_position,
                    dynamic_ncols=True, file=sys.stdout, disable=not self.is_enabled, smoothing=0)

    def on_epoch_start(self, trainer, pl_module):
        super().on_epoch_start(trainer, pl_module)
        total = trainer.num_training_batches + trainer.num_val_batches_this_epoch
        if self.main_progress_bar is None:
            self.main_progress_bar = self._bar("Training", _total(total), leave=True, position=0)
        else:
            self.main_progress_bar.reset(total=_total(total))
        self.main_progress_bar.set_description(f"Epoch {trainer.current_epoch + 1}")

    def on_batch_end(self, trainer, pl_module):
        super().on_batch_end(trainer, pl_module)
        if self.is_enabled and self.train_batch_idx % self.refresh_rate == 0:
            self.main_progress_bar.update(self.refresh_rate)
            self.main_progress_bar.set_postfix(trainer.progress_bar_dict, refresh=False)

    def on_validation_start(self, trainer, pl_module):
        super().on_validation_start(trainer, pl_module)
        desc = "Validation sanity check" if trainer.running_sanity_check else "Validating"
        total = sum(trainer.num_val_batches)
        if trainer.running_sanity_check and trainer.num_sanity_val_steps > 0:
            total = sum(min(n, trainer.num_sanity_val_steps) for n in trainer.num_val_batches)
        self.val_progress_bar = self._bar(desc, _total(total), leave=False, position=1)

    def on_validation_batch_end(self, trainer, pl_module):
        super().on_validation_batch_end(trainer, pl_module)
        if self.is_enabled and self.val_batch_idx % self.refresh_rate == 0:
            self.val_progress_bar.update(self.refresh_rate)
            if self.main_progress_bar is not None and not trainer.running_sanity_check:
                self.main_progress_bar.update(self.refresh_rate)

    def on_validation_end(self, trainer, pl_module):
        if self.val_progress_bar is not None:
            self.val_progress_bar.close()
            self.val_progress_bar = None
        if self.main_progress_bar is not None and not trainer.running_sanity_check:
            self.main_progress_bar.set_postfix(trainer.progress_bar_dict, refresh=False)

    def on_train_end(self, trainer, pl_module):
        if self.main_progress_bar is not None:
            self.main_progress_bar.close()
            self.main_progress_bar = None

    def on_test_start(self, trainer, pl_module):
        super().on_test_start(trainer, pl_module)
        self.test_progress_bar = self._bar("Testing", _total(sum(trainer.num_test_batches)), leave=True, position=0)

    def on_test_batch_end(self, trainer, pl_module):
        super().on_test_batch_end(trainer, pl_module)
        if self.is_enabled and self.test_batch_idx % self.refresh_rate == 0:
            self.test_progress_bar.update(self.refresh_rate)

    def on_test_end(self, trainer, pl_module):
        if self.test_progress_bar is not None:
            self.test_progress_bar.close()
            self.test_progress_bar = None

    def __getstate__(self):
        state = self.__dict__.copy()
        state["main_progress_bar"] = state["val_progress_bar"] = state["test_progress_bar"] = None
        return state
