"""
Initials as plan shapes for engraving (no Django here).

The text is rendered with Pillow's built-in scalable font (``ImageFont.load_default(size=...)``),
the set pixels are merged row by row into runs, the runs into polygons with shapely, and the
staircase is smoothed a little. Units of the result are mm.
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import shapely
import shapely.affinity
from PIL import Image, ImageDraw, ImageFont

INITIALS_PATTERN = r"[A-Z0-9]{0,3}"
"""What the ``initials`` option accepts (after upper-casing): 0–3 characters A–Z or 0–9."""
FONT_PX = 64             # rendering size; the glyph height is scaled to the wanted mm afterwards
SMOOTH_PX = 0.6          # simplification tolerance that removes most of the pixel staircase


@lru_cache(maxsize=64)
def _glyph_pixels(text: str) -> np.ndarray:
    """Binary bitmap of ``text``, cropped to its ink. Returns (h, w) bool, row 0 at the top."""
    font = ImageFont.load_default(size=FONT_PX)
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(image).text((2 - left, 2 - top), text, fill=255, font=font)
    ink = np.asarray(image) > 127
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


@lru_cache(maxsize=64)
def text_outline(text: str, height_mm: float) -> shapely.MultiPolygon:
    """
    Plan shape of ``text`` with its ink ``height_mm`` tall, centred on the origin.

    Parameters
    ----------
    text : str
      Upper-case letters and digits (see :data:`INITIALS_PATTERN`); must not be empty.
    height_mm : float
      Height of the inked area (cap height of the initials).

    Returns
    -------
    shape : shapely.MultiPolygon
      In a u–v plane: u to the reader's right, v up, both in mm.
    """
    if not re.fullmatch(INITIALS_PATTERN, text) or not text:
        raise ValueError(f"initials must be 1–3 characters A–Z or 0–9, got {text!r}")
    ink = _glyph_pixels(text)
    h, w = ink.shape
    # runs of set pixels along each row: +1 where a run starts, -1 one past where it ends
    padded = np.pad(ink, ((0, 0), (1, 1))).astype(np.int8)
    change = np.diff(padded, axis=1)
    start_r, start_c = np.nonzero(change == 1)
    _, end_c = np.nonzero(change == -1)  # same row order, one end per start
    runs = shapely.box(start_c, -(start_r + 1.0), end_c, -start_r.astype(float))
    merged = shapely.union_all(runs).simplify(SMOOTH_PX)
    merged = merged.buffer(0.25, join_style="round").buffer(-0.25, join_style="round")
    scale = height_mm / h
    # pixels -> mm, centred: u right, v up
    shape = shapely.affinity.affine_transform(merged, [scale, 0, 0, scale, -0.5 * w * scale, 0.5 * h * scale])
    parts = shapely.get_parts(shape)
    return shapely.MultiPolygon(list(parts[shapely.get_type_id(parts) == 3]))
