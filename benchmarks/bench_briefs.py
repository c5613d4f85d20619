"""How long a strategy brief takes to render: every sample strategy, median and worst.

Run ``python -m benchmarks.bench_briefs`` from the repository root.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from evidencetracker.domain.privacy import Disclosure
from evidencetracker.reports.options import BriefOptions
from evidencetracker.reports.strategy_brief import render_strategy_brief
from evidencetracker.services.container import Services
from evidencetracker.services.sample import load_sample


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        services = Services.open(Path(tmp) / "bench.sqlite", author="bench")
        load_sample(services)
        details = [
            services.briefs.redacted(s.uid, Disclosure())
            for s in services.strategies.list()
            if not s.confidential
        ]
        render_strategy_brief(details[0], BriefOptions())  # fonts registered, caches warm
        times = []
        for rd in details:
            for _ in range(3):
                start = time.perf_counter()
                render_strategy_brief(rd, BriefOptions())
                times.append(time.perf_counter() - start)
        services.close()
    print(
        f"strategy brief render ({len(details)} sample strategies x 3): "
        f"median {statistics.median(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
