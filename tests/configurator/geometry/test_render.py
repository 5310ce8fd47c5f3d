import io
import time

import numpy as np
import pytest
import trimesh
from PIL import Image

from configurator.geometry import registry, render

from ._support import EXAMPLE_FOOT


@pytest.mark.parametrize("key", ["insole", "shoe"])
def test_png_of_each_product(key):
    mesh = registry.build(key, registry.parse(key, options={}, foot=EXAMPLE_FOOT, side="right"))
    data = render.png(mesh, size=(320, 240), color="#336699", background="#ffffff")
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == (320, 240)
    pixels = np.asarray(image.convert("RGB")).astype(int)
    # the product fills a good part of the image, in shades of the requested colour
    covered = (np.abs(pixels - 255).sum(axis=2) > 30)
    assert 0.15 < covered.mean() < 0.9
    blue = pixels[covered]
    assert (blue[:, 2] >= blue[:, 0]).mean() > 0.95
    # corners are background
    assert (pixels[0, 0] == 255).all() and (pixels[-1, -1] == 255).all()


def test_png_is_fast_for_30k_triangles():
    mesh = trimesh.creation.icosphere(subdivisions=6, radius=50.0)  # 81,920 triangles
    mesh = trimesh.Trimesh(mesh.vertices, mesh.faces[:30_000], process=False)
    render.png(mesh)  # warm up
    start = time.perf_counter()
    render.png(mesh)
    assert time.perf_counter() - start < 1.0  # budget is ~0.3 s; generous for loaded CI machines


def test_empty_mesh_gives_background():
    data = render.png(trimesh.Trimesh(), size=(10, 10), background="#000000")
    assert np.asarray(Image.open(io.BytesIO(data))).max() == 0
