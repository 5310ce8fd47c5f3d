"""Every existing customer gets a loyalty card, and their email becomes an identity.

An email is marked confirmed only when exactly one account (a login with a password) uses it: the duplicates the
old sign-up allowed stay unconfirmed, so nobody inherits someone else's record (staff merge them from the
duplicates page). The card maths is copied here on purpose: a migration must not change when the code does.
"""
import secrets

from django.db import migrations


def _luhn(body: str) -> str:
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def _card() -> str:
    number = "27" + f"{secrets.randbelow(10**10):010d}"
    return number + _luhn(number)


def forwards(apps, schema_editor):
    Customer = apps.get_model("customers", "Customer")
    ChannelIdentity = apps.get_model("customers", "ChannelIdentity")
    taken = set(ChannelIdentity.objects.filter(channel="loyalty").values_list("external_id", flat=True))
    with_card = set(ChannelIdentity.objects.filter(channel="loyalty").values_list("customer_id", flat=True))
    cards = []
    for customer_id in Customer.objects.exclude(pk__in=with_card).values_list("pk", flat=True).iterator():
        number = _card()
        while number in taken:
            number = _card()
        taken.add(number)
        cards.append(ChannelIdentity(customer_id=customer_id, channel="loyalty", external_id=number))
    ChannelIdentity.objects.bulk_create(cards, batch_size=2000)

    accounts_by_email: dict[str, list[int]] = {}
    holders: dict[str, list[int]] = {}
    for customer in Customer.objects.exclude(email="").select_related("user").iterator():
        email = customer.email.strip().lower()
        if "@" not in email:
            continue
        holders.setdefault(email, []).append(customer.pk)
        if customer.user_id and customer.user.password and not customer.user.password.startswith("!"):
            accounts_by_email.setdefault(email, []).append(customer.pk)
    existing = set(ChannelIdentity.objects.filter(channel="email").values_list("customer_id", "external_id"))
    identities = [
        ChannelIdentity(customer_id=customer_id, channel="email", external_id=email,
                        verified=accounts_by_email.get(email) == [customer_id])
        for email, customer_ids in holders.items() for customer_id in customer_ids
        if (customer_id, email) not in existing
    ]
    ChannelIdentity.objects.bulk_create(identities, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_golden_record")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
