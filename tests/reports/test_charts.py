"""Charts must draw for every shape of series a strategy can have."""

from __future__ import annotations

import pytest
from reportlab.graphics import renderPDF

from evidencetracker.reports import charts


@pytest.mark.parametrize(
    "periods, values, baseline, target",
    [
        (["2022"], [5.0], 2.0, 10.0),  # one period: markers, no line
        (["2021", "2022", "2023"], [5.0, None, 7.0], None, None),  # a hidden value between
        (["2021", "2022"], [None, 3.0], None, 8.0),
        (["Q1 2021 (January to March, provisional)"] * 8, [1.0] * 8, 0.0, 2.0),  # long labels
    ],
)
def test_indicator_chart_draws(tmp_path, periods, values, baseline, target):
    drawing = charts.indicator_chart(periods, values, baseline, target, width=400)
    renderPDF.drawToFile(drawing, str(tmp_path / "chart.pdf"))
    assert (tmp_path / "chart.pdf").stat().st_size > 0
