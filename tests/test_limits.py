"""Bounded reads: a file is read whole up to the limit, and no further."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sociopolicy.limits import read_at_most


@given(
    size=st.integers(min_value=0, max_value=3000), limit=st.integers(min_value=1, max_value=3000)
)
def test_a_file_is_read_whole_or_to_one_past_the_limit(
    tmp_path_factory: pytest.TempPathFactory, size: int, limit: int
) -> None:
    path = tmp_path_factory.mktemp("read") / "file.bin"
    content = bytes(n % 251 for n in range(size))
    path.write_bytes(content)
    assert read_at_most(path, limit) == content[: limit + 1]


def test_a_file_that_says_nothing_of_its_size_is_read_to_one_past_the_limit() -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    assert read_at_most("/dev/zero", 200_000) == bytes(200_001)


def test_a_pipe_is_read_to_the_limit(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)

    def write() -> None:
        with contextlib.suppress(BrokenPipeError), open(pipe, "wb") as out:
            out.write(b"x" * 100_000)  # more than is read: the reader stops early

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert read_at_most(pipe, 70_000) == b"x" * 70_001
    finally:
        writer.join(timeout=10)
