"""
Measure an uploaded scan in a child process with a memory and a time limit (no Django here).

A hostile file (a zip bomb, millions of vertices, a parser's worst case) can then only fail its own scan: the
child hits RLIMIT_AS or the clock and dies, the worker records the reason. The web request never parses meshes.

Protocol: the parent runs ``python -m customers.scan_sandbox IN OUT NAME``; the child prints
``progress<TAB>stage<TAB>fraction`` lines, writes the cleaned foot to ``OUT`` (PLY) and prints one last
``result<TAB>{json}`` or ``refused<TAB>{json}`` line.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue

MEMORY_EXIT = 3


@dataclass
class MeasuredScan:
    """What the child measured: side, the measurements (mm), the JSON summary and the cleaned foot as PLY."""

    side: str
    measurements: dict
    summary: dict
    foot_ply: bytes = field(repr=False)


class ScanRefused(Exception):
    """The scan cannot be used; `message` says why, `allowed` what would be accepted."""

    def __init__(self, message: str, allowed: str = ""):
        super().__init__(message)
        self.message, self.allowed = message, allowed


def _limit_memory(memory_bytes: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def measure_isolated(data: bytes, filename: str, *, memory_mb: int, time_limit_s: float,
                     on_progress: Callable[[str, float], None] | None = None,
                     on_tick: Callable[[], None] | None = None) -> MeasuredScan:
    """
    Measure `data` in a child process limited to `memory_mb` of address space and `time_limit_s` seconds.

    `on_tick` runs about once a second while the child works (the worker renews its lease there).
    Raises ScanRefused with the reason for a file the geometry refuses or one that breaks a limit.
    """
    with tempfile.TemporaryDirectory(prefix="sartoria-scan-") as folder:
        source, foot = Path(folder) / "upload", Path(folder) / "foot.ply"
        source.write_bytes(data)
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        child = subprocess.Popen(
            [sys.executable, "-m", "customers.scan_sandbox", str(source), str(foot), filename],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=Path(__file__).resolve().parent.parent,
            preexec_fn=_limit_memory(memory_mb * 1024 * 1024),
        )
        lines: Queue = Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in child.stdout] and None, daemon=True).start()
        stderr: list[bytes] = []
        threading.Thread(target=lambda: stderr.append(child.stderr.read()), daemon=True).start()
        deadline = time.monotonic() + time_limit_s
        outcome = None
        try:
            while outcome is None:
                if on_tick is not None:
                    on_tick()
                if time.monotonic() > deadline:
                    raise ScanRefused(f"processing took longer than {time_limit_s:g} s, the limit for one scan",
                                      allowed="a scan of one foot, up to 2,000,000 triangles")
                try:
                    line = lines.get(timeout=1.0)
                except Empty:
                    if child.poll() is not None and lines.empty():
                        break
                    continue
                kind, _, rest = line.decode("utf-8", "replace").rstrip("\n").partition("\t")
                if kind == "progress" and on_progress is not None:
                    stage, _, fraction = rest.partition("\t")
                    on_progress(stage, float(fraction))
                elif kind in ("result", "refused"):
                    outcome = (kind, json.loads(rest))
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
        if outcome is None:
            if child.returncode == MEMORY_EXIT or child.returncode < 0:  # out of memory, or killed by it (SIGSEGV/ABRT)
                raise ScanRefused(f"processing needs more than {memory_mb:,} MB of memory, the limit for one scan",
                                  allowed="a scan of one foot, up to 2,000,000 triangles")
            tail = b"".join(stderr).decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise RuntimeError(f"the scan process stopped with exit code {child.returncode}: {tail[0][:200]}")
        kind, payload = outcome
        if kind == "refused":
            raise ScanRefused(payload["message"], payload.get("allowed", ""))
        return MeasuredScan(side=payload["side"], measurements=payload["measurements"], summary=payload["summary"],
                            foot_ply=foot.read_bytes())


def _child(source: str, foot_path: str, filename: str) -> int:
    def progress(stage: str, fraction: float) -> None:
        print(f"progress\t{stage}\t{fraction}", flush=True)

    try:
        from geometry import scan  # imported here, under the memory limit
        from geometry.errors import ParameterError
    except MemoryError:
        return MEMORY_EXIT
    try:
        result = scan.measure_scan_file(Path(source).read_bytes(), filename, on_progress=progress)
        Path(foot_path).write_bytes(result.foot.export(file_type="ply"))
    except ParameterError as error:  # ScanError too: the file is refused with its reason
        payload = {"message": getattr(error, "message", str(error)), "allowed": getattr(error, "allowed", "") or ""}
        print("refused\t" + json.dumps(payload, default=str), flush=True)
        return 0
    except MemoryError:
        return MEMORY_EXIT
    summary = result.to_dict()
    print("result\t" + json.dumps({"side": result.side, "measurements": result.measurements, "summary": summary}),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_child(*sys.argv[1:4]))
