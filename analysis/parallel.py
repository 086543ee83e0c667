"""Per-article work in chunks: in this process, or on a Dask cluster when one is asked for.

The cluster comes from the environment, read once per process:

- ``SCHEDULER=tcp://host:8786`` connects to a running ``dask.distributed`` scheduler;
- ``WORKERS=N`` starts a ``LocalCluster`` of N single-threaded worker processes on this machine;
- neither (the default: the seeds, the stored notebooks, nbval): everything runs here.

Work of more than one chunk shows a progress bar (:func:`progress`; ``PROGRESS=off`` hides it).

Results never depend on where the work ran: the chunks are the same and their results come back
in chunk order (:func:`map_chunks`), or are combined in chunk order by an associative merge, on
the workers of a cluster (:func:`reduce_chunks`), so a corpus-wide reduction gives the same answer.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import os
import pickle
import sys
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from contextlib import contextmanager, suppress
from functools import cache, partial
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.types as pa_types

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
R = TypeVar("R")

ROOT = Path(__file__).resolve().parent.parent  # on the workers' import path, so `analysis` imports
CHUNK_ARTICLES = 5_000  # articles per chunk of work: ~20 MB of text, seconds of work per chunk
IN_FLIGHT_PER_WORKER = 2  # chunks queued per worker: keeps workers busy without holding the corpus


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter), read lazily."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@cache
def _client_from_environment() -> Client | None:
    scheduler, workers = os.environ.get("SCHEDULER", "").strip(), os.environ.get("WORKERS", "").strip()
    if not scheduler and not workers:
        return None
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    if not workers.isdigit() or int(workers) < 1:
        raise ValueError(f"WORKERS must be a whole number of worker processes, not {workers!r}")
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    cluster = LocalCluster(
        n_workers=int(workers),
        threads_per_worker=1,  # the work is pure Python: threads would share one GIL
        processes=True,
        dashboard_address=None,
        env={"PYTHONPATH": pythonpath},
    )
    return Client(cluster)


_chosen: list[Client | None] = []  # set by `using`, for tests and notebooks that pass a client


def client() -> Client | None:
    """The Dask client the pipeline runs on, or None to run in this process."""
    return _chosen[-1] if _chosen else _client_from_environment()


@contextmanager
def using(dask_client: Client | None) -> Iterator[None]:
    """Run the pipeline on ``dask_client`` (None: in this process) inside the ``with`` block."""
    _chosen.append(dask_client)
    try:
        yield
    finally:
        _chosen.pop()


def map_chunks(
    func: Callable[..., R],
    items: Iterable[T],
    size: int | None = None,
    label: str | None = None,
    shared: Mapping[str, Any] | None = None,
) -> Iterator[R]:
    """``func(chunk, **shared)`` for each chunk of ``size`` items (default :data:`CHUNK_ARTICLES`), in
    chunk order, with a progress bar named ``label`` when there is more than one chunk (see
    :func:`progress`). ``shared`` holds large read-only inputs every chunk needs: a cluster
    receives them once per worker, not once per chunk.

    On a cluster, a few chunks per worker are in flight at a time, so a streamed corpus is never
    held whole. Work of one chunk always runs here: a cluster would only add overhead. Work of
    several first gives back the memory earlier steps freed (:func:`return_freed_memory`).
    """
    size = size or CHUNK_ARTICLES
    shared = dict(shared or {})
    head, batches = _read_ahead(items, size)
    if len(head) < 2:
        yield from (_work(func, batch, **shared) for batch in head)
        return
    return_freed_memory()
    yield from progress(_results(func, batches, shared, client()), label, _count(items, size))


def _work(func: Callable[..., R], batch: list, **shared: Any) -> R:
    """``func(batch, **shared)`` with the cycle collector paused (see :func:`collector_paused`). At
    5,000 articles in one process, paused for the chunks: TF-IDF by article 5.4 -> 3.6 s; the
    framing evidence of 1,500 articles 5.6 -> 5.1 s (4.2 s with it off throughout: the rest of its
    work is outside the chunks)."""
    with collector_paused():
        return func(batch, **shared)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused inside the block (or the function it decorates), and turned
    back on after it, also on error, unless it was off before. Work that makes millions of small
    objects in no cycle (tokens, spans, rows, lists of a table's cells) had the collector scan them
    again and again; reference counting still frees them as before, and cycles left behind are
    collected once it runs again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _read_ahead(items: Iterable[T], size: int) -> tuple[list[list[T]], Iterator[list[T]]]:
    """The first two chunks of ``items`` (fewer if there are fewer), and all the chunks."""
    batches = chunks(items, size)
    head = list(islice(batches, 2))
    return head, chain(head, batches)


def _count(items: Iterable, size: int) -> int | None:
    return -(-len(items) // size) if isinstance(items, Sized) else None


def _results(
    func: Callable[..., R], batches: Iterable[list], shared: dict[str, Any], dask_client: Client | None
) -> Iterator[R]:
    if dask_client is None:
        yield from (_work(func, batch, **shared) for batch in batches)
        return
    ahead: deque = deque()
    limit = _in_flight(dask_client)
    for future in _submitted(partial(_pickled, func), batches, shared, dask_client):
        ahead.append(future)
        if len(ahead) >= limit:
            yield _unpickled_result(ahead.popleft())
    while ahead:
        yield _unpickled_result(ahead.popleft())


@collector_paused()
def _unpickled_result(future: Any) -> Any:
    """A chunk's result, read back with the cycle collector paused: it is rows of values (no cycles),
    and rebuilding them made the collector scan what this process held again and again. Framing's
    results at 20,000 articles, two runs each: 5.7-6.4 -> 5.0 s of this process's CPU."""
    return pickle.loads(future.result())


def _in_flight(dask_client: Client) -> int:
    return IN_FLIGHT_PER_WORKER * max(1, len(dask_client.scheduler_info()["workers"]))


def _submitted(
    func: Callable[..., R], batches: Iterable[list], shared: dict[str, Any], dask_client: Client
) -> Iterator[Any]:
    """Futures of ``func(batch, **shared)`` on the cluster, in batch order; a batch is sent only when
    fewer than :func:`_in_flight` of the earlier ones are unfinished.

    A batch travels pickled, as one bytes object: Dask serializes a list item by item, and a list
    of 50,000 tuples took 3 s to send (0.02 s pickled). For the same reason :func:`map_chunks`
    has its results pickled on the workers (:func:`_pickled`). Data is scattered under a random key,
    not one hashed from it: Dask hashes bytes through their printed form (0.56 s for 20 MB), which
    took 91 s of this process's time at 100,000 articles, time the workers needed for the work."""
    from distributed import wait

    shared = {
        name: dask_client.scatter([value], broadcast=True, hash=False)[0] for name, value in shared.items()
    }
    limit = _in_flight(dask_client)
    pending: deque = deque()
    for batch in batches:
        # scattered: sent as data, not inside the task graph
        [data] = dask_client.scatter([pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)], hash=False)
        pending.append(dask_client.submit(_unpickled, func, data, pure=False, **shared))
        if len(pending) > limit:
            wait(pending.popleft())
        yield pending[-1]


def _unpickled(func: Callable[..., R], data: bytes, **shared: Any) -> R:
    """``func`` of a batch that :func:`_submitted` sent pickled."""
    return _work(func, pickle.loads(data), **shared)


def _pickled(func: Callable[..., R], batch: list, **shared: Any) -> bytes:
    """``func(batch, **shared)`` pickled, to travel back to the client as one bytes object; the
    worker then gives back what the work freed, so it does not stay under the next chunk's."""
    result = pickle.dumps(func(batch, **shared), protocol=pickle.HIGHEST_PROTOCOL)
    return_freed_memory()
    return result


def reduce_chunks(
    func: Callable[..., R],
    combine: Callable[[R, R], R],
    items: Iterable[T],
    size: int | None = None,
    label: str | None = None,
    shared: Mapping[str, Any] | None = None,
) -> R | None:
    """A corpus-wide reduction: ``combine`` over ``func(chunk, **shared)`` of every chunk (as in
    :func:`map_chunks`), in chunk order; None when there are no items.

    ``combine(earlier, later)`` must be associative. The results are combined as a balanced tree
    (two of the same size at a time, as they come), so a merge that costs the size of its inputs
    costs n log n in all, not n^2 as a running total would. On a cluster the chunks and their
    combinations run on the workers and only the final result comes back here. As in
    :func:`map_chunks`, work of several chunks first gives back freed memory.
    """
    size = size or CHUNK_ARTICLES
    shared = dict(shared or {})
    head, batches = _read_ahead(items, size)
    if len(head) < 2:
        return _work(func, head[0], **shared) if head else None
    return_freed_memory()
    batches = progress(batches, label, _count(items, size))
    dask_client = client()
    if dask_client is None:
        return _tree_fold((_work(func, batch, **shared) for batch in batches), combine)

    def submit(earlier: Any, later: Any) -> Any:
        return dask_client.submit(combine, earlier, later, pure=False)

    return _tree_fold(_submitted(func, batches, shared, dask_client), submit).result()


def _tree_fold(values: Iterable[R], combine: Callable[[R, R], R]) -> R:
    """``combine`` over ``values`` (at least one) in order, pairing results of equal size like a
    binary counter: a left fold's answer for an associative ``combine``, each value merged log n times."""
    stack: list[tuple[int, R]] = []  # (level, value): a value of 2^level inputs, levels decreasing
    for value in values:
        level = 0
        while stack and stack[-1][0] == level:
            value = combine(stack.pop()[1], value)
            level += 1
        stack.append((level, value))
    value = stack.pop()[1]
    while stack:
        value = combine(stack.pop()[1], value)
    return value


def progress(steps: Iterable[R], label: str | None, total: int | None = None) -> Iterator[R]:
    """``steps`` with a text progress bar, unless ``label`` is None or ``PROGRESS=off``.

    The bar goes to the notebook's (or terminal's) stderr; with ``PROGRESS=terminal``, which
    ``make report`` sets, it goes to the process's own stderr, so a report never shows it.
    A text bar, not a widget, so a saved notebook keeps no widget state.
    """
    mode = os.environ.get("PROGRESS", "on").strip().lower()
    if label is None or mode == "off":
        yield from steps
        return
    from tqdm import tqdm

    stream = sys.__stderr__ if mode == "terminal" else sys.stderr
    with tqdm(steps, desc=label, total=total, unit="chunk", file=stream, mininterval=1.0) as bar:
        yield from bar


def map_frames(
    func: Callable[[pd.DataFrame], pd.DataFrame],
    frame: pd.DataFrame,
    size: int | None = None,
    label: str | None = None,
) -> pd.DataFrame:
    """``func`` of consecutive slices of ``size`` rows of ``frame`` (default :data:`CHUNK_ARTICLES`),
    concatenated in order: the same table as ``func(frame)`` when ``func`` works row by row (per
    article), computed chunk by chunk here or on the cluster, so only a chunk's intermediate
    results (tokens, parsed sentences) are held at a time."""
    size = size or CHUNK_ARTICLES
    if len(frame) <= size:
        return func(frame)
    slices = [frame.iloc[start : start + size] for start in range(0, len(frame), size)]
    parts = list(map_chunks(partial(_first_of, func), slices, 1, label))
    # An empty slice's table types its columns loosely (object): leave it out so it cannot widen them.
    return pd.concat([part for part in parts if len(part)] or parts[:1], ignore_index=True)


def _first_of(func: Callable[[pd.DataFrame], pd.DataFrame], chunk: list[pd.DataFrame]) -> pd.DataFrame:
    return func(chunk[0])


def return_freed_memory() -> None:
    """Give the memory of freed intermediate arrays back to the operating system.

    glibc keeps freed blocks of up to 32 MB for reuse, and chunk results merged into one array leave
    them between live data, where they are never returned: after tokenizing 100,000 articles, 600 MB
    the process no longer used. Dask's documentation gives the same remedy for its workers
    ("Memory not released back to the OS"); elsewhere than glibc that part does nothing. Arrow's
    own allocator (mimalloc) keeps freed memory too: after loading 20,000 articles, 115 MB.
    """
    pa.default_memory_pool().release_unused()
    with suppress(OSError, AttributeError, TypeError):
        _libc().malloc_trim(0)


@cache
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c"))


def remembered(cache: dict[bytes, T], key: bytes, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave when last asked with ``key``: ``cache`` holds one key at most,
    the last one (a notebook asks about one corpus, many times)."""
    if key not in cache:
        cache.clear()
        cache[key] = compute()
    return cache[key]


def content_key(items: Iterable[object] | pd.DataFrame | pd.Series) -> bytes:
    """A hash of ``items`` (picklable), so a result cached under it is computed again as soon as
    any item changes; hashing is a fraction of the cost of the analysis it saves (tokenizing, parsing).

    A table is hashed column by column, and a column (a Series, or a list) at C speed: text from
    its characters and lengths (the same texts give the same key in a list or in an Arrow column,
    whose buffers are read without a copy), NumPy numbers from their bytes, other objects pickled a
    block at a time. Row by row, hashing took 36 s of the calling process at 100,000 articles (25 s
    of it the framing tables' keys). Any other iterable is hashed one item at a time, never copied whole.
    """
    digest = hashlib.sha256()  # 1.6 GB/s here (with the CPU's SHA instructions), blake2b 0.8 GB/s
    if isinstance(items, pd.DataFrame):
        for position in range(items.shape[1]):
            digest.update(_column_key(items.iloc[:, position]))
    elif isinstance(items, pd.Series | list):
        digest.update(_column_key(items))
    else:
        for item in items:
            digest.update(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
    return digest.digest()


def _column_key(values: pd.Series | list) -> bytes:
    """A column's hash, tagged with how it was taken (text, NumPy type, or pickled objects)."""
    text = _arrow_text(values)
    if text is not None:
        return _text_key(text)
    if isinstance(values, pd.Series) and values.dtype != object and isinstance(values.dtype, np.dtype):
        array = np.ascontiguousarray(values.to_numpy())
        return str(array.dtype).encode() + hashlib.sha256(array.view(np.uint8)).digest()
    items = values.tolist() if isinstance(values, pd.Series) else values
    digest = hashlib.sha256()
    for start in range(0, len(items), _PICKLED_ROWS):
        digest.update(pickle.dumps(items[start : start + _PICKLED_ROWS], protocol=pickle.HIGHEST_PROTOCOL))
    return b"objects" + digest.digest()


_PICKLED_ROWS = 10_000
_TEXT_KEYS: dict[int, tuple[weakref.ref, bytes]] = {}  # id of an Arrow array -> (the array, its key)
_TEXT_KEYS_KEPT = 64


def _text_key(text: Any) -> bytes:
    """The key of an Arrow string array, kept while the array lives and worked out again for any
    other: an Arrow array never changes (to change a value, pandas makes a new one), and framing's
    six tables and their sizes each ask for the key of the same corpus (4 s of hashing at 100,000
    articles). The array is held weakly, so a freed one's number, given to a new array, is not
    mistaken for it."""
    known = _TEXT_KEYS.get(id(text))
    if known is not None and known[0]() is text:
        return known[1]
    lengths, characters, missing = hashlib.sha256(), hashlib.sha256(), hashlib.sha256()
    for chunk in getattr(text, "chunks", [text]):
        _hash_strings(chunk, lengths, characters, missing)
    key = b"text" + lengths.digest() + characters.digest() + missing.digest()
    if len(_TEXT_KEYS) >= _TEXT_KEYS_KEPT:
        _TEXT_KEYS.clear()
    _TEXT_KEYS[id(text)] = (weakref.ref(text), key)
    return key


def _arrow_text(values: pd.Series | list) -> Any:
    """``values`` as an Arrow string array when they are all text (or missing), else None."""
    array = values.array if isinstance(values, pd.Series) else values
    if hasattr(array, "__arrow_array__"):
        arrow = array.__arrow_array__()
        return arrow if pa_types.is_string(arrow.type) or pa_types.is_large_string(arrow.type) else None
    if all(isinstance(value, str) for value in array):
        with suppress(UnicodeEncodeError):  # a lone surrogate, which UTF-8 cannot encode
            return pa.array(list(array), type=pa.large_string())
    return None


def _hash_strings(chunk: Any, lengths: Any, characters: Any, missing: Any) -> None:
    """Add an Arrow string array's lengths, characters and missing values to the three digests, so
    how a column is cut into chunks does not matter; a sliced array's buffers hold more than its
    values, and only its own part is hashed."""
    if not len(chunk):
        return
    _, offsets, data = chunk.buffers()
    width = np.int64 if pa_types.is_large_string(chunk.type) else np.int32
    ends = np.frombuffer(offsets, dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
    lengths.update(np.diff(ends).astype(np.int64).view(np.uint8))
    if data is not None:
        characters.update(memoryview(data)[int(ends[0]) : int(ends[-1])])
    missing.update(chunk.is_null().to_numpy(zero_copy_only=False).view(np.uint8))
