"""
Pure geometry for Sartoria's products (no Django here): measurements in, meshes and files out.

Units are millimetres; heel at x=0, toe towards +x, sole bottom on z=0, +z up.
"""
from . import errors, export, foot, insole, params, registry, render, report, shoe
from .errors import ParameterError
from .foot import MEASUREMENT_RANGES_MM, FootMeasurements
from .params import Params

__all__ = ["MEASUREMENT_RANGES_MM", "FootMeasurements", "ParameterError", "Params", "errors", "export", "foot",
           "insole", "params", "registry", "render", "report", "shoe"]
