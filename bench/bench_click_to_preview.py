"""
Time from "Generate" to a shown preview, through the real stack (API -> Redis -> Celery worker -> storage).

Starts the app the way `make run` does (embedded Redis and SQLite in a temporary folder, unless
--url points at a running one), then for each run posts a revision with a new option value, polls
until it is done and downloads its preview PNG. Prints the median and the worst.

    .venv/bin/python bench/bench_click_to_preview.py [--runs 10] [--product insole] [--url http://127.0.0.1:8000]
"""
import argparse
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
FEET = json.loads((BASE_DIR / "bench" / "feet.json").read_text())


def http(method, url, body=None, token=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def app_started(tmp: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["SARTORIA_DATA_DIR"] = tmp
    process = subprocess.Popen(
        [sys.executable, "-m", "config.launcher", "serve", "--port", str(port), "--concurrency", "1", "--demo"],
        cwd=BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            http("GET", f"{url}/healthz")
            return process, url
        except OSError:
            time.sleep(0.25)
    raise SystemExit("the app did not start")


@contextlib.contextmanager
def app_running(url: str | None):
    """The app at `url`, or one started the way `make run` does in a temporary folder (stopped afterwards)."""
    if url is not None:
        yield url
        return
    with tempfile.TemporaryDirectory() as tmp:
        process, started_url = app_started(tmp)
        try:
            yield started_url
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--product", default="insole")
    parser.add_argument("--url")
    arguments = parser.parse_args()
    with app_running(arguments.url) as url:
        token = json.loads(http("POST", f"{url}/api/auth/token/", {"username": "demo", "password": "sartoria-demo"}))["token"]
        design = json.loads(http("POST", f"{url}/api/designs/", {"product": arguments.product}, token))
        seconds = []
        for run in range(arguments.runs):
            options = {"toe_allowance_mm": 5 + run * 0.5} if arguments.product == "insole" else {"toe_allowance_mm": 10 + run * 0.5}
            started = time.perf_counter()
            revision = json.loads(http("POST", f"{url}/api/designs/{design['id']}/revisions/",
                                       {"measurements": FEET, "parameters": options, "side": "right"}, token))
            while revision["status"] not in ("done", "failed"):
                time.sleep(0.02)
                revision = json.loads(http("GET", f"{url}/api/revisions/{revision['id']}/", token=token))
            preview = next(f["url"] for f in revision["files"] if f["kind"] == "png")
            http("GET", preview, token=token)
            seconds.append(time.perf_counter() - started)
            print(f"run {run + 1}: {seconds[-1]:.3f} s ({revision['status']})", flush=True)
        print(f"{arguments.product}, one foot, click to preview: median {statistics.median(seconds):.3f} s, "
              f"worst {max(seconds):.3f} s over {len(seconds)} runs")


if __name__ == "__main__":
    main()
