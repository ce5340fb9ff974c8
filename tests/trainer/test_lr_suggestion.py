"""The pure suggestion functions of the lr finder, on synthetic curves with known answers."""
import warnings

import numpy as np
import pytest
from scipy import signal

from pytorch_lightning.trainer.lr_finder import (
    _LRFinder,
    default_filter_size,
    diverged,
    smoothed_losses,
    suggest_index,
    zero_phase_moving_average,
)

N = 121
CENTER = 70  # index of the steepest descent of the tanh curve


def lr_grid(n=N):
    return np.logspace(-7, 1, n)


def tanh_curve(lrs, center=CENTER, width=0.5):
    """Falls from 3 to 1, steepest (in log lr) exactly at ``lrs[center]``, symmetric around it."""
    x = np.log10(lrs)
    return 2.0 - np.tanh((x - x[center]) / width)


def bowl_curve(lrs):
    """The tanh fall, then a rise (divergence) after index 100, so the minimum lies inside."""
    x = np.log10(lrs)
    return tanh_curve(lrs) + 5.0 * np.clip(x - x[100], 0, None) ** 2


def finder_with(lrs, losses, mode="exponential"):
    finder = _LRFinder(mode, 1e-8, 1.0, max(len(lrs), 2))
    finder.results = {"lr": list(map(float, lrs)), "loss_raw": list(map(float, losses)),
                      "loss": list(map(float, losses))}
    return finder


def insert_non_finite(lrs, losses, at, k):
    """``k`` points with lrs between ``lrs[at-1]`` and ``lrs[at]`` and non-finite losses, before ``at``."""
    new_lrs = np.geomspace(lrs[at - 1], lrs[at], k + 2)[1:-1]
    bad = np.array([np.nan, np.inf, -np.inf] * k)[:k]
    return np.insert(lrs, at, new_lrs), np.insert(losses, at, bad)


# ------------------------------------------------------------------ the filter
@pytest.mark.parametrize("width", [1, 2, 3, 5, 8, 13])
@pytest.mark.parametrize("length", ["shortest", 64, 257])
def test_zero_phase_moving_average_equals_filtfilt(width, length):
    n = 3 * width + 1 if length == "shortest" else length
    rng = np.random.default_rng(width * 1000 + n)
    x = rng.standard_normal(n).cumsum() + 5.0
    # scipy's filtfilt needs two taps; a width-1 average is the identity.
    expected = signal.filtfilt(np.ones(width) / width, 1, x) if width > 1 else x
    np.testing.assert_allclose(zero_phase_moving_average(x, width), expected, rtol=1e-9, atol=1e-9)


def test_zero_phase_moving_average_has_no_lag_and_keeps_its_input():
    x = np.linspace(0.0, 1.0, 50) ** 2
    before = x.copy()
    assert zero_phase_moving_average(x, 5).shape == x.shape
    assert np.array_equal(x, before)
    # A symmetric bump stays centred: no delay, unlike a one-way moving average.
    bump = np.exp(-0.5 * ((np.arange(61) - 30) / 4.0) ** 2)
    assert int(np.argmax(zero_phase_moving_average(bump, 7))) == 30


def test_zero_phase_moving_average_rejects_short_input_and_bad_width():
    with pytest.raises(ValueError, match="needs more than 9 points"):
        zero_phase_moving_average(np.arange(9.0), 3)
    with pytest.raises(ValueError, match="`width`"):
        zero_phase_moving_average(np.arange(9.0), 0)


# ------------------------------------------------------------- known answers
def test_steepest_finds_the_centre_of_the_fall():
    lrs = lr_grid()
    assert suggest_index(lrs, tanh_curve(lrs), filter_size=1) == (CENTER, None)
    assert suggest_index(lrs, tanh_curve(lrs)) == (CENTER, None)


def test_steepest_ignores_the_fall_back_from_a_spike_after_the_minimum():
    lrs = lr_grid()
    losses = tanh_curve(lrs)
    losses[110:] += np.linspace(0.0, 3.0, N - 110)
    losses[112] = 8.0  # the fall from this spike is far steeper than the real descent
    grad = np.gradient(losses, np.log10(lrs))
    assert int(np.argmin(grad[10:-1])) + 10 > 110  # a search over the whole curve would pick it
    assert suggest_index(lrs, losses, filter_size=1) == (CENTER, None)


def test_steepest_in_linear_mode_uses_the_lr_axis():
    lrs = np.linspace(0.01, 1.0, 100)
    losses = 1.0 / (1.0 + np.exp((lrs - lrs[40]) / 0.05))
    assert suggest_index(lrs, losses, filter_size=1, log_x=False) == (40, None)


def test_valley_is_the_middle_of_the_longest_descent():
    losses = np.concatenate([
        np.linspace(2.0, 2.5, 10),        # 0..9 rising
        np.linspace(2.4, 1.0, 31),        # 10..40 falling (31 points)
        np.linspace(1.1, 1.4, 4),         # 41..44 rising
        np.linspace(1.3, 0.5, 4),         # 45..48 falling, lower but shorter
        np.linspace(0.6, 3.0, 11),        # 49..59 rising
    ])
    lrs = lr_grid(losses.size)
    index, reason = suggest_index(lrs, losses, skip_begin=0, skip_end=0, filter_size=1, method="valley")
    assert reason is None
    # The falling stretch starts at 9 (the peak of the rise) and ends at 40: 32 points.
    assert index == 9 + 32 // 2


def test_valley_of_a_rising_curve_gives_no_suggestion():
    lrs = lr_grid(40)
    index, reason = suggest_index(lrs, np.linspace(1.0, 2.0, 40), filter_size=1, method="valley")
    assert index is None
    assert "never decreases" in reason


def test_minimum_is_the_lowest_point_and_suggestion_divides_its_lr_by_ten():
    lrs = lr_grid(80)
    x = np.log10(lrs)
    losses = (x - x[47]) ** 2 + 1.0
    assert suggest_index(lrs, losses, filter_size=1, method="minimum") == (47, None)
    assert finder_with(lrs, losses).suggestion(filter_size=1, method="minimum") == pytest.approx(lrs[47] / 10,
                                                                                               rel=1e-12)


# ---------------------------------------------------------------- the filter size
def test_filter_size_none_smooths_and_one_turns_it_off():
    lrs = lr_grid()
    losses = tanh_curve(lrs)
    losses[25] -= 1.5  # one lucky batch: a single-point dip, far from the real fall
    assert default_filter_size(N) > 1
    assert suggest_index(lrs, losses, filter_size=1) == (24, None)
    assert suggest_index(lrs, losses) == (CENTER, None)
    assert suggest_index(lrs, losses, filter_size=None) == (CENTER, None)
    assert suggest_index(lrs, losses, filter_size=default_filter_size(N)) == (CENTER, None)
    assert finder_with(lrs, losses).suggestion() == lrs[CENTER]
    assert finder_with(lrs, losses).suggestion(filter_size=1) == lrs[24]


def test_filter_size_too_wide_for_a_short_curve_shrinks():
    lrs = lr_grid(12)
    losses = tanh_curve(lrs, center=6, width=0.8)
    index, reason = suggest_index(lrs, losses, skip_begin=1, filter_size=50)
    assert reason is None and 1 <= index <= 10


# ------------------------------------------------------- non-finite alignment
@pytest.mark.parametrize("k", [1, 3, 7])
@pytest.mark.parametrize("method", ["steepest", "valley", "minimum"])
def test_non_finite_points_before_the_optimum_do_not_shift_the_answer(k, method):
    lrs = lr_grid()
    losses = bowl_curve(lrs)
    clean, reason = suggest_index(lrs, losses, method=method)
    assert reason is None
    if method == "steepest":
        assert clean == CENTER
    at = 30
    assert clean > at
    dirty_lrs, dirty_losses = insert_non_finite(lrs, losses, at, k)
    assert np.sum(~np.isfinite(dirty_losses)) == k
    index, reason = suggest_index(dirty_lrs, dirty_losses, method=method)
    assert reason is None
    assert index == clean + k
    assert dirty_lrs[index] == lrs[clean]
    expected = lrs[clean] / 10 if method == "minimum" else lrs[clean]
    assert finder_with(dirty_lrs, dirty_losses).suggestion(method=method) == expected


def test_non_finite_points_inside_the_skipped_head_are_not_counted_as_skipped():
    lrs = lr_grid()
    losses = tanh_curve(lrs)
    dirty_lrs, dirty_losses = insert_non_finite(lrs, losses, 5, 4)
    # skip_begin counts finite points: the minimum of the searched part is the same point.
    clean = suggest_index(lrs, losses, skip_begin=20, filter_size=1, method="minimum")[0]
    assert dirty_lrs[suggest_index(dirty_lrs, dirty_losses, skip_begin=20, filter_size=1, method="minimum")[0]] \
        == lrs[clean]


# --------------------------------------------------------------- the skips
def test_skips_that_do_not_fit_shrink_with_a_warning():
    lrs = lr_grid(5)
    losses = np.linspace(2.0, 1.0, 5)
    with pytest.warns(UserWarning, match="`skip_begin=10` and `skip_end=1` leave no point"):
        index, reason = suggest_index(lrs, losses, skip_begin=10, skip_end=1, method="minimum")
    assert reason is None
    assert 0 <= index < 5


def test_skips_that_fit_do_not_warn():
    lrs = lr_grid(40)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        suggest_index(lrs, tanh_curve(lrs, center=20), skip_begin=10, skip_end=1)


def test_skip_end_zero_keeps_the_last_point():
    lrs = lr_grid(30)
    losses = np.linspace(3.0, 1.0, 30)
    assert suggest_index(lrs, losses, skip_begin=0, skip_end=0, filter_size=1, method="minimum") == (29, None)
    assert suggest_index(lrs, losses, skip_begin=0, skip_end=1, filter_size=1, method="minimum") == (28, None)


# ------------------------------------------------------- no suggestion, bad input
@pytest.mark.parametrize("losses", [[np.nan, 1.0, np.inf], [np.nan, np.nan, np.nan], []])
def test_too_few_finite_points_give_none_and_a_reason(losses):
    lrs = lr_grid(len(losses)) if losses else []
    finite = int(np.sum(np.isfinite(losses)))
    index, reason = suggest_index(lrs, losses)
    assert index is None
    assert f"only {finite} finite point" in reason
    finder = finder_with(lrs, losses)
    with pytest.warns(UserWarning, match=f"No lr suggestion: only {finite} finite point"):
        assert finder.suggestion() is None


def test_non_positive_lrs_are_dropped_in_log_mode():
    lrs = np.array([0.0, 1e-3, 1e-2])
    index, reason = suggest_index(lrs, [1.0, 0.9, 0.8], skip_begin=0, skip_end=0, filter_size=1, method="minimum")
    assert index == 2
    index, reason = suggest_index([0.0, -1.0, 1e-2], [1.0, 0.9, 0.8])
    assert index is None and "only 1 finite point" in reason


def test_bad_method_raises():
    lrs = lr_grid(30)
    with pytest.raises(ValueError, match="`method` must be one of .*'foo'"):
        suggest_index(lrs, tanh_curve(lrs, center=15), method="foo")
    with pytest.raises(ValueError, match="`method`"):
        finder_with(lrs, tanh_curve(lrs, center=15)).suggestion(method="foo")


@pytest.mark.parametrize("kwargs, name", [
    ({"skip_begin": -1}, "skip_begin"),
    ({"skip_end": 1.5}, "skip_end"),
    ({"filter_size": 0}, "filter_size"),
    ({"filter_size": True}, "filter_size"),
])
def test_bad_arguments_raise_naming_them(kwargs, name):
    lrs = lr_grid(30)
    with pytest.raises(ValueError, match=f"`{name}`"):
        suggest_index(lrs, tanh_curve(lrs, center=15), **kwargs)


def test_arrays_of_different_lengths_raise():
    with pytest.raises(ValueError, match="one length"):
        suggest_index([1e-3, 1e-2, 1e-1], [1.0, 0.5])


def test_huge_losses_do_not_overflow():
    lrs = lr_grid()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert suggest_index(lrs, tanh_curve(lrs) * 1e300) == (CENTER, None)
        assert suggest_index(lrs, tanh_curve(lrs) * 1e-300) == (CENTER, None)


# ---------------------------------------------------- smoothing and divergence
def test_smoothed_losses_is_the_bias_corrected_ema():
    assert smoothed_losses([2.0]) == [pytest.approx(2.0, rel=1e-12)]
    assert smoothed_losses([1.0] * 50) == pytest.approx([1.0] * 50, rel=1e-12)
    out = smoothed_losses([1.0, 3.0], beta=0.5)
    assert out[1] == pytest.approx((0.5 * 0.5 * 1.0 + 0.5 * 3.0) / (1 - 0.25), rel=1e-12)


@pytest.mark.parametrize("smoothed, best, expected", [
    (4.01, 1.0, True), (3.99, 1.0, False),      # 0.8.x: smoothed > 4 * best
    (-1.0, -2.0, False), (4.5, -2.0, True),     # a negative best: a rise of more than 3 * |best|
    (1e-9, 0.0, True), (0.0, 0.0, False),       # a best of 0: any rise
])
def test_diverged(smoothed, best, expected):
    assert diverged(smoothed, best, 4.0) is expected
