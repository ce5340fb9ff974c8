"""Properties of the suggestion and of the divergence rule, on curves hypothesis makes up.

Every test runs with ``derandomize=True`` (the examples are a function of the test's source, so CI
sees the same ones every time) and no example database.

Invariance under ``loss -> a * loss + c`` (``a > 0``), and why it is checked in two ways:

- **Exactly**, on any curve, ties included: the losses are integers, ``c`` an integer and ``a`` a
  power of two, so ``a * loss + c`` is computed without rounding. The suggestion normalises the
  finite losses to ``(loss - min) / (max - min)``, which then gives bit-for-bit the same numbers,
  so the index must be *identical*, even on a constant curve or one full of exact ties.
- **For any factor and shift** (``a = 3.7``, ``c = -1234.5``...) rounding moves the normalised
  losses by a few ulps, which may flip an exact tie, so there the curves are built with a margin:
  a smooth fall (tanh) and rise (a bowl) whose criterion has a unique optimum with a gap far above
  rounding. The index must again be identical.

Never raising is checked under ``np.errstate(over=, divide=, invalid="raise")``: no overflow, no
division by zero and no NaN from an invalid operation anywhere (underflow to 0 is allowed).

The divergence rule (``diverged``): ``smoothed - best > (threshold - 1) * |best|``. It is 0.8.x's
``smoothed > threshold * best`` for positive losses, a rise of ``(threshold - 1) * |best|`` for a
negative best, any rise for a best of exactly 0; it never fires without a rise, is invariant to a
positive factor (not to a shift: it is relative), and a constant or non-increasing loss of any sign
and size never diverges.

The sweep schedules: any finite range, 300 decades or a subnormal start included, gives finite lrs
that start exactly at ``min_lr`` and end at ``max_lr``.
"""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from pytorch_lightning import Trainer
from pytorch_lightning.trainer.lr_finder import (
    METHODS,
    MIN_POINTS,
    SMOOTHING_BETA,
    _ExponentialLR,
    _LinearLR,
    _LRFinder,
    diverged,
    suggest_index,
)
from tests.helpers.models import TinyModel

DETERMINISTIC = settings(derandomize=True, deadline=None, database=None, max_examples=150,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SPECIAL = [0.0, -0.0, 1.0, -1.0, 1e308, -1e308, 1.7976931348623157e308, 1e-308, 5e-324, -5e-324, 1e-320,
           math.nan, math.inf, -math.inf]


def quiet_suggest(lrs, losses, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # skips that do not fit shrink with a warning
        return suggest_index(lrs, losses, **kwargs)


# ---------------------------------------------------------------- curves
@st.composite
def curves(draw, max_points=10_000):
    """``(lrs, losses)``: of 1 to ``max_points`` points, of every shape and scale, non-finite anywhere."""
    n = draw(st.integers(1, max_points) if draw(st.booleans()) else st.integers(1, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    kind = draw(st.sampled_from(["constant", "rising", "falling", "noise", "bowl", "steps", "elements"]))
    if kind == "elements" and n <= 200:
        losses = np.array(draw(st.lists(st.one_of(st.floats(), st.sampled_from(SPECIAL)), min_size=n, max_size=n)),
                          dtype=float)
    else:
        t = np.linspace(0.0, 1.0, n)
        shapes = {
            "constant": np.full(n, 1.0),
            "rising": t,
            "falling": -t,
            "noise": rng.standard_normal(n),
            "bowl": (t - rng.uniform()) ** 2,
            "steps": np.floor(t * rng.integers(1, 6)),
            "elements": rng.standard_normal(n).cumsum(),
        }
        scale = draw(st.sampled_from([1.0, 1e-300, 1e-320, 1e300, 1.7e308, 1e-3, 1e6]))
        offset = draw(st.sampled_from([0.0, -5.0, 3.0, -1e308, 1e300]))
        with np.errstate(all="ignore"):
            losses = shapes[kind] * scale + offset
    bad = draw(st.sampled_from([0.0, 0.0, 0.05, 0.5, 0.99, 1.0]))
    if bad:
        holes = rng.uniform(size=n) < bad
        losses[holes] = rng.choice([math.nan, math.inf, -math.inf], size=int(holes.sum()))
    lr_kind = draw(st.sampled_from(["geometric", "geometric", "linear", "shuffled", "elements"]))
    if lr_kind == "geometric":
        lrs = np.geomspace(draw(st.sampled_from([1e-8, 1e-300, 1.0])), draw(st.sampled_from([1.0, 10.0, 1e300])), n)
    elif lr_kind == "linear":
        lrs = np.linspace(0.0, draw(st.sampled_from([1.0, 1e-300, 1e300])), n)
    elif lr_kind == "shuffled":
        lrs = rng.permutation(np.geomspace(1e-6, 1.0, n))
    else:
        lrs = np.array(draw(st.lists(st.one_of(st.floats(), st.sampled_from(SPECIAL)), min_size=min(n, 50),
                                     max_size=min(n, 50))), dtype=float)
        lrs = np.resize(lrs, n)
    return lrs, losses


search_settings = st.fixed_dictionaries({
    "skip_begin": st.integers(0, 20),
    "skip_end": st.integers(0, 5),
    "filter_size": st.one_of(st.none(), st.integers(1, 60)),
    "method": st.sampled_from(METHODS),
    "log_x": st.booleans(),
})


def usable(lrs, losses, log_x):
    keep = np.isfinite(losses) & np.isfinite(lrs)
    return keep & (lrs > 0) if log_x else keep


# --------------------------------------------------- never raises, a valid index
@settings(DETERMINISTIC, max_examples=400)
@given(curve=curves(), kwargs=search_settings)
def test_any_curve_gives_none_or_an_index_at_a_finite_point(curve, kwargs):
    lrs, losses = curve
    size = "1" if lrs.size == 1 else "2-40" if lrs.size <= 40 else "41-1000" if lrs.size <= 1000 else ">1000"
    finite = np.isfinite(losses)
    event(f"points: {size}")  # shown by --hypothesis-show-statistics
    event(f"finite losses: {'none' if not finite.any() else 'all' if finite.all() else 'some'}")
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is harmless
        index, reason = quiet_suggest(lrs, losses, **kwargs)
    ok = usable(lrs, losses, kwargs["log_x"])
    if index is None:
        assert isinstance(reason, str) and reason
        assert ok.sum() < MIN_POINTS or kwargs["method"] == "valley"
    else:
        assert reason is None
        assert type(index) is int and 0 <= index < lrs.size
        assert ok[index]


@settings(DETERMINISTIC, max_examples=60)
@given(curve=curves(max_points=2000), method=st.sampled_from(METHODS),
       mode=st.sampled_from(["exponential", "linear"]))
def test_the_suggestion_is_an_lr_of_the_results_at_a_finite_point(curve, method, mode):
    lrs, losses = curve
    finder = _LRFinder(mode, 1e-8, 1.0, max(lrs.size, 2))
    finder.results = {"lr": lrs.tolist(), "loss": losses.tolist(), "loss_raw": losses.tolist()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lr = finder.suggestion(method=method)
    index = finder._optimal_idx
    if lr is None:
        assert index is None
        return
    assert math.isfinite(finder.results["loss_raw"][index])
    taken = finder.results["lr"][index]
    assert lr == (taken / 10.0 if method == "minimum" else taken)
    assert math.isfinite(lr) and (mode == "linear" or lr > 0)


@pytest.mark.parametrize("losses", [
    [1e300, -1e300, 5e299, 1e300] * 10,
    [5e-324, 1e-320, 0.0] * 10,
    [math.nan] * 30,
    [1.0],
    [math.inf, 1.0, -math.inf, 2.0, math.nan, 3.0] * 5,
])
@pytest.mark.parametrize("mode", ["exponential", "linear"])
def test_hostile_curves_plot_without_a_warning_from_the_finder(losses, mode):
    """Up to 1e300: matplotlib itself cannot lay out an axis that spans the whole float range."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    lrs = np.geomspace(1e-6, 1.0, len(losses)) if mode == "exponential" else np.linspace(0.0, 1.0, len(losses))
    finder = _LRFinder(mode, 1e-8, 1.0, max(len(losses), 2))
    finder.results = {"lr": lrs.tolist(), "loss": list(losses), "loss_raw": list(losses)}
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig = finder.plot(suggest=True)
            fig.canvas.draw()
        assert isinstance(fig, Figure)
        assert [w for w in caught if w.filename.endswith("lr_finder.py")] == []
        finite = np.isfinite(losses)
        if finite.sum() >= MIN_POINTS:
            assert np.all(np.isfinite(fig.axes[0].lines[1].get_ydata()))  # the smoothed line
    finally:
        plt.close("all")


@pytest.mark.parametrize("losses", [
    [math.nan] * 10_000,
    [math.inf] * 7,
    [1.0],
    [5e-324, 5e-324],
    [1.7976931348623157e308, -1.7976931348623157e308, 1.7976931348623157e308],
    [-1e308, 1e308] * 50,
    [0.0, -0.0] * 20,
])
@pytest.mark.parametrize("method", METHODS)
def test_hostile_curves_by_hand(losses, method):
    lrs = np.geomspace(1e-8, 1.0, len(losses))
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        index, reason = quiet_suggest(lrs, losses, method=method)
    finite = np.isfinite(losses)
    assert (index is None) == (finite.sum() < MIN_POINTS or reason is not None)
    if index is not None:
        assert finite[index]


# ------------------------------------------------------------- invariance
@st.composite
def integer_curves(draw):
    """Integer losses (ties and plateaus likely), some non-finite; geometric lrs."""
    n = draw(st.integers(2, 400))
    bound = draw(st.sampled_from([1, 3, 10, 1000, 2 ** 20]))  # small bounds: many exact ties
    values = draw(st.lists(st.integers(-bound, bound), min_size=n, max_size=n))
    losses = np.array(values, dtype=float)
    holes = draw(st.lists(st.integers(0, n - 1), max_size=n // 4))
    losses[holes] = [(math.nan, math.inf, -math.inf)[i % 3] for i in range(len(holes))]
    return np.geomspace(1e-7, 10.0, n), losses


@DETERMINISTIC
@given(curve=integer_curves(), shift=st.integers(-2 ** 30, 2 ** 30) | st.integers(-1000, 1000),
       power=st.integers(-990, 990) | st.integers(-60, 60),
       kwargs=search_settings)
def test_exact_shift_and_scale_give_the_same_index(curve, shift, power, kwargs):
    lrs, losses = curve
    factor = 2.0 ** power
    moved = (losses + shift) * factor  # exact: |losses + shift| < 2 ** 31, far from over- and underflow
    with np.errstate(invalid="ignore"):
        assert np.array_equal((moved / factor - shift)[np.isfinite(losses)], losses[np.isfinite(losses)])
    assert quiet_suggest(lrs, moved, **kwargs) == quiet_suggest(lrs, losses, **kwargs)


@pytest.mark.parametrize("losses, shift, power, method, filter_size", [
    # Curves with exact ties. Before the losses were mapped with (loss - min) / (max - min), dividing by
    # max |loss| rounded the moved curve differently and the first, second and last went another way.
    ([-3, 1, 0, -3, 4, 2], 268, 44, "steepest", 1),
    ([4, -5, 3, 1, -1, 3, 3, -1, 1, 2, 1, -1, 4, 3, -5, 0], 669, -42, "minimum", None),
    ([2, 2, 1, 1, 0, 0, 1, 1, 2, 2], 3, 0, "valley", 1),
    ([7] * 30, -1000, 300, "steepest", None),
])
def test_ties_go_the_same_way_after_a_shift_and_a_scale(losses, shift, power, method, filter_size):
    lrs = np.geomspace(1e-7, 10.0, len(losses))
    losses = np.array(losses, dtype=float)
    kwargs = dict(method=method, filter_size=filter_size, skip_begin=0, skip_end=0)
    assert quiet_suggest(lrs, (losses + shift) * 2.0 ** power, **kwargs) == quiet_suggest(lrs, losses, **kwargs)


def margin_curve(n, fall_at, rise_at, width, rise, noise_seed):
    """A tanh fall centred on grid point ``fall_at`` and a quadratic rise from ``rise_at + 0.3``, with tiny
    deterministic wiggles: its steepest point, valley and minimum are unique with a wide margin."""
    x = np.linspace(0.0, 1.0, n)
    step = x[1] - x[0]
    fall = -np.tanh((x - x[fall_at]) / width)
    bowl = rise * np.clip(x - (x[rise_at] + 0.3 * step), 0.0, None) ** 2 / step ** 2 * 1e-3
    wiggle = 1e-6 * np.sin(np.arange(n) * (1.0 + noise_seed))
    return fall + bowl + wiggle


@DETERMINISTIC
@given(n=st.integers(40, 600), data=st.data(), width=st.floats(0.03, 0.2), rise=st.floats(0.5, 5.0),
       noise_seed=st.integers(0, 100), factor=st.floats(1e-6, 1e6), shift=st.floats(-1e3, 1e3),
       method=st.sampled_from(METHODS), filter_size=st.sampled_from([None, 1, 3]))
def test_any_positive_factor_and_shift_give_the_same_index_on_curves_with_a_margin(
        n, data, width, rise, noise_seed, factor, shift, method, filter_size):
    fall_at = data.draw(st.integers(n // 4, n // 2))
    rise_at = data.draw(st.integers(fall_at + n // 8, n - n // 8))
    lrs = np.geomspace(1e-6, 1.0, n)
    losses = margin_curve(n, fall_at, rise_at, width, rise, noise_seed)
    moved = losses * factor + shift * factor  # a shift in proportion to the curve: the same relative precision
    kwargs = dict(method=method, filter_size=filter_size, skip_begin=5)
    expected = quiet_suggest(lrs, losses, **kwargs)
    assert expected[0] is not None
    assert quiet_suggest(lrs, moved, **kwargs) == expected


# ------------------------------------------------------- the divergence rule
THRESHOLD = st.floats(1.0, 100.0, exclude_min=True)
FINITE = st.floats(-1e300, 1e300, allow_nan=False)


@DETERMINISTIC
@given(smoothed=st.floats(1e-300, 1e300), best=st.floats(1e-300, 1e300), threshold=THRESHOLD)
def test_positive_losses_follow_the_08x_rule(smoothed, best, threshold):
    limit = threshold * best
    assume(abs(smoothed - limit) > 1e-9 * max(smoothed, limit))  # rounding decides exact ties
    assert diverged(smoothed, best, threshold) == (smoothed > limit)


@DETERMINISTIC
@given(smoothed=FINITE, best=FINITE, threshold=THRESHOLD, power=st.integers(-20, 20))
def test_the_rule_is_invariant_to_a_positive_power_of_two_factor(smoothed, best, threshold, power):
    factor = 2.0 ** power
    assert diverged(smoothed * factor, best * factor, threshold) == diverged(smoothed, best, threshold)


@DETERMINISTIC
@given(smoothed=FINITE, best=FINITE, threshold=THRESHOLD)
def test_no_rise_never_diverges_and_the_rule_is_monotone(smoothed, best, threshold):
    assert not diverged(min(smoothed, best), best, threshold)
    if diverged(smoothed, best, threshold):
        assert diverged(smoothed + abs(smoothed) + 1.0, best, threshold)


@DETERMINISTIC
@given(best=st.floats(-1e300, -1e-300), threshold=THRESHOLD, rise=st.floats(0.0, 10.0))
def test_negative_losses_diverge_after_a_rise_of_threshold_minus_one_times_the_magnitude(best, threshold, rise):
    """A negative best (a log-likelihood): a rise of ``rise * |best|`` diverges when ``rise > threshold - 1``."""
    assume(abs(rise - (threshold - 1.0)) > 1e-6 * threshold)
    assert diverged(best + rise * abs(best), best, threshold) == (rise > threshold - 1.0)


@pytest.mark.parametrize("smoothed, best, expected", [
    (0.0, 0.0, False), (5e-324, 0.0, True), (-5e-324, 0.0, False),       # a best of exactly 0: any rise
    (3.9e-300, 1e-300, False), (4.1e-300, 1e-300, True),                 # near zero, positive: 4x
    (1e-300, -1e-300, False), (3.1e-300, -1e-300, True),                 # near zero, negative: a rise of 3|best|
    (2e-323, 5e-324, False), (2.5e-323, 5e-324, True),                   # the smallest subnormals
])
def test_near_zero_best(smoothed, best, expected):
    assert diverged(smoothed, best, 4.0) is expected


def sweep(raw_losses, threshold=4.0):
    """Feed raw losses to a finder as the sweep does; the stop reason and the points taken."""
    finder = _LRFinder("exponential", 1e-8, 1.0, len(raw_losses))
    for i, raw in enumerate(raw_losses):
        reason = finder._record(1e-8 * 10 ** (i / 10), float(raw), threshold)
        if reason is not None:
            return reason, i + 1
    return None, len(raw_losses)


@DETERMINISTIC
@given(value=st.one_of(FINITE, st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 1e-310, -1e300, 1e300])),
       n=st.integers(2, 300))
def test_a_constant_loss_of_any_sign_and_size_never_diverges(value, n):
    assert sweep([value] * n) == ("completed", n)


@DETERMINISTIC
@given(values=st.lists(st.floats(-1e300, 1e300), min_size=2, max_size=300))
def test_a_non_increasing_loss_never_diverges(values):
    values = sorted(values, reverse=True)
    assert sweep(values) == ("completed", len(values))


@DETERMINISTIC
@given(start=st.floats(-1e3, 1e3).filter(lambda v: abs(v) > 1e-3), n=st.integers(2, 50),
       power=st.integers(-900, 900))
def test_a_jump_diverges_at_the_same_step_for_any_sign_and_power_of_two_scale(start, n, power):
    """A flat curve at ``start``, then a jump of ``1e4 * |start|``: the sweep stops at the jump (the EMA gives
    the newest point a weight of at least 2%), and at the same step after scaling every loss by ``2 ** power``."""
    jump = abs(start) * 1e4 + start
    losses = [start] * n + [jump] * 5
    reason, step = sweep(losses)
    assert reason.startswith(f"diverged at step {n + 1} ") and step == n + 1
    scaled_reason, scaled_step = sweep([v * 2.0 ** power for v in losses])
    assert scaled_reason.startswith(f"diverged at step {n + 1} ") and scaled_step == step


def test_the_smoothed_loss_is_what_the_rule_sees():
    """One step's spike is damped by the EMA (beta 0.98): it stops the sweep only when it is large."""
    # After 20 points the newest has a weight of 0.02 / (1 - 0.98 ** 21) = 5.8%: 1 + 29 * 0.058 < 4 < 1 + 99 * 0.058.
    assert sweep([1.0] * 20 + [30.0] + [1.0] * 20)[0] == "completed"
    assert sweep([1.0] * 20 + [100.0] + [1.0] * 20)[0].startswith("diverged at step 21")
    assert SMOOTHING_BETA == 0.98


# ------------------------------------------------------------ sweep schedules
def run_sweep(cls, bases, end_lr, num_iter):
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in bases]
    optimizer = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, bases)])
    scheduler = cls(optimizer, end_lr=end_lr, num_iter=num_iter)
    seen = []
    for _ in range(num_iter + 2):  # two steps past the end: it stays there
        seen.append([group["lr"] for group in optimizer.param_groups])
        optimizer.step()
        scheduler.step()
    return np.array(seen)


POSITIVE = st.floats(5e-324, 1.7e308)


@DETERMINISTIC
@given(base=POSITIVE, end=POSITIVE, num_iter=st.integers(2, 300))
def test_an_exponential_sweep_over_any_range_is_finite_and_hits_both_ends(base, end, num_iter):
    lrs = run_sweep(_ExponentialLR, [base, base / 8], end, num_iter)
    first = lrs[:, 0]
    assert np.all(np.isfinite(lrs)) and np.all(lrs[:, 0] > 0)
    assert first[0] == base
    np.testing.assert_allclose(first[num_iter - 1:], end, rtol=1e-12)
    steps = np.diff(first[:num_iter]) * np.sign(end - base)
    assert np.all(steps >= -1e-12 * np.maximum(first[1:num_iter], first[:num_iter - 1]))  # monotone
    normal = lrs[:, 1] > 1e-300  # the second group, an eighth of the first, while it is not subnormal
    np.testing.assert_allclose(lrs[normal, 1], lrs[normal, 0] / 8, rtol=1e-12)


@DETERMINISTIC
@given(base=st.floats(0.0, 1e308) | st.sampled_from([0.0, 5e-324, 1e-300]), span=st.floats(1e-300, 1.7e308),
       num_iter=st.integers(2, 300))
def test_a_linear_sweep_over_any_range_is_finite_and_evenly_spaced(base, span, num_iter):
    end = min(base + span, 1.7e308)
    assume(end > base)
    lrs = run_sweep(_LinearLR, [base], end, num_iter)[:, 0]
    assert np.all(np.isfinite(lrs))
    assert lrs[0] == base
    np.testing.assert_allclose(lrs[num_iter - 1:], end, rtol=1e-12)
    np.testing.assert_allclose(np.diff(lrs[:num_iter]), (end - base) / (num_iter - 1), rtol=1e-6,
                               atol=1e-12 * end)


@pytest.mark.parametrize("min_lr, max_lr, mode", [(1e-320, 1.0, "exponential"), (1e-30, 1e30, "exponential"),
                                                   (0.0, 1e-300, "linear"), (1e-320, 1e-3, "linear")])
def test_lr_find_sweeps_extreme_ranges_end_to_end(tmp_path, min_lr, max_lr, mode):
    torch.manual_seed(0)
    trainer = Trainer(default_root_dir=str(tmp_path), max_epochs=1, progress_bar_refresh_rate=0,
                      weights_summary=None, logger=False, checkpoint_callback=False)
    finder = trainer.lr_find(TinyModel(), min_lr=min_lr, max_lr=max_lr, num_training=6, mode=mode,
                             early_stop_threshold=None)
    lrs = finder.results["lr"]
    assert lrs[0] == min_lr and all(math.isfinite(lr) for lr in lrs)
    if len(lrs) == 6:  # a huge lr may end the sweep early with a non-finite loss; the lrs stay finite
        assert lrs[-1] == pytest.approx(max_lr, rel=1e-12)
    else:
        assert finder.stop_reason.startswith("non-finite loss")
