"""Stream pipes: lazy map, filter, flat map, batch and window over iterables."""

import numpy as np
import pytest

from skbridge.pipes import StreamPipe, stream_batch, stream_filter, stream_map, stream_window

from ._functions import power


class _Counter:
    """An iterable that counts the items taken from it."""

    def __init__(self, n):
        self.n, self.taken = n, 0

    def __iter__(self):
        for i in range(self.n):
            self.taken += 1
            yield i


def test_stream_pipes_are_lazy():
    source = _Counter(1_000_000)
    pipe = (
        stream_map(power, kw_args={"p": 2})
        >> stream_filter(lambda v: v % 2 == 0)
        >> stream_batch(3)
    )
    out = pipe(source)
    assert source.taken == 0
    first = next(out)
    assert first == [0, 4, 16] and source.taken <= 6


def test_stream_operations():
    assert list(stream_window(3, step=2)(range(7))) == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]
    assert list(stream_batch(2, drop_last=True)(range(5))) == [[0, 1], [2, 3]]
    flat = StreamPipe(func=lambda v: [v, v], op="flat_map")
    assert list(flat([1, 2])) == [1, 1, 2, 2]
    stacked = next(iter(stream_batch(2, collate="stack")([np.ones(3), np.zeros(3)])))
    assert stacked.shape == (2, 3)
    with pytest.raises(ValueError, match="needs a size"):
        StreamPipe(op="batch").transform([1])
    with pytest.raises(TypeError, match="needs an iterable"):
        stream_map(abs).transform(3)


@pytest.mark.parametrize("make", [lambda: stream_batch(0), lambda: stream_batch(-2),
                                  lambda: stream_batch(1.5), lambda: stream_window(0),
                                  lambda: stream_window(3, step=0)])
def test_sizes_that_would_yield_nothing_are_refused(make):
    with pytest.raises(ValueError, match="positive integer"):
        make()
