"""python manage.py import_customers: bad rows reported by line, good ones imported, the same file twice changes nothing."""
import json
from io import StringIO

import pytest
from django.core.management import call_command

from customers.models import ChannelIdentity, ConsentRecord, Customer, MergeSuggestion, TouchpointEvent
from customers.selectors import consent_current, customer_find_by_loyalty_card

pytestmark = pytest.mark.django_db

HEADER = "external_id,email,phone,loyalty_card,first_name,last_name,marketing_email,marketing_sms\n"


def run(path, *extra) -> dict:
    out = StringIO()
    call_command("import_customers", str(path), "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


def snapshot() -> tuple:
    return (sorted(Customer.objects.values_list("pk", "email", "first_name", "last_name", "merged_into")),
            sorted(ChannelIdentity.objects.values_list("customer_id", "channel", "external_id", "verified")),
            sorted(ConsentRecord.objects.values_list("customer_id", "topic", "granted")),
            MergeSuggestion.objects.count(), TouchpointEvent.objects.count())


def test_bad_rows_are_reported_by_line_and_the_good_ones_imported(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(HEADER +
                    "C1,anna@example.com,+39 333 123 4567,,Anna,Rossi,yes,no\n"      # line 2: good
                    "C2,not-an-email,,,Bruno,Bianchi,,\n"                           # line 3: bad email
                    "C3,carla@example.com,12,,Carla,Verdi,,\n"                      # line 4: bad phone
                    "C4,dario@example.com,,2712345678900,Dario,Neri,,\n"            # line 5: card check digit
                    "C5,elena@example.com,,,Elena,Blu,maybe,\n"                     # line 6: bad flag
                    ",,,,Nobody,,1,1\n"                                             # line 7: no identity
                    "C7,FRANCO@Example.com,3471234567,,Franco,Gialli,0,1\n")        # line 8: good
    report = run(path)
    assert report["created"] == 2 and report["matched"] == 0 and report["conflicts"] == 0
    assert [error["line"] for error in report["errors"]] == [3, 4, 5, 6, 7]
    reasons = {error["line"]: error["reason"] for error in report["errors"]}
    assert reasons[3].startswith("email:") and reasons[4].startswith("phone:")
    assert "check digit" in reasons[5] and reasons[6].startswith("marketing_email:")
    franco = Customer.objects.get(first_name="Franco")
    # normalised identities: lower-case email (unconfirmed), E.164 phone, the CRM id, and a card of our own
    identities = {(i.channel, i.external_id, i.verified) for i in franco.identities.all()}
    assert ("email", "franco@example.com", False) in identities and ("phone", "+393471234567", False) in identities
    assert ("crm", "C7", False) in identities
    card = franco.identities.get(channel="loyalty").external_id
    assert customer_find_by_loyalty_card(number=card) == franco
    assert consent_current(customer=franco) == {"email": False, "sms": True}
    assert franco.consents.get(topic="sms").channel == "import"


def test_the_same_file_twice_changes_nothing_the_second_time(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(HEADER + "C1,anna@example.com,+393331234567,,Anna,Rossi,1,0\n"
                             ",only.email@example.com,,,Solo,Email,1,\n"
                             ",,+393471111111,,Solo,Phone,,\n")
    first = run(path)
    assert (first["created"], first["matched"]) == (3, 0)
    before = snapshot()
    second = run(path)
    assert (second["created"], second["matched"], second["conflicts"], second["errors"]) == (0, 3, 0, [])
    assert snapshot() == before


def test_a_row_whose_identities_name_two_customers_is_a_suggestion_not_a_merge(tmp_path, shopper, other_shopper):
    card = other_shopper.customer.identities.get(channel="loyalty").external_id
    ChannelIdentity.objects.filter(customer=shopper.customer, channel="email").update(verified=True)
    path = tmp_path / "crm.json"
    path.write_text(json.dumps([{"external_id": "X9", "email": shopper.email.upper(), "loyalty_card": card,
                                 "first_name": "Mixed"}]))
    before = snapshot()
    report = run(path)
    assert (report["created"], report["matched"], report["conflicts"]) == (0, 0, 1)
    suggestion = MergeSuggestion.objects.get()
    assert {suggestion.customer_a, suggestion.customer_b} == {shopper.customer, other_shopper.customer}
    assert suggestion.status == "open" and suggestion.reason["line"] == 1
    # neither record changed: no CRM id attached, no name
    assert not ChannelIdentity.objects.filter(channel="crm").exists()
    assert Customer.objects.filter(first_name="Mixed").count() == 0
    run(path)  # again: still one suggestion
    assert MergeSuggestion.objects.count() == 1 and snapshot()[:3] == before[:3]


def test_matched_rows_fill_what_is_missing_and_keep_what_is_there(tmp_path, shopper):
    ChannelIdentity.objects.filter(customer=shopper.customer, channel="email").update(verified=True)
    Customer.objects.filter(pk=shopper.customer.pk).update(first_name="Giulia")
    path = tmp_path / "crm.csv"
    path.write_text(HEADER + f"CRM-1,{shopper.email},333 765 4321,,Other,Bianchi,1,\n")
    report = run(path)
    assert (report["created"], report["matched"]) == (0, 1)
    customer = Customer.objects.get(pk=shopper.customer.pk)
    assert (customer.first_name, customer.last_name) == ("Giulia", "Bianchi")
    assert set(customer.identities.values_list("channel", "external_id")) >= {("crm", "CRM-1"), ("phone", "+393337654321")}


def test_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(HEADER + "C1,anna@example.com,,,Anna,Rossi,1,0\n")
    before = snapshot()
    assert run(path, "--dry-run")["created"] == 1
    assert snapshot() == before
