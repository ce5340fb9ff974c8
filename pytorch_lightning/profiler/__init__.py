from pytorch_lightning.profiler.profilers import (  # noqa: F401
    AdvancedProfiler,
    BaseProfiler,
    PassThroughProfiler,
    SimpleProfiler,
)
