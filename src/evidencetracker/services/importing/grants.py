"""The ``tip-grants`` preset: US State Department anti-trafficking grants (clean or RAW file).

Each grant -> a strategy (country, year as period, amount as cost in USD); recipient and
subgrantee -> partner organisations with the recipient type; the 3P flags -> focus; the
``research`` flag -> a tag. Rows of the hand-entered RAW file whose flags are shifted one column
left, or whose amount is not an amount, are rejected and listed: never shifted or guessed.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from evidencetracker.domain import enums as E
from evidencetracker.domain import geography
from evidencetracker.services import kinds as K
from evidencetracker.services.importing.converters import Converter, blank
from evidencetracker.services.importing.mapping import ImportField
from evidencetracker.services.importing.plan import Op, Plan, RowRejected, stable_uid, validated
from evidencetracker.services.importing.reading import Row

# The file's country spellings (Correlates of War style) that ISO names do not match.
COUNTRY_ALIASES = {
    "antigua&barbuda": "AG",
    "bosniaandherz": "BA",
    "brunei": "BN",
    "burkinafaso": "BF",
    "burma": "MM",
    "capeverde": "CV",
    "centralafrep": "CF",
    "congo (brazzaville; rep)": "CG",
    "congo, demrep": "CD",
    "congo, demrep (zaire)": "CD",
    "costarica": "CR",
    "cote d\ufffdivoire": "CI",
    "cote d'ivoire": "CI",
    "czechrep": "CZ",
    "domrep": "DO",
    "east timor": "TL",
    "elsalvador": "SV",
    "eqguinea": "GQ",
    "kyrgyzrep": "KG",
    "macedonia": "MK",
    "madagasgar": "MG",
    "marshallis": "MH",
    "micronesia": "FM",
    "newzealand": "NZ",
    "papuang": "PG",
    "russia": "RU",
    "saot&p": "ST",
    "saudiarabia": "SA",
    "sierraleone": "SL",
    "slovakrep": "SK",
    "solomonis": "SB",
    "southafrica": "ZA",
    "srilanka": "LK",
    "st.kitts&nevis": "KN",
    "st.lucia": "LC",
    "st.vincent": "VC",
    "surinam": "SR",
    "swaziland": "SZ",
    "trin&tobago": "TT",
    "turkey": "TR",
    "uarabemir": "AE",
    "uk": "GB",
    "vatican": "VA",
    "yemenar": "YE",
    "global": "M49:001",
    "western hemisphere": "M49:019",
}
ORG_TYPES = {
    "igo": E.OrganisationType.INTERNATIONAL,
    "npo": E.OrganisationType.NGO,
    "ngo": E.OrganisationType.NGO,
    "government": E.OrganisationType.GOVERNMENT,
    "academic": E.OrganisationType.ACADEMIC,
    "university": E.OrganisationType.ACADEMIC,
    "faith-based": E.OrganisationType.FAITH_BASED,
    "business": E.OrganisationType.BUSINESS,
    "private": E.OrganisationType.BUSINESS,
}
_FLAG_TRUE = {"1", "1.0"}
_FLAG_FALSE = {"0", "0.0"}
_MISSING = {"", "na", "n/a"}
_AMOUNT = re.compile(r"^\$?\s*(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^\d+(\.\d+)?[eE]\d+$")
NAME_LIMIT = 300


def country_code(name: str) -> str | None:
    """The ISO code (or M49 region) of the file's country name, or None when it has none."""
    key = name.strip().casefold()
    if key in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[key]
    try:
        return geography.normalise(name)
    except ValueError:
        return None


def parse_amount(text: str) -> Decimal | None:
    """'$330,568', '330568.0', '3e5' -> Decimal; blank/NA -> None; anything else -> ValueError."""
    cleaned = text.strip()
    if cleaned.lower() in _MISSING:
        return None
    if not _AMOUNT.match(cleaned):
        raise ValueError(f"'{text}' is not an amount in dollars")
    try:
        return Decimal(cleaned.replace("$", "").replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount in dollars") from None


class GrantsConverter(Converter):
    name = "tip-grants"
    label = "US State Department anti-trafficking grants"
    fields = (
        ImportField("id", "Row ID", False, ("id",)),
        ImportField("country", "Country", True, ("name",)),
        ImportField("year", "Year", True, ("grant_year", "fiscal year")),
        ImportField("grant", "Grant made", True, ("grant",)),
        ImportField("recipient", "Recipient", True, ("recipient",)),
        ImportField("subgrantee", "Subgrantee", False, ("subgrantee",)),
        ImportField("prevention", "Prevention", True, ("prevention",)),
        ImportField("protection", "Protection", True, ("protection",)),
        ImportField("prosecution", "Prosecution", True, ("prosecution",)),
        ImportField("research", "Research", False, ("research",)),
        ImportField("amount", "Amount (USD)", True, ("amount",)),
        ImportField("recipient_type", "Recipient type", False, ("recipient_type",)),
    )

    def __init__(self) -> None:
        self.titles: dict[tuple[str, tuple], int] = {}

    def _text(self, row: Row, field: str) -> str:
        value = self.get(row, field)
        return "" if blank(value) else str(value).strip()

    def _flag(self, row: Row, field: str, *, required: bool = True) -> bool | None:
        text = self._text(row, field)
        if text in _FLAG_TRUE:
            return True
        if text in _FLAG_FALSE:
            return False
        if text.lower() in _MISSING and (not required or text.lower() == "na"):
            return None
        raise RowRejected(self.column(field), f"'{text}' is not a 0/1 flag")

    def convert_row(self, row: Row, pending: Plan, plan: Plan) -> None:
        grant = self._text(row, "grant")
        if grant not in _FLAG_TRUE:
            pending.skipped.append((row.number, "no grant that year"))
            return
        subgrantee = self._text(row, "subgrantee")
        if subgrantee in _FLAG_TRUE | _FLAG_FALSE:
            # The hand-entered file's most common error: flags moved one column left.
            raise RowRejected(
                self.column("subgrantee"),
                f"holds the flag '{subgrantee}': the 3P flags look shifted one column left",
            )
        flags = {f: self._flag(row, f) for f in ("prevention", "protection", "prosecution")}
        research = self._flag(row, "research", required=False)
        try:
            amount = parse_amount(self._text(row, "amount"))
        except ValueError as exc:
            raise RowRejected(self.column("amount"), str(exc)) from None
        year_text = self._text(row, "year")
        if not re.fullmatch(r"(19|20)\d{2}(\.0)?", year_text):
            raise RowRejected(self.column("year"), f"'{year_text}' is not a year")
        year = int(float(year_text))
        country = self._text(row, "country")
        if not country:
            raise RowRejected(self.column("country"), "is empty")
        recipient = self._text(row, "recipient")
        if recipient.lower() in _MISSING:
            recipient = ""
            pending.warnings.append(f"row {row.number}: the grant names no recipient")
        if subgrantee.lower() in _MISSING:
            subgrantee = ""

        code = country_code(country)
        geo = (code,) if code else ()
        focus = [f for f, on in flags.items() if on]
        notes = []
        if not focus:
            focus = [E.Focus.PARTNERSHIP.value]
            notes.append("The grant list sets none of the 3P flags; filed under partnership.")
        if code is None:
            notes.append(f"'{country}' has no ISO 3166 country code.")
        title = _shorten(
            f"{recipient or 'Unnamed recipient'}: anti-trafficking grant, {country} {year}",
            NAME_LIMIT,
        )
        key = (title.casefold(), geo)
        if key in self.titles:
            # Several grants to one recipient in one country and year: number them in file order.
            self.titles[key] += 1
            title = _shorten(title, NAME_LIMIT - 8) + f" (#{self.titles[key]})"
        else:
            self.titles[key] = 1
        summary = (
            f"US State Department anti-trafficking grant to {recipient or 'an unnamed recipient'}"
            f" ({country}, {year})"
        )
        if subgrantee:
            summary += f"; subgrantee: {subgrantee}"
        values = validated(
            K.STRATEGY,
            {
                "title": title,
                "summary": summary[:5000],
                "description": "\n".join(notes),
                "partnership_type": E.PartnershipType.OTHER,
                "focus": focus,
                "geography": list(geo),
                "period_start": date(year, 1, 1),
                "period_end": date(year, 12, 31),
                "status": E.StrategyStatus.COMPLETED,
                "cost_amount": amount,
                "cost_currency": "USD" if amount is not None else None,
            },
            {"title": self.column("recipient"), "cost_amount": self.column("amount")},
        )
        row_id = self._text(row, "id")
        ref = f"grant:{row_id}" if row_id else f"grant:row:{row.number}"
        strategy = pending.add(
            Op(
                ref,
                K.STRATEGY,
                values,
                row.number,
                uid=stable_uid("tip-grants", row_id) if row_id else None,
                match_title_geo=True,
                tags=("research",) if research else (),
            )
        )
        org_type = ORG_TYPES.get(
            self._text(row, "recipient_type").casefold(), E.OrganisationType.OTHER
        )
        for name, role in (
            (recipient, E.PartnerRole.LEAD),
            (subgrantee, E.PartnerRole.IMPLEMENTING_PARTNER),
        ):
            if not name:
                continue
            org_ref = self._organisation(name, org_type, row, pending)
            values = validated(
                K.PARTNER,
                {"role": role, "notes": name if len(name) > NAME_LIMIT else ""},
                {},
            )
            pending.add(
                Op(
                    f"{strategy.ref}:partner:{org_ref}:{role.value}",
                    K.PARTNER,
                    values,
                    row.number,
                    links={"strategy": strategy.ref, "organisation": org_ref},
                )
            )

    def _organisation(self, name: str, org_type: Any, row: Row, pending: Plan) -> str:
        short = _shorten(name, NAME_LIMIT)
        ref = f"org:{short.casefold()}"
        if ref not in pending.refs:
            values = validated(K.ORGANISATION, {"name": short, "org_type": org_type}, {})
            pending.add(Op(ref, K.ORGANISATION, values, row.number, provided=frozenset()))
        return ref


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
