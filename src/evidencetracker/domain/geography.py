"""Geography codes: ISO 3166-1 alpha-2 countries and UN M49 regions (``M49:150``)."""

from __future__ import annotations

from functools import cache

import pycountry

REGIONS: dict[str, str] = {
    "M49:001": "World",
    "M49:002": "Africa",
    "M49:015": "Northern Africa",
    "M49:202": "Sub-Saharan Africa",
    "M49:019": "Americas",
    "M49:021": "Northern America",
    "M49:419": "Latin America and the Caribbean",
    "M49:142": "Asia",
    "M49:030": "Eastern Asia",
    "M49:034": "Southern Asia",
    "M49:035": "South-eastern Asia",
    "M49:143": "Central Asia",
    "M49:145": "Western Asia",
    "M49:150": "Europe",
    "M49:151": "Eastern Europe",
    "M49:154": "Northern Europe",
    "M49:039": "Southern Europe",
    "M49:155": "Western Europe",
    "M49:009": "Oceania",
}


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> common name, for pickers and validation."""
    return {
        c.alpha_2: getattr(c, "common_name", None) or c.name
        for c in sorted(pycountry.countries, key=lambda c: c.alpha_2)
    }


def all_codes() -> dict[str, str]:
    return {**REGIONS, **countries()}


def is_valid(code: str) -> bool:
    return code in REGIONS or code in countries()


def name_of(code: str) -> str:
    return all_codes().get(code, code)


def normalise(value: str) -> str:
    """Accept a code in any case, or an exact country/region name; return the code or raise."""
    text = value.strip()
    if text.upper() in countries():
        return text.upper()
    if text.upper() in REGIONS:
        return text.upper()
    for code, name in all_codes().items():
        if name.lower() == text.lower():
            return code
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        raise ValueError(f"'{value}' is not an ISO 3166 country code or a known region") from None
