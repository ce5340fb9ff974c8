"""`iter_with_last`: every batch once, in order, with exactly the last one flagged, on both of its paths."""
import math

import pytest
import torch
from torch.utils.data import DataLoader, IterableDataset, TensorDataset

from pytorch_lightning.trainer.data import iter_with_last


class _Stream(IterableDataset):
    def __init__(self, n: int, length=None):
        self.n, self.length = n, length

    def __iter__(self):
        return iter(torch.arange(self.n, dtype=torch.float32).unsqueeze(1))

    def __len__(self):
        if self.length is None:
            raise TypeError("no length")
        return self.length


def _loaders(n):
    data = torch.arange(n, dtype=torch.float32).unsqueeze(1)
    return {
        "map-style": DataLoader(TensorDataset(data), batch_size=1),
        "iterable": DataLoader(_Stream(n), batch_size=1),
        "iterable, len too long": DataLoader(_Stream(n, length=n + 3), batch_size=1),
        "plain list": [[row] for row in data],
    }


@pytest.mark.parametrize("kind", list(_loaders(1)))
@pytest.mark.parametrize("n,limit", [(5, math.inf), (5, 5), (5, 3), (5, 1), (5, 9), (1, math.inf)])
def test_every_batch_once_and_only_the_last_flagged(kind, n, limit):
    loader = _loaders(n)[kind]
    got = list(iter_with_last(loader, limit))
    expected = min(n, limit)
    assert [i for i, _, _ in got] == list(range(expected))
    assert [float(b[0]) for _, b, _ in got] == [float(i) for i in range(expected)]
    assert [last for _, _, last in got] == [False] * (expected - 1) + [True]


@pytest.mark.parametrize("kind", list(_loaders(1)))
def test_zero_limit_and_empty_loader_give_nothing(kind):
    assert list(iter_with_last(_loaders(4)[kind], 0)) == []
    assert list(iter_with_last([], math.inf)) == []
    assert list(iter_with_last(DataLoader(TensorDataset(torch.zeros(0, 1)), batch_size=1), math.inf)) == []


def test_map_style_loader_is_not_read_past_the_limit():
    reads = []

    class Counting(TensorDataset):
        def __getitem__(self, idx):
            reads.append(idx)
            return super().__getitem__(idx)

    loader = DataLoader(Counting(torch.arange(10.0).unsqueeze(1)), batch_size=2)
    assert len(list(iter_with_last(loader, 2))) == 2
    assert reads == [0, 1, 2, 3]


def test_batches_are_read_one_ahead_as_0_8_5_read_them():
    """Data that draws random numbers draws them in 0.8.5's order: batch i + 1 is read before batch i
    is handed out (and nothing past the limit is read)."""
    events = []

    class Logged(TensorDataset):
        def __getitem__(self, idx):
            events.append(f"read {idx}")
            return super().__getitem__(idx)

    loader = DataLoader(Logged(torch.arange(4.0).unsqueeze(1)), batch_size=1)
    for index, _, _ in iter_with_last(loader, 3):
        events.append(f"step {index}")
    assert events == ["read 0", "read 1", "step 0", "read 2", "step 1", "step 2"]


def test_a_sampler_whose_len_overestimates_still_gets_its_last_batch_flagged():
    class Lying(torch.utils.data.Sampler):
        def __iter__(self):
            return iter(range(3))

        def __len__(self):
            return 5

    loader = DataLoader(TensorDataset(torch.arange(3.0).unsqueeze(1)), sampler=Lying(), batch_size=1)
    assert [last for _, _, last in iter_with_last(loader, len(loader))] == [False, False, True]
