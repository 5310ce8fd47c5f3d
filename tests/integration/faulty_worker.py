"""
A real Celery worker whose builds obey a fault file, for the tests that kill workers (`python -m` this, then the
usual `celery worker` arguments).

`$SARTORIA_FAULT_DIR/mode` holds what the next build does once it holds its lease: "" builds normally, "pause"
waits (writing its pid to `paused`) until the mode changes, "kill" SIGKILLs its own process (a poison job).
Every build that ran to the end appends a line to `built`.
"""
import os
import signal
import sys
import time
from pathlib import Path

FAULTS = Path(os.environ["SARTORIA_FAULT_DIR"])


def mode() -> str:
    path = FAULTS / "mode"
    return path.read_text().strip() if path.exists() else ""


def with_faults(build):
    def faulty_build(*args, **kwargs):
        if mode() == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if mode() == "pause":
            (FAULTS / "paused").write_text(str(os.getpid()))
            while mode() == "pause":
                time.sleep(0.05)
        result = build(*args, **kwargs)
        with open(FAULTS / "built", "a") as built:
            built.write(f"{os.getpid()}\n")
        return result

    return faulty_build


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from geometry import pipeline

    pipeline.sides_build = with_faults(pipeline.sides_build)
    from config.celery import app

    app.worker_main(["worker", *sys.argv[1:]])
