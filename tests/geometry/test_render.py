import colorsys
import io
import logging
import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import trimesh
from PIL import Image

from geometry import registry, render

from ._support import EXAMPLE_FOOT

ROOT = Path(__file__).resolve().parents[2]
BLUE = "#336699"


@pytest.fixture(scope="module")
def products():
    """The default insole and shoe (right foot), built once for this module."""
    return {key: registry.build(key, registry.parse(key, options={}, foot=EXAMPLE_FOOT, side="right"))
            for key in ("insole", "shoe")}


def _gl_unavailable_reason() -> str | None:
    """Why an EGL context cannot be created in this process, or None if it can."""
    try:
        from geometry import render_gl
        render_gl.available()
    except Exception as error:  # noqa: BLE001 - no libEGL, no Mesa driver, no moderngl...
        return f"{type(error).__name__}: {error}"
    return None


def _require_gl() -> None:
    reason = _gl_unavailable_reason()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must render with OpenGL (EGL on Mesa): {reason}")
        pytest.skip(f"no EGL context here: {reason}")


@pytest.fixture(params=["pillow", "gl"])
def renderer(request):
    """Each backend in turn, forced through the renderer argument."""
    if request.param == "gl":
        _require_gl()
    return request.param


def _pixels(data: bytes, size: tuple[int, int]) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == size
    return np.asarray(image.convert("RGB")).astype(int)


def _covered(pixels: np.ndarray) -> np.ndarray:
    """Pixels that differ from the white background."""
    return np.abs(pixels - 255).sum(axis=2) > 30


def _hues(pixels: np.ndarray) -> np.ndarray:
    """Hue in degrees of each (r, g, b) row, 0..255 input."""
    rgb = pixels.reshape(-1, 3) / 255.0
    return np.array([colorsys.rgb_to_hsv(*row)[0] * 360 for row in rgb])


# ---------------------------------------------------------------------------------------------------------
# png(): the Pillow three-quarter view used by the pipeline


@pytest.mark.parametrize("key", ["insole", "shoe"])
def test_png_of_each_product(products, key):
    data = render.png(products[key], size=(320, 240), color=BLUE, background="#ffffff")
    pixels = _pixels(data, (320, 240))
    # the product fills a good part of the image, in shades of the requested colour
    covered = _covered(pixels)
    assert 0.15 < covered.mean() < 0.9
    blue = pixels[covered]
    assert (blue[:, 2] >= blue[:, 0]).mean() > 0.95
    # corners are background
    assert (pixels[0, 0] == 255).all() and (pixels[-1, -1] == 255).all()


def test_png_is_the_pillow_three_quarter_view(products):
    # png() always draws with Pillow, so the stored preview is reproducible anywhere
    first = render.png(products["insole"], size=(160, 120))
    pillow = render.views(products["insole"], size=(160, 120), angles=("three_quarter",), renderer="pillow")
    assert first == pillow["three_quarter"]


def test_empty_mesh_gives_background():
    data = render.png(trimesh.Trimesh(), size=(10, 10), background="#000000")
    assert np.asarray(Image.open(io.BytesIO(data))).max() == 0


# ---------------------------------------------------------------------------------------------------------
# views(): both backends


@pytest.mark.parametrize("key", ["insole", "shoe"])
def test_views_show_the_product_from_each_angle(products, renderer, key):
    # when every default angle is rendered with the forced backend
    images = render.views(products[key], size=(320, 240), color=BLUE, renderer=renderer)
    # then that backend was used, one PNG per angle of the requested size
    assert render.backend(renderer) == renderer
    assert list(images) == list(render.DEFAULT_ANGLES)
    for angle, data in images.items():
        pixels = _pixels(data, (320, 240))
        covered = _covered(pixels)
        # the object is visible (a flat insole seen from its side or the front is a thin strip)
        assert 0.02 < covered.mean() < 0.9, angle
        if key == "shoe" or angle in ("three_quarter", "top"):
            assert 0.05 < covered.mean() < 0.9, angle
        # in shades of the requested blue (hue ~210°): mostly blue-ish, never red
        hues = _hues(pixels[covered & (pixels.max(axis=2) - pixels.min(axis=2) > 30)])
        assert len(hues) > 50, angle
        assert (np.abs(hues - 210) < 25).mean() > 0.9, angle
        # corners are background
        assert (pixels[[0, 0, -1, -1], [0, -1, 0, -1]] == 255).all(), angle


def test_shoe_side_view_is_wider_than_tall(products, renderer):
    # a square image, so the framing cannot make it look wide
    pixels = _pixels(render.views(products["shoe"], size=(400, 400), angles=("side",), renderer=renderer)["side"], (400, 400))
    rows, columns = np.nonzero(_covered(pixels))
    width, height = np.ptp(columns), np.ptp(rows)
    assert width > 2 * height, (width, height)


def test_parts_are_drawn_in_their_own_colours(renderer):
    # given two boxes side by side, one red and one blue
    red = trimesh.creation.box(extents=(40, 40, 40))
    blue = trimesh.creation.box(extents=(40, 40, 40))
    blue.apply_translation((60, 0, 0))
    data = render.views(parts=[(red, "#cc2222"), (blue, "#2244cc")], size=(320, 240), angles=("side",),
                        renderer=renderer)["side"]
    pixels = _pixels(data, (320, 240))
    hues = _hues(pixels[_covered(pixels) & (pixels.max(axis=2) - pixels.min(axis=2) > 60)])
    reds, blues = (np.minimum(hues, 360 - hues) < 20).mean(), (np.abs(hues - 225) < 25).mean()
    # then both colours show, each on about half the object, red on the left (lower x)
    assert 0.3 < reds < 0.7 and 0.3 < blues < 0.7, (reds, blues)
    # and the parts may be passed positionally too
    assert render.views([(red, "#cc2222"), (blue, "#2244cc")], size=(320, 240), angles=("side",),
                        renderer=renderer)["side"] == data
    columns = np.nonzero(_covered(pixels))[1]
    left = pixels[:, columns.min():columns.min() + 10][_covered(pixels[:, columns.min():columns.min() + 10])]
    assert (left[:, 0] > left[:, 2]).mean() > 0.9


def test_face_colours_of_the_mesh_are_used(renderer):
    box = trimesh.creation.box(extents=(40, 40, 40))
    box.visual.face_colors = np.tile([40, 160, 40, 255], (len(box.faces), 1))  # green
    pixels = _pixels(render.views(box, size=(120, 120), color="#cc2222", angles=("three_quarter",),
                                  renderer=renderer)["three_quarter"], (120, 120))
    hues = _hues(pixels[_covered(pixels) & (pixels.max(axis=2) - pixels.min(axis=2) > 30)])
    assert (np.abs(hues - 120) < 25).mean() > 0.9


def test_empty_mesh_views_are_background(renderer):
    images = render.views(trimesh.Trimesh(), size=(16, 12), background="#000000", angles=("top", "side"),
                          renderer=renderer)
    assert all(_pixels(data, (16, 12)).max() == 0 for data in images.values())


def test_bad_arguments_are_rejected(products):
    with pytest.raises(ValueError, match="exactly one"):
        render.views()
    with pytest.raises(ValueError, match="exactly one"):
        render.views(products["insole"], parts=[(products["insole"], "#ffffff")])
    with pytest.raises(ValueError, match="unknown angle"):
        render.views(products["insole"], angles=("isometric",))
    with pytest.raises(ValueError, match="vulkan"):
        render.views(products["insole"], renderer="vulkan")
    with pytest.raises(ValueError, match="vulkan"):
        render.backend("vulkan")


# ---------------------------------------------------------------------------------------------------------
# GL: fallback, threads and forked workers (speed: bench/bench_geometry.py prints the render times)


def test_auto_falls_back_to_pillow_when_gl_cannot_start(products, monkeypatch, caplog):
    # given a machine where the GL module cannot even be imported (no libEGL / no moderngl)
    monkeypatch.setattr(render, "_gl_error", None)
    monkeypatch.setitem(sys.modules, "geometry.render_gl", None)
    with caplog.at_level(logging.WARNING, logger=render.__name__):
        # then auto picks Pillow and says so once
        assert render.backend("auto") == "pillow"
        images = render.views(products["insole"], size=(160, 120), angles=("top",), renderer="auto")
        assert render.backend("auto") == "pillow"
    assert len([r for r in caplog.records if "unavailable" in r.getMessage()]) == 1
    assert images == render.views(products["insole"], size=(160, 120), angles=("top",), renderer="pillow")
    # and forcing GL is an error rather than a silent fallback
    with pytest.raises(render.RendererUnavailable):
        render.views(products["insole"], size=(160, 120), angles=("top",), renderer="gl")


def test_auto_falls_back_to_pillow_when_one_gl_render_fails(products, monkeypatch):
    _require_gl()
    from geometry import render_gl

    def broken(*args, **kwargs):
        raise RuntimeError("simulated driver failure")

    monkeypatch.setattr(render_gl, "render", broken)
    images = render.views(products["insole"], size=(160, 120), angles=("top",), renderer="auto")
    assert images == render.views(products["insole"], size=(160, 120), angles=("top",), renderer="pillow")
    with pytest.raises(RuntimeError, match="simulated"):
        render.views(products["insole"], size=(160, 120), angles=("top",), renderer="gl")


def test_render_module_imports_and_draws_without_moderngl():
    # a fresh interpreter where moderngl cannot be imported: render still imports and views() uses Pillow
    code = ("import sys; sys.modules['moderngl'] = None; import trimesh; "
            "from geometry import render; "
            "assert render.backend('auto') == 'pillow'; "
            "images = render.views(trimesh.creation.box(), size=(32, 24), renderer='auto'); "
            "assert set(images) == set(render.DEFAULT_ANGLES)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _render_in_child(size: tuple[int, int], renderer: str) -> tuple[str, bytes]:
    return render.backend(renderer), render.views(trimesh.creation.box(extents=(30, 20, 10)), size=size,
                                                  angles=("three_quarter",), renderer=renderer)["three_quarter"]


def _forced_gl_in_child() -> str:
    try:
        render.backend("gl")
    except render.RendererUnavailable as error:
        return str(error)
    return "no error"


def test_gl_in_threads_and_forked_children():
    _require_gl()
    # given this process already rendered with GL (its context exists)
    expected = _render_in_child((64, 48), "gl")
    # when several threads render at once, then each gets the same image
    results = []
    threads = [threading.Thread(target=lambda: results.append(_render_in_child((64, 48), "gl"))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == [expected] * 4
    # when it forks, the child cannot start Mesa again: auto falls back to Pillow, forced GL says why
    with multiprocessing.get_context("fork").Pool(1) as pool:
        backend, data = pool.apply_async(_render_in_child, ((64, 48), "auto")).get(timeout=60)
        assert backend == "pillow" and Image.open(io.BytesIO(data)).size == (64, 48)
        assert "parent process" in pool.apply_async(_forced_gl_in_child).get(timeout=60)


def test_gl_in_prefork_workers():
    # a Celery-like master that forks its workers before rendering anything: each child renders with GL
    _require_gl()
    code = ("import multiprocessing, trimesh; from geometry import render\n"
            "def job(n):\n"
            "    images = render.views(trimesh.creation.box(), size=(64, 48), angles=('top',), renderer='gl')\n"
            "    return render.backend('gl'), len(images['top'])\n"
            "if __name__ == '__main__':\n"
            "    with multiprocessing.get_context('fork').Pool(2) as pool:\n"
            "        results = pool.map(job, range(4))\n"
            "    assert all(backend == 'gl' and size > 0 for backend, size in results), results\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
