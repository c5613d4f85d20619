"""Deterministic synthetic text for the benchmark databases, and the queries run against it.

Text is composed from a fixed vocabulary so that searches hit realistic numbers of rows: a few
words are everywhere (``trafficking``), many are common, and some are rare.
"""

from __future__ import annotations

import random


def _words(text: str) -> list[str]:
    """A word list written as one string, so it stays readable in the source."""
    return text.split()


# Words that appear in most texts (the search worst case: thousands of matches).
COMMON = _words(
    "trafficking partnership victims survivors programme evaluation services labour "
    "protection prevention prosecution coordination referral training"
)
# Domain words that appear in some texts (hundreds of matches).
TOPICAL = _words(
    "hotline shelter screening inspection recruitment migrant fishing construction domestic "
    "agriculture garment brick kilns debt bondage forced sexual exploitation child online "
    "border consular embassy prosecutors judges police task force helpline outreach "
    "reintegration livelihood microfinance cash transfer awareness campaign curriculum "
    "teachers health clinic legal aid compensation restitution supply chain audit "
    "compliance due diligence certification grievance mechanism ombudsman "
    "labour-inspectorate case-management mentoring peer network coalition alliance "
    "memorandum bilateral regional municipal"
)
# Filler that makes sentences read like prose.
FILLER = _words(
    "the of and in to a with for on by among across through local national district "
    "officers staff communities workers families young people women men reported increased "
    "reduced improved measured compared baseline follow-up months years data records "
    "interviews survey sample groups sites pilot scale-up cost funding"
)
COUNTRIES = _words(
    "NP IN BD TH KH VN PH ID MY NG GH KE UG ET ZA BR MX CO PE GT US CA GB DE NL IT ES RO BG "
    "UA MD AL GR TR JO LB QA AE PK LK"
)
REGIONS = ["M49:150", "M49:035", "M49:202", "M49:419", "M49:034"]
PLACE_NAMES = [
    "Nepal",
    "India",
    "Bangladesh",
    "Thailand",
    "Cambodia",
    "Viet Nam",
    "the Philippines",
    "Indonesia",
    "Nigeria",
    "Ghana",
    "Kenya",
    "Uganda",
    "Brazil",
    "Mexico",
    "Colombia",
    "Guatemala",
    "Romania",
    "Moldova",
    "Ukraine",
    "Albania",
    "Jordan",
    "Lebanon",
    "Qatar",
]
TITLE_HEADS = [
    "Joint task force",
    "Multi-agency referral network",
    "Survivor-led peer mentoring",
    "Labour inspection partnership",
    "Supply-chain due diligence alliance",
    "Regional case-management protocol",
    "Community awareness campaign",
    "Border screening",
    "Hotline and shelter consortium",
    "Prosecutor training programme",
    "Business compliance pact",
    "Reintegration and livelihood scheme",
    "Safe migration information centres",
    "Financial intelligence partnership",
    "Cross-border victim repatriation agreement",
]
TITLE_TOPICS = [
    "forced labour in fishing",
    "sexual exploitation of children",
    "debt bondage in brick kilns",
    "domestic servitude",
    "forced labour in agriculture",
    "online sexual exploitation",
    "recruitment fees",
    "garment supply chains",
    "construction workers",
    "migrant workers",
    "forced begging",
    "organ trafficking",
    "forced criminality",
    "trafficking for marriage",
]
SURNAMES = _words(
    "Smith Garcia Nguyen Okafor Sharma Silva Kowalski Haddad Tanaka Mensah Rossi Ivanova "
    "Ahmed Khan Lopez Dubois Müller Zhou Ortiz Banda Petrov Costa Osei Rahman Thapa Pereira "
    "Novak Moreau"
)
PUBLISHERS = [
    "International Labour Office",
    "UNODC",
    "IOM",
    "Journal of Human Trafficking",
    "Anti-Trafficking Review",
    "Walk Free",
    "World Bank",
    "Ministry of Labour",
    "RAND",
    "Crime Science",
    "Journal of Development Effectiveness",
    "Campbell Systematic Reviews",
]
# Rare tokens: each appears in a handful of texts (a targeted search).
RARE = [f"site{n:03d}" for n in range(200)]


class TextMaker:
    """Builds titles, summaries and abstracts from a pool of sentences, fast and reproducibly."""

    def __init__(self, rng: random.Random, sentences: int = 3000):
        self.rng = rng
        self.pool = [self._sentence() for _ in range(sentences)]

    def _sentence(self) -> str:
        rng = self.rng
        words = []
        for _ in range(rng.randint(8, 22)):
            r = rng.random()
            if r < 0.10:
                words.append(rng.choice(COMMON))
            elif r < 0.35:
                words.append(rng.choice(TOPICAL))
            elif r < 0.37:
                words.append(rng.choice(PLACE_NAMES))
            elif r < 0.372:
                words.append(rng.choice(RARE))
            else:
                words.append(rng.choice(FILLER))
        return " ".join(words).capitalize() + "."

    def text(self, low: int, high: int) -> str:
        """About ``low``..``high`` characters of prose."""
        target = self.rng.randint(low, high)
        parts: list[str] = []
        size = 0
        while size < target:
            s = self.rng.choice(self.pool)
            parts.append(s)
            size += len(s) + 1
        return " ".join(parts)

    def strategy_title(self, n: int) -> str:
        rng = self.rng
        return (
            f"{rng.choice(TITLE_HEADS)} on {rng.choice(TITLE_TOPICS)} in "
            f"{rng.choice(PLACE_NAMES)} ({2000 + n % 25})"
        )

    def source_title(self) -> str:
        rng = self.rng
        kind = rng.choice(
            ["Evaluation of", "Impact of", "Assessing", "Lessons from", "A study of", "Review of"]
        )
        return f"{kind} {self.text(40, 140).rstrip('.').lower()}"

    def authors(self) -> str:
        rng = self.rng
        return "; ".join(
            f"{rng.choice(SURNAMES)}, {chr(65 + rng.randrange(26))}."
            for _ in range(rng.randint(1, 5))
        )


def search_queries(count: int, seed: int = 7) -> list[str]:
    """A reproducible mix of what people type in the browser's search box."""
    rng = random.Random(seed)
    queries: list[str] = []
    for i in range(count):
        kind = i % 5
        if kind == 0:
            queries.append(rng.choice(COMMON))
        elif kind == 1:
            queries.append(rng.choice(TOPICAL))
        elif kind == 2:
            queries.append(f"{rng.choice(TOPICAL)} {rng.choice(TOPICAL)}")
        elif kind == 3:
            queries.append(rng.choice(RARE))
        else:
            queries.append(rng.choice(PLACE_NAMES).split()[-1])
    return queries
