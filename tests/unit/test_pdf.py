"""The personal report as PDF: built from a real report, read back with poppler's pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml

from scan.config import Settings
from scan.locales import LOCALES_DIR, _flatten, text
from scan.questionnaire import Questionnaire
from scan.report import PersonalReport, TrendPoint, build_personal_report, radar_dimensions
from scan.reports.pdf import latin1, personal_report_pdf
from scan.scoring import ScoringModel, score_answers

FOOTERS = {"nl": "Vertrouwelijk: alleen voor jou", "en": "Confidential: for your eyes only"}


def make_report(
    questionnaire: Questionnaire,
    config: Settings,
    model: ScoringModel,
    *,
    lang: str = "nl",
    person: str = "Sanne de Vries",
    with_team: bool = True,
    with_trend: bool = True,
) -> PersonalReport:
    """All items 4, a few varied; some intensity pairs; team means for some dimensions; two rounds of trend."""
    answers: dict[str, int | None] = {item.id: 4 for item in questionnaire.items}
    items = questionnaire.items
    answers |= {items[0].id: 5, items[5].id: 5, items[9].id: 2, items[12].id: None}
    for item in questionnaire.construct("organisatie").items:
        answers[item.id] = 4 if item.reverse else 2
    scores = score_answers(model, answers)
    radar = radar_dimensions(questionnaire)
    earlier = TrendPoint("Najaar 2025", {d: max(1.0, scores[d] - 0.6) for d in radar})
    return build_personal_report(
        questionnaire,
        config,
        model,
        lang=lang,
        person=person,
        round_name="Voorjaar 2026",
        answers=answers,
        intensity={"leerkracht": (3, 4), "pedagogisch_medewerker": (2, 4), "ouders": (2, 2), "jeugdhulp": (1, None)},
        scores=scores,
        team_means={"t_vertical": 3.4, "t_horizontal": 3.9, "identiteit": 3.6} if with_team else None,
        trend=[earlier, TrendPoint("Voorjaar 2026", {d: scores[d] for d in radar})] if with_trend else (),
    )


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text with all whitespace collapsed, so wrapped lines read as one sentence."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed, so the PDF cannot be read back")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def first_words(sentence: str, n: int = 6) -> str:
    return " ".join(sentence.split()[:n])


def test_the_pdf_is_a_pdf(questionnaire, config, model):
    assert personal_report_pdf(make_report(questionnaire, config, model)).startswith(b"%PDF")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_pdf_shows_the_report_in_its_language(lang, questionnaire, config, model, tmp_path):
    report = make_report(questionnaire, config, model, lang=lang)
    assert report.t_shape.profile_id is not None and report.reflection_questions

    content = pdf_text(personal_report_pdf(report), tmp_path)

    assert report.t_shape.name in content
    assert report.person in content
    assert first_words(report.strengths[0].text) in content
    assert first_words(report.reflection_questions[0]) in content
    assert FOOTERS[lang] in content
    assert FOOTERS["en" if lang == "nl" else "nl"] not in content
    assert text(lang, "pdf.radar.team") in content
    assert text(lang, "pdf.trend.title") in content


def test_a_report_without_team_and_trend_renders_without_their_parts(questionnaire, config, model, tmp_path):
    report = make_report(questionnaire, config, model, with_team=False, with_trend=False)
    assert not report.team_shown

    content = pdf_text(personal_report_pdf(report), tmp_path)

    assert report.person in content
    assert text("nl", "pdf.radar.own") in content
    assert text("nl", "pdf.radar.team") not in content
    assert text("nl", "pdf.trend.title") not in content


def test_a_profile_that_cannot_be_determined_says_so(questionnaire, config, model, tmp_path):
    answers = {item.id: 3 for item in questionnaire.construct("identiteit").items}
    report = build_personal_report(
        questionnaire,
        config,
        model,
        lang="nl",
        person="Sanne de Vries",
        round_name="Voorjaar 2026",
        answers=answers,
        intensity={},
        scores=score_answers(model, answers),
    )
    assert report.t_shape.profile_id is None

    content = pdf_text(personal_report_pdf(report), tmp_path)

    assert text("nl", "pdf.t_shape.unknown_name") in content
    assert first_words(text("nl", "pdf.t_shape.unknown")) in content


def test_characters_outside_latin1_are_replaced_not_refused(questionnaire, config, model, tmp_path):
    report = make_report(questionnaire, config, model, person="Zoë – “test” · ✓")

    content = pdf_text(personal_report_pdf(report), tmp_path)

    assert 'Zoë - "test" - ?' in content


def test_latin1_keeps_dutch_letters_and_replaces_the_rest():
    assert latin1("Zoë, café, coördinatie, naïef") == "Zoë, café, coördinatie, naïef"
    assert latin1("a – b — c · d ‘e’ “f” „g” h…") == 'a - b - c - d \'e\' "f" "g" h...'
    assert latin1("✓ €") == "? ?"


def test_the_same_report_on_the_same_day_gives_the_same_bytes(questionnaire, config, model):
    report = make_report(questionnaire, config, model)
    day = date(2026, 3, 14)
    assert personal_report_pdf(report, today=day) == personal_report_pdf(report, today=day)


def test_the_report_carries_the_date_in_its_language(questionnaire, config, model, tmp_path):
    report = make_report(questionnaire, config, model, lang="nl")
    assert "14 maart 2026" in pdf_text(personal_report_pdf(report, today=date(2026, 3, 14)), tmp_path)


def test_both_pdf_locale_files_have_the_same_keys():
    keys = [
        set(_flatten(yaml.safe_load((LOCALES_DIR / f"pdf.{lang}.yaml").read_text(encoding="utf-8"))))
        for lang in ("nl", "en")
    ]
    assert keys[0] == keys[1]
    assert all(key.startswith("pdf.") for key in keys[0])
