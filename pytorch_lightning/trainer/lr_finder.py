"""Learning-rate range test (``trainer.lr_find(model)``).

The sweep runs the ordinary fit loop with one recording callback, no logger, no validation and
no user callbacks. The recorder builds the sweep scheduler on the optimizer that the loop really
steps, after ``setup`` and device placement (the root of upstream issue #2814), and records
the lr and the raw training loss of every optimizer step. Everything the sweep touches (weights,
optimizer state, trainer attributes, RNG states) is restored in ``finally``.

The suggestion is a pure function of ``(lrs, losses)``: non-finite points are dropped through an
index map, the losses are mapped onto [0, 1] (so a unit or an offset of the loss changes nothing),
the curve is smoothed with a zero-phase moving average (the same numbers as
``scipy.signal.filtfilt(np.ones(n) / n, 1, x)``), and the steepest descent (or the valley, or the
minimum) gives an index into the original arrays.
"""
import copy
import math
import sys
import warnings
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch.optim.lr_scheduler import LRScheduler

from pytorch_lightning.callbacks.base import Callback
from pytorch_lightning.callbacks.progress import ProgressBarBase
from pytorch_lightning.core.lightning import LightningModule
from pytorch_lightning.trainer.optimizers import configure_scheduler
from pytorch_lightning.utilities.apply_func import apply_to_collection
from pytorch_lightning.utilities.exceptions import MisconfigurationException
from pytorch_lightning.utilities.seed import get_rng_states, set_rng_states

MODES = ("exponential", "linear")
METHODS = ("steepest", "valley", "minimum")
SMOOTHING_BETA = 0.98
MIN_POINTS = 2
IDLE_STEPS_ALLOWED = 100  # optimizer-step windows without a step before the sweep gives up


# ----------------------------------------------------------------- schedulers
_NOTHING = object()


class _SweepLR(LRScheduler):
    """Moves every group's lr from its base to ``end_lr`` times the group's ratio to the first group,
    over ``num_iter`` steps, both endpoints included; after ``num_iter - 1`` steps it stays at the end."""

    def __init__(self, optimizer: torch.optim.Optimizer, end_lr: float, num_iter: int, last_epoch: int = -1):
        if isinstance(num_iter, bool) or not isinstance(num_iter, int) or num_iter < 2:
            raise ValueError(f"`num_iter` must be an int >= 2, got {num_iter!r}")
        if not isinstance(end_lr, (int, float)) or isinstance(end_lr, bool) or not math.isfinite(end_lr):
            raise ValueError(f"`end_lr` must be a finite number, got {end_lr!r}")
        self.end_lr = float(end_lr)
        self.num_iter = num_iter
        self.stepped_lr: Optional[float] = None
        before = vars(optimizer).get("step", _NOTHING)
        super().__init__(optimizer, last_epoch)
        # torch wraps `optimizer.step` to warn when a scheduler steps first; the loop steps the sweep
        # after the optimizer by construction, and the wrapper would cost a Python call every step.
        # Only a wrapper made just now is undone (one an earlier scheduler made is left in place).
        if vars(optimizer).get("step", _NOTHING) is not before:
            if before is _NOTHING:
                del optimizer.step
            else:
                optimizer.step = before

    def step(self, epoch: Optional[int] = None) -> None:
        """Move to the next lr: ``LRScheduler.step`` without its call-order checks (this runs every
        optimizer step of the sweep); the initial step of ``__init__`` goes through it."""
        # The first group's lr of the optimizer step just taken, as the sweep set it (a model's
        # `optimizer_step` may scale it, for a warm-up: the suggestion is in the sweep's terms).
        last = getattr(self, "_last_lr", None)
        self.stepped_lr = float(last[0]) if last else None
        if epoch is not None or self._step_count < 1:
            super().step(epoch)
            return
        self._step_count += 1
        self.last_epoch += 1
        values = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            if isinstance(group["lr"], torch.Tensor):
                group["lr"].fill_(lr)
            else:
                group["lr"] = lr
        self._last_lr = list(values)

    def _progress(self) -> float:
        return min(max(self.last_epoch, 0), self.num_iter - 1) / (self.num_iter - 1)

    def get_lr(self) -> List[float]:
        raise NotImplementedError


class _ExponentialLR(_SweepLR):
    """Geometric sweep: ``lr_i = base * (end_lr / base) ** (i / (num_iter - 1))`` (in logs when the ratio
    does not fit a float).

    Example:
        >>> opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1e-4)
        >>> sched = _ExponentialLR(opt, end_lr=1e-2, num_iter=3)
        >>> lrs = []
        >>> for _ in range(3):
        ...     lrs.append(opt.param_groups[0]["lr"]); opt.step(); sched.step()
        >>> [round(lr, 8) for lr in lrs]
        [0.0001, 0.001, 0.01]
    """

    def __init__(self, optimizer: torch.optim.Optimizer, end_lr: float, num_iter: int, last_epoch: int = -1):
        if end_lr <= 0:
            raise ValueError(f"`end_lr` must be > 0 for an exponential sweep, got {end_lr!r}")
        super().__init__(optimizer, end_lr, num_iter, last_epoch)

    def get_lr(self) -> List[float]:
        base0 = self.base_lrs[0]
        if base0 <= 0:
            raise ValueError(f"An exponential sweep needs a positive starting lr, got {base0!r}")
        ratio, r = self.end_lr / base0, self._progress()
        if sys.float_info.min <= ratio < math.inf:
            return [base * ratio ** r for base in self.base_lrs]
        # The ratio overflows or is subnormal (a range of more than ~300 decades, or a subnormal start):
        # in logs, with both ends exact.
        if r == 1:
            return [self.end_lr * (base / base0) for base in self.base_lrs]
        log_ratio = math.log(self.end_lr) - math.log(base0)
        return [base if r == 0 else math.exp(math.log(base) + r * log_ratio) for base in self.base_lrs]


class _LinearLR(_SweepLR):
    """Even sweep: ``lr_i = base + (end_lr - base) * i / (num_iter - 1)``."""

    def get_lr(self) -> List[float]:
        base0 = self.base_lrs[0]
        r = self._progress()
        if base0 == 0:
            return [base + r * (self.end_lr - base) for base in self.base_lrs]
        ratio = self.end_lr / base0
        if math.isfinite(ratio):
            return [base * (1.0 + r * (ratio - 1.0)) for base in self.base_lrs]
        first = base0 + r * (self.end_lr - base0)  # the ratio overflows (a tiny start): keep the group ratios
        return [first * (base / base0) for base in self.base_lrs]


# ------------------------------------------------------- suggestion functions
def zero_phase_moving_average(values: Sequence[float], width: int) -> np.ndarray:
    """Moving average of ``width`` run forward and then backward (no lag).

    Numerically the same as ``scipy.signal.filtfilt(np.ones(width) / width, 1, values)``: odd
    extension by ``3 * width`` points at each end, and each pass starts in the steady state of its
    first value. Needs ``len(values) > 3 * width``; ``width=1`` returns the values unchanged.
    """
    x = np.asarray(values, dtype=float)
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
        raise ValueError(f"`width` must be an int >= 1, got {width!r}")
    if width == 1:
        return x.copy()
    pad = 3 * width
    if x.size <= pad:
        raise ValueError(f"A moving average of width {width} needs more than {pad} points, got {x.size}")
    head = 2 * x[0] - x[pad:0:-1]
    tail = 2 * x[-1] - x[-2:-pad - 2:-1]
    extended = np.concatenate([head, x, tail])
    kernel = np.ones(width) / width

    def causal(signal: np.ndarray) -> np.ndarray:
        primed = np.concatenate([np.full(width - 1, signal[0]), signal])
        return np.convolve(primed, kernel, mode="valid")

    smoothed = causal(causal(extended)[::-1])[::-1]
    return smoothed[pad:-pad]


def unit_range(values: np.ndarray) -> np.ndarray:
    """``(values - min) / (max - min)``, all zeros for a constant array, without overflow.

    A positive factor and a shift of ``values`` give the same numbers up to rounding, and bit for bit
    the same when the factor is a power of two and the moved values are exact, so a suggestion does
    not depend on the loss's unit or offset, even on a curve full of ties.

    Example:
        >>> unit_range(np.array([3.0, 5.0, 4.0])).tolist()
        [0.0, 1.0, 0.5]
    """
    lo, hi = np.min(values), np.max(values)
    # Overflow is caught just below; a difference far below the span may underflow to 0, as it should.
    with np.errstate(over="ignore", under="ignore"):
        if not np.isfinite(hi - lo):  # the span overflows; halving such large numbers is exact
            values, lo, hi = values / 2, lo / 2, hi / 2
        span = hi - lo
        if not span > 0:
            return np.zeros_like(values)
        return (values - lo) / span


def default_filter_size(num_points: int) -> int:
    """About a tenth of the points, odd (the #2814 reporter averaged over a tenth of the sweep)."""
    return max(1, int(round(num_points / 10))) | 1


def fit_filter_size(width: int, num_points: int) -> int:
    """The widest moving average not above ``width`` that a curve of ``num_points`` allows."""
    return max(1, min(width, (num_points - 1) // 3))


def suggest_index(lrs: Sequence[float], losses: Sequence[float], skip_begin: int = 10, skip_end: int = 1,
                  filter_size: Optional[int] = None, method: str = "steepest",
                  log_x: bool = True) -> Tuple[Optional[int], Optional[str]]:
    """Index (into the given arrays) of the suggested lr, or ``(None, reason)``.

    Args:
        lrs: the lr of each point; ``losses``: the raw loss of each point (non-finite allowed).
        skip_begin, skip_end: points of the finite curve left out of the search at each end;
            shrunk, with a warning, when they leave no point.
        filter_size: width of the zero-phase moving average; None picks ``default_filter_size``,
            1 turns it off; shrunk to fit short curves.
        method: 'steepest' (most negative slope before the lowest smoothed loss), 'valley' (middle of
            the longest descending stretch) or 'minimum' (the lowest smoothed loss; the caller divides
            its lr by 10).
        log_x: slopes against ``log10(lr)`` (exponential sweeps) instead of ``lr``.

    Never raises on the curve itself (any length, NaN/inf anywhere, any magnitude), and gives the
    same index for ``a * losses + c`` with ``a > 0`` (see ``unit_range``).
    """
    if method not in METHODS:
        raise ValueError(f"`method` must be one of {METHODS}, got {method!r}")
    for name, value in (("skip_begin", skip_begin), ("skip_end", skip_end)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise ValueError(f"`{name}` must be an int >= 0, got {value!r}")
    if filter_size is not None and (isinstance(filter_size, bool) or not isinstance(filter_size, (int, np.integer))
                                    or filter_size < 1):
        raise ValueError(f"`filter_size` must be None or an int >= 1, got {filter_size!r}")
    lrs_arr = np.asarray(lrs, dtype=float)
    loss_arr = np.asarray(losses, dtype=float)
    if lrs_arr.shape != loss_arr.shape or lrs_arr.ndim != 1:
        raise ValueError(f"`lrs` and `losses` must be 1-d and of one length, got {lrs_arr.shape} and {loss_arr.shape}")
    keep = np.isfinite(loss_arr) & np.isfinite(lrs_arr)
    if log_x:
        keep &= lrs_arr > 0
    index_map = np.flatnonzero(keep)
    n = index_map.size
    if n < MIN_POINTS:
        return None, f"only {n} finite point(s) were recorded; at least {MIN_POINTS} are needed"
    y = unit_range(loss_arr[index_map])
    width = fit_filter_size(default_filter_size(n) if filter_size is None else int(filter_size), n)
    y = zero_phase_moving_average(y, width)
    begin, end = int(skip_begin), int(skip_end)
    if begin + end > n - 1:
        total = begin + end
        begin = begin * (n - 1) // total
        end = min(end, n - 1 - begin)
        warnings.warn(f"`skip_begin={skip_begin}` and `skip_end={skip_end}` leave no point of the {n} finite "
                      f"points; using skip_begin={begin}, skip_end={end}", UserWarning)
    stop = n - end
    if method == "minimum":
        return int(index_map[begin + int(np.argmin(y[begin:stop]))]), None
    if method == "valley":
        k = _valley(y, begin, stop)
        if k is None:
            return None, "the smoothed loss never decreases, so there is no valley"
        return int(index_map[k]), None
    x = unit_range(np.log10(lrs_arr[index_map]) if log_x else lrs_arr[index_map])
    grad = None
    if np.all(np.diff(x) > 0):
        with np.errstate(all="ignore"):  # products of tiny spacings may underflow; checked just below
            grad = np.gradient(y, x)
    if grad is None or not np.all(np.isfinite(grad)):
        grad = np.gradient(y)  # lrs not increasing, or spaced too unevenly to differentiate against
    # Only the descent that leads to the lowest loss counts: past the minimum the network has
    # diverged, and the fall back from a spike there is steep but useless.
    lowest = begin + int(np.argmin(y[begin:stop]))
    if lowest > begin:
        stop = lowest + 1
    return int(index_map[begin + int(np.argmin(grad[begin:stop]))]), None


def _valley(y: np.ndarray, begin: int, stop: int) -> Optional[int]:
    """Middle of the longest stretch of consecutive decreases of ``y`` within ``[begin, stop)``."""
    best_start, best_len, start = None, 0, None
    for i in range(begin, stop - 1):
        if y[i + 1] < y[i]:
            start = i if start is None else start
            length = i + 2 - start
            if length > best_len:
                best_start, best_len = start, length
        else:
            start = None
    if best_start is None:
        return None
    return best_start + best_len // 2


def smoothed_losses(losses: Sequence[float], beta: float = SMOOTHING_BETA) -> List[float]:
    """The EMA of the losses, bias-corrected by the number of points so far (what 0.8.x plotted)."""
    out, avg = [], 0.0
    for n, loss in enumerate(losses, start=1):
        avg = beta * avg + (1 - beta) * loss
        out.append(avg / (1 - beta ** n))
    return out


def diverged(smoothed: float, best: float, threshold: float) -> bool:
    """The divergence rule: ``smoothed - best > (threshold - 1) * |best|``.

    The smoothed loss has risen above the best so far by more than ``threshold - 1`` times the
    best's magnitude. For positive losses this is 0.8.x's ``smoothed > threshold * best``; for a
    negative best (a log-likelihood) it is a rise of more than ``(threshold - 1) * |best|`` (0.8.x's
    form would stop at once there); a best of exactly 0 stops at any rise. It never fires without a
    rise, and scaling both losses by a positive factor does not change it. Being relative to
    ``|best|``, it is strict for a best near 0: a signed loss that settles around 0 may stop on a
    small rise, so use ``early_stop_threshold=None`` for such a loss.
    """
    return smoothed - best > (threshold - 1.0) * abs(best)


# -------------------------------------------------------------------- finder
class _LRFinder:
    """Results of a learning-rate range test.

    Args:
        mode: 'exponential' or 'linear'; ``lr_min``, ``lr_max``: the sweep's range;
        num_training: the number of optimizer steps of the sweep.

    Attributes:
        results: ``{'lr': [...], 'loss': [...], 'loss_raw': [...]}``: the lr of each optimizer step,
            the EMA-smoothed loss (beta 0.98) and the raw training loss of that step.
        stop_reason: why the sweep ended ('completed', 'diverged at step k', 'non-finite loss at
            step k', 'interrupted', or the error's text).
    """

    def __init__(self, mode: str, lr_min: float, lr_max: float, num_training: int):
        if mode not in MODES:
            raise MisconfigurationException(f"`mode` must be one of {MODES}, got {mode!r}")
        self.mode = mode
        self.lr_min = lr_min
        self.lr_max = lr_max
        self.num_training = num_training
        self.results: Dict[str, List[float]] = {"lr": [], "loss": [], "loss_raw": []}
        self.stop_reason: Optional[str] = None
        self._best = math.inf
        self._avg = 0.0
        self._suggestion_reason: Optional[str] = None
        self._total_batch_idx = 0  # index of the last batch the sweep trained on (0.8.x kept it for tests)

    def _record(self, lr: float, raw: float, threshold: Optional[float]) -> Optional[str]:
        """Add a point; returns a stop reason when the sweep should end here."""
        results = self.results
        n = len(results["lr"]) + 1
        self._avg = SMOOTHING_BETA * self._avg + (1 - SMOOTHING_BETA) * raw
        smoothed = self._avg / (1 - SMOOTHING_BETA ** n)
        results["lr"].append(lr)
        results["loss_raw"].append(raw)
        results["loss"].append(smoothed)
        if not math.isfinite(raw):
            return f"non-finite loss at step {n}"
        if threshold is not None and n > 1 and diverged(smoothed, self._best, threshold):
            return f"diverged at step {n} (smoothed loss {smoothed:.4g} against a best of {self._best:.4g})"
        self._best = min(self._best, smoothed)
        if n >= self.num_training:
            return "completed"
        return None

    def _index(self, skip_begin: int, skip_end: int, filter_size: Optional[int], method: str) -> Optional[int]:
        index, reason = suggest_index(self.results["lr"], self.results["loss_raw"], skip_begin=skip_begin,
                                      skip_end=skip_end, filter_size=filter_size, method=method,
                                      log_x=self.mode == "exponential")
        self._suggestion_reason = reason
        return index

    def suggestion(self, skip_begin: int = 10, skip_end: int = 1, filter_size: Optional[int] = None,
                   method: str = "steepest") -> Optional[float]:
        """The suggested lr, taken from ``results['lr']`` (divided by 10 for ``method='minimum'``).

        Returns None, with a warning that says why, when too few finite points were recorded.

        Example:
            >>> finder = trainer.lr_find(model)  # doctest: +SKIP
            >>> model.hparams.lr = finder.suggestion()  # doctest: +SKIP
        """
        index = self._index(skip_begin, skip_end, filter_size, method)
        self._optimal_idx = index
        if index is None:
            warnings.warn(f"No lr suggestion: {self._suggestion_reason}", UserWarning)
            return None
        lr = self.results["lr"][index]
        return lr / 10.0 if method == "minimum" else lr

    def plot(self, suggest: bool = False, show: bool = False, ax=None):
        """Plot the raw loss (thin) and the smoothed loss (bold) against the lr; returns the Figure.

        Args:
            suggest: mark the suggested lr (``suggestion()``'s defaults).
            show: call ``plt.show()`` (never when ``ax`` is given).
            ax: draw on this matplotlib Axes instead of a new figure.
        """
        for name, value in (("suggest", suggest), ("show", show)):
            if not isinstance(value, bool):
                raise TypeError(f"`{name}` must be a bool, got {value!r}")
        try:
            import matplotlib.pyplot as plt
            from matplotlib.axes import Axes
        except ImportError as err:
            raise ImportError("`plot()` needs matplotlib: pip install 'pytorch-lightning[extra]'") from err
        if ax is not None and not isinstance(ax, Axes):
            raise TypeError(f"`ax` must be None or a matplotlib Axes, got {ax!r}")
        lrs = np.asarray(self.results["lr"], dtype=float)
        raw = np.asarray(self.results["loss_raw"], dtype=float)
        if ax is None:
            fig, ax = plt.subplots()
        else:
            fig = ax.figure
            show = False
        ax.plot(lrs, raw, linewidth=0.8, alpha=0.5, label="loss (raw)")
        finite = np.flatnonzero(np.isfinite(raw) & np.isfinite(lrs))
        marker_y = raw  # the suggestion sits on the smoothed curve when there is one
        if finite.size >= MIN_POINTS:
            width = fit_filter_size(default_filter_size(finite.size), finite.size)
            smoothed = zero_phase_moving_average(raw[finite], width)
            ax.plot(lrs[finite], smoothed, linewidth=2.0, label=f"loss (moving average of {width})")
            marker_y = raw.copy()
            marker_y[finite] = smoothed
            # Frame the smoothed curve and the start: a divergence spike would flatten everything else.
            low = min(float(np.min(smoothed)), float(np.min(raw[finite])))
            high = max(float(np.max(smoothed)), float(raw[finite][0]))
            if math.isfinite(high - low) and high > low:
                ax.set_ylim(low - 0.05 * (high - low), high + 0.15 * (high - low))
        if self.mode == "exponential":
            ax.set_xscale("log")
        ax.set_xlabel("Learning rate")
        ax.set_ylabel("Loss")
        if suggest:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                index = self._index(10, 1, None, "steepest")
            self._optimal_idx = index
            if index is not None:
                ax.plot(lrs[index], marker_y[index], marker="o", markersize=10, color="red", linestyle="none",
                        label=f"suggestion ({lrs[index]:.3g})")
        ax.legend()
        if show:
            plt.show()
        return fig


# ------------------------------------------------------------------- the run
class _SweepRecorder(Callback):
    """Builds the sweep scheduler on the loop's own optimizer and records each optimizer step.

    On a GPU the loss of step ``k`` is read on the host one step later (``read_lag=1``): its copy
    to pinned memory is queued on the stream, and reading it at step ``k + 1`` waits for work that
    is long done, so the sweep never stalls the stream. A stop decided at step ``k`` then comes one
    step late; that extra step's point is dropped, so the results are the same as reading at once
    (the weights are restored either way).
    """

    read_lag: Optional[int] = None  # steps between a loss and its read on the host; None: 1 on CUDA, else 0

    def __init__(self, finder: _LRFinder, threshold: Optional[float], known_keys: Sequence[str] = ()):
        self.finder = finder
        self.threshold = threshold
        self.known_keys = set(known_keys)  # state the snapshot already holds
        self.optimizer = None
        self.optimizer_state = None
        self.post_setup_state: Optional[Dict[str, torch.Tensor]] = None
        self.scheduler: Optional[_SweepLR] = None
        self._last_step = 0
        self._idle_batches = 0
        self._queue: List[Tuple[float, Any, Any, int]] = []  # (lr, loss on the host or in flight, event, batch)
        self._steps = 0

    def on_train_start(self, trainer, pl_module):
        if len(trainer.optimizers) != 1:
            raise MisconfigurationException(
                f"`lr_find` sweeps one optimizer, but `configure_optimizers` returned {len(trainer.optimizers)}")
        optimizer = trainer.optimizers[0]
        self.optimizer = optimizer
        self.optimizer_state = _cpu_copy(optimizer.state_dict())
        # Only what `setup` created (a module building its layers there, #2814) is copied here.
        self.post_setup_state = _cpu_state(pl_module, skip=self.known_keys)
        bases = [group.get("initial_lr", group["lr"]) for group in optimizer.param_groups]
        if not bases[0] > 0:
            raise MisconfigurationException(
                "`lr_find` keeps the parameter groups' lr ratios, so the first group's lr must be > 0; "
                f"got {bases[0]!r}")
        finder = self.finder
        for group, base in zip(optimizer.param_groups, bases):
            group["lr"] = group["initial_lr"] = finder.lr_min * (base / bases[0])  # the first group: min_lr exactly
        cls = _ExponentialLR if finder.mode == "exponential" else _LinearLR
        scheduler = cls(optimizer, end_lr=finder.lr_max, num_iter=finder.num_training)
        trainer.lr_schedulers = [configure_scheduler({"scheduler": scheduler, "interval": "step"})]
        self.scheduler = scheduler
        self._last_step = trainer.global_step

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx):
        if trainer.global_step == self._last_step:
            # No optimizer step in this batch: accumulating, AMP skipped it, or no loss. The sweep
            # runs over as many epochs as it takes, so give up when no step comes at all.
            self._idle_batches += 1
            if self._idle_batches > IDLE_STEPS_ALLOWED * trainer.accumulate_grad_batches:
                raise MisconfigurationException(
                    f"`lr_find` took no optimizer step in {self._idle_batches} batches in a row: `training_step` "
                    "returned None for all of them, or AMP's GradScaler skipped every step (inf/NaN gradients)")
            return
        self._idle_batches = 0
        self._last_step = trainer.global_step
        # The step's lr (the sweep scheduler notes it when the loop steps it, after the optimizer step)
        # and the mean loss of its micro-batches.
        lr, loss = self.scheduler.stepped_lr, trainer.accumulated_loss
        self._steps += 1
        lag = self.read_lag if self.read_lag is not None else int(loss is not None and loss.is_cuda)
        if lag == 0:  # read at once (on the CPU that is no sync): the queue is always empty then
            if self._record(lr, float(loss) if loss is not None else math.nan, trainer.total_batch_idx):
                trainer.should_stop = True
            return
        self._queue.append((lr, *_start_host_copy(loss), trainer.total_batch_idx))
        last = self._steps >= self.finder.num_training
        while self._queue and (len(self._queue) > lag or last):
            if self._read_oldest():
                trainer.should_stop = True
                break

    def on_train_end(self, trainer, pl_module):
        while self._queue and not self._read_oldest():  # the sweep ended on its own (an epoch limit...)
            pass

    def _read_oldest(self) -> bool:
        """Record the oldest queued point; True (and the queue dropped) when the sweep stops there."""
        lr, loss, event, batch = self._queue.pop(0)
        if event is not None:
            event.synchronize()
        # the host sync: on a GPU, one step late
        return self._record(lr, float(loss) if loss is not None else math.nan, batch)

    def _record(self, lr: float, raw: float, batch: int) -> bool:
        """Record a point; True (and the queue dropped) when the sweep stops there."""
        self.finder._total_batch_idx = batch
        reason = self.finder._record(lr, raw, self.threshold)
        if reason is None:
            return False
        self.finder.stop_reason = reason
        self._queue.clear()
        return True


def _start_host_copy(loss: Optional[torch.Tensor]) -> Tuple[Any, Any]:
    """``(value, event)`` for a loss read some steps later: a copy on its way to the host."""
    if loss is None:
        return None, None
    if not loss.is_cuda:
        return loss.detach().clone(), None
    host = torch.empty(loss.shape, dtype=loss.dtype, pin_memory=True)
    host.copy_(loss.detach(), non_blocking=True)
    event = torch.cuda.Event()
    event.record()
    return host, event



class _SweepProgressBar(ProgressBarBase):
    """One tqdm bar over the sweep's optimizer steps."""

    def __init__(self, num_training: int):
        super().__init__()
        self.num_training = num_training
        self.bar = None
        self._last = 0

    def on_train_start(self, trainer, pl_module):
        from tqdm.auto import tqdm

        self.bar = tqdm(total=self.num_training, desc="Finding best initial lr", file=sys.stdout, leave=False)
        self._last = trainer.global_step

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx, dataloader_idx):
        if self.bar is not None and trainer.global_step > self._last:
            self.bar.update(trainer.global_step - self._last)
            self._last = trainer.global_step

    def on_train_end(self, trainer, pl_module):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _cpu_copy(obj: Any) -> Any:
    """A deep copy of ``obj`` with every tensor in CPU memory."""
    return copy.deepcopy(apply_to_collection(obj, torch.Tensor, lambda t: t.detach().cpu()))


def _cpu_state(model: torch.nn.Module, skip: Sequence[str] = ()) -> Dict[str, torch.Tensor]:
    """A copy of the model's state (but the ``skip`` keys) in CPU memory, never a second copy on the GPU."""
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items() if k not in skip}


class _Snapshot:
    """Everything ``lr_find`` may change, taken before and put back in place after."""

    def __init__(self, trainer, model: torch.nn.Module):
        self.trainer_attrs = dict(trainer.__dict__)
        self.containers = {k: (v, copy.copy(v)) for k, v in trainer.__dict__.items() if isinstance(v, (list, dict))}
        self.model_state = _cpu_state(model)
        self.model_modes = [(m, m.training) for m in model.modules()]
        self.model_device = model.device
        self.model_trainer = model.trainer
        if trainer.device.type == "cuda":
            # The sweep initialises CUDA; do it first (applying any pending seed) so that the CUDA
            # generators are in the snapshot too, or dropout on the GPU would leave them advanced.
            torch.cuda.init()
        self.rng = get_rng_states()

    def restore(self, trainer, model: torch.nn.Module, recorder: _SweepRecorder) -> None:
        state = dict(recorder.post_setup_state or {})
        state.update(self.model_state)
        model.to(self.model_device)
        result = model.load_state_dict(state, strict=False)
        if result.missing_keys:
            warnings.warn(f"`lr_find` could not restore {result.missing_keys}: they appeared during the sweep",
                          UserWarning)
        for module, mode in self.model_modes:
            module.training = mode
        model.trainer = self.model_trainer
        model.zero_grad(set_to_none=True)
        if recorder.optimizer is not None:
            recorder.optimizer.load_state_dict(recorder.optimizer_state)
        trainer.__dict__.clear()
        trainer.__dict__.update(self.trainer_attrs)
        for key, (container, contents) in self.containers.items():
            if isinstance(container, list):
                container[:] = contents
            else:
                container.clear()
                container.update(contents)
        set_rng_states(self.rng)


def _check_args(model, min_lr, max_lr, num_training, mode, early_stop_threshold, num_accumulation_steps,
                update_attr) -> None:
    if not isinstance(model, LightningModule):
        raise MisconfigurationException(f"`model` must be a LightningModule, got {type(model).__name__}")
    if mode not in MODES:
        raise MisconfigurationException(f"`mode` must be one of {MODES}, got {mode!r}")
    for name, value in (("min_lr", min_lr), ("max_lr", max_lr)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise MisconfigurationException(f"`{name}` must be a finite number, got {value!r}")
    if mode == "exponential" and min_lr <= 0:
        raise MisconfigurationException(f"`min_lr` must be > 0 in exponential mode, got {min_lr!r}")
    if min_lr >= max_lr:
        raise MisconfigurationException(f"`min_lr` must be below `max_lr`, got min_lr={min_lr!r}, max_lr={max_lr!r}")
    if isinstance(num_training, bool) or not isinstance(num_training, int) or num_training < 2:
        raise MisconfigurationException(f"`num_training` must be an int >= 2, got {num_training!r}")
    if early_stop_threshold is not None and (isinstance(early_stop_threshold, bool)
                                             or not isinstance(early_stop_threshold, (int, float))
                                             or not early_stop_threshold > 1):
        raise MisconfigurationException(
            f"`early_stop_threshold` must be None or a number > 1, got {early_stop_threshold!r}")
    if num_accumulation_steps is not None and (isinstance(num_accumulation_steps, bool)
                                               or not isinstance(num_accumulation_steps, int)
                                               or num_accumulation_steps < 1):
        raise MisconfigurationException(
            f"`num_accumulation_steps` must be None or an int >= 1, got {num_accumulation_steps!r}")
    if not isinstance(update_attr, bool):
        raise MisconfigurationException(f"`update_attr` must be a bool, got {update_attr!r}")


def lr_find(trainer, model, train_dataloader=None, val_dataloaders=None, min_lr: float = 1e-8, max_lr: float = 1,
            num_training: int = 100, mode: str = "exponential", early_stop_threshold: Optional[float] = 4.0,
            num_accumulation_steps: Optional[int] = None, update_attr: bool = False) -> _LRFinder:
    """Run a learning-rate range test of ``num_training`` optimizer steps and return an ``_LRFinder``.

    The sweep trains exactly what ``fit`` would train (the same ``setup``, optimizer, data,
    accumulation, precision and clipping), then restores the model, the optimizer, the trainer
    and the RNG states, so a ``fit`` afterwards is the same as a ``fit`` without it.

    Args:
        min_lr, max_lr: the first and last lr of the sweep (of the first parameter group).
        num_training: optimizer steps, continuing over epochs as needed.
        mode: 'exponential' (geometric spacing) or 'linear'.
        early_stop_threshold: stop when the smoothed loss exceeds this times the best (None: never).
        num_accumulation_steps: deprecated; set ``Trainer(accumulate_grad_batches=...)`` instead.
        update_attr: write the suggestion to the model's lr field (as ``auto_lr_find`` does).

    Example:
        >>> finder = trainer.lr_find(model, min_lr=1e-5, max_lr=1.0)  # doctest: +SKIP
        >>> fig = finder.plot(suggest=True)  # doctest: +SKIP
        >>> new_lr = finder.suggestion()  # doctest: +SKIP
    """
    _check_args(model, min_lr, max_lr, num_training, mode, early_stop_threshold, num_accumulation_steps, update_attr)
    target = _find_lr_field(model, trainer.auto_lr_find) if update_attr else None
    finder = _LRFinder(mode, float(min_lr), float(max_lr), num_training)
    snapshot = _Snapshot(trainer, model)
    recorder = _SweepRecorder(finder, early_stop_threshold, known_keys=snapshot.model_state)
    interrupted = False
    try:
        callbacks: List[Callback] = [recorder]
        if trainer.progress_bar_refresh_rate:
            callbacks.append(_SweepProgressBar(num_training))
        trainer.callbacks = callbacks
        trainer.logger = None
        trainer.auto_lr_find = False
        trainer.max_epochs, trainer.min_epochs = sys.maxsize, 0
        trainer.max_steps = trainer.min_steps = None
        trainer.num_sanity_val_steps = 0
        trainer.limit_val_batches = 0
        trainer.weights_summary = None
        trainer.terminate_on_nan = False
        if num_accumulation_steps is not None:
            warnings.warn("`num_accumulation_steps` is deprecated; set `Trainer(accumulate_grad_batches=...)`",
                          DeprecationWarning)
            trainer.accumulation_schedule = {0: num_accumulation_steps}
        trainer.fit(model, train_dataloader=train_dataloader, val_dataloaders=val_dataloaders)
        interrupted = trainer.interrupted
    except BaseException as err:
        finder.stop_reason = f"{type(err).__name__}: {err}"
        raise
    finally:
        snapshot.restore(trainer, model, recorder)
    if interrupted:
        finder.stop_reason = "interrupted"
        raise KeyboardInterrupt("lr_find was interrupted; the model and trainer were restored")
    if target is not None:
        _write_suggestion(finder, target)
    return finder


# --------------------------------------------------------------- auto_lr_find
_LR_FIELDS = ("lr", "learning_rate")


def _find_lr_field(model, name: Any) -> Tuple[Any, str, str]:
    """``(container, key, dotted name)`` of the field the suggestion goes to.

    A name (``auto_lr_find='my_lr'`` or ``'hparams.my_lr'``) is looked up on the model, then in
    ``model.hparams``; ``True`` tries ``lr`` and ``learning_rate`` on the model, then in its hparams.
    """
    if isinstance(name, str):
        for root, prefix in ((model, "model"), (model.hparams, "model.hparams")):
            found = _resolve(root, name)
            if found is not None:
                return found[0], found[1], f"{prefix}.{name}"
        raise MisconfigurationException(
            f"`auto_lr_find={name!r}`, but there is no field {name!r} to write the lr to (looked in the model and "
            "in model.hparams)")
    for root, prefix in ((model, "model"), (model.hparams, "model.hparams")):
        for field in _LR_FIELDS:
            if _has_field(root, field):
                return root, field, f"{prefix}.{field}"
    tried = [f"model.{f}" for f in _LR_FIELDS] + [f"model.hparams.{f}" for f in _LR_FIELDS]
    raise MisconfigurationException(
        f"`auto_lr_find=True` expects that the model either has one of these fields (tried {', '.join(tried)}); "
        "add one, or name yours with `auto_lr_find='my_lr_field'`")


def _resolve(root: Any, dotted: str) -> Optional[Tuple[Any, str]]:
    """The container and key that ``dotted`` names under ``root``, or None."""
    container, parts = root, dotted.split(".")
    for part in parts[:-1]:
        container = container.get(part) if isinstance(container, dict) else getattr(container, part, None)
        if container is None:
            return None
    return (container, parts[-1]) if _has_field(container, parts[-1]) else None


def _has_field(container: Any, key: str) -> bool:
    return key in container if isinstance(container, dict) else hasattr(container, key)


def _write_suggestion(finder: _LRFinder, target: Tuple[Any, str, str]) -> None:
    lr = finder.suggestion()
    container, key, name = target
    if lr is None or not math.isfinite(lr):
        warnings.warn(f"`lr_find` gave no suggestion; keeping {name} as it is", UserWarning)
        return
    if isinstance(container, dict):
        container[key] = lr
    else:
        setattr(container, key, lr)


def run_auto_lr_find(trainer, model, train_dataloader=None, val_dataloaders=None, **kwargs) -> _LRFinder:
    """What ``Trainer(auto_lr_find=...)`` runs inside ``fit``: a sweep, then the suggestion written back."""
    return lr_find(trainer, model, train_dataloader=train_dataloader, val_dataloaders=val_dataloaders,
                   update_attr=True, **kwargs)
