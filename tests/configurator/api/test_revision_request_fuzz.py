"""Whatever JSON a client sends to the revision endpoint, the answer is a 2xx or a 4xx, never a 500."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.configurator.helpers import feet_copy

pytestmark = pytest.mark.django_db

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
option_names = st.sampled_from(["thickness_mm", "toe_allowance_mm", "arch_support", "heel_cup_mm", "color", "x"])
measurement_names = st.sampled_from(["length_mm", "ball_width_mm", "ball_girth_mm", "instep_girth_mm",
                                     "heel_width_mm", "arch_height_mm"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parameters=st.dictionaries(option_names, json_values, max_size=3) | json_values,
    broken_measurement=st.tuples(st.sampled_from(["left", "right"]), measurement_names, json_values),
    side=st.sampled_from(["left", "right", "both"]) | json_values,
)
def test_no_input_gives_a_server_error(api_client, shopper, products, parameters, broken_measurement, side):
    api_client.force_authenticate(shopper)
    design = api_client.post("/api/designs/", {"product": "insole"}, format="json").json()
    feet = feet_copy()
    foot, name, value = broken_measurement
    feet[foot][name] = value
    response = api_client.post(
        f"/api/designs/{design['id']}/revisions/",
        json.dumps({"measurements": feet, "parameters": parameters, "side": side}),  # NaN and Infinity tokens too
        content_type="application/json",
    )
    assert response.status_code in (202, 400), response.content
    if response.status_code == 400:
        assert response.json()  # says what was wrong
