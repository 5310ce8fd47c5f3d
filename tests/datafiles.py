"""Where the tests and benchmarks find the real data they use: `tests/data/`, resolved from this file.

The data is third-party (MIT meshes, US-Government ANSUR II table); `tests/data/PROVENANCE.md` says where each
file comes from and `tests/data/licenses/` holds the licences shipped with it.
"""
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
MESHES_DIR = DATA_DIR / "meshes"
ANSUR_CSV = DATA_DIR / "anthropometry" / "ansur2_foot_hand_head.csv"

SCAN_0044_LASER = MESHES_DIR / "foot3d_0044_scan.ply"      # laser scan, foot and 20 cm of shin, metres
SCAN_0044_COLMAP = MESHES_DIR / "foot3d_0044_colmap.obj"   # the same foot from ~30 phone photos (COLMAP)
FIND_0015A = MESHES_DIR / "find_template_0015A.ply"        # clean, closed foot cut at the ankle
