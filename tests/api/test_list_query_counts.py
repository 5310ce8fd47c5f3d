"""No query per item (an N+1) in the shoppers', production's and stores' lists: seven items cost what one does."""
import itertools

import pytest

from configurator.services import order_place, order_status_set
from customers.models import FootScan, FootScanFile, MeasurementSet
from customers.services import measurement_set_record
from production.models import Plate
from production.services import printer_farm_demo_load
from stores.services import check_in_start
from tests.configurator.order_helpers import done_revision
from tests.conftest import FEET
from tests.factories import CustomerFactory
from tests.production.helpers import production_world
from tests.stores.factories import StaffFactory

pytestmark = pytest.mark.django_db

_lengths = itertools.count(1)


def _feet() -> dict:
    """Feet a millimetre longer each time: a set equal to the latest would be reused, not added."""
    longer = next(_lengths)
    return {side: {**values, "length_mm": values["length_mm"] + longer} for side, values in FEET.items()}


def _measurement_sets(*, shopper, **_):
    def grow(count: int):
        for _ in range(count):
            measurement_set_record(customer=shopper.customer, feet=_feet())
    return shopper, grow


def _scans(*, shopper, **_):
    def grow(count: int):
        for _ in range(count):
            measured = measurement_set_record(customer=shopper.customer, feet=_feet(), source=MeasurementSet.Source.SCAN)
            scan = FootScan.objects.create(customer=shopper.customer, uploaded_by=shopper, status=FootScan.Status.DONE,
                                           stage="done", fraction=1.0, measurement_set=measured)
            for side in ("left", "right"):
                FootScanFile.objects.create(scan=scan, original_name=f"{side}.stl", file=f"scans/{scan.pk}-{side}.stl",
                                            size_bytes=1000, side=side, result={"length_mm": 270})
    return shopper, grow


def _paid_order_on_a_plate(*, shopper, products) -> dict[str, int]:
    """A paid order with a print job on a plate of its own (production_world's ids)."""
    revision = done_revision(customer=shopper.customer, product=products["insole"])
    order = order_place(design=revision.design, revision=revision, actor=shopper)
    order_status_set(order=order, status="paid", actor=None)
    return production_world(revision=revision)


def _production_orders(*, production_user, shopper, other_shopper, products, **_):
    shoppers = itertools.cycle([shopper, other_shopper])  # orders of more than one customer

    def grow(count: int):
        for _ in range(count):
            _paid_order_on_a_plate(shopper=next(shoppers), products=products)
    return production_user, grow


def _plates(*, production_user, shopper, other_shopper, products, **_):
    printers = itertools.cycle(printer_farm_demo_load())
    shoppers = itertools.cycle([shopper, other_shopper])

    def grow(count: int):
        for _ in range(count):
            world = _paid_order_on_a_plate(shopper=next(shoppers), products=products)
            Plate.objects.filter(pk=world["plate_id"]).update(printer=next(printers))
    return production_user, grow


def _check_ins(**_):
    staff = StaffFactory().user

    def grow(count: int):
        for _ in range(count):
            check_in_start(staff=staff, customer=CustomerFactory(), method="loyalty_card")
    return staff, grow


@pytest.mark.parametrize("path, world", [
    ("/api/v1/measurement-sets/", _measurement_sets),
    ("/api/v1/scans/", _scans),
    ("/api/v1/production/queue/", _production_orders),
    ("/api/v1/production/plates/", _plates),
    ("/api/v1/store/check-ins/", _check_ins),
], ids=["measurement-sets", "scans", "production-orders", "plates", "check-ins"])
def test_a_list_costs_the_same_queries_for_one_item_as_for_seven(api_client, shopper, other_shopper, production_user,
                                                                  products, path, world,
                                                                  django_assert_max_num_queries):
    """Whoever reads the list (a shopper, production, a store's staff) waits no longer for seven items than for one."""
    reader, grow = world(shopper=shopper, other_shopper=other_shopper, production_user=production_user,
                         products=products)
    token = api_client.post("/api/auth/token/", {"username": reader.username, "password": "correct horse battery"},
                            format="json").json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    grow(1)
    with django_assert_max_num_queries(99) as one:
        answer = api_client.get(path)
    assert answer.status_code == 200 and answer.json()["count"] == 1
    grow(6)
    with django_assert_max_num_queries(len(one.captured_queries)) as many:
        answer = api_client.get(path).json()
    assert answer["count"] == 7 and len(answer["results"]) == 7
    assert len(many.captured_queries) == len(one.captured_queries)
