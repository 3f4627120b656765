"""The team report as an Excel workbook: the same figures as the team PDF, for those who want to work with them.

Like the PDF it reads a ``TeamView``, which has already applied the anonymity threshold; below it the score and
intensity sheets carry a note instead of figures.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from scan.analytics.director import DirectorView
from scan.analytics.teams import TeamView
from scan.locales import text
from scan.questionnaire import Questionnaire
from scan.reports.cells import keep_text_as_text
from scan.reports.team_pdf import score_rows

_DECIMALS = 2
_NUMBER_FORMAT = "0.00"
_WIDE = 44
_NARROW = 11


def team_excel(view: TeamView, questionnaire: Questionnaire, lang: str) -> bytes:
    """The workbook as .xlsx bytes, with the sheets Team, Scores and Intensity (named in ``lang``)."""
    book = Workbook()
    _team_sheet(book.active, view, lang)
    scores, intensity = book.create_sheet("Scores"), book.create_sheet(_t(lang, "excel.intensity_sheet"))
    if view.visible:
        _scores_sheet(scores, view, questionnaire, lang)
        _intensity_sheet(intensity, view, questionnaire, lang)
    else:
        # The same explanation as in the PDF; it runs on over the empty cells beside it.
        note = _t(lang, "hidden.text", responses=view.n_answered, threshold=view.threshold)
        scores["A1"] = intensity["A1"] = note
    return _saved(book)


def _saved(book: Workbook) -> bytes:
    """The workbook as .xlsx bytes; names typed by people stay text, whatever they start with."""
    keep_text_as_text(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _t(lang: str, key: str, **values: object) -> str:
    return text(lang, f"teampdf.{key}", **values)


def _team_sheet(sheet: Worksheet, view: TeamView, lang: str) -> None:
    sheet.title = "Team"
    rows = {
        "team": view.team.name,
        "round": view.round.name,
        "responses": view.n_answered,
        "members": view.n_members,
        "participation": view.participation,
        "threshold": view.threshold,
    }
    for key, value in rows.items():
        sheet.append([_t(lang, f"excel.{key}"), value])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        if key == "participation":  # a share, shown as a percentage
            sheet.cell(sheet.max_row, 2).number_format = "0%"
    _widths(sheet, (_NARROW + 4, _WIDE))


def _scores_sheet(sheet: Worksheet, view: TeamView, questionnaire: Questionnaire, lang: str) -> None:
    columns = ("construct", "dimension_id", "dimension", "n", "mean", "sd")
    _head(sheet, [_t(lang, f"scores.{c}") for c in columns])
    for construct, dimension in score_rows(view, questionnaire):
        spread = view.spreads[dimension]
        figures = (spread.mean, spread.sd)
        sheet.append(
            [construct.name.get(lang), dimension, questionnaire.dimension_name(dimension).get(lang), spread.n]
            + [None if v is None else round(v, _DECIMALS) for v in figures]
        )
    for row in sheet.iter_rows(min_row=2, min_col=5):
        for cell in row:
            cell.number_format = _NUMBER_FORMAT
    _widths(sheet, (_WIDE, 30, _WIDE) + (_NARROW,) * 3)


def _intensity_sheet(sheet: Worksheet, view: TeamView, questionnaire: Questionnaire, lang: str) -> None:
    _head(sheet, [_t(lang, f"excel.{c}") for c in ("partner", "level", "current", "desired")])
    for partner in questionnaire.intensity.partner_types:
        counts = view.intensity.get(partner.id, {})
        for level in questionnaire.intensity.levels:
            sheet.append(
                [
                    partner.name.get(lang),
                    level.name.get(lang),
                    counts.get("current", {}).get(level.level, 0),
                    counts.get("desired", {}).get(level.level, 0),
                ]
            )
    _widths(sheet, (36, 30, 16, 16))


def _head(sheet: Worksheet, names: Sequence[str]) -> None:
    """A bold header row that stays in view while scrolling."""
    sheet.append(list(names))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width


def director_excel(view: DirectorView, questionnaire: Questionnaire, lang: str, *, labels: dict[str, str]) -> bytes:
    """Exactly what the director dashboard shows: the same groups, the same hidden cells."""
    hidden = text(lang, "director.hidden_cell")
    book = Workbook()
    heat = book.active
    heat.title = text(lang, "director.location")[:31]
    _head(heat, ["", text(lang, "director.responses"), *labels.values()])
    if not view.total.hidden:
        for row in view.rows:
            heat.append([row.label, row.n, *(_rounded(row.means.get(d), hidden) for d in labels)])
        heat.append(["Σ", view.total.n, *(_rounded(view.total.means.get(d), hidden) for d in labels)])
    else:
        heat.append([text(lang, "director.total_hidden", threshold=view.threshold)])
    _widths(heat, [_WIDE, _NARROW, *[_NARROW + 4] * len(labels)])

    profiles = book.create_sheet(text(lang, "director.profile_title")[:31])
    _head(profiles, [text(lang, "director.profile_title"), "n"])
    for profile in questionnaire.t_profiles:
        profiles.append([profile.name.get(lang), view.profiles.get(profile.id, 0) if not view.total.hidden else ""])
    _widths(profiles, [_WIDE, _NARROW])

    participation = book.create_sheet(text(lang, "director.participation_title")[:31])
    _head(participation, [text(lang, "director.location"), text(lang, "director.responses"), "n"])
    for name, responses, members in view.participation:
        participation.append([name, responses, members])
    _widths(participation, [_WIDE, _NARROW, _NARROW])
    return _saved(book)


def _rounded(value: float | None, hidden: str) -> float | str:
    return round(value, _DECIMALS) if value is not None else hidden
