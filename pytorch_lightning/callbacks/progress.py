"""tqdm progress bars: one over the epoch's training and validation batches, one for validation.

A :class:`ProgressBarBase` in ``Trainer(callbacks=[...])`` replaces the default :class:`ProgressBar`;
``progress_bar_refresh_rate=0`` removes it.
"""
import sys
from typing import Optional

from pytorch_lightning.callbacks.base import Callback


class ProgressBarBase(Callback):
    """Base class of progress bars; counts the batches seen so custom bars only draw.

    Example:
        >>> class LitProgressBar(ProgressBarBase):
        ...     def on_batch_end(self, trainer, pl_module):
        ...         super().on_batch_end(trainer, pl_module)
        ...         print(f"{self.train_batch_idx}/{self.total_train_batches}")
    """

    def __init__(self):
        self.train_batch_idx = 0
        self.val_batch_idx = 0
        self.test_batch_idx = 0
        self._trainer = None
        self._enabled = True

    @property
    def trainer(self):
        return self._trainer

    @property
    def total_train_batches(self) -> float:
        """Training batches of the current epoch (``inf`` for a loader without length)."""
        return self._trainer.num_training_batches

    @property
    def total_val_batches(self) -> float:
        """Validation batches the current epoch runs (0 when it does not validate)."""
        return self._trainer.num_val_batches_this_epoch

    @property
    def total_test_batches(self) -> float:
        return sum(self._trainer.num_test_batches)

    def disable(self) -> None:
        self._enabled = False

    def enable(self) -> None:
        self._enabled = True

    @property
    def is_enabled(self) -> bool:
        return self._enabled

    def print(self, *args, **kwargs) -> None:
        print(*args, **kwargs)

    def on_init_end(self, trainer):
        self._trainer = trainer

    def on_epoch_start(self, trainer, pl_module):
        self._trainer = trainer
        self.train_batch_idx = 0

    def on_batch_end(self, trainer, pl_module):
        self.train_batch_idx += 1

    def on_validation_start(self, trainer, pl_module):
        self.val_batch_idx = 0

    def on_validation_batch_end(self, trainer, pl_module):
        self.val_batch_idx += 1

    def on_test_start(self, trainer, pl_module):
        self._trainer = trainer
        self.test_batch_idx = 0

    def on_test_batch_end(self, trainer, pl_module):
        self.test_batch_idx += 1


def _total(count) -> Optional[int]:
    return None if count == float("inf") else int(count)


class ProgressBar(ProgressBarBase):
    """tqdm bars redrawn every ``refresh_rate`` batches and at the last one (0 disables them).

    The main bar counts the epoch's training and validation batches, is described ``Epoch N``
    (1-based, as 0.8.5) and shows ``trainer.progress_bar_dict`` (the running loss, ``v_num`` and
    the ``progress_bar`` metrics) as its postfix. Output goes to ``sys.stdout``, terminal or not.

    Args:
        refresh_rate: batches between redraws.
        process_position: vertical offset of the bars (several trainers at once).
    """

    def __init__(self, refresh_rate: int = 1, process_position: int = 0):
        super().__init__()
        self.refresh_rate = refresh_rate
        self.process_position = process_position
        self.main_progress_bar = None
        self.val_progress_bar = None
        self.test_progress_bar = None
        self._val_batches_this_epoch = 0

    @property
    def is_enabled(self) -> bool:
        return self._enabled and self.refresh_rate > 0

    def print(self, *args, sep: str = " ", end: str = "\n", **kwargs) -> None:
        """Print without breaking the bars."""
        from tqdm.auto import tqdm

        tqdm.write(sep.join(map(str, args)), end=end, file=sys.stdout)

    def _bar(self, desc: str, total, leave: bool, position: int):
        from tqdm.auto import tqdm

        return tqdm(desc=desc, total=total, leave=leave, position=position + self.process_position,
                    dynamic_ncols=True, file=sys.stdout, disable=not self.is_enabled, smoothing=0)

    def _advance(self, bar, done: int, total) -> bool:
        """Move ``bar`` to ``done`` every ``refresh_rate`` batches and at the last one; True when drawn."""
        if bar is None or not self.is_enabled:
            return False
        if done % self.refresh_rate != 0 and done != total:
            return False
        bar.update(done - bar.n)
        return True

    # ------------------------------------------------------------------ train
    def on_epoch_start(self, trainer, pl_module):
        super().on_epoch_start(trainer, pl_module)
        self._val_batches_this_epoch = 0
        total = _total(trainer.num_training_batches + trainer.num_val_batches_this_epoch)
        if self.main_progress_bar is None:
            self.main_progress_bar = self._bar("Training", total, leave=True, position=0)
        else:
            self.main_progress_bar.reset(total=total)
        self.main_progress_bar.set_description(f"Epoch {trainer.current_epoch + 1}")

    def on_batch_end(self, trainer, pl_module):
        super().on_batch_end(trainer, pl_module)
        self._advance_main(trainer)

    def _advance_main(self, trainer) -> None:
        bar = self.main_progress_bar
        done = self.train_batch_idx + self._val_batches_this_epoch
        if self._advance(bar, done, bar.total if bar is not None else None):
            bar.set_postfix(trainer.progress_bar_dict, refresh=False)

    def on_train_end(self, trainer, pl_module):
        if self.main_progress_bar is not None:
            self.main_progress_bar.close()
            self.main_progress_bar = None

    # ------------------------------------------------------------- validation
    def on_validation_start(self, trainer, pl_module):
        super().on_validation_start(trainer, pl_module)
        desc = "Validation sanity check" if trainer.running_sanity_check else "Validating"
        total = sum(trainer.num_val_batches)
        if trainer.running_sanity_check and trainer.num_sanity_val_steps > 0:
            total = sum(min(n, trainer.num_sanity_val_steps) for n in trainer.num_val_batches)
        self.val_progress_bar = self._bar(desc, _total(total), leave=False, position=1)

    def on_validation_batch_end(self, trainer, pl_module):
        super().on_validation_batch_end(trainer, pl_module)
        bar = self.val_progress_bar
        self._advance(bar, self.val_batch_idx, bar.total if bar is not None else None)
        if not trainer.running_sanity_check:
            self._val_batches_this_epoch += 1
            self._advance_main(trainer)

    def on_validation_end(self, trainer, pl_module):
        if self.val_progress_bar is not None:
            self.val_progress_bar.close()
            self.val_progress_bar = None
        if self.main_progress_bar is not None and not trainer.running_sanity_check:
            self.main_progress_bar.set_postfix(trainer.progress_bar_dict)

    # ------------------------------------------------------------------- test
    def on_test_start(self, trainer, pl_module):
        super().on_test_start(trainer, pl_module)
        self.test_progress_bar = self._bar("Testing", _total(sum(trainer.num_test_batches)), leave=True, position=0)

    def on_test_batch_end(self, trainer, pl_module):
        super().on_test_batch_end(trainer, pl_module)
        bar = self.test_progress_bar
        self._advance(bar, self.test_batch_idx, bar.total if bar is not None else None)

    def on_test_end(self, trainer, pl_module):
        if self.test_progress_bar is not None:
            self.test_progress_bar.close()
            self.test_progress_bar = None

    def __getstate__(self):
        state = self.__dict__.copy()
        state["main_progress_bar"] = state["val_progress_bar"] = state["test_progress_bar"] = None
        state["_trainer"] = None
        return state
