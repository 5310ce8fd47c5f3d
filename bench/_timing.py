"""The one way the benchmarks time a call: wall seconds of each of `runs` calls, after an untimed warm-up call."""
import time


def run_times(function, runs: int, *, warm_up: bool = True) -> list[float]:
    if warm_up:
        function()  # imports, caches, first GL context
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times
