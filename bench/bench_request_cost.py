"""
What one request costs the web process: CPU per request (the process's own user + system time over the requests it
answered), p50/p95 and requests per second, for each read of the load bench, with a number of clients at once.

At saturation the CPU per request is what decides how many shoppers a core serves (bench/bench_load.py is the whole
deployment under load); this one isolates the web process: one daphne process, a fresh PostgreSQL database with the
demo catalogue, a Redis server, keep-alive clients with a token. Asserts nothing.

    .venv/bin/python bench/bench_request_cost.py [--clients 8] [--requests 400] [--server daphne]
        [--paths /healthz,/api/v1/products/,...] [--database postgres://postgres@127.0.0.1:5432/postgres]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))
from bench_load import PYTHON, database_create, free_port, manage, process_cpu_seconds, wait_for  # noqa: E402

PATHS = ("/healthz", "/api/v1/products/", "/api/v1/products/insole/", "/api/v1/products/insole/model.glb",
         "/api/v1/designs/")
SERVERS = {
    "daphne": lambda port: [PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
    "uvicorn": lambda port: [PYTHON, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
                             "--log-level", "warning", "config.asgi:application"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400, help="per path, after 50 to warm up")
    parser.add_argument("--server", choices=sorted(SERVERS), default="daphne")
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sartoria-cost-"))
    database_url, drop = database_create(arguments.database)
    redis_port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
           "SARTORIA_DATA_DIR": str(folder / "var"), "DJANGO_MEDIA_ROOT": str(folder / "media"), "DJANGO_DEBUG": "0",
           "DJANGO_LOG_LEVEL": "WARNING", "SARTORIA_QUOTE_CHILD": "1"}
    processes = []
    try:
        processes.append(subprocess.Popen([shutil.which("redis-server") or "/usr/bin/redis-server", "--port",
                                           str(redis_port), "--save", "", "--appendonly", "no"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        port = free_port()
        server = subprocess.Popen(SERVERS[arguments.server](port), cwd=BASE_DIR, env=env,
                                  stdout=open(folder / "web.log", "wb"), stderr=subprocess.STDOUT)
        processes.append(server)
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/healthz")
        token = requests.post(f"{url}/api/auth/token/", json={"username": "demo", "password": "sartoria-demo"},
                              timeout=30).json()["token"]
        headers = {"Authorization": f"Token {token}"}
        local = threading.local()

        def get(path: str) -> float:
            session = getattr(local, "session", None) or requests.Session()
            local.session = session
            started = time.perf_counter()
            response = session.get(url + path, headers=headers, timeout=120)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code}")
            return time.perf_counter() - started

        print(f"{arguments.server}, {arguments.clients} clients, {arguments.requests} requests per path")
        print(f"{'path':<38}{'CPU ms/request':>15}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>8}")
        with ThreadPoolExecutor(arguments.clients) as pool:
            for path in arguments.paths.split(","):
                list(pool.map(get, [path] * 50))  # warm: caches, the model, the pool's connections
                before, started = process_cpu_seconds(server.pid), time.perf_counter()
                times = sorted(pool.map(get, [path] * arguments.requests))
                wall, used = time.perf_counter() - started, process_cpu_seconds(server.pid) - before
                print(f"{path:<38}{1000 * used / len(times):>15.1f}{1000 * times[len(times) // 2]:>9.1f}"
                      f"{1000 * times[int(0.95 * len(times))]:>9.1f}{len(times) / wall:>8.0f}", flush=True)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        drop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
