"""
Geometry a web request needs (a quote's parts, the catalogue's model) built in a child process at a lower priority,
not in the web process that answers.

A quote of a shape not seen before builds the parts on the typical foot: 0.3-1 s of CPU. Built in the web
process, that holds its interpreter (the GIL) while the process's other requests wait, and takes the CPU at the
same priority as the pages (bench/bench_load.py). With ``SARTORIA_QUOTE_CHILD`` on (the Procfile's web processes),
each web process keeps one child, started on first use by forkserver (never a fork of a threaded server), in a
session of its own lowered by ``SARTORIA_WORKER_NICE`` as the workers are (config/priority.py); the request's thread
waits for it without holding the GIL, nor a database connection (it
gives its pooled one back first: a queue of slow quotes held every connection of the pool while reads waited for one,
bench/bench_load.py), and requests for a shape or model already being built wait for that one build (at a cold start
every shopper's first page asked for the catalogue's model at once, and each built it). Off (the
default: tests, workers, one-off commands), the parts are built here. The child imports only the geometry (no
Django).
"""
from __future__ import annotations

import atexit
import concurrent.futures
import multiprocessing
import os
import threading

from django.conf import settings

from config.connections import connections_return
from config.priority import priority_lower

_lock = threading.RLock()  # re-entered: a build is submitted while _building is held
_pool: concurrent.futures.ProcessPoolExecutor | None = None
_building: dict[str, concurrent.futures.Future] = {}  # shape key -> the build in the child, while it runs


def _child_start(nice: int) -> None:
    # a session of its own, lowered as a whole (config/priority.py): sharing its web process's session, the child's
    # builds used up the session's share of the CPU while the web process waited for the database, and the pages
    # then waited behind the other sessions
    os.setsid()
    priority_lower(nice)


def _shapes(product_key: str, params) -> dict[str, dict[str, float]]:
    """In the child (or here): each part's ``geometry.printability.part_shape``."""
    from geometry import registry
    from geometry.printability import part_shape

    return {name: part_shape(mesh) for name, mesh in registry.build_parts(product_key, params).items()}


def _model(product_key: str, params) -> bytes:
    """In the child (or here): the product's parts as one GLB, in their materials' colours."""
    from geometry import export, registry

    parts = registry.build_parts(product_key, params)
    return export.to_glb_parts(parts, materials=registry.part_materials(product_key, params))


def _child_pool() -> concurrent.futures.ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            # the fork server loads the geometry once (and not this process's __main__: a server's entry point)
            context.set_forkserver_preload(["geometry.registry", "geometry.printability", "geometry.export",
                                             "config.priority"])
            _pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context,
                                                           initializer=_child_start,
                                                           initargs=(settings.SARTORIA_WORKER_NICE,))
            # stopped before the interpreter tears its modules down (else its finaliser fails noisily at exit)
            atexit.register(_pool.shutdown, wait=True, cancel_futures=True)
        return _pool


def _geometry_import() -> None:
    import geometry.export  # noqa: F401
    import geometry.printability  # noqa: F401
    import geometry.registry  # noqa: F401


def warm() -> bool:
    """Start the child and load the geometry in it now (seconds), so the first quote does not wait for that.
    True when there is a child."""
    if not getattr(settings, "SARTORIA_QUOTE_CHILD", False):
        return False
    _child_pool().submit(_geometry_import)
    return True


def child_pid() -> int | None:
    """The child's process id once it has started (None before, or when quotes are built here)."""
    processes = getattr(_pool, "_processes", None) or {}
    return next(iter(processes), None)


def _build_submit(key: str, function, *arguments) -> concurrent.futures.Future:
    """The child's build under this key: the one already running for another request, or a new one."""
    with _lock:
        future = _building.get(key)
        if future is None:
            future = _building[key] = _child_pool().submit(function, *arguments)
            future.add_done_callback(lambda done: _build_forget(key, done))
        return future


def _build_forget(key: str, done: concurrent.futures.Future) -> None:
    with _lock:
        if _building.get(key) is done:  # not a newer build under the same key
            del _building[key]


def _in_child(key: str, function, *arguments):
    """``function(*arguments)`` in the child, shared by the requests that ask for ``key`` while it runs."""
    global _pool
    connections_return(before_wait=True)  # back to the pool while this thread waits for the child
    try:
        return _build_submit(key, function, *arguments).result()
    except concurrent.futures.process.BrokenProcessPool:  # the child died (killed, out of memory): a new one
        with _lock:
            _pool = None
            _building.clear()
        return _build_submit(key, function, *arguments).result()


def part_shapes_build(*, product_key: str, params, key: str | None = None) -> dict[str, dict[str, float]]:
    """
    Build the parts and measure them, in the child when ``SARTORIA_QUOTE_CHILD`` is on. ``key`` names the shape
    (configurator.services.quotes): requests for a shape already being built share that build.
    """
    if not getattr(settings, "SARTORIA_QUOTE_CHILD", False):
        return _shapes(product_key, params)
    return _in_child(key or repr(("shape", product_key, params)), _shapes, product_key, params)


def product_model_build(*, product_key: str, params, key: str | None = None) -> bytes:
    """
    The catalogue's model (configurator.services.designs.product_model_glb), in the child when it is on. ``key``
    is the model's cache key: readers of a model already being built share that build.
    """
    if not getattr(settings, "SARTORIA_QUOTE_CHILD", False):
        return _model(product_key, params)
    return _in_child(key or repr(("model", product_key, params)), _model, product_key, params)
