"""Quotes of new shapes built in a niced child of the web process give the figures a build here gives."""
import os
import signal
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from config.priority import autogroup_nice
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
    assert os.getpriority(os.PRIO_PROCESS, pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + settings.SARTORIA_WORKER_NICE)
    # in a session of its own, lowered as a whole where the kernel shares the CPU out by session
    assert os.getsid(pid) == pid != os.getsid(0)
    assert autogroup_nice(pid) in (None, os.getpriority(os.PRIO_PROCESS, pid))
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


def test_quotes_of_one_shape_asked_at_once_share_one_build_in_the_child(in_child):
    params = registry.parse("insole", options={"toe_allowance_mm": 11.3}, foot=FOOT, side="right")
    # when two requests ask for the same new shape while the first's build runs (a build takes 0.3-1 s)
    first = quote_child._build_submit("test-shape-11.3", quote_child._shapes, "insole", params)
    second = quote_child._build_submit("test-shape-11.3", quote_child._shapes, "insole", params)
    # then the second waits for the first's build, not for one of its own
    assert second is first
    with ThreadPoolExecutor(max_workers=4) as requests:
        answers = list(requests.map(lambda _: quote_child.part_shapes_build(
            product_key="insole", params=params, key="test-shape-11.3"), range(4)))
    assert all(answer == first.result() for answer in answers) and answers[0]["insole"]["volume_mm3"] > 0
    # and a finished build is forgotten (the cache keeps the figures): a later request asks the child again
    assert quote_child._build_submit("test-shape-11.3", quote_child._shapes, "insole", params) is not first


@pytest.mark.django_db(transaction=True)
def test_a_quote_waiting_for_its_child_holds_no_database_connection(in_child, django_user_model):
    # given a request thread that has used the database (authentication, the product), outside a transaction
    django_user_model.objects.count()
    assert connection.connection is not None
    params = registry.parse("insole", options={"toe_allowance_mm": 12.7}, foot=FOOT, side="right")
    quote_child.part_shapes_build(product_key="insole", params=params)
    # then it gave its connection back before waiting (to the pool, on PostgreSQL) and can query again
    assert connection.connection is None
    assert django_user_model.objects.count() >= 0


def test_the_catalogue_model_built_in_the_child_is_the_one_built_here(in_child, settings):
    params = registry.parse("insole", options={}, foot=FOOT, side="right")
    # readers of the model while it is being built wait for that one build
    first = quote_child._build_submit("test-model", quote_child._model, "insole", params)
    assert quote_child.product_model_build(product_key="insole", params=params, key="test-model") == first.result()
    settings.SARTORIA_QUOTE_CHILD = False
    assert first.result()[:4] == b"glTF" and first.result() == quote_child.product_model_build(
        product_key="insole", params=params)
