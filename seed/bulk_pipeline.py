"""Generation one chunk ahead of the load: a producer thread builds the next chunk while the database
ingests the current one.

On PostgreSQL the load mostly waits for the server (COPY, and psycopg releases the GIL while it
waits), so drawing and formatting the next chunk's rows in that time takes the generation, about a
fifth of a large run, off the wall clock. On SQLite the caller builds each chunk itself (`threaded`).
The database connection stays in the caller's thread: the caller hands the producer each chunk's ids
(taken with the connection) and receives finished chunks in order. At most two chunks are in flight
besides the one being written, so memory stays bounded; the rows, and the random draws, come in the
same order as without the thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")
_STOP = object()


class AheadOfLoad(Generic[In, Out]):
    """Runs `build` over submitted inputs in a thread of its own, one result per input, in order.

    Use as a context manager; `submit()` an input, later `take()` its result. An exception in `build`
    is raised again by the `take()` of that result; leaving the block stops the thread. With
    `threaded=False` each result is built by its `take()`, in the caller's thread: SQLite writes in this
    process, so a second thread only competes with it for the interpreter (measured: 100 000 cases
    took about 5 seconds longer with the thread)."""

    def __init__(self, build: Callable[[In], Out], threaded: bool = True) -> None:
        self._build = build
        self._inputs: queue.Queue = queue.Queue()
        self._results: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="seed-bulk-generate", daemon=True) \
            if threaded else None

    def __enter__(self) -> AheadOfLoad[In, Out]:
        if self._thread:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread:
            self._inputs.put(_STOP)
            self._thread.join()

    def submit(self, item: In) -> None:
        """Ask for the result of `item`, to be built while the caller does something else."""
        self._inputs.put(item)

    def take(self) -> Out:
        """The next result, in the order of submission (waits until it is built)."""
        if not self._thread:
            return self._build(self._inputs.get())
        ok, result = self._results.get()
        if not ok:
            raise result
        return result

    def _work(self) -> None:
        while (item := self._inputs.get()) is not _STOP:
            try:
                self._results.put((True, self._build(item)))
            except BaseException as error:  # handed to the caller's thread, raised there by take()
                self._results.put((False, error))
                return
