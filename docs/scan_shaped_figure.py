"""
Draw docs/scan-shaped.png: the shoe and the insole shaped by a real scan (Foot3D 0044, laser) with default options,
from three quarters and from above, rendered by geometry.render (GL where it works, else Pillow).

    .venv/bin/python docs/scan_shaped_figure.py [--out docs/scan-shaped.png]
"""
from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from PIL import Image

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from geometry import registry, render  # noqa: E402
from geometry.foot import MEASUREMENT_RANGES_MM  # noqa: E402
from geometry.scan import measure_scan_file  # noqa: E402
from tests.datafiles import SCAN_0044_LASER  # noqa: E402

TILE = (800, 500)
SOLE = "#f2efe8"


def tile(parts: list[tuple], angle: str) -> Image.Image:
    """One view of the parts (mesh, colour) as a Pillow image."""
    return Image.open(io.BytesIO(render.views(parts=parts, size=TILE, angles=(angle,))[angle])).convert("RGB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=BASE_DIR / "docs" / "scan-shaped.png")
    args = parser.parse_args()
    result = measure_scan_file(SCAN_0044_LASER.read_bytes(), SCAN_0044_LASER.name)
    foot = {key: result.measurements[key] for key in MEASUREMENT_RANGES_MM}
    images = []
    for key in ("shoe", "insole"):
        params = registry.parse(key, options={}, foot=foot, side=result.side)
        parts = registry.build_parts(key, params, foot_mesh=result.foot)
        colours = [registry.part_materials(key, params)[name]["color"] for name in parts]
        colours = [SOLE if name == "midsole" else colour for name, colour in zip(parts, colours)]
        drawn = list(zip(parts.values(), colours))
        images += [tile(drawn, "three_quarter"), tile(drawn, "top")]
    figure = Image.new("RGB", (2 * TILE[0], 2 * TILE[1]), "white")
    for i, image in enumerate(images):
        figure.paste(image, ((i % 2) * TILE[0], (i // 2) * TILE[1]))
    figure.save(args.out, optimize=True)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
