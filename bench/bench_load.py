"""
Load: shoppers and progress watchers (bench/locustfile.py) against the real deployment shape on this machine:
several daphne processes, PostgreSQL, a Redis server and two Celery worker processes, all started here on a fresh
database (dropped afterwards). Then: how many progress WebSockets one daphne process holds open.

Prints requests per second, p50/p95/p99 and errors per request kind, the reads' p95 (target under 200 ms with 200
concurrent shoppers, no error), the cores each role used meanwhile (web, quote children, workers, the load
generator, Redis, PostgreSQL), and the sockets held (target 1,000 on one process). Asserts nothing.

    .venv/bin/python bench/bench_load.py [--users 200] [--web 2] [--run-time 60] [--warm-up 0] [--sockets 1000]
        [--database postgres://postgres@127.0.0.1:5432/postgres]
"""
import argparse
import asyncio
import csv
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))
from bench_click_to_preview import http  # noqa: E402
from bench_handoff import session_cookie  # noqa: E402  (logs in through the log-in page, as a browser)

PYTHON = sys.executable
READS = ("GET products", "GET product", "GET product model", "GET designs", "GET revision")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout_s} s")


def database_create(server_url: str) -> tuple[str, callable]:
    import psycopg

    parts = urlsplit(server_url)
    name = f"sartoria_load_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres")).replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def raise_open_files() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))


def manage(env: dict, *arguments: str) -> str:
    done = subprocess.run([PYTHON, "manage.py", *arguments], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout


def tokens_make(env: dict, count: int) -> list[str]:
    code = f"""
import json
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
User = get_user_model()
keys = []
for index in range({count}):
    user, _ = User.objects.get_or_create(username=f"load-shopper-{{index}}")
    keys.append(Token.objects.get_or_create(user=user)[0].key)
print(json.dumps(keys))
"""
    return json.loads(manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1])


def process_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024


async def sockets_hold(url: str, design_ids: list[int], cookie: str, count: int,
                       hold_s: float) -> tuple[int, int, float]:
    """Open `count` progress sockets to one web process, spread over the designs; returns (opened, still open after
    hold_s, seconds to open them all)."""
    import websockets

    socket_urls = [url.replace("http", "ws", 1) + f"/ws/designs/{design_id}/progress/" for design_id in design_ids]
    opened, failures = [], []
    started = time.perf_counter()

    async def one(index: int):
        try:
            connection = await websockets.connect(socket_urls[index % len(socket_urls)], additional_headers={"Cookie": cookie, "Origin": url},
                                                  open_timeout=60, ping_interval=None)
            opened.append(connection)
        except Exception as error:  # noqa: BLE001  (counted as not opened; the first reason is printed)
            failures.append(repr(error))

    for batch in range(0, count, 100):  # a hundred at a time, as tabs open over a minute
        await asyncio.gather(*(one(batch + n) for n in range(min(100, count - batch))))
    open_time = time.perf_counter() - started
    if failures:
        print(f"{len(failures)} sockets not opened, the first because: {failures[0]}")
    await asyncio.sleep(hold_s)
    alive = 0
    for connection in opened:
        try:
            await asyncio.wait_for(connection.ping(), timeout=30)
            alive += 1
        except Exception:  # noqa: BLE001
            pass
    await asyncio.gather(*(connection.close() for connection in opened), return_exceptions=True)
    return len(opened), alive, open_time


ROLES = (("daphne", "web"), ("forkserver", "quote child"), ("celery", "workers"), ("locust", "load generator"),
         ("redis-server", "redis"), ("postgres", "postgres"))


def process_cpu_seconds(pid: int | str) -> float:
    """User + system CPU seconds the process has used, its own threads only (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_role() -> dict[str, float]:
    """CPU seconds used so far by every process of each role on this machine (children included, as /proc counts a
    process's own time only; a process that ended is missing, so sample while the load runs)."""
    used: dict[str, float] = {}
    for process in Path("/proc").glob("[0-9]*"):
        try:
            command = (process / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            role = next((label for needle, label in ROLES if needle in command), None)
            if role is not None:
                used[role] = used.get(role, 0.0) + process_cpu_seconds(process.name)
        except OSError:
            continue  # ended meanwhile
    return used


def cpu_print(before: dict[str, float], after: dict[str, float], seconds: float) -> None:
    cores = {role: (after.get(role, 0.0) - before.get(role, 0.0)) / seconds for role in after}
    print("cores used (of " + str(os.cpu_count()) + "): " + ", ".join(
        f"{role} {value:.2f}" for role, value in sorted(cores.items(), key=lambda item: -item[1])) +
          f"; all {sum(cores.values()):.2f}", flush=True)


def stats_print(csv_path: Path, run_time_s: float) -> None:
    rows = list(csv.DictReader(csv_path.open()))
    print(f"\n{'request':<22}{'count':>8}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for row in rows:
        print(f"{row['Name']:<22}{row['Request Count']:>8}{row['Failure Count']:>8}{float(row['Requests/s']):>8.1f}"
              f"{row['50%']:>9}{row['95%']:>9}{row['99%']:>9}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--web", type=int, default=2, help="daphne processes")
    parser.add_argument("--run-time", type=int, default=60)
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--warm-up", type=int, default=0,
                        help="seconds of the same load first, reported apart (a cold start: quote cache and models)")
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    arguments = parser.parse_args()
    raise_open_files()
    folder = Path(tempfile.mkdtemp(prefix="sartoria-load-"))
    database_url, drop = database_create(arguments.database)
    redis_port = free_port()
    run = uuid.uuid4().hex[:8]
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
           "SARTORIA_DATA_DIR": str(folder / "var"), "DJANGO_MEDIA_ROOT": str(folder / "media"),
           "SARTORIA_CELERY_QUEUE": f"load-{run}", "SARTORIA_CHANNEL_PREFIX": f"load-{run}", "DJANGO_DEBUG": "0",
           "DJANGO_LOG_LEVEL": "WARNING"}
    processes: list[subprocess.Popen] = []

    def start(name: str, command: list[str], **extra_env: str) -> subprocess.Popen:
        log = open(folder / f"{name}.log", "wb")
        process = subprocess.Popen(command, cwd=BASE_DIR, env={**env, **extra_env}, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        processes.append(process)
        return process

    try:
        start("redis", [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(redis_port),
                        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxclients", "20000"])
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        tokens = tokens_make(env, arguments.users)
        (folder / "tokens.json").write_text(json.dumps(tokens))
        ports = [free_port() for _ in range(arguments.web)]
        webs = [start(f"web{index}", [PYTHON, "-m", "daphne", "--websocket_connect_timeout", "30",
                                      "-b", "127.0.0.1", "-p", str(port),
                                      "config.asgi:application"], SARTORIA_QUOTE_CHILD="1")
                for index, port in enumerate(ports)]  # as the Procfile's web processes: quotes built in a niced child
        for index in range(2):
            start(f"worker{index}", [PYTHON, "-m", "celery", "-A", "config", "worker", "-c", "1", "--loglevel",
                                     "WARNING", "-n", f"load{index}-{run}@%h", "--without-gossip", "--without-mingle"])
        for port in ports:
            wait_for(f"http://127.0.0.1:{port}/healthz")
        url = f"http://127.0.0.1:{ports[0]}"
        cookie = session_cookie(url, "demo", "sartoria-demo")
        token = json.loads(http("POST", f"{url}/api/auth/token/", {"username": "demo", "password": "sartoria-demo"}))
        design_ids = [json.loads(http("POST", f"{url}/api/designs/", {"product": "insole", "name": f"watched {n}"},
                                      token["token"]))["id"] for n in range(50)]  # tabs spread over 50 designs
        design_id = design_ids[0]

        load_env = {**env, "SARTORIA_LOAD_PORTS": ",".join(map(str, ports)),
                    "SARTORIA_LOAD_TOKENS": str(folder / "tokens.json"), "SARTORIA_LOAD_COOKIE": cookie,
                    "SARTORIA_LOAD_DESIGN": str(design_id)}
        watchers = max(1, arguments.users // 10)
        print(f"load: {arguments.users} shoppers + {watchers} socket watchers for {arguments.run_time} s, "
              f"{arguments.web} daphne processes, 2 Celery workers, PostgreSQL, Redis", flush=True)

        def load_run(name: str, run_time_s: int) -> None:
            locust = subprocess.Popen(
                [str(Path(PYTHON).with_name("locust")), "-f", str(BASE_DIR / "bench" / "locustfile.py"), "--headless",
                 "--users", str(arguments.users + watchers), "--spawn-rate", "50", "--run-time", f"{run_time_s}s",
                 "--csv", str(folder / name), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
                 # the figures start once every shopper has arrived (220 in 4.4 s, each starting at once: a crowd
                 # no shop sees twice a minute); the spawn's own seconds are in the history CSV
                 "--reset-stats"],
                cwd=BASE_DIR, env=load_env, stdout=subprocess.DEVNULL, stderr=open(folder / f"{name}.log", "wb"))
            # where the CPU went while every shopper was running: from 5 s in (spawned) to 2 s before the end
            time.sleep(5)
            before, sampled_at = cpu_by_role(), time.monotonic()
            time.sleep(max(1, run_time_s - 7))
            after, sampled_s = cpu_by_role(), time.monotonic() - sampled_at
            locust.wait()
            rows = {row["Name"]: row for row in csv.DictReader((folder / f"{name}_stats.csv").open())}
            stats_print(folder / f"{name}_stats.csv", run_time_s)
            reads = [rows[name] for name in READS if name in rows]
            worst_read_p95 = max(float(row["95%"]) for row in reads)
            total = rows["Aggregated"]
            print(f"\n{name}: reads' worst p95 {worst_read_p95:.0f} ms (target < 200); all requests: "
                  f"{float(total['Requests/s']):.1f} req/s, {total['Failure Count']} errors of {total['Request Count']}",
                  flush=True)
            cpu_print(before, after, sampled_s)

        if arguments.warm_up:
            # a cold start first (every quote a shape not built yet, models not cached), then the same load measured
            # again on the warmed deployment: both are printed
            print(f"\ncold start, the first {arguments.warm_up} s:")
            load_run("cold", arguments.warm_up)
            print(f"\nthen {arguments.run_time} s more:")
        load_run("locust", arguments.run_time)

        before = process_rss_mb(webs[0].pid)
        opened, alive, open_s = asyncio.run(sockets_hold(url, design_ids, cookie, arguments.sockets, hold_s=10))
        print(f"sockets on one daphne process: {opened}/{arguments.sockets} opened in {open_s:.1f} s, {alive} still "
              f"answering a ping after 10 s; its memory {before:.0f} -> {process_rss_mb(webs[0].pid):.0f} MB")
        print(f"(logs in {folder})")
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        drop()


if __name__ == "__main__":
    main()
