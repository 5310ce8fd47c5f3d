import copy

from configurator.models import DesignRevision
from configurator.services import revision_build, revision_request
from customers.services import measurement_set_record
from tests.conftest import FEET
from tests.factories import DesignFactory


def feet_copy() -> dict:
    return copy.deepcopy(FEET)


def built_revision(*, user, product, options: dict | None = None, side: str = "right") -> DesignRevision:
    """A design of `user` with one revision built right here (no worker), files stored."""
    design = DesignFactory(customer=user.customer, template=product)
    measurement_set = measurement_set_record(customer=user.customer, feet=FEET)
    revision = revision_request(
        design=design, options=options or {}, feet=FEET, side=side, measurement_set=measurement_set
    )
    return revision_build(revision_id=revision.pk)
