"""Coordinates of Italian cities (WGS84, city centre, rounded to 0.01 degree) for "find a store" by a typed city.

Keys are lower case without accents; `city_key` turns what a person types into one ("Torino", " TORINO ", "Turin").
"""
import unicodedata

CITY_COORDINATES: dict[str, tuple[float, float]] = {
    "roma": (41.90, 12.50), "milano": (45.46, 9.19), "napoli": (40.85, 14.27), "torino": (45.07, 7.69),
    "palermo": (38.12, 13.36), "genova": (44.41, 8.93), "bologna": (44.49, 11.34), "firenze": (43.77, 11.26),
    "bari": (41.12, 16.87), "catania": (37.50, 15.09), "venezia": (45.44, 12.32), "verona": (45.44, 10.99),
    "messina": (38.19, 15.55), "padova": (45.41, 11.88), "trieste": (45.65, 13.78), "brescia": (45.54, 10.22),
    "parma": (44.80, 10.33), "taranto": (40.47, 17.24), "prato": (43.88, 11.10), "modena": (44.65, 10.93),
    "reggio calabria": (38.11, 15.65), "reggio emilia": (44.70, 10.63), "perugia": (43.11, 12.39),
    "livorno": (43.55, 10.31), "ravenna": (44.42, 12.20), "cagliari": (39.22, 9.12), "foggia": (41.46, 15.55),
    "rimini": (44.06, 12.57), "salerno": (40.68, 14.77), "ferrara": (44.84, 11.62), "sassari": (40.73, 8.56),
    "latina": (41.47, 12.90), "monza": (45.58, 9.27), "bergamo": (45.70, 9.67), "pescara": (42.46, 14.21),
    "trento": (46.07, 11.12), "bolzano": (46.50, 11.35), "vicenza": (45.55, 11.55), "ancona": (43.62, 13.52),
    "udine": (46.06, 13.24), "lecce": (40.35, 18.17), "como": (45.81, 9.09), "pisa": (43.72, 10.40),
    "siena": (43.32, 11.33), "lucca": (43.84, 10.50), "treviso": (45.67, 12.24), "aosta": (45.74, 7.32),
    "l'aquila": (42.35, 13.40), "potenza": (40.64, 15.81), "campobasso": (41.56, 14.66),
    "catanzaro": (38.91, 16.59),
}

# Names people type in English (or without the apostrophe) for the same cities.
ALIASES = {
    "rome": "roma", "milan": "milano", "naples": "napoli", "turin": "torino", "genoa": "genova",
    "florence": "firenze", "venice": "venezia", "padua": "padova", "mantua": "mantova", "laquila": "l'aquila",
    "syracuse": "siracusa",
}


def city_key(name: str) -> str:
    """ "  Firènze " -> "firenze"; an English name -> its Italian key."""
    plain = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().strip().lower()
    plain = " ".join(plain.split())
    return ALIASES.get(plain, plain)


def city_names() -> list[str]:
    """The cities a person can type, capitalised, for a datalist."""
    return sorted(name.title() for name in CITY_COORDINATES)
