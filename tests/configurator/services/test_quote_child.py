"""Quotes of new shapes built in a niced child of the web process give the figures a build here gives."""
import os
import signal

import pytest

from configurator import quote_child
from geometry import registry
from geometry.errors import ParameterError

FOOT = {"length_mm": 262.0, "ball_width_mm": 99.0, "ball_girth_mm": 247.0, "instep_girth_mm": 252.0,
        "heel_width_mm": 67.0, "arch_height_mm": 17.0}


@pytest.fixture(scope="module")
def child_stopped_after():
    """One child for the module's tests (each start imports the geometry: seconds), stopped at the end."""
    yield
    pool, quote_child._pool = quote_child._pool, None
    if pool is not None:
        pool.shutdown(wait=True)


@pytest.fixture
def in_child(settings, child_stopped_after):
    settings.SARTORIA_QUOTE_CHILD = True


def test_the_child_measures_the_parts_as_a_build_here_does_at_a_lower_priority(in_child, settings):
    params = registry.parse("insole", options={"toe_allowance_mm": 9.5}, foot=FOOT, side="right")
    # when a quote's parts are built with the child on
    shapes = quote_child.part_shapes_build(product_key="insole", params=params)
    # then it was another process, niced below this one
    pid = quote_child.child_pid()
    assert pid is not None and pid != os.getpid()
    assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + quote_child.CHILD_NICE)
    # and its figures are the ones a build here gives
    settings.SARTORIA_QUOTE_CHILD = False
    assert shapes == quote_child.part_shapes_build(product_key="insole", params=params)
    assert shapes["insole"]["volume_mm3"] > 0


def test_a_killed_child_is_replaced_and_the_quote_still_answers(in_child):
    params = registry.parse("insole", options={}, foot=FOOT, side="left")
    quote_child.part_shapes_build(product_key="insole", params=params)
    os.kill(quote_child.child_pid(), signal.SIGKILL)
    # the next quote finds the pool broken and starts a new child
    shapes = quote_child.part_shapes_build(product_key="insole", params=params)
    assert shapes["insole"]["volume_mm3"] > 0


def test_an_error_in_the_child_reaches_the_request_with_its_field(in_child):
    params = registry.parse("shoe", options={}, foot=FOOT, side="left")
    with pytest.raises(ParameterError) as caught:
        quote_child.part_shapes_build(product_key="no-such-product", params=params)
    assert caught.value.field == "product"
