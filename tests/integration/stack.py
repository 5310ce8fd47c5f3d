"""
The processes of a deployment, started by a test or a benchmark itself: a Redis server (never the machine's),
the web server (daphne) and `celery worker` processes with their beat (the sweeper), whose builds obey a fault
file (tests/integration/faulty_worker.py). The tests stop and kill them as failures would.
"""
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Stack:
    """Our own Redis, web server and workers; stopped and started by the tests as a failure would."""

    def __init__(self, folder: Path, database_url: str, media_root: Path, settings: dict[str, str] | None = None):
        self.folder, self.redis_port, self.web_port = folder, free_port(), free_port()
        self.faults = folder / "faults"
        self.faults.mkdir()
        self.redis = self.web = None
        self.workers: list[subprocess.Popen] = []
        self.env = {
            **os.environ, "DATABASE_URL": database_url, "DJANGO_MEDIA_ROOT": str(media_root),
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0", "SARTORIA_DATA_DIR": str(folder / "var"),
            "SARTORIA_CELERY_QUEUE": f"work-{uuid.uuid4().hex[:8]}", "SARTORIA_FAULT_DIR": str(self.faults),
            "SARTORIA_CHANNEL_PREFIX": f"work-{uuid.uuid4().hex[:8]}",
            "SARTORIA_RATELIMIT_PREFIX": f"rl-work-{uuid.uuid4().hex[:8]}:", **(settings or {}),
        }

    def log(self, name: str):
        return open(self.folder / f"{name}.log", "ab")

    def redis_start(self) -> None:
        self.redis = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=self.log("redis"), stderr=subprocess.STDOUT,
        )
        self.wait_for(lambda: self.port_open(self.redis_port), "Redis")

    def redis_stop(self) -> None:
        self.redis.kill()  # what a crash does: everything it held in memory is gone
        self.redis.wait()

    def web_start(self) -> None:
        self.web = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.web_port), "config.asgi:application"],
            env=self.env, cwd=BASE_DIR, stdout=self.log("web"), stderr=subprocess.STDOUT,
        )
        self.wait_for(lambda: self.port_open(self.web_port), "the web server")

    def queue_name(self, kind: str | None = None) -> str:
        """The Celery queue of one kind of work in this stack (`geometry`, `previews`...), or the default one."""
        base = self.env["SARTORIA_CELERY_QUEUE"]
        return f"{base}.{kind}" if kind else base

    def worker_start(self, *, concurrency: int = 1, queues: list[str] | None = None,
                     beat: bool = True) -> subprocess.Popen:
        """A worker on every queue, or only on `queues` (full names, see `queue_name`), as the Procfile runs them."""
        name = f"w{len(self.workers)}-{uuid.uuid4().hex[:6]}"
        log_path = self.folder / f"{name}.log"
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.integration.faulty_worker",
             *(["--beat", "--schedule", str(self.folder / f"{name}-beat")] if beat else []),
             *(["--queues", ",".join(queues)] if queues else []),
             "--concurrency", str(concurrency), "--loglevel", "INFO",
             "--hostname", f"{name}@localhost", "--without-gossip", "--without-mingle"],
            env=self.env, cwd=BASE_DIR, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.workers.append(worker)
        self.wait_for(lambda: b" ready." in log_path.read_bytes() or worker.poll() is not None, "the worker")
        assert worker.poll() is None, log_path.read_text()[-3000:]
        worker.log_path = log_path
        return worker

    def worker_stop(self, worker: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
        if worker.poll() is None:
            os.killpg(worker.pid, sig)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()

    def fault(self, mode: str) -> None:
        (self.faults / "paused").unlink(missing_ok=True)
        (self.faults / "mode").write_text(mode)

    def builds_finished(self) -> int:
        built = self.faults / "built"
        return len(built.read_text().split()) if built.exists() else 0

    def request(self, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict, dict]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.web_port}{path}", method=method,
                                         data=json.dumps(body).encode() if body is not None else None)
        request.add_header("Content-Type", "application/json")
        request.add_header("Authorization", f"Token {token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), json.loads(error.read() or b"{}")

    def post_raw(self, path: str, token: str, body: bytes, content_type: str) -> tuple[int, bytes]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.web_port}{path}", method="POST", data=body)
        request.add_header("Content-Type", content_type)
        request.add_header("Authorization", f"Token {token}")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def web_peak_rss_mb(self) -> float:
        """The web server's peak resident memory so far (VmHWM), in MB."""
        status = Path(f"/proc/{self.web.pid}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024

    @staticmethod
    def port_open(port: int) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    @staticmethod
    def wait_for(condition, what: str, timeout_s: float = 90) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not come up in {timeout_s} s")
            time.sleep(0.1)

    def stop(self) -> None:
        for worker in self.workers:
            self.worker_stop(worker, signal.SIGKILL)
        for process in (self.web, self.redis):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()


@contextlib.contextmanager
def stack_running(folder: Path, database_url: str, media_root: Path,
                  settings: dict[str, str] | None = None) -> Iterator[Stack]:
    """A Stack with its Redis and web server up for the block (workers are the test's to start), then stopped."""
    running = Stack(folder, database_url, media_root, settings)
    try:
        running.redis_start()
        running.web_start()
        yield running
    finally:
        running.stop()
