"""Make the screenshots of the Rating tab, the comparison and the gap map (docs/screenshots/).

Run from the checkout:
    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_rating_screenshots.py
It loads the illustrative sample into a temporary database and grabs each view at 1280x800.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from evidencetracker.services.container import Services  # noqa: E402
from evidencetracker.services.sample import load_sample  # noqa: E402
from evidencetracker.ui.comparison_view import ComparisonView  # noqa: E402
from evidencetracker.ui.gap_map_view import GapMapView  # noqa: E402
from evidencetracker.ui.rating_tab import RatingTab  # noqa: E402
from evidencetracker.ui.tasks import TaskRunner  # noqa: E402

OUT = Path(__file__).resolve().parent / "screenshots"
SIZE = (1280, 800)


def settle(app: QApplication, tasks: TaskRunner) -> None:
    """Let the worker finish and the results reach the widgets."""
    for _ in range(50):
        tasks.wait()
        app.processEvents()
        if not tasks.pending():
            break
    app.processEvents()


def by_title(services: Services, prefix: str):
    return next(s for s in services.strategies.list() if s.title.startswith(prefix))


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        services = Services.open(Path(folder) / "screens.sqlite", author="A. Reviewer")
        load_sample(services)
        tasks = TaskRunner()
        danube = by_title(services, "Danube")
        mekong = by_title(services, "Mekong")
        northern = by_title(services, "Northern Border")
        # The Rating tab shows an override beside the computed rating.
        outcome = services.strategies.detail(danube.uid).outcomes[1].outcome
        services.ratings.override(
            outcome.uid,
            "emerging",
            "The case study is corroborated by ministry figures on MLA turnaround that the "
            "rubric cannot count; the reviewers judge the evidence emerging, not inconclusive.",
            "very_low",
        )
        services.external_ratings.create(
            danube.uid,
            {
                "source": "other",
                "rating": "Good practice (illustrative)",
                "rated_on": "2022-03-01",
                "notes": "Fictional external rating, for illustration only.",
            },
        )

        tab = RatingTab(services, tasks)
        tab.resize(*SIZE)
        tab.show()
        tab.show_strategy(danube.uid)
        settle(app, tasks)
        tab.grab().save(str(OUT / "rating-tab.png"))

        view = ComparisonView(services, tasks)
        view.resize(*SIZE)
        view.show()
        view.compare([mekong.uid, northern.uid, danube.uid])
        settle(app, tasks)
        view.grab().save(str(OUT / "comparison.png"))

        gap = GapMapView(services, tasks)
        gap.resize(*SIZE)
        gap.show()
        settle(app, tasks)
        gap.grab().save(str(OUT / "gap-map.png"))
        for widget in (tab, view, gap):
            widget.close()
        tasks.wait()
        services.close()
    print(f"Saved rating-tab.png, comparison.png and gap-map.png in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
