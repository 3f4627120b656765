"""The team report as PDF and Excel, built from a real team view on a real database, read back as text and cells."""

from __future__ import annotations

import io
import re
import subprocess
import uuid
from datetime import date

import openpyxl
import pytest
import yaml

from scan.analytics.teams import TeamView, team_view
from scan.locales import LOCALES_DIR, locales, text
from scan.reports.excel import team_excel
from scan.reports.pdf import latin1
from scan.reports.team_pdf import team_report_pdf
from scan.store.released import release_everything
from scan.store.responses import Submission, submit
from tests.unit.test_pdf import first_words, pdf_text

DAY = date(2026, 3, 14)
SHEETS = {"nl": ["Team", "Scores", "Intensiteit"], "en": ["Team", "Scores", "Intensity"]}


def scan(org, questionnaire, k: int, member: int) -> Submission:
    """Member k answers a pattern of its own, so the team has real spread, and a few partners differently."""
    answers = {item.id: 1 + (i + 2 * k) % 5 for i, item in enumerate(questionnaire.items)}
    intensity = {"leerkracht": (1 + k % 4, 4), "ouders": (1 + k % 2, 2 + k % 3), "jeugdhulp": (2, None)}
    return Submission(str(uuid.uuid4()), member, org.team_id, org.round_id, answers, intensity=intensity)


def view_after(db, org, questionnaire, model, config, n: int, threshold: int | None = None) -> TeamView:
    """The team view once the first ``n`` members have sent their scan."""
    for k, member in enumerate(org.members[:n]):
        submit(db, questionnaire, model, scan(org, questionnaire, k, member))
    return team_view(
        db,
        questionnaire,
        config,
        team_id=org.team_id,
        round_id=org.round_id,
        threshold=config.privacy.team_threshold if threshold is None else threshold,
    )


@pytest.fixture
def hidden(db, org, questionnaire, model, config) -> TeamView:
    view = view_after(db, org, questionnaire, model, config, 2)
    assert not view.visible and not view.spreads
    return view


@pytest.fixture
def full(db, org, questionnaire, model, config) -> TeamView:
    view = view_after(db, org, questionnaire, model, config, 6)
    assert view.visible and view.spreads and view.intensity
    return view


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_the_team_pdf_is_a_pdf(full, questionnaire):
    assert team_report_pdf(full, questionnaire, "nl").startswith(b"%PDF")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_team_pdf_shows_the_team_its_scores_and_what_to_talk_about(lang, full, questionnaire, tmp_path):
    content = pdf_text(team_report_pdf(full, questionnaire, lang, today=DAY), tmp_path)

    weakest = min(questionnaire.building_blocks, key=lambda c: full.spreads[c.id].mean)
    assert latin1(full.team.name) in content
    assert questionnaire.construct("identiteit").name.get(lang) in content
    assert first_words(weakest.reflection_questions[0].text.get(lang)) in content
    assert first_words(text(lang, "teampdf.disagreements.invite")) in content
    assert latin1(text(lang, "teampdf.footer")) in content
    assert text(lang, "teampdf.hidden.title") not in content


def test_below_the_threshold_the_pdf_explains_and_shows_no_score(hidden, db, org, questionnaire, config, tmp_path):
    content = pdf_text(team_report_pdf(hidden, questionnaire, "nl", today=DAY), tmp_path)
    # The same two scans, released and read with a threshold of one: the means the report must not give away.
    release_everything(db)
    means = team_view(db, questionnaire, config, team_id=org.team_id, round_id=org.round_id, threshold=1).means()
    assert means

    assert latin1(hidden.team.name) in content
    assert "2 van de 6 teamleden" in content
    assert first_words(text("nl", "teampdf.hidden.text", responses=2, threshold=hidden.threshold), 8) in content
    shown = {f"{m:.{d}f}".replace(".", sep) for m in means.values() for d in (1, 2) for sep in ",."}
    assert not [value for value in shown if value in content]
    assert re.search(r"\d[.,]\d", content) is None
    assert text("nl", "teampdf.radar.title") not in content


def test_the_same_team_report_on_the_same_day_gives_the_same_bytes(full, questionnaire):
    first, second = (team_report_pdf(full, questionnaire, "nl", today=DAY) for _ in range(2))
    assert first == second


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_workbook_holds_the_team_its_scores_and_the_intensity(lang, full, questionnaire):
    book = workbook(team_excel(full, questionnaire, lang))

    assert book.sheetnames == SHEETS[lang]
    team = dict(book["Team"].iter_rows(values_only=True))
    assert team[text(lang, "teampdf.excel.responses")] == 6 and team[text(lang, "teampdf.excel.members")] == 6
    scores = book["Scores"]
    assert scores.freeze_panes == "A2" and all(cell.font.bold for cell in scores[1])
    rows = list(scores.iter_rows(min_row=2, values_only=True))
    assert {row[1] for row in rows} == set(full.spreads)
    for _, dimension, name, n, mean, *_ in rows:
        assert mean == round(full.spreads[dimension].mean, 2)
        assert n == full.spreads[dimension].n
        assert name == questionnaire.dimension_name(dimension).get(lang)
    intensity = {
        (p, lv): (now, wish) for p, lv, now, wish in book[SHEETS[lang][2]].iter_rows(min_row=2, values_only=True)
    }
    teacher = questionnaire.intensity.partner_types[0]
    for level in questionnaire.intensity.levels:
        key = (teacher.name.get(lang), level.name.get(lang))
        assert intensity[key] == (
            full.intensity[teacher.id]["current"][level.level],
            full.intensity[teacher.id]["desired"][level.level],
        )


def test_a_team_of_three_has_means_in_its_workbook_and_pdf_but_no_spread_lowest_or_highest(
    db, org, questionnaire, model, config, tmp_path
):
    three = view_after(db, org, questionnaire, model, config, 3)
    assert three.visible and all(f.sd is None for f in three.spreads.values())
    scores = workbook(team_excel(three, questionnaire, "nl"))["Scores"]
    assert [c.value for c in scores[1]][3:] == ["n", "Gemiddelde", "sd"]
    assert all(row[5] is None for row in scores.iter_rows(min_row=2, values_only=True))
    pdf = tmp_path / "three.pdf"
    pdf.write_bytes(team_report_pdf(three, questionnaire, "nl"))
    shown = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Laagste" not in shown and "Hoogste" not in shown and text("nl", "teampdf.disagreements.title") not in shown


def test_below_the_threshold_the_workbook_holds_no_figures(hidden, questionnaire):
    book = workbook(team_excel(hidden, questionnaire, "nl"))

    assert book.sheetnames == SHEETS["nl"]
    for sheet in (book["Scores"], book["Intensiteit"]):
        values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
        assert values == [text("nl", "teampdf.hidden.text", responses=2, threshold=hidden.threshold)]
    team = dict(book["Team"].iter_rows(values_only=True))
    assert team["Reacties"] == 2 and team["Drempel"] == hidden.threshold


def test_the_team_texts_stand_under_their_own_key_in_both_languages():
    for lang in ("nl", "en"):
        tree = yaml.safe_load((LOCALES_DIR / f"teampdf.{lang}.yaml").read_text(encoding="utf-8"))
        assert list(tree) == ["teampdf"]
    nl, en = ({key for key in locales()[lang] if key.startswith("teampdf.")} for lang in ("nl", "en"))
    assert nl == en
