"""Product key -> parameters class, option schema, builder and expected dimensions."""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Callable, Mapping

import trimesh

from . import insole as _insole
from . import shoe as _shoe
from .errors import ParameterError
from .foot import FootMeasurements
from .params import OptionSpec, Params


@dataclass(frozen=True)
class _Product:
    params_cls: type
    parts_builder: Callable[..., dict[str, trimesh.Trimesh]]
    materials: Callable[[Any], dict[str, dict]]
    expected: Callable[[Any], dict]

    @property
    def options(self) -> tuple[OptionSpec, ...]:
        return self.params_cls.OPTIONS


_PRODUCTS: dict[str, _Product] = {
    "insole": _Product(_insole.InsoleParams, _insole.insole_parts, _insole.part_materials,
                       _insole.expected_dimensions),
    "shoe": _Product(_shoe.ShoeParams, _shoe.shoe_parts, _shoe.part_materials, _shoe.expected_dimensions),
}


def _product(key: str) -> _Product:
    try:
        return _PRODUCTS[key]
    except (KeyError, TypeError):
        raise ParameterError("product", "there is no such product", value=key,
                             allowed=", ".join(_PRODUCTS)) from None


def product_keys() -> list[str]:
    """Keys of every product we can build."""
    return list(_PRODUCTS)


def option_schema(key: str) -> list[dict]:
    """
    JSON-safe description of the product's options, one dict per option (a fresh copy each call):
    ``name, label, type, unit, min, max, step, default, choices, help``.
    """
    return [spec.to_dict() for spec in _product(key).options]


def parse(key: str, *, options: Mapping, foot: Mapping, side: str) -> Params:
    """
    Validate user input into the product's parameters.

    Parameters
    ----------
    key : str
      Product key, see :func:`product_keys`.
    options : Mapping
      Chosen options; missing ones take their defaults.
    foot : Mapping
      One foot's six measurements in mm.
    side : str
      ``"left"`` or ``"right"``.

    Old option names (``OPTION_ALIASES`` of the parameters class, e.g. the shoe's single ``color``,
    now ``upper_color``) are accepted and mapped; the new name wins if both are given.

    Raises
    ------
    ParameterError
      Unknown product / option, wrong type, out of range, bad measurements or side.
    """
    product = _product(key)
    if not isinstance(options, Mapping):
        raise ParameterError("options", "options must be a mapping of option name to value", value=None,
                             allowed=", ".join(spec.name for spec in product.options))
    specs = {spec.name: spec for spec in product.options}
    aliases = getattr(product.params_cls, "OPTION_ALIASES", {})
    if any(alias in options for alias in aliases):
        options = dict(options)
        for alias, target in aliases.items():
            if alias in options:
                # validate under the old name, so errors name the field the caller sent
                value = replace(specs[target], name=alias).coerce(options.pop(alias))
                options.setdefault(target, value)
    unknown = sorted(str(name) for name in options if name not in specs)
    if unknown:
        raise ParameterError(unknown[0], f"this is not an option of the {key}", value=options[unknown[0]],
                             allowed=", ".join(specs))
    values = {name: spec.coerce(options.get(name, spec.default)) for name, spec in specs.items()}
    measurements = foot if isinstance(foot, FootMeasurements) else FootMeasurements.from_dict(foot)
    return product.params_cls(foot=measurements, side=side, **values)


def _as_params(key: str, params: Params | Mapping) -> Params:
    """Accept parsed params or their ``dataclasses.asdict`` form (as stored in the database)."""
    product = _product(key)
    if isinstance(params, product.params_cls):
        return params
    if isinstance(params, Params):
        raise ParameterError("product", f"these parameters are for another product, not the {key}",
                             value=type(params).__name__, allowed=product.params_cls.__name__)
    if isinstance(params, Mapping):
        names = ({field.name for field in fields(product.params_cls)} - {"foot", "side"}) | set(
            getattr(product.params_cls, "OPTION_ALIASES", {}))
        return parse(key, options={k: v for k, v in params.items() if k in names},
                     foot=params.get("foot", {}), side=params.get("side"))
    raise ParameterError("params", "parameters must be parsed Params or a mapping", value=repr(params))


def build_parts(key: str, params: Params | Mapping, *, on_progress: Callable[[str, float], None] | None = None,
                foot_mesh: trimesh.Trimesh | None = None) -> dict[str, trimesh.Trimesh]:
    """
    Build the product's printable parts (mm, heel at x=0, sole on z=0).

    Parameters
    ----------
    key : str
      Product key, see :func:`product_keys`.
    params : Params or Mapping
      Normally the result of :func:`parse`; its ``asdict`` form (as stored) is accepted too.
    on_progress : callable(stage, fraction), optional
      Called a few times with increasing fraction in [0, 1], last with 1.0.
    foot_mesh : trimesh.Trimesh, optional
      The scanned foot ``params.foot`` was measured from (canonical frame, mm, that side): the product then
      follows that foot (the shoe's last, the insole's outline and arch) instead of the six measurements.

    Returns
    -------
    parts : dict of str to trimesh.Trimesh
      Ordered; shoe: ``upper``, ``midsole``, ``outsole``; insole: ``insole``. Every part is
      watertight and one body; parts touch but do not overlap, and together form the product.
    """
    return _product(key).parts_builder(_as_params(key, params), on_progress=on_progress, foot_mesh=foot_mesh)


def build(key: str, params: Params | Mapping, *, on_progress: Callable[[str, float], None] | None = None,
          foot_mesh: trimesh.Trimesh | None = None) -> trimesh.Trimesh:
    """
    Build the product as one mesh (mm, heel at x=0, sole on z=0): the parts of :func:`build_parts`
    concatenated, for previews. Each part is closed, so the mesh is watertight, but it has as
    many bodies as parts; print files should use :func:`build_parts`.
    """
    parts = build_parts(key, params, on_progress=on_progress, foot_mesh=foot_mesh)
    return trimesh.util.concatenate(list(parts.values())) if len(parts) > 1 else next(iter(parts.values()))


def part_materials(key: str, params: Params | Mapping) -> dict[str, dict]:
    """
    Material and colour of each part: ``{"upper": {"material": "tpu_95a", "color": "#c8553d"}, ...}``,
    with the same keys as :func:`build_parts`; materials are keys of :data:`.materials.MATERIALS`.
    """
    return _product(key).materials(_as_params(key, params))


def expected_dimensions(key: str, params: Params | Mapping) -> dict:
    """What the built mesh must measure, in mm (e.g. ``inner_length_mm`` for the shoe)."""
    return _product(key).expected(_as_params(key, params))
