"""Traceability codes cut where they do not show: the part stays one printable body and the code reads back."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest
import shapely
import shapely.affinity
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geometry import registry, traceability
from geometry.errors import ParameterError
from geometry.printability import printability_report
from tests.geometry._support import EXAMPLE_FOOT, assert_part_printable

SMALL_FOOT = {"length_mm": 225.0, "ball_width_mm": 88.0, "ball_girth_mm": 222.0, "instep_girth_mm": 228.0,
              "heel_width_mm": 60.0, "arch_height_mm": 15.0}
BUILDS = [
    ("shoe", "left", EXAMPLE_FOOT, {}),
    ("shoe", "right", SMALL_FOOT, {"midsole": "solid", "wall_thickness_mm": 1.8, "sole_thickness_mm": 4.0,
                                   "collar_height_mm": 40.0, "heel_height_mm": 40.0}),
    ("insole", "right", EXAMPLE_FOOT, {}),
    ("insole", "left", SMALL_FOOT, {}),
]


@lru_cache(maxsize=None)
def parts_of(index: int) -> dict:
    key, side, foot, options = BUILDS[index]
    return registry.build_parts(key, registry.parse(key, options=options, foot=foot, side=side))


codes = st.from_regex(r"S[0-9]{4}-(UP|MS|OS|IN)-[LR](-R[1-9])?", fullmatch=True) | \
    st.from_regex(r"[A-Z0-9][A-Z0-9-]{0,11}", fullmatch=True)
part_choices = st.sampled_from([(i, name) for i in range(len(BUILDS)) for name in parts_of(i)])


def iou(a, b) -> float:
    return a.intersection(b).area / a.union(b).area


@settings(max_examples=14, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(choice=part_choices, code=codes)
def test_a_code_is_cut_into_every_part_and_reads_back(choice, code):
    index, name = choice
    original = parts_of(index)[name]
    # when the code is cut into the part
    embossed = traceability.code_emboss(original, code, part=name)
    # then the part is still one closed, outward-wound body that lost only the letters' volume
    assert_part_printable(embossed)
    place = traceability.code_place(original, code, part=name)
    letters = traceability.code_outline(code)
    lost = original.volume - embossed.volume
    assert 0.0 < lost <= letters.area * place.depth_mm * 1.3 + 1.0
    # and the code reads back from the result: where the surface sank is the shape of the letters
    # (within the solid where the face has honeycomb cells)
    region = traceability.code_region(original, embossed, place)
    if name == "midsole" and BUILDS[index][3].get("midsole", "lattice") == "lattice":
        # only the solid part of the face can show letters: what sank is inside the letters, and a good share
        assert region.area > 0.2 * letters.area
        assert region.difference(letters.buffer(0.4)).area < 0.05 * letters.area
    else:
        assert iou(region, letters) > 0.8, iou(region, letters)
        # and not as well as another code would read (the letters themselves are there, not a blob)
        other = traceability.code_outline("W" * len(code) if set(code) != {"W"} else "1" * len(code))
        assert iou(region, other) < iou(region, letters) - 0.15


@pytest.mark.parametrize("index", [0, 1])
def test_the_uppers_code_is_inside_the_heel_counter_and_the_soles_under_or_covered(index):
    parts = parts_of(index)
    upper = traceability.code_place(parts["upper"], "S0001-UP-L", part="upper")
    # the upper's code faces the heel from inside (looking towards -x), low in the counter
    assert np.allclose(upper.n, [-1, 0, 0])
    (x_min, _, z_min), (x_max, _, z_max) = parts["upper"].bounds
    assert x_min < upper.origin[0] < x_min + 0.3 * (x_max - x_min)
    assert upper.origin[2] < z_max - 10.0
    # the midsole's under its bottom face, the outsole's on its top face (the midsole covers it)
    midsole = traceability.code_place(parts["midsole"], "S0001-MS-L", part="midsole")
    outsole = traceability.code_place(parts["outsole"], "S0001-OS-L", part="outsole")
    assert np.allclose(midsole.n, [0, 0, 1]) and np.allclose(outsole.n, [0, 0, -1])
    assert midsole.origin[2] == pytest.approx(parts["midsole"].bounds[0, 2], abs=0.5)
    # and the upper's wall keeps the printer's minimum under the letters
    embossed = traceability.code_emboss(parts["upper"], "S0001-UP-L-R2", part="upper")
    report = printability_report({"upper": embossed}, wall_samples=600)
    assert report["parts"]["upper"]["min_wall_mm"] >= 0.8 * 0.9


def test_bad_codes_and_unknown_parts_are_refused():
    mesh = parts_of(2)["insole"]
    for code in ("", "s0001", "S0001 UP", "S0001-UP-L-R1-XXXXXX", "-S1"):
        with pytest.raises(ParameterError, match="code"):
            traceability.code_emboss(mesh, code, part="insole")
    with pytest.raises(ParameterError, match="part"):
        traceability.code_emboss(mesh, "S0001-IN-L", part="heel")


def test_letters_read_left_to_right_for_the_reader():
    # "1" then a wide "W": the narrow glyph is on the reader's left (negative u)
    letters = traceability.code_outline("1W")
    parts = sorted(shapely.get_parts(letters), key=lambda g: g.centroid.x)
    assert parts[0].area < parts[-1].area
