"""The query batcher: concurrent callers share encode calls and each gets its own vector."""

import threading
import time

import numpy as np
import pytest

from index.encoders import QueryBatcher
from tests.fakes import FakeEncoder


class SlowEncode:
    """Records every batch; takes a little time so that callers pile up behind it."""

    def __init__(self):
        self.batches: list[list[str]] = []
        self.fake = FakeEncoder()

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.batches.append(list(texts))
        time.sleep(0.005)
        return self.fake.encode_queries(texts)


def run_threads(batcher, texts):
    results: dict[str, np.ndarray] = {}
    start = threading.Barrier(len(texts))

    def ask(text):
        start.wait()
        results[text] = batcher(text)

    threads = [threading.Thread(target=ask, args=(t,), daemon=True) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert not any(t.is_alive() for t in threads), "a caller never got its vector"
    return results


def test_each_concurrent_caller_gets_its_own_vector():
    encode = SlowEncode()
    texts = [f"pertanyaan nomor {i} tentang iuran" for i in range(24)]
    results = run_threads(QueryBatcher(encode), texts)
    expected = FakeEncoder().encode_queries(texts)
    assert sorted(results) == sorted(texts)
    for text, vector in zip(texts, expected):
        np.testing.assert_allclose(results[text], vector)
    assert sorted(t for batch in encode.batches for t in batch) == sorted(texts)  # each encoded once
    assert len(encode.batches) < len(texts)  # callers that arrived together shared a call


def test_a_lone_query_is_encoded_alone_and_at_once():
    encode = SlowEncode()
    batcher = QueryBatcher(encode)
    batcher("apa itu jkp")
    batcher("apa itu jht")
    assert encode.batches == [["apa itu jkp"], ["apa itu jht"]]


def test_batches_respect_the_maximum_size():
    encode = SlowEncode()
    run_threads(QueryBatcher(encode, max_batch=4), [f"q{i}" for i in range(20)])
    assert max(len(b) for b in encode.batches) <= 4


def test_every_caller_is_answered_when_more_wait_than_one_batch_holds():
    """A caller that leads a batch without its own question must still get its answer."""
    for round_ in range(30):
        encode = SlowEncode()
        texts = [f"r{round_}q{i}" for i in range(12)]
        results = run_threads(QueryBatcher(encode, max_batch=2), texts)
        assert sorted(results) == sorted(texts)


def test_a_failing_encode_reaches_every_caller_of_that_batch_and_the_batcher_recovers():
    calls = []

    def encode(texts):
        calls.append(texts)
        if len(calls) == 1:
            raise RuntimeError("model broke")
        return FakeEncoder().encode_queries(texts)

    batcher = QueryBatcher(encode)
    with pytest.raises(RuntimeError, match="model broke"):
        batcher("pertama")
    np.testing.assert_allclose(batcher("kedua"), FakeEncoder().encode_queries(["kedua"])[0])
