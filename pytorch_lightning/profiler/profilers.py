"""Profilers that time the trainer's hooks: ``Trainer(profiler=True)`` uses :class:`SimpleProfiler`."""
import contextlib
import cProfile
import io
import pstats
import time
from collections import defaultdict
from typing import Dict, List, Optional


_NULL = contextlib.nullcontext()  # reusable: one instance serves every call


class BaseProfiler:
    """Times named actions: ``with profiler.profile('training_step'): ...``."""

    def start(self, action_name: str) -> None:
        raise NotImplementedError

    def stop(self, action_name: str) -> None:
        raise NotImplementedError

    def profile(self, action_name: str):
        return _Span(self, action_name)

    def summary(self) -> str:
        raise NotImplementedError

    def describe(self) -> None:
        print(self.summary())


class _Span:
    __slots__ = ("profiler", "name")

    def __init__(self, profiler: BaseProfiler, name: str):
        self.profiler, self.name = profiler, name

    def __enter__(self):
        self.profiler.start(self.name)

    def __exit__(self, *exc):
        self.profiler.stop(self.name)
        return False


class PassThroughProfiler(BaseProfiler):
    """Measures nothing, at almost no cost."""

    def start(self, action_name: str) -> None:
        pass

    def stop(self, action_name: str) -> None:
        pass

    def profile(self, action_name: str):
        return _NULL

    def summary(self) -> str:
        return ""


class SimpleProfiler(BaseProfiler):
    """Wall-clock duration of each call of each action; the summary gives mean and total."""

    def __init__(self, output_filename: Optional[str] = None):
        self.output_filename = output_filename
        self.current: Dict[str, float] = {}
        self.recorded_durations: Dict[str, List[float]] = defaultdict(list)

    def start(self, action_name: str) -> None:
        if action_name in self.current:
            raise ValueError(f"Attempted to start {action_name} which has already started.")
        self.current[action_name] = time.perf_counter()

    def stop(self, action_name: str) -> None:
        if action_name not in self.current:
            raise ValueError(f"Attempting to stop recording an action ({action_name}) which was never started.")
        self.recorded_durations[action_name].append(time.perf_counter() - self.current.pop(action_name))

    def summary(self) -> str:
        lines = ["Profiler Report", "", f"{'Action':<40}| {'Mean duration (s)':<20}| {'Total time (s)':<15}", "-" * 78]
        for action, durations in self.recorded_durations.items():
            lines.append(f"{action:<40}| {sum(durations) / len(durations):<20.5f}| {sum(durations):<15.5f}")
        text = "\n".join(lines)
        if self.output_filename:
            with open(self.output_filename, "w") as f:
                f.write(text)
        return text


class AdvancedProfiler(BaseProfiler):
    """cProfile statistics of each action."""

    def __init__(self, output_filename: Optional[str] = None, line_count_restriction: float = 1.0):
        self.output_filename = output_filename
        self.line_count_restriction = line_count_restriction
        self.profiled_actions: Dict[str, cProfile.Profile] = {}

    def start(self, action_name: str) -> None:
        self.profiled_actions.setdefault(action_name, cProfile.Profile()).enable()

    def stop(self, action_name: str) -> None:
        pr = self.profiled_actions.get(action_name)
        if pr is None:
            raise ValueError(f"Attempting to stop recording an action ({action_name}) which was never started.")
        pr.disable()

    def summary(self) -> str:
        parts = []
        for action, pr in self.profiled_actions.items():
            stream = io.StringIO()
            pstats.Stats(pr, stream=stream).strip_dirs().sort_stats("cumulative").print_stats(self.line_count_restriction)
            parts.append(f"Profile stats for: {action}\n{stream.getvalue()}")
        text = "\n".join(parts)
        if self.output_filename:
            with open(self.output_filename, "w") as f:
                f.write(text)
        return text
