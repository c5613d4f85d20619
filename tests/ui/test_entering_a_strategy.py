"""An evaluator enters a whole strategy by keyboard and mouse; the database holds all of it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from evidencetracker.domain import enums as E
from evidencetracker.services.container import Services
from tests.ui.conftest import idle

CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton


def tick(qtbot, box) -> None:
    """Click a check box on its indicator (a click in its empty right part does nothing)."""
    qtbot.mouseClick(box, LEFT, pos=QPoint(6, box.height() // 2))


def choose(combo, value) -> None:
    combo.setFocus()
    combo.setCurrentIndex(combo.findData(getattr(value, "value", value)))


def test_enter_a_strategy_with_partners_outcome_indicator_and_evidence(
    qtbot, window, services: Services
):
    editor = window.editor
    # New strategy with Ctrl+N, fill the Overview, save with Ctrl+S.
    qtbot.keyClick(window.table, Qt.Key.Key_N, CTRL)
    assert editor.creating and window.isWindowModified()
    form = editor.overview.form
    qtbot.keyClicks(form.inputs["title"], "Coastal Fisheries Labour Partnership")
    qtbot.keyClicks(form.inputs["summary"], "Inspectors, unions & NGOs <together>")
    choose(form.inputs["partnership_type"], E.PartnershipType.MULTI_SECTOR)
    tick(qtbot, form.inputs["focus"].boxes["protection"])
    tick(qtbot, form.inputs["focus"].boxes["partnership"])
    qtbot.keyClicks(form.inputs["geography"].input, "TH")
    qtbot.keyClick(form.inputs["geography"].input, Qt.Key.Key_Return)
    qtbot.keyClicks(form.inputs["period_start"], "2023-01-01")
    qtbot.keyClicks(editor.overview.tags_edit, "fisheries, labour")
    qtbot.keyClick(form.inputs["title"], Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: services.strategies.count() == 1)
    idle(qtbot, window)
    uid = services.strategies.list()[0].uid
    stored = services.strategies.get(uid)
    assert stored.summary == "Inspectors, unions & NGOs <together>"
    assert stored.focus == ("partnership", "protection")
    assert stored.geography == ("TH",)
    assert stored.tags == ("fisheries", "labour")
    qtbot.waitUntil(lambda: editor.uid == uid and not window.isWindowModified())
    assert "Coastal Fisheries Labour Partnership" in window.windowTitle()

    # Two partners: one created inline, one more with another role.
    editor.tabs.setCurrentWidget(editor.partners)
    partners = editor.partners
    for name, org_type, role in (
        ("Ministry of Labour", E.OrganisationType.GOVERNMENT, E.PartnerRole.LEAD),
        ("Fishers Rights Network", E.OrganisationType.NGO, E.PartnerRole.IMPLEMENTING_PARTNER),
    ):
        qtbot.keyClicks(partners.org_edit, name)
        choose(partners.type_combo, org_type)
        choose(partners.role_combo, role)
        qtbot.mouseClick(partners.add_button, LEFT)
        idle(qtbot, window)
    detail = services.strategies.detail(uid)
    assert {(p.organisation_name, p.role) for p in detail.partners} == {
        ("Ministry of Labour", E.PartnerRole.LEAD),
        ("Fishers Rights Network", E.PartnerRole.IMPLEMENTING_PARTNER),
    }
    qtbot.waitUntil(lambda: partners.table.rowCount() == 2)

    # An outcome, through the Add outcome dialog.
    editor.tabs.setCurrentWidget(editor.outcomes)
    tab = editor.outcomes
    qtbot.mouseClick(tab.add_outcome_button, LEFT)
    dialog = tab.dialog
    qtbot.keyClicks(dialog.form.inputs["title"], "Workers recover withheld wages")
    choose(dialog.form.inputs["level"], E.OutcomeLevel.SHORT_TERM)
    choose(dialog.form.inputs["focus"], E.Focus.PROTECTION)
    tick(qtbot, dialog.form.inputs["primary"])
    qtbot.keyClick(dialog.form.inputs["title"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(services.strategies.detail(uid).outcomes) == 1)
    idle(qtbot, window)
    outcome = services.strategies.detail(uid).outcomes[0].outcome
    assert outcome.primary and outcome.level == E.OutcomeLevel.SHORT_TERM

    # An indicator with baseline and target, then three measurements typed in.
    qtbot.waitUntil(lambda: tab.find_item(outcome.uid) is not None)
    tab.tree.setCurrentItem(tab.find_item(outcome.uid))
    qtbot.mouseClick(tab.add_indicator_button, LEFT)
    dialog = tab.dialog
    qtbot.keyClicks(dialog.form.inputs["name"], "Workers repaid")
    qtbot.keyClicks(dialog.form.inputs["unit"], "workers")
    qtbot.keyClicks(dialog.form.inputs["baseline_value"], "12")
    qtbot.keyClicks(dialog.form.inputs["target_value"], "200")
    qtbot.mouseClick(dialog.buttons.buttons()[0], LEFT)
    qtbot.waitUntil(lambda: len(services.strategies.detail(uid).outcomes[0].indicators) == 1)
    idle(qtbot, window)
    indicator = services.strategies.detail(uid).outcomes[0].indicators[0].indicator
    qtbot.waitUntil(lambda: tab.find_item(indicator.uid) is not None)
    tab.tree.setCurrentItem(tab.find_item(indicator.uid))
    panel = tab.measurements
    for period, value in (("2023-Q1", "15"), ("2023-Q2", "40"), ("2023-Q3", "1,250")):
        qtbot.keyClicks(panel.period_edit, period)
        qtbot.keyClicks(panel.value_edit, value)
        qtbot.keyClick(panel.value_edit, Qt.Key.Key_Return)
        idle(qtbot, window)
    series = services.strategies.detail(uid).outcomes[0].indicators[0].measurements
    assert [(m.period, m.value) for m in series] == [
        ("2023-Q1", 15.0),
        ("2023-Q2", 40.0),
        ("2023-Q3", 1250.0),
    ]
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3)
    assert panel.chart.points == [("2023-Q1", 15.0), ("2023-Q2", 40.0), ("2023-Q3", 1250.0)]
    assert (panel.chart.baseline, panel.chart.target) == (12.0, 200.0)

    # An evidence source with its citation and design, then a finding on the outcome.
    editor.tabs.setCurrentWidget(editor.evidence)
    ev = editor.evidence
    qtbot.mouseClick(ev.add_source_button, LEFT)
    dialog = ev.dialog
    choose(dialog.form.inputs["source_type"], E.SourceType.EVALUATION_REPORT)
    qtbot.keyClicks(dialog.form.inputs["title"], "Final evaluation of the fisheries partnership")
    qtbot.keyClicks(dialog.form.inputs["authors"], "Tan, A.; Ruiz, M.")
    qtbot.keyClicks(dialog.form.inputs["year"], "2024")
    choose(dialog.form.inputs["design"], E.StudyDesign.DIFFERENCE_IN_DIFFERENCES)
    qtbot.keyClicks(dialog.form.inputs["sample_size"], "420")
    tick(qtbot, dialog.form.inputs["evaluator_independent"])
    qtbot.mouseClick(dialog.buttons.buttons()[0], LEFT)
    qtbot.waitUntil(lambda: len(services.strategies.detail(uid).sources) == 1)
    idle(qtbot, window)
    source = services.strategies.detail(uid).sources[0]
    assert (source.year, source.design, source.sample_size, source.evaluator_independent) == (
        2024,
        E.StudyDesign.DIFFERENCE_IN_DIFFERENCES,
        420,
        True,
    )
    qtbot.waitUntil(lambda: ev.current_source() is not None)
    qtbot.mouseClick(ev.add_finding_button, LEFT)
    dialog = ev.dialog
    assert dialog.outcome_combo.currentText() == "Workers recover withheld wages"
    choose(dialog.form.inputs["direction"], E.FindingDirection.FAVOURABLE)
    tick(qtbot, dialog.form.inputs["significant"])
    qtbot.keyClicks(dialog.form.inputs["effect_size"], "0.31")
    choose(dialog.form.inputs["effect_size_type"], E.EffectSizeType.SMD)
    qtbot.mouseClick(dialog.buttons.buttons()[0], LEFT)
    qtbot.waitUntil(lambda: services.strategies.detail(uid).outcomes[0].findings != ())
    idle(qtbot, window)
    finding = services.strategies.detail(uid).outcomes[0].findings[0]
    assert (finding.direction, finding.significant, finding.effect_size) == (
        E.FindingDirection.FAVOURABLE,
        True,
        0.31,
    )
    assert finding.source_uid == source.uid
    qtbot.waitUntil(lambda: ev.findings.rowCount() == 1)
    assert services.history.for_strategy(uid)[0].author == "Eva Evaluator"
    QApplication.processEvents()
