"""Load the demo catalogue, a demo shopper with measurements, and a production user. Safe to run again."""
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from configurator.models import ProductTemplate
from customers.services import customer_get_or_create_for_user, measurement_set_record
from stores.services import staff_membership_set, store_upsert

WEEKDAYS_10_19 = {day: [["10:00", "19:30"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")} | {"sun": []}
# Demo stores for the fitting finder; the first is where the demo associate and manager work.
DEMO_STORES = [
    {"name": "Sartoria Milano Brera", "address": "Via Brera 12", "city": "Milano", "latitude": 45.4719,
     "longitude": 9.1881, "opening_hours": WEEKDAYS_10_19},
    {"name": "Sartoria Torino Centro", "address": "Via Roma 101", "city": "Torino", "latitude": 45.0677,
     "longitude": 7.6824, "opening_hours": WEEKDAYS_10_19},
    {"name": "Sartoria Firenze", "address": "Via de' Tornabuoni 5", "city": "Firenze", "latitude": 43.7706,
     "longitude": 11.2520, "opening_hours": WEEKDAYS_10_19},
    {"name": "Sartoria Roma Monti", "address": "Via dei Serpenti 40", "city": "Roma", "latitude": 41.8960,
     "longitude": 12.4920, "opening_hours": WEEKDAYS_10_19},
    {"name": "Sartoria Napoli Chiaia", "address": "Via Chiaia 200", "city": "Napoli", "latitude": 40.8360,
     "longitude": 14.2450, "opening_hours": WEEKDAYS_10_19},
]
# username -> (first name, last name, role) of the demo store staff
DEMO_STAFF = {"store": ("Marco", "Rossi", "associate"), "store-manager": ("Elena", "Conti", "manager")}

DEMO_PRODUCTS = [
    {
        "slug": "insole",
        "name": "Custom-fitted insole",
        "description": "An insole cut to your foot outline, with arch support that follows your arch and a heel cup.",
        "generator_key": "insole",
        "base_price": Decimal("39.00"),
    },
    {
        "slug": "shoe",
        "name": "Custom-fitted shoe",
        "description": "A 3D-printed shoe built on a last made from your measurements: upper, collar and sole.",
        "generator_key": "shoe",
        "base_price": Decimal("189.00"),
    },
]
# A typical adult foot (ANSUR II medians, male): the example of the measurements format in the README.
DEMO_FEET = {
    "left": {"length_mm": 265, "ball_width_mm": 100, "ball_girth_mm": 245, "instep_girth_mm": 250,
             "heel_width_mm": 65, "arch_height_mm": 18},
    "right": {"length_mm": 268, "ball_width_mm": 101, "ball_girth_mm": 247, "instep_girth_mm": 252,
              "heel_width_mm": 66, "arch_height_mm": 18},
}
DEMO_USERS = [
    # username, password, group, is_superuser
    ("demo", "sartoria-demo", None, False),
    ("production", "sartoria-production", "production", False),
    ("store", "sartoria-store", "store", False),
    ("store-manager", "sartoria-manager", "store", False),
    ("admin", "sartoria-admin", None, True),
]


class Command(BaseCommand):
    help = "Load the demo catalogue, stores and demo users (demo, production, store, store-manager, admin). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--catalogue-only", action="store_true",
                            help="only the products: no demo users with their well-known passwords")

    @transaction.atomic
    def handle(self, *args, **options):
        for product in DEMO_PRODUCTS:
            ProductTemplate.objects.update_or_create(slug=product["slug"], defaults=product)
        if options["catalogue_only"]:
            self.stdout.write(self.style.SUCCESS(f"Loaded {len(DEMO_PRODUCTS)} products (no demo users)."))
            return
        User = get_user_model()
        for username, password, group, is_superuser in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com", "is_superuser": is_superuser,
                                             "is_staff": is_superuser}
            )
            if created:
                user.set_password(password)
                user.save()
            if group:
                user.groups.add(Group.objects.get(name=group))
        demo = User.objects.get(username="demo")
        demo.first_name, demo.last_name = "Giulia", "Demo"
        demo.save(update_fields=["first_name", "last_name"])
        measurement_set_record(customer=customer_get_or_create_for_user(user=demo), feet=DEMO_FEET)
        from production.services import printer_farm_demo_load  # the demo farm: printers of several kinds

        printer_farm_demo_load()
        stores = [store_upsert(**store) for store in DEMO_STORES]
        for username, (first_name, last_name, role) in DEMO_STAFF.items():
            person = User.objects.get(username=username)
            person.first_name, person.last_name = first_name, last_name
            person.save(update_fields=["first_name", "last_name"])
            staff_membership_set(user=person, store=stores[0], role=role)
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {len(DEMO_PRODUCTS)} products and users: "
            + ", ".join(f"{name}/{password}" for name, password, _, _ in DEMO_USERS)
        ))
