"""
Time to recovery with the default settings: how long work left behind by a dead worker takes to be built.

Starts its own Redis server, SQLite database, web server and workers with their beat (tests/integration/stack.py,
whose workers obey a fault file so a build can be caught mid-way), then for each run:

* kills a worker's pool child mid-build (SIGKILL) and times kill -> done;
* kills the whole worker mid-build (SIGKILL to its process group), starts another and times its "ready" -> done;
* queues a build with no worker, restarts Redis empty, starts a worker and times its "ready" -> done.

    .venv/bin/python bench/bench_recovery.py [--runs 3]
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.integration.stack import Stack  # noqa: E402

FEET = {"right": {"length_mm": 275, "ball_width_mm": 102, "ball_girth_mm": 254, "instep_girth_mm": 259,
                  "heel_width_mm": 70, "arch_height_mm": 18}}


def done_after(stack: Stack, token: str, revision_id: int, timeout_s: float = 600) -> float:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = stack.request("GET", f"/api/revisions/{revision_id}/", token)[2]["status"]
        if status in ("done", "failed"):
            if status != "done":
                raise SystemExit(f"revision {revision_id} failed")
            return time.monotonic()
        time.sleep(0.1)
    raise SystemExit(f"revision {revision_id} not done after {timeout_s} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stack = Stack(folder, f"sqlite:///{folder / 'db.sqlite3'}", folder / "media")
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=stack.env, cwd=BASE_DIR, check=True)
        subprocess.run([sys.executable, "manage.py", "load_demo"], env=stack.env, cwd=BASE_DIR, check=True,
                       stdout=subprocess.DEVNULL)
        try:
            stack.redis_start()
            stack.web_start()
            token = stack.request("POST", "/api/auth/token/", "", {"username": "demo", "password": "sartoria-demo"})[2]["token"]
            design = stack.request("POST", "/api/designs/", token, {"product": "insole"})[2]["id"]
            thickness = iter(3.0 + 0.05 * step for step in range(1000))

            def ask() -> int:
                body = {"measurements": FEET, "parameters": {"thickness_mm": next(thickness)}, "side": "right"}
                status, _, answer = stack.request("POST", f"/api/designs/{design}/revisions/", token, body)
                assert status == 202, answer
                return answer["id"]

            def paused_pid() -> int:
                paused = stack.faults / "paused"
                stack.wait_for(lambda: paused.exists() and paused.read_text(), "the build", 120)
                return int(paused.read_text())

            child, whole, lost = [], [], []
            worker = stack.worker_start(concurrency=1)
            for _ in range(arguments.runs):
                stack.fault("pause")
                revision = ask()
                pid = paused_pid()
                os.kill(pid, signal.SIGKILL)
                killed = time.monotonic()
                stack.fault("")
                child.append(done_after(stack, token, revision) - killed)
            for _ in range(arguments.runs):
                stack.fault("pause")
                revision = ask()
                paused_pid()
                stack.worker_stop(worker, signal.SIGKILL)
                stack.fault("")
                worker = stack.worker_start(concurrency=1)
                ready = time.monotonic()
                whole.append(done_after(stack, token, revision) - ready)
            for _ in range(arguments.runs):
                stack.worker_stop(worker)
                revision = ask()
                stack.redis_stop()
                stack.redis_start()
                worker = stack.worker_start(concurrency=1)
                ready = time.monotonic()
                lost.append(done_after(stack, token, revision) - ready)
        finally:
            stack.stop()
    settings_text = "lease 30 s, sweep every 10 s, queued work sent again after 30 s (defaults)"
    print(f"recovery with {settings_text}, {arguments.runs} runs each, insole one side:")
    for label, figures in (("worker child SIGKILLed mid-build: kill -> done", child),
                           ("whole worker SIGKILLed mid-build: new worker ready -> done", whole),
                           ("queued build lost with Redis restarted: worker ready -> done", lost)):
        print(f"  {label}: median {statistics.median(figures):.1f} s, worst {max(figures):.1f} s")


if __name__ == "__main__":
    main()
