"""
Hand-off latency: from the store tablet's revision request to the customer's phone hearing it on its socket.

Starts the app the way `make run` does (embedded Redis, SQLite, a Celery worker; or --url for a running one with the
demo data), logs the demo shopper in over a session (as her phone does), opens her design's progress socket with
presence, checks her in at the demo store as the associate `store`, and for each run posts a revision with a new
toe allowance as the associate. Timed: request sent -> first message for that revision on the phone's socket (which
carries requested_by {"channel": "store", ...}). Prints median, p95 and worst; the target is p95 under 1 s.

    .venv/bin/python bench/bench_handoff.py [--runs 40] [--url http://127.0.0.1:8000]
"""
import argparse
import asyncio
from http.cookiejar import CookieJar
import json
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_click_to_preview import FEET, app_running, http  # noqa: E402  (same start-up as the other benches)

import websockets  # noqa: E402


def session_cookie(url: str, username: str, password: str) -> str:
    """Log in through the log-in page, as a browser does; returns the Cookie header for the socket."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{url}/accounts/login/", timeout=30).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": csrf}).encode()
    request = urllib.request.Request(f"{url}/accounts/login/", data=body, headers={"Referer": f"{url}/accounts/login/"})
    opener.open(request, timeout=30).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert "sessionid" in cookies, "the demo shopper could not log in"
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


async def measure(url: str, runs: int) -> list[float]:
    token = lambda user, password: json.loads(http("POST", f"{url}/api/auth/token/", {"username": user, "password": password}))["token"]  # noqa: E731
    shopper, associate = token("demo", "sartoria-demo"), token("store", "sartoria-store")
    design = json.loads(http("POST", f"{url}/api/designs/", {"product": "insole", "name": "Hand-off bench"}, shopper))
    http("POST", f"{url}/api/designs/{design['id']}/revisions/", {"parameters": {}, "measurements": FEET}, shopper)
    check_in = json.loads(http("POST", f"{url}/api/store/check-ins/", {"email": "demo@example.com"}, associate))
    cookie = session_cookie(url, "demo", "sartoria-demo")
    socket_url = url.replace("http", "ws", 1) + f"/ws/designs/{design['id']}/progress/?presence=1"
    latencies = []
    async with websockets.connect(socket_url, additional_headers={"Cookie": cookie, "Origin": url}) as phone:
        heard: dict[int, float] = {}

        async def listen():
            async for raw in phone:
                message = json.loads(raw)
                if message.get("requested_by", {}).get("channel") == "store" and message.get("revision") not in heard:
                    heard[message["revision"]] = time.perf_counter()

        listener = asyncio.create_task(listen())
        await asyncio.sleep(0.5)  # connected, snapshot and presence received
        for run in range(runs):
            body = {"parameters": {"toe_allowance_mm": round(2 + 0.25 * run, 2)}, "measurements": FEET}
            sent = time.perf_counter()
            revision = json.loads(await asyncio.to_thread(
                http, "POST", f"{url}/api/designs/{design['id']}/revisions/", body, associate))
            deadline = sent + 10
            while revision["id"] not in heard and time.perf_counter() < deadline:
                await asyncio.sleep(0.002)
            if revision["id"] not in heard:
                print(f"run {run}: no message within 10 s", file=sys.stderr)
                continue
            assert revision["requested_by"]["channel"] == "store"
            latencies.append(heard[revision["id"]] - sent)
            await asyncio.sleep(0.2)  # one change at a time, as a person makes them
        listener.cancel()
    http("DELETE", f"{url}/api/store/check-ins/{check_in['id']}/", None, associate)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--url")
    arguments = parser.parse_args()
    with app_running(arguments.url) as url:
        latencies = asyncio.run(measure(url, arguments.runs))
    ms = [value * 1000 for value in latencies]
    print(f"hand-off tablet request -> phone message, {len(ms)} of {arguments.runs} runs: "
          f"median {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, worst {max(ms):.0f} ms "
          f"(target p95 < 1000 ms)")


if __name__ == "__main__":
    main()
