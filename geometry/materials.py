"""
Printable materials offered for Sartoria's parts (no Django here).

Every entry of :data:`MATERIALS` is keyed by a short, stable material id (stored in saved designs) and holds

``label`` : str
  Human name shown in the form: the one English wording, which the web pages translate (its msgid in
  ``locale/*/LC_MESSAGES/django.po``).
``density_g_cm3`` : float
  Approximate density of the solid printed material in g/cm^3 (typical datasheet values of
  the filament / powder; infill is not included).
``cost_eur_per_kg`` : float
  Approximate retail price of the raw material in EUR per kg (2024 list prices, mid range).
``color_default`` : str
  ``"#rrggbb"`` colour a part of this material gets when the customer chooses none.

The values are approximate and meant for estimates (mass, material cost), not for quoting.
"""
from __future__ import annotations

MATERIALS: dict[str, dict] = {
    # Flexible TPU, Shore 95A: the usual printable TPU (e.g. Ninjatek Cheetah, Polymaker PolyFlex 95A).
    "tpu_95a": {"label": "TPU 95A (flexible)", "density_g_cm3": 1.21, "cost_eur_per_kg": 35.0,
                "color_default": "#c8553d"},
    # Softer TPU, Shore 85A (e.g. Ninjatek NinjaFlex 85A): cushioning midsoles and insoles.
    "tpu_85a": {"label": "TPU 85A (soft)", "density_g_cm3": 1.19, "cost_eur_per_kg": 55.0,
                "color_default": "#2f4858"},
    # PLA: rigid, cheap; only for display models and stiff parts.
    "pla": {"label": "PLA (rigid)", "density_g_cm3": 1.24, "cost_eur_per_kg": 20.0,
            "color_default": "#f2f2f2"},
    # PETG: rigid, tougher than PLA.
    "petg": {"label": "PETG (rigid, tough)", "density_g_cm3": 1.27, "cost_eur_per_kg": 22.0,
             "color_default": "#33658a"},
    # Nylon PA12 (SLS / MJF powder): strong, slightly flexible in thin walls.
    "nylon_pa12": {"label": "Nylon PA12 (sintered)", "density_g_cm3": 1.01, "cost_eur_per_kg": 80.0,
                   "color_default": "#5a5a5a"},
}

MATERIAL_KEYS: tuple[str, ...] = tuple(MATERIALS)
"""Material ids in display order (the choices of every ``*_material`` option)."""
