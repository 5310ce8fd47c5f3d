"""
What shoppers read about each product option, in their language, and how the studio presents it.

The geometry package keeps its English labels (it is Django-free and used by the command line); pages and
the studio take the translated wording from here, keyed by option name.
"""
from django.utils.translation import gettext_lazy as _

from geometry.materials import MATERIALS

LABELS = {
    "toe_allowance_mm": (_("Toe room"), _("Room in front of your longest toe.")),
    "girth_ease_mm": (_("Girth ease"), _("Room around your foot at the ball and the instep, over its own girth.")),
    "instep_room_mm": (_("Instep room"), _("Extra height over the instep, for a high instep or thick socks.")),
    "wall_thickness_mm": (_("Wall thickness"), _("Thickness of the upper: thicker is sturdier, thinner is lighter.")),
    "sole_thickness_mm": (_("Sole thickness"), _("From the ground to the footbed under the forefoot.")),
    "heel_height_mm": (_("Heel height"), _("How much higher the heel sits than the forefoot.")),
    "toe_shape": (_("Toe shape"), _("Shape of the toe box seen from above.")),
    "midsole": (_("Midsole"), _("Solid, or a honeycomb lattice: denser under the heel, flexible under the toes.")),
    "lattice_density": (_("Lattice density"), _("How solid the lattice is under the heel.")),
    "collar_height_mm": (_("Collar height"), _("Height of the collar at the back of the heel.")),
    "initials": (_("Initials"), _("Up to 3 letters A–Z or digits 0–9 engraved on the heel; empty for none.")),
    "upper_color": (_("Upper colour"), _("Colour of the upper.")),
    "upper_material": (_("Upper material"), _("Material of the upper.")),
    "sole_color": (_("Sole colour"), _("Colour of the midsole and outsole.")),
    "sole_material": (_("Sole material"), _("Material of the midsole and outsole.")),
    "thickness_mm": (_("Thickness"), _("Base thickness under the forefoot.")),
    "arch_support": (_("Arch support"), _("How much of your measured arch the insole fills.")),
    "heel_cup_mm": (_("Heel cup"), _("Height of the raised rim around the heel.")),
    "cushioning": (_("Cushioning pattern"), _("Pockets under the insole make it softer and lighter.")),
    "color": (_("Colour"), _("Colour of the printed insole.")),
    "material": (_("Material"), _("Material of the printed insole.")),
}

CHOICE_LABELS = {
    "round": _("Round"),
    "square": _("Square"),
    "pointed": _("Pointed"),
    "almond": _("Almond"),
    "solid": _("Solid"),
    "lattice": _("Lattice"),
    "none": _("None"),
    "low": _("Low"),
    "medium": _("Medium"),
    "high": _("High"),
    "honeycomb": _("Honeycomb"),
    "ribs": _("Ribs"),
    # Materials: the geometry's own label, translated (its msgid is kept in the .po by hand, as makemessages
    # cannot see it), so the studio, the API and the print files name a material the same way.
    **{key: _(material["label"]) for key, material in MATERIALS.items()},
}

GROUPS = {
    "toe_allowance_mm": "fit", "girth_ease_mm": "fit", "instep_room_mm": "fit", "wall_thickness_mm": "fit", "collar_height_mm": "fit", "heel_cup_mm": "fit",
    "arch_support": "fit", "thickness_mm": "sole", "sole_thickness_mm": "sole", "heel_height_mm": "sole",
    "midsole": "sole", "lattice_density": "sole", "cushioning": "sole", "toe_shape": "style",
    "initials": "personal",
}

# Options the browser can show without a rebuild, and the parts of the 3D model they change.
LIVE_PARTS = {
    "upper_color": ["upper"], "upper_material": ["upper"],
    "sole_color": ["midsole", "outsole"], "sole_material": ["midsole", "outsole"],
    "color": ["insole"], "material": ["insole"],
}


def option_translated(option: dict) -> dict:
    """One schema entry with its label and help in the reader's language, the rest as the API takes it."""
    label, help_text = LABELS.get(option["name"], (option["label"], option["help"]))
    return {**option, "label": str(label), "help": str(help_text) if help_text else option["help"]}


def option_presented(option: dict) -> dict:
    """One schema entry with translated wording and the studio's grouping; the values stay as the API takes them."""
    presented = option_translated(option)
    if option.get("choices"):
        presented["choices"] = [
            {"value": choice, "label": str(CHOICE_LABELS.get(choice, choice))}
            for choice in option["choices"]
        ]
    presented["live"] = option["name"] in LIVE_PARTS
    presented["parts"] = LIVE_PARTS.get(option["name"], [])
    presented["group"] = "style" if presented["live"] else GROUPS.get(option["name"], "style")
    return presented
