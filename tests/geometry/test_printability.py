"""Printability report: known solids measured exactly, and real products checked over ANSUR feet (no Django)."""
import json
import math

import manifold3d
import numpy as np
import pytest
import trimesh
from hypothesis import given, settings, strategies as st

from geometry import registry
from geometry.errors import ParameterError
from geometry.materials import MATERIALS
from geometry.printability import overhang_area_mm2, part_figures, part_shape, printability_report, wall_thickness_mm
from geometry.printers import DEFAULT_PRINTER, PRINTER_PROFILES
from geometry.shoe import FOOTBED_SHARE

from ._support import EXAMPLE_FOOT, feet, initials, options_strategy


def box(extents_mm, center_mm=(0.0, 0.0, 0.0)) -> manifold3d.Manifold:
    """Axis-aligned box standing on z = center z - extents z / 2."""
    return manifold3d.Manifold.cube(tuple(float(e) for e in extents_mm), center=True).translate(
        tuple(float(c) for c in center_mm))


def to_trimesh(solid: manifold3d.Manifold) -> trimesh.Trimesh:
    out = solid.to_mesh()
    return trimesh.Trimesh(vertices=np.asarray(out.vert_properties[:, :3], float),
                           faces=np.asarray(out.tri_verts, np.int64), process=True)


def product_parts(key: str, params) -> dict:
    """The product's printable parts."""
    return dict(registry.build_parts(key, params))


def product_materials(key: str, params) -> dict:
    """The product's own part materials."""
    return registry.part_materials(key, params)


def finite_numbers(value) -> bool:
    """Every number anywhere inside ``value`` is finite (bools and strings pass)."""
    if isinstance(value, dict):
        return all(finite_numbers(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(finite_numbers(v) for v in value)
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    return isinstance(value, str)


PART_FIELDS = {"watertight", "winding_consistent", "bodies", "volume_mm3", "material", "grams", "cost_eur",
               "min_wall_mm", "thin_wall_area_mm2", "overhang_area_mm2", "extents_mm", "fits_build_volume",
               "print_minutes"}


def test_solid_box_volume_grams_and_cost_are_exact():
    # given a 100 x 50 x 10 mm box in PLA
    mesh = trimesh.creation.box(extents=(100.0, 50.0, 10.0))
    pla = MATERIALS["pla"]
    # when reported at full and at 20 % infill
    full = printability_report({"plate": mesh}, materials={"plate": {"material": "pla"}}, infill=1.0)
    sparse = printability_report({"plate": mesh}, materials={"plate": {"material": "pla"}}, infill=0.2)
    # then volume, grams and cost follow from the density and price
    part = full["parts"]["plate"]
    assert part["volume_mm3"] == pytest.approx(50_000.0)
    assert part["grams"] == pytest.approx(50.0 * pla["density_g_cm3"], abs=1e-3)
    assert part["cost_eur"] == pytest.approx(50.0 * pla["density_g_cm3"] / 1000 * pla["cost_eur_per_kg"], abs=0.005)
    assert sparse["parts"]["plate"]["grams"] == pytest.approx(0.2 * part["grams"], abs=1e-3)
    assert part["material"] == "pla" and part["color"] == pla["color_default"]
    assert part["extents_mm"] == pytest.approx([100.0, 50.0, 10.0])
    # a 10 mm solid plate: the thinnest wall is its 10 mm height, nothing thin, nothing overhanging
    assert part["min_wall_mm"] == pytest.approx(10.0, abs=0.05)
    assert part["thin_wall_area_mm2"] == 0.0 and part["overhang_area_mm2"] == 0.0
    assert part["bodies"] == 1 and part["voids"] == 0
    assert full["ok"] is True and full["problems"] == [] and full["printer"] == DEFAULT_PRINTER
    assert full["total"]["grams"] == part["grams"]
    assert json.loads(json.dumps(full)) == full


def test_missing_material_takes_the_default_and_unknown_names_are_refused():
    mesh = trimesh.creation.box(extents=(20.0, 20.0, 20.0))
    report = printability_report({"cube": mesh}, materials=None)
    assert report["parts"]["cube"]["material"] == "tpu_95a"
    with pytest.raises(ParameterError):
        printability_report({"cube": mesh}, materials={"cube": {"material": "unobtainium"}})
    with pytest.raises(ParameterError):
        printability_report({"cube": mesh}, materials=None, printer="replicator_1")
    with pytest.raises(ParameterError):
        printability_report({"cube": mesh}, materials=None, infill=0.0)


def test_hollow_box_with_1mm_walls_measures_1mm():
    # given a closed hollow box whose walls are 1.0 mm thick everywhere (manifold3d difference)
    solid = box((40.0, 30.0, 20.0), (0.0, 0.0, 10.0)) - box((38.0, 28.0, 18.0), (0.0, 0.0, 10.0))
    mesh = to_trimesh(solid)
    assert mesh.is_watertight and mesh.volume == pytest.approx(40 * 30 * 20 - 38 * 28 * 18)
    # when reported on a printer whose minimum is 1.2 mm
    report = printability_report({"shell": mesh}, materials=None, printer="large_format_fdm")
    part = report["parts"]["shell"]
    # then the measured wall is 1.0 mm and nearly all of the surface is too thin (inner and outer faces
    # both count; a 1 mm band along each outer edge is not: its ray runs down the inside of the next wall)
    assert part["min_wall_mm"] == pytest.approx(1.0, abs=0.15)
    assert 0.85 * mesh.area <= part["thin_wall_area_mm2"] <= mesh.area
    assert report["ok"] is False
    assert any(p.startswith("shell: wall 1.00 mm is under the printer's 1.20 mm minimum") for p in report["problems"])
    # and on a 0.4 mm nozzle (0.8 mm minimum) it is fine: one body with a sealed void (a warning only)
    mk4 = printability_report({"shell": mesh}, materials=None, printer="prusa_mk4")
    assert mk4["ok"] is True and mk4["parts"]["shell"]["bodies"] == 1 and mk4["parts"]["shell"]["voids"] == 1
    assert any("shell: 1 sealed void" in w for w in mk4["warnings"])


def test_ray_thickness_of_a_plate_is_its_thickness_everywhere_but_the_rims():
    mesh = trimesh.creation.box(extents=(60.0, 40.0, 3.0))
    thickness, area_per_sample = wall_thickness_mm(mesh, count=2000)
    assert area_per_sample == pytest.approx(mesh.area / 2000)
    assert np.isfinite(thickness).all()
    # top and bottom faces (2 x 2400 of 5400 mm2) measure 3 mm; the rims measure 40 or 60 mm
    assert np.mean(np.isclose(thickness, 3.0, atol=1e-3)) == pytest.approx(4800 / 5400, abs=0.03)


def test_box_too_large_for_the_mk4_fits_the_large_format_printer():
    mesh = trimesh.creation.box(extents=(300.0, 100.0, 50.0))
    small = printability_report({"slab": mesh}, materials=None, printer="prusa_mk4")
    large = printability_report({"slab": mesh}, materials=None, printer="large_format_fdm")
    assert small["parts"]["slab"]["fits_build_volume"] is False and small["total"]["fits_build_volume"] is False
    assert any("slab: 300 x 100 x 50 mm does not fit" in p for p in small["problems"])
    assert large["parts"]["slab"]["fits_build_volume"] is True and large["ok"] is True
    # turned on its side it still fits (axis permutations are allowed)
    upright = trimesh.creation.box(extents=(50.0, 100.0, 300.0))
    assert printability_report({"slab": upright}, materials=None)["parts"]["slab"]["fits_build_volume"] is True


def test_t_shape_overhang_is_the_underside_of_its_shelf():
    # given a 20 x 20 x 30 mm stem carrying a 60 x 60 x 5 mm shelf
    solid = box((20.0, 20.0, 30.0), (0.0, 0.0, 15.0)) + box((60.0, 60.0, 5.0), (0.0, 0.0, 32.5))
    mesh = to_trimesh(solid)
    underside_mm2 = 60.0 * 60.0 - 20.0 * 20.0
    # when reported on an FDM printer and on SLS
    fdm = printability_report({"tee": mesh}, materials=None, printer="prusa_mk4")
    sls = printability_report({"tee": mesh}, materials=None, printer="sls_fuse1")
    # then the overhang is the shelf's underside (the stem's foot on the bed does not count)
    assert fdm["parts"]["tee"]["overhang_area_mm2"] == pytest.approx(underside_mm2, rel=0.05)
    assert fdm["ok"] is True and any("tee: 3200 mm² overhangs" in w for w in fdm["warnings"])
    assert sls["parts"]["tee"]["overhang_area_mm2"] == 0.0 and sls["warnings"] == []


@pytest.mark.parametrize("lean_deg, counted", [(0.0, False), (30.0, False), (44.0, False), (46.0, True),
                                               (60.0, True), (90.0, True)])
def test_overhang_threshold_is_measured_from_vertical(lean_deg, counted):
    # given a 10 x 10 mm face 10 mm above the bed, leaning lean_deg past vertical (0 = wall, 90 = ceiling),
    # and a small triangle on the bed that sets the lowest z
    lean = np.radians(lean_deg)
    u, v = np.array([0.0, 10.0, 0.0]), 10.0 * np.array([np.sin(lean), 0.0, np.cos(lean)])
    p0 = np.array([0.0, 0.0, 10.0])
    vertices = np.array([p0, p0 + u, p0 + v, p0 + u + v, [0, 0, 0], [0, -5, 0], [5, 0, 0]])
    mesh = trimesh.Trimesh(vertices, [[0, 1, 2], [1, 3, 2], [4, 5, 6]], process=False)
    assert mesh.face_normals[0] == pytest.approx([np.cos(lean), 0.0, -np.sin(lean)], abs=1e-9)
    # then only a face leaning more than the 45 degree limit counts, and the bed triangle never does
    assert overhang_area_mm2(mesh, max_overhang_deg=45.0) == pytest.approx(100.0 if counted else 0.0)
    assert overhang_area_mm2(mesh, max_overhang_deg=90.0) == 0.0


@pytest.mark.parametrize("key", sorted(PRINTER_PROFILES))
def test_each_printer_takes_what_it_can_print_and_names_what_it_cannot(key):
    # given plates sized from the printer's own build volume and thinnest wall
    profile = PRINTER_PROFILES[key]
    longest_mm, wall_mm = max(profile.build_volume_mm), profile.min_wall_mm
    fits = trimesh.creation.box(extents=(longest_mm - 5.0, 40.0, 3.0 * wall_mm))
    too_long = trimesh.creation.box(extents=(longest_mm + 5.0, 40.0, 3.0 * wall_mm))
    too_thin = trimesh.creation.box(extents=(100.0, 40.0, 0.6 * wall_mm))
    # when each is reported on that printer
    report = printability_report({"fits": fits}, materials=None, printer=key)
    long_report = printability_report({"long": too_long}, materials=None, printer=key)
    thin_report = printability_report({"thin": too_thin}, materials=None, printer=key)
    # then the plate inside its limits prints, and each other plate is refused with a sentence naming it
    assert report["ok"] is True and report["printer"] == key and json.loads(json.dumps(report)) == report
    assert long_report["ok"] is False and any(p.startswith("long: ") and "does not fit" in p
                                              for p in long_report["problems"])
    assert thin_report["ok"] is False and any(p.startswith("thin: wall ") for p in thin_report["problems"])
    # and flexible filament never prints faster than rigid filament of the same shape
    tpu = printability_report({"fits": fits}, materials={"fits": {"material": "tpu_95a"}}, printer=key)
    pla = printability_report({"fits": fits}, materials={"fits": {"material": "pla"}}, printer=key)
    assert tpu["total"]["print_minutes"] >= pla["total"]["print_minutes"] > 0


def _check_report(report: dict) -> None:
    assert json.loads(json.dumps(report)) == report
    assert finite_numbers(report)
    profile = PRINTER_PROFILES[report["printer"]]
    for name, part in report["parts"].items():
        assert PART_FIELDS <= set(part), name
        assert part["grams"] > 0 and part["cost_eur"] > 0 and part["print_minutes"] > 0
        assert part["min_wall_mm"] is not None and part["min_wall_mm"] > 0
        assert part["watertight"] and part["winding_consistent"] and part["bodies"] == 1 and part["voids"] == 0
        # the verdict agrees with the measurements: a part that does not fit or is too thin is named in a
        # problem, and only such a part (a wall within the report's rounding of the minimum may go either way)
        named = any(problem.startswith(f"{name}: ") for problem in report["problems"])
        if abs(part["min_wall_mm"] - profile.min_wall_mm) > 5e-4:
            assert named == (not part["fits_build_volume"] or part["min_wall_mm"] < profile.min_wall_mm), name
        elif not part["fits_build_volume"]:
            assert named, name
    assert all(any(problem.startswith(f"{name}: ") for name in report["parts"]) for problem in report["problems"])
    assert report["total"]["grams"] == pytest.approx(sum(p["grams"] for p in report["parts"].values()), abs=0.01)


def upper_thinnest_design_mm(params) -> float:
    """
    The upper's thinnest designed wall: its sides are ``wall_thickness_mm``; under the foot it keeps a
    footbed layer ``FOOTBED_SHARE`` x min(wall, half the sole) thick (shoe.py; 1.0 mm for the default shoe).
    """
    return min(params.wall_thickness_mm,
               FOOTBED_SHARE * min(params.wall_thickness_mm, 0.5 * params.sole_thickness_mm))


def upper_side_wall_mm(upper) -> float:
    """Median ray thickness of the upper's near-vertical faces (|n_z| < 0.3): its sides, as designed."""
    thickness, _ = wall_thickness_mm(upper, count=2000)
    _, face_index = trimesh.sample.sample_surface(upper, 2000, seed=0)  # the same points (same seed)
    side = np.abs(upper.face_normals[face_index, 2]) < 0.3
    return float(np.nanmedian(thickness[side]))


@settings(max_examples=6, deadline=None)
@given(foot=feet, options=options_strategy(registry.option_schema("shoe")), side=st.sampled_from(["left", "right"]),
       printer=st.sampled_from(sorted(PRINTER_PROFILES)))
def test_shoe_reports_are_finite_and_walls_are_near_the_option(foot, options, side, printer):
    # given a real ANSUR foot and any shoe options
    params = registry.parse("shoe", options=options, foot=foot, side=side)
    parts = product_parts("shoe", params)
    # when reported with the product's own materials
    report = printability_report(parts, materials=product_materials("shoe", params), printer=printer)
    # then every figure is finite and the measured wall is close to the chosen one
    _check_report(report)
    name = "upper"
    # the sides of the upper measure the wall option
    assert upper_side_wall_mm(parts[name]) == pytest.approx(params.wall_thickness_mm, abs=0.15)
    # its robust minimum is the thinnest designed wall, thinned where that wall is sloped: the upper is grown
    # in each cross-section (plan offset + vertical offset), so a surface sloping by an angle a is
    # wall * cos(a) thick along its normal (~0.78 x in the toe box, ~0.87 x on a 40 mm heel's footbed)
    assert 0.7 * upper_thinnest_design_mm(params) <= report["parts"][name]["min_wall_mm"]
    assert report["parts"][name]["min_wall_mm"] <= params.wall_thickness_mm + 0.3


@settings(max_examples=6, deadline=None)
@given(foot=feet, options=options_strategy(registry.option_schema("insole")), side=st.sampled_from(["left", "right"]))
def test_insole_reports_are_finite(foot, options, side):
    params = registry.parse("insole", options=options, foot=foot, side=side)
    report = printability_report(product_parts("insole", params), materials=product_materials("insole", params))
    _check_report(report)
    part = next(iter(report["parts"].values()))
    # the insole lies flat: its bottom is on the bed, so almost nothing overhangs
    assert part["overhang_area_mm2"] < 0.01 * sum(part["extents_mm"][:2]) ** 2


@settings(max_examples=5, deadline=None)
@given(foot=feet, product=st.sampled_from(["shoe", "insole"]), data=st.data(), initials=initials)
def test_a_left_part_measures_as_its_right_twin(foot, product, data, initials):
    # given any foot and any options (the shoe's initials too: they are mirrored back to read on both sides)
    options = data.draw(options_strategy(registry.option_schema(product)))
    if product == "shoe":
        options["initials"] = initials
    shapes = {side: {name: part_shape(mesh) for name, mesh in
                     product_parts(product, registry.parse(product, options=options, foot=foot, side=side)).items()}
              for side in ("left", "right")}
    # then each part's volume, surface, height and holes are the same on both sides, which is what lets a quote
    # of a pair build one side (configurator/services/quotes.py)
    assert shapes["left"].keys() == shapes["right"].keys()
    for name, right in shapes["right"].items():
        assert shapes["left"][name] == pytest.approx(right, rel=1e-6), name


def test_default_shoe_upper_wall_matches_its_option():
    # given the default shoe (2.0 mm wall) for the example foot
    params = registry.parse("shoe", options={}, foot=EXAMPLE_FOOT, side="right")
    parts = product_parts("shoe", params)
    name = "upper"
    # when reported on the default printer
    report = printability_report(parts, materials=product_materials("shoe", params))
    # then the sides of the upper measure the option within 0.15 mm, and the robust minimum is its thinnest
    # designed wall (the footbed layer, see upper_thinnest_design_mm) within 0.3 mm, not the 2.0 mm option:
    # the upper is not 2.0 mm thick everywhere by design
    assert upper_side_wall_mm(parts[name]) == pytest.approx(params.wall_thickness_mm, abs=0.15)
    assert report["parts"][name]["min_wall_mm"] == pytest.approx(upper_thinnest_design_mm(params), abs=0.3)
    assert report["total"]["fits_build_volume"] is True
    # and the same ~285 mm long shoe fits the MK4 (250 mm at most) in no orientation,
    # while it stands on its heel in the 300 mm tall SLS chamber (checked on the longest part alone, for speed)
    longest = max(parts, key=lambda name: parts[name].extents.max())
    one = {longest: parts[longest]}
    assert printability_report(one, materials=None, printer="prusa_mk4", wall_samples=100)["ok"] is False
    assert printability_report(one, materials=None, printer="sls_fuse1",
                               wall_samples=100)["parts"][longest]["fits_build_volume"] is True


shapes = st.fixed_dictionaries({"volume_mm3": st.floats(0, 2e6), "area_mm2": st.floats(0, 3e5),
                                "height_mm": st.floats(0, 300), "holes": st.integers(0, 400)})


@settings(max_examples=300, deadline=None)
@given(shape=shapes, grow=st.sampled_from(["volume_mm3", "area_mm2", "height_mm", "holes"]),
       more=st.floats(0.01, 1e5), printer=st.sampled_from(sorted(PRINTER_PROFILES)),
       material=st.sampled_from(sorted(MATERIALS)))
def test_a_larger_part_never_weighs_less_or_prints_sooner(shape, grow, more, printer, material):
    # given any part's shape, on any printer in any material, and the same part larger in one measure
    profile = PRINTER_PROFILES[printer]
    larger = {**shape, grow: shape[grow] + (max(1, int(more)) if grow == "holes" else more)}
    base = part_figures(**shape, profile=profile, material=material)
    grown = part_figures(**larger, profile=profile, material=material)
    # then it takes no less material, weighs and costs no less, and prints no sooner
    for key in ("printed_mm3", "grams", "cost_eur", "print_minutes"):
        assert grown[key] >= base[key] - 1e-9 * max(1.0, base[key]), key
        assert math.isfinite(grown[key]) and grown[key] >= 0
    # and more volume or more height strictly adds print time on a filament printer (extrusion, layers)
    if profile.technology == "fdm" and grow in ("volume_mm3", "height_mm") and more >= profile.layer_height_mm:
        assert grown["print_minutes"] > base["print_minutes"]


@settings(max_examples=4, deadline=None)
@given(options=options_strategy(registry.option_schema("shoe")), printer=st.sampled_from(sorted(PRINTER_PROFILES)))
def test_the_report_gives_each_part_the_figures_of_its_shape(options, printer):
    # given a shoe with any options, reported on any printer
    params = registry.parse("shoe", options=options, foot=EXAMPLE_FOOT, side="left")
    parts = product_parts("shoe", params)
    materials = product_materials("shoe", params)
    report = printability_report(parts, materials=materials, printer=printer, wall_samples=100)
    for name, mesh in parts.items():
        # then the report keeps the part's shape (what quotes and print jobs store) and its figures are that shape's
        shape = part_shape(mesh)
        part = report["parts"][name]
        assert part["area_mm2"] == pytest.approx(shape["area_mm2"], abs=0.1) and part["holes"] == shape["holes"]
        figures = part_figures(**shape, profile=PRINTER_PROFILES[printer], material=materials[name]["material"])
        assert part["grams"] == pytest.approx(figures["grams"], abs=1e-3)
        assert part["print_minutes"] == pytest.approx(figures["print_minutes"], abs=0.05)
    # a honeycomb midsole has a hole through it per cell; a solid one none
    assert (report["parts"]["midsole"]["holes"] > 0) == (params.midsole == "lattice")
