"""
Importing 100,000 customers against 100,000 existing ones (target: under 60 s here, on PostgreSQL).

Creates a fresh database (default postgres://postgres@127.0.0.1:5432/sartoria_bench_import, dropped first), migrates
it, puts N existing customers in it (email, phone, CRM id and card each), then writes a CSV of N rows: 40 % known
customers (found by CRM id, card, phone or email), 60 % new ones, 100 bad rows and 50 conflicts (a card of one
customer with the phone of another). Timed: `manage.py import_customers FILE --json` in this process, then the
same file again (which must create nothing). Prints both times and the report.

    .venv/bin/python bench/bench_import_customers.py [--customers 100000] [--database-url postgres://...]
"""
import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def database_recreate(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def phone(index: int) -> str:
    return f"+39333{index:07d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sartoria_bench_import"))
    args = parser.parse_args()
    n = args.customers
    database_recreate(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:9/0")  # not used by the import; settings want a value
    import django

    django.setup()
    from django.core.management import call_command

    from customers import matching
    from customers.models import ChannelIdentity, Customer

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    from django.db import transaction
    from django.utils import timezone

    from customers.services.imports import _insert  # COPY on PostgreSQL: the seeding is not what is measured

    now = timezone.now()
    draw = random.Random(11)
    cards = list(dict.fromkeys(matching.loyalty_card_from_body(f"{draw.randrange(10**10):010d}")
                               for _ in range(n + 100)))[:n]  # random bodies, as issued
    with transaction.atomic():
        ids = _insert(Customer, [{"email": f"existing{i}@example.com", "first_name": "Existing", "last_name": str(i),
                                  "created_at": now, "updated_at": now} for i in range(n)], with_ids=True)
        identities = []
        for i, customer_id in enumerate(ids):
            base = {"customer_id": customer_id, "created_at": now, "verified": False}
            identities += [{**base, "channel": "email", "external_id": f"existing{i}@example.com", "verified": i % 2 == 0},
                           {**base, "channel": "phone", "external_id": phone(i)},
                           {**base, "channel": "crm", "external_id": f"CRM{i}"},
                           {**base, "channel": "loyalty", "external_id": cards[i]}]
        _insert(ChannelIdentity, identities)
    print(f"{n:,} existing customers with 4 identities each in {time.perf_counter() - started:.1f} s")

    rng = random.Random(7)
    known = rng.sample(range(n), int(n * 0.4))
    rows = []
    for position, i in enumerate(known):  # one way each to recognise a known customer
        way = position % 4
        rows.append({"external_id": f"CRM{i}" if way == 0 else "", "loyalty_card": cards[i] if way == 1 else "",
                     "phone": phone(i) if way == 2 else "", "email": f"existing{i}@example.com" if way == 3 else "",
                     "first_name": "Known", "last_name": str(i), "marketing_email": "1", "marketing_sms": ""})
    for j in range(n - len(known) - 150):
        rows.append({"external_id": f"NEW{j}", "email": f"new{j}@example.com", "phone": f"+39347{j:07d}",
                     "loyalty_card": "", "first_name": "New", "last_name": str(j), "marketing_email": "yes",
                     "marketing_sms": "no"})
    for k in range(100):
        rows.append({"external_id": f"BAD{k}", "email": "not-an-email", "phone": "", "loyalty_card": "",
                     "first_name": "", "last_name": "", "marketing_email": "", "marketing_sms": ""})
    for k in range(50):
        a, b = known[k], known[-k - 1]
        rows.append({"external_id": "", "email": "", "phone": phone(b), "loyalty_card": cards[a],
                     "first_name": "", "last_name": "", "marketing_email": "", "marketing_sms": ""})
    rng.shuffle(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crm.csv"
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(matching.IMPORT_COLUMNS))
            writer.writeheader()
            writer.writerows(rows)
        for run in ("first", "second"):
            out = StringIO()
            started, cpu = time.perf_counter(), time.process_time()
            call_command("import_customers", str(path), "--json", stdout=out)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            report = json.loads(out.getvalue())
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            print(f"{run} import of {len(rows):,} rows against {n:,} existing: {elapsed:.1f} s wall, "
                  f"{cpu:.1f} s CPU in this process, load average {load:.1f} on {os.cpu_count()} cores "
                  f"(created {report['created']:,}, matched {report['matched']:,}, conflicts {report['conflicts']}, "
                  f"errors {len(report['errors'])})")
    print(f"customers now: {Customer.objects.count():,}")


if __name__ == "__main__":
    main()
