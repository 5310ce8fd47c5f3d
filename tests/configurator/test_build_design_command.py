import json

import pytest
import trimesh
from django.core.management import CommandError, call_command

from tests.conftest import FEET


def test_build_design_writes_every_file_and_a_report(tmp_path):
    measurements = tmp_path / "feet.json"
    measurements.write_text(json.dumps(FEET))
    params = tmp_path / "params.json"
    params.write_text(json.dumps({"toe_allowance_mm": 8}))
    out = tmp_path / "out"

    call_command("build_design", product="insole", measurements=str(measurements), params=str(params),
                 side="both", out=str(out))

    for side in ("left", "right"):
        for name in ("insole.3mf", "insole.stl", "insole.glb", "preview.png", "fit.png", "foot.glb"):
            assert (out / f"{side}-{name}").stat().st_size > 0
        mesh = trimesh.load(out / f"{side}-insole.stl")
        assert mesh.is_watertight
        assert mesh.extents[0] == pytest.approx(FEET[side]["length_mm"] + 8, abs=1.0)
    report = json.loads((out / "report.json").read_text())
    assert report["build_seconds"] > 0
    assert report["sides"]["left"]["watertight"] is True
    assert set(report["sides"]["left"]["seconds"]) == {"build_seconds", "export_seconds", "preview_seconds",
                                                      "printability_seconds", "fit_seconds"}
    assert report["sides"]["left"]["printability"]["total"]["grams"] > 0
    assert report["sides"]["left"]["fit"]["verdict"] in ("fits", "tight", "loose", "tight_and_loose")


def test_build_design_refuses_bad_measurements_naming_the_field(tmp_path):
    measurements = tmp_path / "feet.json"
    measurements.write_text(json.dumps({"right": {**FEET["right"], "ball_width_mm": 0}}))
    with pytest.raises(CommandError, match="ball_width_mm"):
        call_command("build_design", product="shoe", measurements=str(measurements), side="right",
                     out=str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_build_design_refuses_unknown_product(tmp_path):
    with pytest.raises(CommandError, match="insole"):
        call_command("build_design", product="hat", measurements="x.json", out=str(tmp_path))
