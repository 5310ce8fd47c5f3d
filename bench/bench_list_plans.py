"""
How PostgreSQL reads a designs list when the table is large: EXPLAIN ANALYZE of the list's page query for a shopper
and for a store associate, on a fresh database with many customers and designs (dropped afterwards). A shopper's list
should go through the index on their customer whatever the table's size (stores.selectors explains what keeps it so).
Asserts nothing.

    .venv/bin/python bench/bench_list_plans.py [--customers 20000] [--designs-each 5]
        [--database postgres://postgres@127.0.0.1:5432/postgres]
"""
import argparse
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))
sys.path.insert(0, str(BASE_DIR))
from bench_load import database_create, manage  # noqa: E402


def plan_print(label: str, queryset) -> None:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, TIMING ON) " + sql, params)
        lines = [row[0] for row in cursor.fetchall()]
    scans = sorted({line.split("->")[-1].strip().split("  (")[0] for line in lines if "Scan" in line})
    timing = next(line.strip() for line in lines if line.strip().startswith("Execution Time"))
    print(f"{label}: {timing}")
    for scan in scans:
        print(f"    {scan}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--designs-each", type=int, default=5)
    parser.add_argument("--database", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    arguments = parser.parse_args()
    database_url, drop = database_create(arguments.database)
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_LOG_LEVEL": "WARNING"}
    try:
        manage(env, "migrate", "--noinput")
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from datetime import timedelta

        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.utils import timezone

        from configurator.models import Design, ProductTemplate
        from configurator.selectors import design_list_for_user
        from customers.models import Customer
        from stores.models import CheckIn, StaffMembership, Store

        user_model = get_user_model()
        product = ProductTemplate.objects.create(slug="insole", name="Insole", generator_key="insole", base_price=39)
        users = user_model.objects.bulk_create(user_model(username=f"bench-{n}") for n in range(arguments.customers))
        customers = Customer.objects.bulk_create(Customer(user=user, email=f"bench-{user.pk}@example.com")
                                                 for user in users)
        Design.objects.bulk_create(Design(customer=customer, template=product, name="bench")
                                   for customer in customers for _ in range(arguments.designs_each))
        store = Store.objects.create(name="Bench store")
        associate = user_model.objects.create(username="bench-associate")
        StaffMembership.objects.create(user=associate, store=store)
        CheckIn.objects.create(store=store, customer=customers[1], staff=associate,
                               expires_at=timezone.now() + timedelta(hours=2))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"{Design.objects.count():,} designs of {len(customers):,} customers")
        plan_print("a shopper's designs (page query)", design_list_for_user(user=users[len(users) // 2])[:20])
        plan_print("a store associate's designs (own + one checked-in customer)",
                   design_list_for_user(user=associate)[:20])
    finally:
        from django.db import connections

        connections.close_all()
        drop()


if __name__ == "__main__":
    main()
