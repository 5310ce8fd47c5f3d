import pytest
from rest_framework.test import APIClient

from customers.services import customer_qr_token, loyalty_card_issue
from tests.factories import CustomerFactory
from tests.stores.factories import StaffFactory, StoreFactory


@pytest.fixture
def store(db):
    return StoreFactory(name="Sartoria Milano Brera")


@pytest.fixture
def associate(store):
    """Marco, an associate of the store (the user)."""
    return StaffFactory(store=store).user


@pytest.fixture
def other_store_associate(db):
    return StaffFactory(store=StoreFactory(name="Sartoria Roma"), user__first_name="Anna", user__last_name="Bianchi").user


@pytest.fixture
def giulia(db):
    """A customer with her loyalty card, as every customer gets one at sign-up."""
    customer = CustomerFactory(full_name="Giulia Verdi", user__first_name="Giulia", user__last_name="Verdi")
    card = loyalty_card_issue(customer=customer).external_id
    return customer, card


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def check_in(associate, giulia):
    """Giulia checked in at Marco's store by her card: (check-in JSON, customer)."""
    customer, card = giulia
    response = client_for(associate).post("/api/store/check-ins/", {"loyalty_card": card}, format="json")
    assert response.status_code == 201, response.content
    return response.json(), customer


__all__ = ["customer_qr_token"]
