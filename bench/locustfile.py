"""
Shoppers against the running app (bench/bench_load.py starts it and passes these settings in the environment):
browsing the catalogue, quoting, configuring (a design and a revision with their feet, built by the workers) and
reading their designs, over token authentication; plus watchers holding a design's progress WebSocket open.

    SARTORIA_LOAD_PORTS=8000,8001  web processes (each user keeps one, as behind a load balancer)
    SARTORIA_LOAD_TOKENS=file.json  API tokens, one per shopper
    SARTORIA_LOAD_COOKIE=...        a session cookie for the watchers' sockets
    SARTORIA_LOAD_DESIGN=id         the design the watchers watch
"""
import itertools
import json
import os
import random
import time
import uuid
from pathlib import Path

import websocket
from locust import User, between, events, task
from locust.contrib.fasthttp import FastHttpUser

FEET = json.loads((Path(__file__).resolve().parent / "feet.json").read_text())
PORTS = [int(port) for port in os.environ.get("SARTORIA_LOAD_PORTS", "8000").split(",")]
TOKENS = json.loads(Path(os.environ["SARTORIA_LOAD_TOKENS"]).read_text()) if os.environ.get("SARTORIA_LOAD_TOKENS") else []
_next_token = itertools.count()
_next_port = itertools.count()


def _port() -> int:
    return PORTS[next(_next_port) % len(PORTS)]


class Shopper(FastHttpUser):
    """A shopper's browser. FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator shares
    the 2 cores with the app, and requests spends several times the CPU per call, which the app's figures then pay."""

    weight = 10
    wait_time = between(1, 3)
    host = f"http://127.0.0.1:{PORTS[0]}"

    def __init__(self, environment):
        self.host = f"http://127.0.0.1:{_port()}"  # spread the shoppers over the web processes
        super().__init__(environment)

    def on_start(self):
        token = TOKENS[next(_next_token) % len(TOKENS)]
        self.auth = {"Authorization": f"Token {token}"}
        self.model_etags: dict[str, str] = {}
        self.design_id = None

    @task(5)
    def browse_catalogue(self):
        products = self.client.get("/api/v1/products/", name="GET products", headers=self.auth).json()["results"]
        product = random.choice(products)["slug"]
        self.client.get(f"/api/v1/products/{product}/", name="GET product", headers=self.auth)
        # as a browser does: the model again only if it changed (304 otherwise)
        headers = {**self.auth, "If-None-Match": self.model_etags[product]} if product in self.model_etags else self.auth
        with self.client.get(f"/api/v1/products/{product}/model.glb", name="GET product model", headers=headers,
                             catch_response=True) as response:
            if response.status_code in (200, 304):
                self.model_etags[product] = response.headers.get("ETag", "")
                response.success()

    @task(3)
    def quote(self):
        options = {"toe_allowance_mm": round(random.uniform(5, 15), 1)}
        self.client.post("/api/v1/quote/", json={"product": "insole", "parameters": options}, name="POST quote", headers=self.auth)

    @task(1)
    def configure_and_generate(self):
        if self.design_id is None:
            design = self.client.post("/api/v1/designs/", json={"product": "insole", "name": "load"},
                                      headers={**self.auth, "Idempotency-Key": str(uuid.uuid4())}, name="POST design")
            self.design_id = design.json()["id"]
        options = {"toe_allowance_mm": round(random.uniform(5, 15), 1)}
        revision = self.client.post(
            f"/api/v1/designs/{self.design_id}/revisions/", name="POST revision",
            json={"parameters": options, "measurements": FEET, "side": "right"},
            headers={**self.auth, "Idempotency-Key": str(uuid.uuid4())}).json()
        self.client.get(f"/api/v1/revisions/{revision['id']}/", name="GET revision", headers=self.auth)

    @task(2)
    def my_designs(self):
        self.client.get("/api/v1/designs/", name="GET designs", headers=self.auth)


class ProgressWatcher(User):
    """A studio tab: holds its design's progress socket open and reads what arrives."""

    weight = 1
    wait_time = between(5, 10)

    def on_start(self):
        port = _port()
        started = time.perf_counter()
        url = f"ws://127.0.0.1:{port}/ws/designs/{os.environ.get('SARTORIA_LOAD_DESIGN', '1')}/progress/"
        try:
            self.socket = websocket.create_connection(
                url, header=[f"Cookie: {os.environ.get('SARTORIA_LOAD_COOKIE', '')}"],
                origin=f"http://127.0.0.1:{port}", timeout=30)
            error = None
        except Exception as failure:  # noqa: BLE001  (reported to locust as a failed connect)
            self.socket, error = None, failure
        events.request.fire(request_type="WS", name="WS connect", response_time=(time.perf_counter() - started) * 1000,
                            response_length=0, exception=error, context={})

    @task
    def listen(self):
        if self.socket is None:
            return
        self.socket.settimeout(1)
        try:
            self.socket.recv()
        except websocket.WebSocketTimeoutException:
            pass  # nothing built for this design just now: the socket stays open

    def on_stop(self):
        if self.socket is not None:
            self.socket.close()
