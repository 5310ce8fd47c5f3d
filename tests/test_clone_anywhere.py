"""A clone at any path works: the tests' data is in the repository and no tracked file names a machine's path."""
import subprocess
from pathlib import Path

from tests import datafiles

ROOT = Path(__file__).resolve().parents[1]
# Spelt in pieces so that this file does not name them itself.
MACHINE_PATHS = ("/" + "work/", "../" + "shared", "/" + "root/", "/" + "home/", "/" + "tmp/sartoria")


def test_test_data_is_in_the_repository_with_its_licences():
    for path in (datafiles.ANSUR_CSV, datafiles.SCAN_0044_LASER, datafiles.SCAN_0044_COLMAP, datafiles.FIND_0015A):
        assert path.is_file() and path.stat().st_size > 100_000, path
        assert ROOT in path.parents
    assert len(list((datafiles.DATA_DIR / "licenses").glob("*.txt"))) == 3
    assert "Licence" in (datafiles.DATA_DIR / "PROVENANCE.md").read_text()


def test_no_tracked_file_names_a_path_outside_the_repository():
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    offenders = []
    for name in filter(None, tracked.decode().split("\0")):
        path = ROOT / name
        if not path.is_file() or path.suffix in {".ply", ".obj", ".stl", ".png", ".glb", ".mo", ".csv"}:
            continue
        text = path.read_text(errors="ignore")
        offenders += [f"{name}: {marker}" for marker in MACHINE_PATHS if marker in text]
    assert offenders == []
