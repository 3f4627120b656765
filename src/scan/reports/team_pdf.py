"""The team report as a PDF: the team's scores, how far its members differ, and what to talk about.

It is drawn with the personal report's page, fonts, colours and chart helpers (``scan.reports.pdf``), so both
reports look alike and need no browser. Everything comes from a ``TeamView``, which has already applied the
anonymity threshold: below it the view holds the count alone, and this report then says why there is no more.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from fpdf.enums import Align, XPos, YPos

from scan.analytics.disclosure import GroupFigure
from scan.analytics.teams import TeamView
from scan.locales import text
from scan.questionnaire import Construct, PartnerType, Questionnaire
from scan.report import RadarPoint, radar_dimensions, short_label
from scan.reports.pdf import (
    ACCENT,
    ACCENT_FILL,
    ACCENT_PALE,
    GHOST,
    GRID,
    INK,
    MUTED,
    PARTNER_WIDTH,
    RADAR_LABEL_GAP,
    RADAR_LINE,
    RADAR_RADIUS,
    ROW,
    Colour,
    _date_text,
    _outline,
    _polar,
    _radar_grid,
    _radar_label,
    _radar_label_lines,
    _ReportPdf,
)

# Dates, numbers and page numbers read the same in both reports, so those texts are taken from pdf.*.
_SHARED_TEXTS = frozenset({"date", "months", "decimal_separator", "page"})

WHITE: Colour = (255, 255, 255)
# From "no collaboration" (pale) to "connective" (the theme colour): the darker the bar, the closer the work.
LEVEL_COLOURS: tuple[Colour, ...] = (ACCENT_FILL, (140, 194, 178), (86, 158, 139), ACCENT)
BANNER = 17.0
BAR_HEIGHT = 4.5
BAR_GAP = 1.5
BAR_LABEL = 18.0
N_COLUMN = 10.0
NUMBER_COLUMN = 18.0


class _TeamPdf(_ReportPdf):
    """The personal report's page and footer, speaking with the team report's texts."""

    def t(self, key: str, **values: object) -> str:
        area = "pdf" if key in _SHARED_TEXTS else "teampdf"
        return text(self.lang, f"{area}.{key}", **values)


def score_rows(view: TeamView, questionnaire: Questionnaire) -> list[tuple[Construct, str]]:
    """Every dimension the team has a score for, as (construct, dimension id): the construct, then its parts."""
    return [
        (construct, dimension)
        for construct in questionnaire.constructs
        for dimension in (construct.id, *(s.id for s in construct.subdimensions))
        if dimension in view.spreads
    ]


def team_report_pdf(view: TeamView, questionnaire: Questionnaire, lang: str, *, today: date | None = None) -> bytes:
    """The team report as PDF bytes; ``today`` (default: the current date) is the date it carries."""
    day = today or date.today()
    pdf = _TeamPdf(lang)
    # The creation date is the report date, so the same report on the same day gives the same bytes.
    pdf.set_creation_date(datetime.combine(day, time(), tzinfo=UTC))
    pdf.set_title(f"{text(lang, 'app.name')} - {pdf.t('title')} - {view.team.name}")
    pdf.set_creator(text(lang, "app.name"))
    pdf.add_page()
    _header(pdf, view, day)
    if view.visible:
        _radar(pdf, view, questionnaire)
        _disagreements(pdf, view, questionnaire)
        _weakest(pdf, view, questionnaire)
        _intensity(pdf, view, questionnaire)
        _scores(pdf, view, questionnaire)
    else:
        pdf.section(pdf.t("hidden.title"), keep=20)
        pdf.paragraph(pdf.t("hidden.text", responses=view.n_answered, threshold=view.threshold))
    return bytes(pdf.output())


# --- header ------------------------------------------------------------------------------------------------------


def _header(pdf: _TeamPdf, view: TeamView, day: date) -> None:
    """A coloured banner, so a team report is never mistaken for a personal one, then who, when and how many."""
    pdf.set_fill_color(*ACCENT)
    pdf.rect(pdf.l_margin, pdf.t_margin, pdf.epw, BANNER, style="F")
    pdf.set_xy(pdf.l_margin + 4, pdf.t_margin + 2)
    pdf.use(9, "B", WHITE)
    pdf.cell(0, 4.5, text(pdf.lang, "app.name"), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.use(18, "B", WHITE)
    pdf.cell(0, 9, pdf.t("title"))
    pdf.set_xy(pdf.l_margin, pdf.t_margin + BANNER + 4)
    pdf.use(16, "B", ACCENT)
    pdf.multi_cell(0, 7.5, view.team.name, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.paragraph(f"{pdf.t('round', name=view.round.name)}   |   {_date_text(pdf, day)}", size=9, colour=MUTED)
    pdf.ln(3)
    _participation(pdf, view)
    pdf.ln(4)
    pdf.paragraph(pdf.t("intro"), size=9.5, colour=MUTED)


def _participation(pdf: _TeamPdf, view: TeamView) -> None:
    line = pdf.t("responses", responses=view.n_answered, members=view.n_members)
    if view.participation is not None:
        line += f" ({pdf.t('participation', percent=round(100 * view.participation))})"
    pdf.paragraph(line, size=10.5, style="B")
    if view.participation is None:
        return
    top = pdf.y + 1.5
    pdf.set_fill_color(*GHOST)
    pdf.rect(pdf.l_margin, top, pdf.epw, 2.2, style="F")
    pdf.set_fill_color(*ACCENT)
    pdf.rect(pdf.l_margin, top, pdf.epw * min(view.participation, 1.0), 2.2, style="F")
    pdf.set_y(top + 2.2)


# --- radar with the spread as a band -----------------------------------------------------------------------------


def _radar(pdf: _TeamPdf, view: TeamView, questionnaire: Questionnaire) -> None:
    # A construct without a team score has no point to draw, so its axis is left out rather than shown empty.
    spreads = [view.spreads[d] for d in radar_dimensions(questionnaire) if d in view.spreads]
    if len(spreads) < 3:  # fewer axes make no polygon
        return
    angles = [2 * math.pi * k / len(spreads) for k in range(len(spreads))]
    axes = list(zip(spreads, angles, strict=True))
    pdf.use(8)
    labels = [_radar_label_lines(pdf, _radar_point(pdf, s, questionnaire), a, False) for s, a in axes]
    # The labels at the top and bottom axis ends need room above and below the chart.
    ends = [(len(lines) * RADAR_LINE, math.cos(a)) for lines, a in zip(labels, angles, strict=True)]
    above = max((height for height, cos in ends if cos > 0.9), default=0)
    below = max((height for height, cos in ends if cos < -0.9), default=0)
    pdf.section(pdf.t("radar.title"), keep=above + below + 2 * (RADAR_RADIUS + RADAR_LABEL_GAP) + 24)
    pdf.paragraph(pdf.t("radar.intro"), size=9, colour=MUTED)
    centre = (pdf.l_margin + pdf.epw / 2, pdf.y + 4 + above + RADAR_LABEL_GAP + RADAR_RADIUS)

    low, high = questionnaire.scale.min, questionnaire.scale.max
    outer = [_polar(centre, a, min(s.mean + (s.sd or 0), high)) for s, a in axes]
    inner = [_polar(centre, a, max(s.mean - (s.sd or 0), low)) for s, a in axes]
    means = [_polar(centre, a, s.mean) for s, a in axes]
    # The band is the outer polygon with the inner one cut out again in the page colour.
    pdf.set_fill_color(*ACCENT_FILL)
    pdf.polygon(outer, style="F")
    pdf.set_fill_color(*WHITE)
    pdf.polygon(inner, style="F")
    _radar_grid(pdf, centre, angles)
    _outline(pdf, means, ACCENT, 0.7)
    pdf.set_fill_color(*ACCENT)
    for point in means:
        pdf.circle(*point, 0.8, style="F")
    for angle, lines in zip(angles, labels, strict=True):
        _radar_label(pdf, centre, angle, lines)
    pdf.set_y(centre[1] + RADAR_RADIUS + RADAR_LABEL_GAP + below + 4)
    _radar_legend(pdf)


def _radar_point(pdf: _TeamPdf, spread: GroupFigure, questionnaire: Questionnaire) -> RadarPoint:
    label = short_label(questionnaire.dimension_name(spread.dimension).get(pdf.lang))
    return RadarPoint(spread.dimension, label, spread.mean, None)


def _radar_legend(pdf: _TeamPdf) -> None:
    pdf.use(8.5, colour=MUTED)
    mean, band = pdf.t("radar.mean"), pdf.t("radar.band")
    widths = [8 + pdf.get_string_width(mean) + 8, 8 + pdf.get_string_width(band)]
    x = pdf.l_margin + (pdf.epw - sum(widths)) / 2
    y = pdf.y + 2
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.7)
    pdf.line(x, y, x + 6, y)
    pdf.set_fill_color(*ACCENT_FILL)
    pdf.rect(x + widths[0], y - 1.4, 6, 2.8, style="F")
    for offset, entry, width in ((0, mean, widths[0]), (widths[0], band, widths[1])):
        pdf.set_xy(x + offset + 8, y - 2)
        pdf.cell(width - 8, 4, entry)
    pdf.set_xy(pdf.l_margin, y + 3)


# --- talking points ----------------------------------------------------------------------------------------------


def _disagreements(pdf: _TeamPdf, view: TeamView, questionnaire: Questionnaire) -> None:
    """The widest spreads among the T's and the building blocks' parts: where a conversation pays off most."""
    constructs = {dimension: construct for construct, dimension in score_rows(view, questionnaire)}
    parts = tuple(s.id for c in radar_dimensions(questionnaire) for s in questionnaire.construct(c).subdimensions)
    widest = view.disagreements(parts)
    if not widest:
        return
    pdf.section(pdf.t("disagreements.title"), keep=14 * len(widest) + 10)
    pdf.paragraph(pdf.t("disagreements.intro"), size=9, colour=MUTED)
    pdf.ln(2)
    width = pdf.epw - 8
    for number, spread in enumerate(widest, start=1):
        detail = pdf.t(
            "disagreements.detail",
            construct=short_label(constructs[spread.dimension].name.get(pdf.lang)),
            sd=pdf.number(spread.sd),
        )
        pdf.use(10.5, "B", ACCENT)
        pdf.cell(8, 5.5, f"{number}.")
        pdf.use(10.5, "B")
        pdf.cell(width, 5.5, questionnaire.dimension_name(spread.dimension).get(pdf.lang))
        pdf.set_xy(pdf.l_margin + 8, pdf.y + 5.5)
        pdf.use(8.5, colour=MUTED)
        pdf.cell(width, 4.5, detail, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2.5)
    _callout(pdf, pdf.t("disagreements.invite"))


def _callout(pdf: _TeamPdf, value: str) -> None:
    """A pale box with an accent bar: the one sentence on the page that asks the team to act."""
    pdf.use(10, "B", INK)
    height = pdf.text_height(pdf.epw - 10, 5, value) + 6
    if pdf.will_page_break(height):
        pdf.add_page()
    top = pdf.y + 1
    pdf.set_fill_color(*ACCENT_PALE)
    pdf.rect(pdf.l_margin, top, pdf.epw, height, style="F")
    pdf.set_fill_color(*ACCENT)
    pdf.rect(pdf.l_margin, top, 1.5, height, style="F")
    pdf.set_xy(pdf.l_margin + 6, top + 3)
    pdf.multi_cell(pdf.epw - 10, 5, value, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(top + height)


def _weakest(pdf: _TeamPdf, view: TeamView, questionnaire: Questionnaire) -> None:
    blocks = [c for c in questionnaire.building_blocks if c.id in view.spreads]
    if not blocks:
        return
    weakest = min(blocks, key=lambda c: view.spreads[c.id].mean)
    pdf.section(pdf.t("weakest.title"), keep=30)
    pdf.paragraph(weakest.name.get(pdf.lang), size=12, colour=ACCENT, style="B")
    pdf.ln(1)
    pdf.paragraph(pdf.t("weakest.intro"), size=9.5, colour=MUTED)
    pdf.ln(2)
    _numbered(pdf, [q.text.get(pdf.lang) for q in weakest.reflection_questions])


def _numbered(pdf: _TeamPdf, lines: Sequence[str]) -> None:
    width = pdf.epw - 8
    for number, line in enumerate(lines, start=1):
        pdf.use(10)
        if pdf.will_page_break(pdf.text_height(width, 5, line) + 2):
            pdf.add_page()
        pdf.use(10, "B", ACCENT)
        pdf.cell(8, 5, f"{number}.")
        pdf.use(10)
        pdf.multi_cell(width, 5, line, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)


# --- intensity ---------------------------------------------------------------------------------------------------


def _intensity(pdf: _TeamPdf, view: TeamView, questionnaire: Questionnaire) -> None:
    if not view.intensity:
        return
    pdf.section(pdf.t("intensity.title"), keep=40)
    pdf.paragraph(pdf.t("intensity.intro"), size=9, colour=MUTED)
    pdf.ln(2)
    _level_legend(pdf, questionnaire)
    for partner in questionnaire.intensity.partner_types:
        _partner_bars(pdf, view, partner)


def _level_legend(pdf: _TeamPdf, questionnaire: Questionnaire) -> None:
    """The levels in two columns, each with the colour its part of the bars has."""
    column = pdf.epw / 2
    top = pdf.y
    pdf.use(8.5, colour=INK)
    for k, level in enumerate(questionnaire.intensity.levels):
        x, y = pdf.l_margin + (k % 2) * column, top + (k // 2) * 5
        pdf.set_fill_color(*LEVEL_COLOURS[k])
        pdf.rect(x, y + 0.8, 6, 3, style="F")
        pdf.set_xy(x + 8, y)
        pdf.cell(column - 8, 4.5, f"{level.level}  {level.name.get(pdf.lang)}")
    pdf.set_xy(pdf.l_margin, top + math.ceil(len(questionnaire.intensity.levels) / 2) * 5 + 2)


def _partner_bars(pdf: _TeamPdf, view: TeamView, partner: PartnerType) -> None:
    pdf.use(9.5, "B")
    height = max(pdf.text_height(PARTNER_WIDTH - 3, 4.6, partner.name.get(pdf.lang)), 2 * BAR_HEIGHT + BAR_GAP)
    if pdf.will_page_break(height + 4):
        pdf.add_page()
    top = pdf.y + 2
    pdf.set_xy(pdf.l_margin, top)
    pdf.multi_cell(PARTNER_WIDTH - 3, 4.6, partner.name.get(pdf.lang), align=Align.L)
    counts = view.intensity.get(partner.id, {})
    for row, kind in enumerate(("current", "desired")):
        y = top + row * (BAR_HEIGHT + BAR_GAP)
        pdf.use(8.5, colour=MUTED)
        pdf.set_xy(pdf.l_margin + PARTNER_WIDTH, y)
        pdf.cell(BAR_LABEL, BAR_HEIGHT, pdf.t(f"intensity.{kind}"))
        _stacked_bar(pdf, pdf.l_margin + PARTNER_WIDTH + BAR_LABEL, y, counts.get(kind, Counter()), view.n_responses)
    pdf.set_y(top + height + 2)
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)


def _stacked_bar(pdf: _TeamPdf, x: float, y: float, counts: Counter, total: int) -> None:
    """One part per level, as wide as the number who chose it; the grey rest is those who left it open."""
    width = pdf.w - pdf.r_margin - x
    pdf.set_fill_color(*GHOST)
    pdf.rect(x, y, width, BAR_HEIGHT, style="F")
    pdf.use(7.5, "B")
    for k, colour in enumerate(LEVEL_COLOURS):
        n = counts.get(k + 1, 0)
        if not n:
            continue
        part = width * n / total
        pdf.set_fill_color(*colour)
        pdf.rect(x, y, part, BAR_HEIGHT, style="F")
        pdf.set_text_color(*(INK if k < 2 else WHITE))
        pdf.set_xy(x, y)
        pdf.cell(part, BAR_HEIGHT, str(n), align=Align.C)
        x += part


# --- score table -------------------------------------------------------------------------------------------------


_COLUMNS = ("n", "mean", "sd")


def _scores(pdf: _TeamPdf, view: TeamView, questionnaire: Questionnaire) -> None:
    rows = score_rows(view, questionnaire)
    pdf.section(pdf.t("scores.title"), keep=5 * ROW + 20)
    pdf.paragraph(pdf.t("scores.intro"), size=9, colour=MUTED)
    pdf.ln(2)
    _score_head(pdf)
    for construct, dimension in rows:
        group = dimension == construct.id
        # A construct's line moves to the next page together with its first parts.
        if pdf.will_page_break((3 if group else 1) * ROW):
            pdf.add_page()
            _score_head(pdf)
        if group and dimension != rows[0][1]:
            pdf.ln(1)
        _score_row(pdf, questionnaire.dimension_name(dimension).get(pdf.lang), view.spreads[dimension], group=group)


def _score_head(pdf: _TeamPdf) -> None:
    pdf.use(8, "B", MUTED)
    _table_line(pdf, [pdf.t(f"scores.{column}") for column in ("dimension", *_COLUMNS)], height=5, indent=2)
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.ln(1)


def _score_row(pdf: _TeamPdf, label: str, spread: GroupFigure, *, group: bool) -> None:
    """A construct's line is shaded and bold, its parts are indented under it."""
    pdf.set_fill_color(*ACCENT_PALE)
    pdf.use(9, "B" if group else "", INK)
    figures = [pdf.number(value) for value in (spread.mean, spread.sd)]
    _table_line(pdf, [label, str(spread.n), *figures], indent=2 if group else 6, fill=group)


def _table_line(
    pdf: _TeamPdf, values: Sequence[str], *, indent: float, height: float = ROW, fill: bool = False
) -> None:
    """The label on the left after ``indent`` (more than 0: a cell 0 wide would run to the margin), then the figures."""
    numbers = [N_COLUMN] + [NUMBER_COLUMN] * (len(_COLUMNS) - 1)
    pdf.cell(indent, height, fill=fill)
    pdf.cell(pdf.epw - sum(numbers) - indent, height, values[0], fill=fill)
    for width, value in zip(numbers, values[1:], strict=True):
        pdf.cell(width, height, value, align=Align.R, fill=fill)
    pdf.ln(height)
