"""Dataloader plumbing: resolving the loaders, counting and limiting their batches, iterating."""
import itertools
import math
import operator
import warnings
from typing import Any, Callable, Iterator, List, Tuple, Union

from torch.utils.data import DataLoader, RandomSampler, SequentialSampler

from pytorch_lightning.utilities.exceptions import MisconfigurationException


def resolve_loaders(given: Any, model_hook: Callable[[], Any], name: str) -> List[Any]:
    """Loaders passed to ``fit``/``test`` win over the model's hook; always a list (maybe empty)."""
    # A hook set to None on the instance (0.8.x tests do `model.val_dataloader = None`) means none.
    loaders = given if given is not None else (model_hook() if callable(model_hook) else None)
    if loaders is None:
        return []
    if isinstance(loaders, (list, tuple)):
        loaders = list(loaders)
    else:
        loaders = [loaders]
    for loader in loaders:
        if not hasattr(loader, "__iter__"):
            raise MisconfigurationException(f"`{name}` must give an iterable (a DataLoader), got {type(loader).__name__}")
    return loaders


def batch_count(loader: Any) -> Union[int, float]:
    """``len(loader)``, or ``inf`` for iterable datasets without a length."""
    try:
        return len(loader)
    except (TypeError, NotImplementedError):
        return math.inf


def apply_limit(count: Union[int, float], limit: Union[int, float], name: str) -> Union[int, float]:
    """A float limit is a fraction of the batches, an int limit a count."""
    if isinstance(limit, float):
        if limit == 1.0:
            return count
        if count == math.inf:
            if limit == 0.0:
                return 0
            raise MisconfigurationException(
                f"`{name}={limit}` is a fraction, but the dataloader has no length (an infinite DataLoader); "
                "pass an int count instead")
        return int(count * limit)
    return min(count, limit)


def iter_with_last(loader: Any, limit: Union[int, float]) -> Iterator[Tuple[int, Any, bool]]:
    """``(index, batch, is_last)`` for at most ``limit`` batches, reading one batch ahead (as 0.8.5 did:
    a loader whose ``__len__`` is wrong still gets its last batch flagged, and data that draws random
    numbers draws them in 0.8.5's order).

    Built from C-level iterators only, so no Python code runs between the steps.
    """
    if limit <= 0:
        return iter(())
    source = itertools.chain(itertools.islice(loader, None if limit == math.inf else int(limit)), (_END,))
    current, upcoming = itertools.tee(source)
    next(upcoming, None)  # the look-ahead: batch i + 1 is read before batch i is handed out
    is_last = map(operator.is_, upcoming, itertools.repeat(_END))
    return zip(itertools.count(), current, is_last)


_END = object()


def no_shuffle(loader: Any) -> Any:
    """The same DataLoader without shuffling (``overfit_batches`` must see the same batches)."""
    if not isinstance(loader, DataLoader) or not isinstance(loader.sampler, RandomSampler):
        return loader
    warnings.warn("You requested to overfit but enabled train dataloader shuffling; turning shuffling off")
    return DataLoader(loader.dataset, batch_size=loader.batch_size, sampler=SequentialSampler(loader.dataset),
                      num_workers=loader.num_workers, collate_fn=loader.collate_fn, pin_memory=loader.pin_memory,
                      drop_last=loader.drop_last, timeout=loader.timeout, worker_init_fn=loader.worker_init_fn)
