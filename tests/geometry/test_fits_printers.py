"""
One source for the printer's size: whatever the studio accepts fits the default printer's bed, or it is
refused when the options are parsed, with "too large for our printers" (issue 15: a 337 mm foot gave a
357 mm shoe that the export then refused against a 350 mm constant of its own).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from geometry import packing, registry
from geometry.errors import ParameterError
from geometry.foot import MEASUREMENT_RANGES_MM
from geometry.printability import printability_report
from geometry.printers import DEFAULT_PRINTER, PRINTER_PROFILES, longest_part_mm
from geometry.shoe import MAX_PRINT_LENGTH_MM
from production.exporters import PrintEntry, entry_check

ROOT = Path(__file__).resolve().parents[2]
BED_MM = PRINTER_PROFILES[DEFAULT_PRINTER].bed_mm
TOE = next(spec for spec in registry.option_schema("shoe") if spec["name"] == "toe_allowance_mm")
WALL = next(spec for spec in registry.option_schema("shoe") if spec["name"] == "wall_thickness_mm")


def long_foot(length_mm: float) -> dict:
    """A plausible foot of this length (proportions of a large ANSUR foot)."""
    return {"length_mm": length_mm, "ball_width_mm": max(60.0, round(0.37 * length_mm, 1)),
            "ball_girth_mm": round(0.92 * length_mm, 1), "instep_girth_mm": round(0.94 * length_mm, 1),
            "heel_width_mm": round(0.25 * length_mm, 1), "arch_height_mm": 20.0}


lengths = st.floats(MEASUREMENT_RANGES_MM["length_mm"][0], MEASUREMENT_RANGES_MM["length_mm"][1])


@settings(max_examples=300, deadline=None)
@given(length_mm=lengths, toe_mm=st.floats(TOE["min"], TOE["max"]), wall_mm=st.floats(WALL["min"], WALL["max"]))
def test_a_shoe_is_accepted_only_if_its_length_fits_the_default_printer(length_mm, toe_mm, wall_mm):
    try:
        params = registry.parse("shoe", options={"toe_allowance_mm": toe_mm, "wall_thickness_mm": wall_mm},
                                foot=long_foot(length_mm), side="left")
    except ParameterError as error:
        assume(error.field not in MEASUREMENT_RANGES_MM)  # a foot of implausible proportions: not this test's
        # refused before anything is built or ordered, saying why in the shopper's terms
        assert error.field == "toe_allowance_mm"
        assert "too large for our printers" in str(error)
        return
    # accepted: the shoe the studio will build is no longer than the default printer's plates take
    assert registry.expected_dimensions("shoe", params)["length_mm"] <= longest_part_mm(DEFAULT_PRINTER) + 1e-9


@pytest.mark.parametrize("length_mm, toe_mm", [(337.0, None), (346.0, 5.0), (320.0, 15.0)])
def test_the_longest_shoes_the_studio_accepts_fit_the_bed_pass_printability_and_the_export(length_mm, toe_mm):
    # given the longest shoes the studio lets through (the 337 mm foot with the default options)
    options = {} if toe_mm is None else {"toe_allowance_mm": toe_mm}
    params = registry.parse("shoe", options=options, foot=long_foot(length_mm), side="right")
    parts = registry.build_parts("shoe", params)
    report = printability_report(parts, wall_samples=300)
    # then every part fits the default printer (printability asks the registry) ...
    assert report["total"]["fits_build_volume"], report["problems"]
    # ... every real part's outline fits the bed for packing (the outline is what the plates are packed by) ...
    for name, mesh in parts.items():
        assert packing.fits_bed(packing.footprint(mesh), bed_mm=BED_MM), name
    plates = packing.pack([packing.PackPart(name, packing.footprint(mesh)) for name, mesh in parts.items()],
                          bed_mm=BED_MM)
    assert sum(len(p.placements) for p in plates) == 3
    # ... and the export's check, which reads the same registry, does not refuse it for its size
    extents = [max(float(m.bounds[1, i]) for m in parts.values()) - min(float(m.bounds[0, i]) for m in parts.values())
               for i in range(3)]
    entry = PrintEntry(revision_id=1, design_id=1, customer_id=1, product="shoe", revision_number=1, params_hash="x",
                       files={("right", "shoe.3mf"): b"3mf"},
                       report={"sides": {"right": {"watertight": True, "extents_mm": extents,
                                                   "printability": {"ok": True, "printer": DEFAULT_PRINTER}}}})
    entry_check(entry)


def test_a_foot_too_long_for_any_toe_allowance_is_refused_with_the_printers_size():
    with pytest.raises(ParameterError, match="too large for our printers") as caught:
        registry.parse("shoe", options={"toe_allowance_mm": TOE["max"], "wall_thickness_mm": WALL["max"]},
                       foot=long_foot(350.0), side="left")
    assert f"{MAX_PRINT_LENGTH_MM:g} mm" in str(caught.value)


def test_no_module_keeps_a_build_volume_of_its_own():
    # the printers registry is the one place that says how large a printer is
    offenders = []
    for folder in ("geometry", "production", "configurator"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "printers.py" or "migrations" in path.parts:
                continue
            text = path.read_text()
            if re.search(r"(build_volume|bed|BUILD_VOLUME|BED)\w*\s*=\s*\(?\s*3[56]0(\.0)?\b", text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
