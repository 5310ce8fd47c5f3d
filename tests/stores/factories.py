import factory

from stores.models import StaffMembership, Store
from tests.factories import UserFactory


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    name = factory.Sequence(lambda n: f"Sartoria Store {n}")
    address = "Via Roma 1"
    city = "Milano"
    latitude = 45.46
    longitude = 9.19
    opening_hours = {"mon": [["10:00", "19:00"]]}


class StaffFactory(factory.django.DjangoModelFactory):
    """A store staff member (the user), associate by default."""

    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory, first_name="Marco", last_name="Rossi")
    store = factory.SubFactory(StoreFactory)
    role = StaffMembership.Role.ASSOCIATE
