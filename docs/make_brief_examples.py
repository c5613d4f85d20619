"""Render the example briefs in docs/briefs/ from the illustrative sample (PDF and PNG pages).

Run from the checkout: ``.venv/bin/python docs/make_brief_examples.py`` (needs pdftoppm).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from evidencetracker.reports.options import BriefOptions
from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample

OUT = Path(__file__).resolve().parent / "briefs"
OPTIONS = BriefOptions(generated=date(2024, 5, 1), invariant=True)


def main() -> None:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm (poppler-utils) is needed to render the pages")
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        services = Services.open(Path(tmp) / "sample.sqlite", author="docs")
        load_sample(services)
        rows = {r.title: r.uid for r in services.strategies.list()}

        def uid(prefix: str):  # noqa: ANN202
            return next(u for t, u in rows.items() if t.startswith(prefix))

        briefs = services.briefs
        made = [
            briefs.strategy_brief(uid("Mekong"), OUT / "strategy-mekong.pdf", OPTIONS),
            briefs.strategy_brief(
                uid("North Sea"), OUT / "strategy-north-sea-harmful.pdf", OPTIONS
            ),
            briefs.comparison_brief(
                [uid("Mekong"), uid("North Sea"), uid("Danube"), uid("Riverstone")],
                OUT / "comparison.pdf",
                OPTIONS,
            ),
            briefs.portfolio_brief(OUT / "portfolio.pdf", options=OPTIONS),
        ]
        services.close()
    for pdf in made:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(pdf.with_suffix(""))], check=True
        )
        print(pdf.name, len(list(OUT.glob(pdf.stem + "-*.png"))), "pages")


if __name__ == "__main__":
    main()
