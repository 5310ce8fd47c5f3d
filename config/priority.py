"""
Background work (Celery workers, the quote child) runs below the web processes, so a build takes only the CPU the
pages leave.

``os.nice`` alone is not enough on Linux with autogroup scheduling (``/proc/sys/kernel/sched_autogroup_enabled``,
on by default on desktop and many server kernels): the CPU is shared out between sessions first, and a process's nice
counts only against the other processes of its own session. honcho, the load bench and most supervisors start every
process in a session of its own, so a worker "at nice 10" took as much CPU as a web process (measured: two nice-10
burners in their own sessions got 2.7 s of CPU each in 4 s, two nice-0 burners sharing one session 1.35 s each).
A process that leads its own session therefore lowers its session's autogroup nice as well; one that shares a session
(``make run`` starts the web process and the worker in one) is already compared with its neighbours by plain nice.
Both also take the idle scheduling policy, so that a page's thread never waits for a build's time slice.
"""
from __future__ import annotations

import os
from pathlib import Path

AUTOGROUP = Path("/proc/self/autogroup")


def autogroup_nice(pid: int | str = "self") -> int | None:
    """The nice of the process's session autogroup, or None where it has none (no autogroup scheduling, or a
    session that never called setsid since boot, as a container's first process: the kernel then prints nothing)."""
    try:
        shown = Path(f"/proc/{pid}/autogroup").read_text().split()
    except OSError:
        return None
    return int(shown[-1]) if shown else None


def idle_policy_take() -> None:
    """Run on the CPU only when nothing else wants it (Linux's SCHED_IDLE), in this thread and the threads and
    processes it starts.

    A nice only weighs a process's share of the CPU; a web thread woken by the database still waited for a niced
    build to finish its slice (a few ms under the EEVDF scheduler), at every query of every request. A woken task
    preempts a SCHED_IDLE one at once. Under bench/bench_load.py (200 shoppers, warm) the reads' worst p95 went from
    0.46-0.62 s to 0.13-0.23 s with the workers' share of the CPU unchanged (0.4-0.7 cores: they still take what the
    pages leave). Across sessions the autogroup's nice (below) still gives the builds their share when the pages
    want every core, so they are not starved; sharing a session with busy pages (``make run``), a build waits for
    them to pause."""
    if hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            pass  # a kernel or sandbox that refuses it: the nice is all there is


def priority_lower(by: int) -> None:
    """Lower this process's CPU priority by ``by`` nice steps, in a way the scheduler honours across sessions."""
    if by <= 0:
        return
    niceness = os.nice(by)
    idle_policy_take()
    if os.getsid(0) != os.getpid():
        return  # not alone in its session: its nice already counts against the session's other processes
    try:
        AUTOGROUP.write_text(str(niceness))
    except OSError:
        pass  # no autogroup scheduling on this kernel, or /proc read-only: plain nice is all there is
