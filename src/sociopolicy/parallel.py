"""Checking many drafts in several processes, in the order they were given.

The ruleset is pickled once and sent to each worker when it starts (a loaded
:class:`~sociopolicy.Ruleset` pickles its validated rules and is compiled
again on arrival); drafts go in batches, and reports come back batch by batch
in the order of the drafts, so the output is the same as with one process.
"""

from __future__ import annotations

import itertools
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from .models import Draft, Report
from .ruleset import Ruleset

__all__ = ["BATCH", "check_in_processes"]

#: Drafts sent to a worker at a time: large enough that sending costs little.
BATCH = 200

_worker_ruleset: Ruleset | None = None


def _start_worker(pickled: bytes) -> None:
    global _worker_ruleset
    _worker_ruleset = pickle.loads(pickled)  # our own bytes, from the parent process


def _check_batch(drafts: list[Draft]) -> list[Report]:
    from .api import check_draft

    assert _worker_ruleset is not None
    return [check_draft(draft, ruleset=_worker_ruleset) for draft in drafts]


def check_in_processes(ruleset: Ruleset, drafts: Iterable[Draft], jobs: int) -> Iterator[Report]:
    """Reports for ``drafts``, in order, checked in ``jobs`` processes."""
    iterator = iter(drafts)
    batches = iter(lambda: list(itertools.islice(iterator, BATCH)), [])
    pickled = pickle.dumps(ruleset)
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_start_worker, initargs=(pickled,)
    ) as pool:
        pending: deque[Future[list[Report]]] = deque()
        for batch in batches:
            pending.append(pool.submit(_check_batch, batch))
            if len(pending) >= 2 * jobs:  # keep the workers busy, not the memory
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
