"""`manage.py measure_scan` as an integrator runs it: a real process, real scans, exit codes."""
import json
import subprocess
import sys

import pytest

from geometry.foot import MEASUREMENT_RANGES_MM
from tests.conftest import BASE_DIR

from tests.datafiles import MESHES_DIR as MESHES


def measure(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "measure_scan", *args], cwd=BASE_DIR,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", ["foot3d_0044_scan.ply", "foot3d_0044_colmap.obj", "find_template_0015A.ply"])
def test_json_output_has_the_measurements_format_side_units_and_quality(name):
    done = measure(f"{MESHES}/{name}", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    for key, (low, high) in MEASUREMENT_RANGES_MM.items():
        assert low <= result[key] <= high, (key, result[key])
    assert result["side"] in ("left", "right") and result["units"] == "m"
    assert result["quality"]["grade"] in ("good", "fair", "poor") and 0 <= result["quality"]["score"] <= 1


def test_a_file_it_cannot_use_exits_non_zero_with_the_reason(tmp_path):
    text = tmp_path / "notes.stl"
    text.write_text("not a mesh at all")
    done = measure(str(text))
    assert done.returncode != 0 and "notes.stl" in done.stderr and "STL" in done.stderr
    missing = measure(str(tmp_path / "nowhere.ply"))
    assert missing.returncode != 0 and "cannot read" in missing.stderr
