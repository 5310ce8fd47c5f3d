import pytest

from config.exceptions import ApplicationError
from customers.models import Measurement, MeasurementSet
from customers.selectors import measurement_set_feet
from customers.services import measurement_set_record
from tests.conftest import FEET

pytestmark = pytest.mark.django_db


def test_new_values_add_a_set_and_keep_the_old_one(shopper):
    first = measurement_set_record(customer=shopper.customer, feet=FEET)
    changed = {**FEET, "left": {**FEET["left"], "length_mm": 270}}
    second = measurement_set_record(customer=shopper.customer, feet=changed)
    assert first.pk != second.pk
    assert measurement_set_feet(measurement_set=first)["left"]["length_mm"] == 273
    assert measurement_set_feet(measurement_set=second)["left"]["length_mm"] == 270


def test_same_values_again_reuse_the_latest_set(shopper):
    first = measurement_set_record(customer=shopper.customer, feet=FEET)
    assert measurement_set_record(customer=shopper.customer, feet=FEET).pk == first.pk
    assert MeasurementSet.objects.count() == 1 and Measurement.objects.count() == 12


def test_invalid_values_save_nothing(shopper):
    with pytest.raises(ApplicationError):
        measurement_set_record(customer=shopper.customer, feet={"left": {**FEET["left"], "heel_width_mm": -1}})
    assert MeasurementSet.objects.count() == 0


def test_a_scans_values_sent_back_as_typed_stay_the_scan(shopper):
    scanned = measurement_set_record(customer=shopper.customer, feet=FEET, source=MeasurementSet.Source.SCAN)
    assert measurement_set_record(customer=shopper.customer, feet=FEET).pk == scanned.pk
    measured_in_store = measurement_set_record(customer=shopper.customer, feet=FEET, source=MeasurementSet.Source.STORE)
    assert measured_in_store.pk != scanned.pk  # a new sitting in the store is its own record
