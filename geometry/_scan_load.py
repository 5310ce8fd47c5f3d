"""
Reading an uploaded foot scan (bytes) into a triangle mesh, defensively: size limits, zip archives
decompressed with a hard cap, clear errors. Used by :mod:`geometry.scan`.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import numpy as np
import trimesh

from .errors import ScanError

ACCEPTED_FORMATS = ("stl", "obj", "ply")


@dataclass(frozen=True)
class ScanLimits:
    """
    Upper bounds on an uploaded scan, checked before and while parsing it.

    Attributes
    ----------
    max_file_bytes : int
      Upload size (60 MB). Phone and desk scanners export 0.1-1 M triangles: a 1 M-triangle binary
      STL is 50 MB, binary PLY ~20 MB, OBJ text ~40-60 MB. Larger files are almost always a whole
      room or a point cloud, and would only slow the worker down.
    max_triangles : int
      Triangles after parsing (2 M): measuring is roughly linear, ~1.5 s per 200 k triangles on
      one core here, so 2 M stays under ~15-20 s and ~1.5 GB of memory. The count is also
      checked from the file's own header/text before parsing, so a forged header cannot make
      the parser allocate for billions of faces.
    max_uncompressed_bytes : int
      Total bytes a .zip member may expand to (200 MB, ~2 M triangles of OBJ text). Counted while
      streaming the decompressor, never read from the archive's headers, which a zip bomb forges.
    max_zip_ratio : float
      Largest expansion ratio accepted for a .zip (50x). Meshes compress 1.2-6x (binary) or
      3-10x (text); a zip bomb reaches ~1000x per layer.
    max_vertices : int
      Vertices an OBJ or PLY may declare (2 M, like triangles: a closed scan has about half as many
      vertices as triangles). Counted from the file before parsing, so 12.5 M vertices in a small
      zip are refused instead of being read into memory.
    """

    max_file_bytes: int = 60_000_000
    max_triangles: int = 2_000_000
    max_uncompressed_bytes: int = 200_000_000
    max_zip_ratio: float = 50.0
    max_vertices: int = 2_000_000


SCAN_LIMITS = ScanLimits()


def accepted_text(limits: ScanLimits = SCAN_LIMITS) -> str:
    """Human description of what an upload may be."""
    return (f"a foot scan as STL, OBJ or PLY, or a .zip holding exactly one of them, "
            f"up to {limits.max_file_bytes / 1e6:g} MB and {limits.max_triangles:,} triangles")


def _suffix(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/")).suffix.lower().lstrip(".")


def _is_junk(name: str) -> bool:
    """macOS resource forks and hidden files that archivers add next to the real file."""
    path = PurePosixPath(name.replace("\\", "/"))
    return path.parts[:1] == ("__MACOSX",) or path.name.startswith(".")


def _unzip(data: bytes, filename: str, limits: ScanLimits) -> tuple[bytes, str]:
    """The single mesh member of a zip archive, decompressed with a streaming cap."""
    allowed = accepted_text(limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir() and not _is_junk(info.filename)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise ScanError(f"the .zip archive is damaged or not a zip file ({error})", value=filename,
                        allowed=allowed) from None
    meshes = [info for info in members if _suffix(info.filename) in ACCEPTED_FORMATS]
    if not meshes:
        found = ", ".join(info.filename for info in members[:5]) or "nothing"
        raise ScanError(f"the .zip archive holds no STL, OBJ or PLY file (found: {found})", value=filename,
                        allowed=allowed)
    if len(meshes) > 1:
        names = ", ".join(info.filename for info in meshes[:5])
        raise ScanError(f"the .zip archive holds {len(meshes)} meshes ({names}); put only the foot scan in it",
                        value=filename, allowed=allowed)
    member = meshes[0]
    # never trust member.file_size (a zip bomb forges it): count what the decompressor really yields
    cap = int(min(limits.max_uncompressed_bytes, limits.max_zip_ratio * max(len(data), 1)))
    chunks, total = [], 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                total += len(chunk)
                if total > cap:
                    raise ScanError(
                        f"the .zip archive expands to more than {cap / 1e6:.0f} MB "
                        f"({limits.max_zip_ratio:g}x its size, at most {limits.max_uncompressed_bytes / 1e6:g} MB); "
                        "it looks like a zip bomb", value=filename, allowed=allowed)
                chunks.append(chunk)
    except ScanError:
        raise
    except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, ValueError, NotImplementedError) as error:
        # RuntimeError: encrypted member; BadZipFile: CRC mismatch / truncated; NotImplementedError: method
        raise ScanError(f"the file {member.filename!r} in the .zip archive cannot be extracted ({error})",
                        value=filename, allowed=allowed) from None
    return b"".join(chunks), member.filename


def _declared_triangles(data: bytes, kind: str) -> int | None:
    """Triangle (or polygon) count the file states or implies, read without parsing the mesh."""
    if kind == "stl":
        if data[:5].lower() == b"solid" and b"facet" in data[:1000]:
            return data.count(b"endfacet")
        return max(len(data) - 84, 0) // 50  # what the bytes can hold: a binary header can be forged
    if kind == "ply":
        header = data[:data.find(b"end_header")] if b"end_header" in data[:65536] else data[:65536]
        match = re.search(rb"element\s+face\s+(\d+)", header)
        return int(match.group(1)) if match else None
    if kind == "obj":
        return len(re.findall(rb"(?m)^f\s", data))
    return None


def _declared_vertices(data: bytes, kind: str) -> int | None:
    """Vertices an OBJ or PLY states, read without parsing (an STL's follow from its triangles)."""
    if kind == "ply":
        header = data[:data.find(b"end_header")] if b"end_header" in data[:65536] else data[:65536]
        match = re.search(rb"element\s+vertex\s+(\d+)", header)
        return int(match.group(1)) if match else None
    if kind == "obj":
        return data.count(b"\nv ") + data.startswith(b"v ")
    return None


def scan_sniff(head: bytes, filename: str, *, size: int | None = None, limits: ScanLimits = SCAN_LIMITS) -> None:
    """
    Check a mesh file's first bytes against its extension, without parsing it (what a web request may do).

    Parameters
    ----------
    head : bytes
      The first kilobyte or so of the file (of the member, for a file inside a zip).
    filename : str
      Its name; the extension says what it must be.
    size : int, optional
      The whole file's size, when known: a binary STL's size must match its triangle count.

    Raises
    ------
    ScanError
      The bytes are not what the extension says (a renamed picture, text as PLY, junk).
    """
    allowed = accepted_text(limits)
    kind = _suffix(filename)
    if kind not in ACCEPTED_FORMATS:
        shown = f".{kind}" if kind else "no extension"
        raise ScanError(f"files with {shown} are not accepted", value=filename, allowed=allowed)
    if not head:
        raise ScanError("the file is empty", value=filename, allowed=allowed)
    if kind == "ply" and not head.startswith(b"ply"):
        raise ScanError("the file does not start like a PLY file ('ply')", value=filename, allowed=allowed)
    if kind == "obj" and (b"\0" in head or not re.search(rb"(?m)^\s*(v|vn|vt|f|o|g|#|mtllib|usemtl|s)\b", head)):
        raise ScanError("the file is not OBJ text (no vertex, face or comment lines)", value=filename, allowed=allowed)
    if kind == "stl":
        ascii_stl = head[:1000].lstrip().lower().startswith(b"solid") and head[:1000].isascii()
        if not ascii_stl and (len(head) < 84 or (size is not None and not _stl_plausible_size(head, size))):
            raise ScanError("the file is neither a binary STL (its size does not match its triangle count) nor "
                            "an ASCII STL", value=filename, allowed=allowed)


def _stl_plausible_size(head: bytes, size: int) -> bool:
    count = int.from_bytes(head[80:84], "little")
    return count > 0 and 84 + 50 * count <= size <= 84 + 50 * count + 4096


def _stl_plausible(data: bytes) -> bool:
    """Binary STL whose size matches its header's count (a little padding allowed), or ASCII STL."""
    if len(data) >= 84:
        expected = 84 + 50 * int.from_bytes(data[80:84], "little")
        if expected <= len(data) <= expected + 4096:
            return True
    head = data[:1000].lstrip().lower()
    return head.startswith(b"solid") and head.isascii()


def scan_load(data: bytes, filename: str, *, limits: ScanLimits = SCAN_LIMITS) -> trimesh.Trimesh:
    """
    Parse uploaded scan bytes into a mesh in the file's own units and pose.

    Parameters
    ----------
    data : bytes
      The uploaded file.
    filename : str
      Its name; the extension picks the format (``.stl``, ``.obj``, ``.ply`` or ``.zip``).
    limits : ScanLimits
      Size limits (tests pass smaller ones).

    Returns
    -------
    mesh : trimesh.Trimesh
      As stored (vertices not merged: :func:`scan_measure` merges them by position), at least one
      face, valid indices, finite coordinates.

    Raises
    ------
    ScanError
      Unknown extension, empty, too big, too many triangles, not a mesh (text, junk, point cloud),
      a zip with no or several meshes, a damaged zip or one that expands too much (zip bomb).
    """
    allowed = accepted_text(limits)
    name = filename or "upload"
    kind = _suffix(name)
    if kind not in ACCEPTED_FORMATS + ("zip",):
        shown = f".{kind}" if kind else "no extension"
        raise ScanError(f"files with {shown} are not accepted", value=name, allowed=allowed)
    if not data:
        raise ScanError("the file is empty", value=name, allowed=allowed)
    if len(data) > limits.max_file_bytes:
        raise ScanError(f"the file is {len(data) / 1e6:.1f} MB, larger than {limits.max_file_bytes / 1e6:g} MB",
                        value=name, allowed=allowed)
    if kind == "zip":
        data, inner = _unzip(data, name, limits)
        kind = _suffix(inner)
        if not data:
            raise ScanError(f"{inner!r} in the .zip archive is empty", value=name, allowed=allowed)
    declared = _declared_triangles(data, kind)
    if declared is not None and declared > limits.max_triangles:
        raise ScanError(f"the scan has {declared:,} triangles, more than {limits.max_triangles:,}; "
                        "decimate it in the scanner app", value=name, allowed=allowed)
    vertices = _declared_vertices(data, kind)
    if vertices is not None and vertices > limits.max_vertices:
        raise ScanError(f"the scan has {vertices:,} vertices, more than {limits.max_vertices:,}; "
                        "decimate it in the scanner app", value=name, allowed=allowed)
    if kind == "stl" and not _stl_plausible(data):
        raise ScanError("the file is neither a binary STL (its size does not match its triangle count) nor an "
                        "ASCII STL", value=name, allowed=allowed)
    if kind == "obj":  # OBJ is text; junk bytes become U+FFFD rather than a decoder hunt in trimesh
        data = data.decode("utf-8", errors="replace").encode("utf-8")
    try:
        mesh = trimesh.load(io.BytesIO(data), file_type=kind, force="mesh", process=False)
    except Exception as error:  # the parsers raise anything from ValueError to struct.error on junk
        raise ScanError(f"the file cannot be read as {kind.upper()} ({type(error).__name__}: {error})"[:300],
                        value=name, allowed=allowed) from None
    if isinstance(mesh, trimesh.PointCloud) or not isinstance(mesh, trimesh.Trimesh):
        raise ScanError(f"the {kind.upper()} file holds a point cloud or no surface, not a triangle mesh; "
                        "export the scan as a mesh", value=name, allowed=allowed)
    if len(mesh.faces) == 0 or len(mesh.vertices) < 3:
        raise ScanError(f"the {kind.upper()} file holds no triangles (a point cloud?); export the scan as a mesh",
                        value=name, allowed=allowed)
    faces = np.asarray(mesh.faces)
    if faces.min() < 0 or faces.max() >= len(mesh.vertices):
        raise ScanError(f"the {kind.upper()} file's triangles refer to vertices it does not have", value=name,
                        allowed=allowed)
    if len(mesh.faces) > limits.max_triangles:
        raise ScanError(f"the scan has {len(mesh.faces):,} triangles, more than {limits.max_triangles:,}; "
                        "decimate it in the scanner app", value=name, allowed=allowed)
    if not np.isfinite(mesh.vertices).all():
        raise ScanError("the mesh has coordinates that are not finite numbers", value=name, allowed=allowed)
    return mesh
