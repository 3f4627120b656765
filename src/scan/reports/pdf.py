"""The personal report as a PDF, charts included, drawn by fpdf2 itself so no browser or image library is needed.

Only the core font Helvetica is used: nothing is downloaded and no font file ships with the app. Core fonts
encode latin-1 alone, so every text passes through ``latin1`` on its way onto the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from scan.locales import text
from scan.report import IntensityLine, ItemLine, PersonalReport, RadarPoint, ScoreLine

Colour = tuple[int, int, int]
Point = tuple[float, float]

ACCENT: Colour = (46, 125, 107)  # #2E7D6B, the app's theme colour
ACCENT_FILL: Colour = (205, 230, 222)
ACCENT_PALE: Colour = (237, 246, 243)
TEAM: Colour = (128, 128, 128)
INK: Colour = (36, 41, 46)
MUTED: Colour = (105, 112, 118)
GRID: Colour = (212, 216, 220)
GHOST: Colour = (234, 237, 239)
DESIRED: Colour = (196, 132, 24)
TREND_COLOURS: tuple[Colour, ...] = (ACCENT, (58, 110, 165), DESIRED, (142, 90, 155), (181, 84, 60), (70, 75, 80))

FONT = "Helvetica"
MARGIN = 20.0
FOOTER_ROOM = 8.0
SECTION_GAP = 8.0
SCALE_MAX = 5
LEVELS = 4

RADAR_RADIUS = 50.0
RADAR_LABEL_GAP = 3.5
RADAR_LABEL_WIDTH = 38.0
RADAR_CENTRED_LABEL_WIDTH = 70.0
RADAR_LINE = 3.5

T_BOX = 72.0
T_BAR = 7.0
T_MAX_WIDTH = 62.0
T_MAX_HEIGHT = 52.0

SQUARE = 5.0
SQUARE_GAP = 1.5
PARTNER_WIDTH = 56.0

ROW = 6.5
BAR_WIDTH = 40.0
SCORE_WIDTH = 18.0

TREND_HEIGHT = 40.0

_REPLACEMENTS = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00b7": "-",
        "\u2022": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2026": "...",
    }
)


def latin1(value: str) -> str:
    """``value`` with every character outside latin-1 replaced by a close equivalent, or by "?" when there is none."""
    return value.translate(_REPLACEMENTS).encode("latin-1", errors="replace").decode("latin-1")


class _ReportPdf(FPDF):
    """A4 portrait in the report's language, with the confidentiality footer on every page."""

    def __init__(self, lang: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.lang = lang
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN + FOOTER_ROOM)

    def normalize_text(self, text: str) -> str:
        # The one gate every text passes, so no caller can forget to make it encodable.
        return super().normalize_text(latin1(text))

    def footer(self) -> None:
        top = self.h - MARGIN + 2
        self.set_draw_color(*GRID)
        self.set_line_width(0.2)
        self.line(self.l_margin, top, self.w - self.r_margin, top)
        self.set_xy(self.l_margin, top + 1.5)
        self.use(8, colour=MUTED)
        self.cell(self.epw / 2, 4, self.t("footer"))
        self.cell(self.epw / 2, 4, self.t("page", page=self.page_no(), pages=self.str_alias_nb_pages), align=Align.R)

    def t(self, key: str, **values: object) -> str:
        return text(self.lang, f"pdf.{key}", **values)

    def number(self, value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}".replace(".", self.t("decimal_separator"))

    def use(self, size: float, style: str = "", colour: Colour = INK) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*colour)

    def text_height(self, width: float, line: float, value: str) -> float:
        return self.multi_cell(width, line, value, dry_run=True, output=MethodReturnValue.HEIGHT)

    def paragraph(self, value: str, size: float = 10, colour: Colour = INK, style: str = "") -> None:
        self.use(size, style, colour)
        self.multi_cell(0, size * 0.5, value, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def section(self, title: str, keep: float) -> None:
        """A heading that never stays behind alone: it moves to a new page unless ``keep`` mm fit under it."""
        heading = 9.0
        at_top = self.y <= self.t_margin + 0.5
        gap = 0 if at_top else SECTION_GAP
        if not at_top and self.will_page_break(gap + heading + keep):
            self.add_page()
            gap = 0
        self.ln(gap)
        self.use(14, "B", ACCENT)
        self.cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)


def personal_report_pdf(report: PersonalReport, *, today: date | None = None) -> bytes:
    """The personal report as PDF bytes; ``today`` (default: the current date) is the date it carries."""
    day = today or date.today()
    pdf = _ReportPdf(report.lang)
    # The creation date is the report date, so the same report on the same day gives the same bytes.
    pdf.set_creation_date(datetime.combine(day, time(), tzinfo=UTC))
    pdf.set_title(f"{text(report.lang, 'app.name')} - {pdf.t('title')} - {report.person}")
    pdf.set_creator(text(report.lang, "app.name"))
    pdf.add_page()
    _header(pdf, report, day)
    _radar(pdf, report)
    _t_shape(pdf, report)
    _intensity(pdf, report.intensity)
    _items(pdf, pdf.t("strengths.title"), report.strengths)
    _items(pdf, pdf.t("focus.title"), report.focus)
    _weakest(pdf, report)
    _scores(pdf, report.scores)
    if len(report.trend) >= 2:
        _trend(pdf, report)
    return bytes(pdf.output())


def _date_text(pdf: _ReportPdf, day: date) -> str:
    month = pdf.t("months").split()[day.month - 1]
    return pdf.t("date", day=day.day, month=month, year=day.year)


def _header(pdf: _ReportPdf, report: PersonalReport, day: date) -> None:
    pdf.use(10, "B", ACCENT)
    pdf.cell(0, 5, text(report.lang, "app.name"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.use(22, "B")
    pdf.cell(0, 11, pdf.t("title"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.use(14, "B", ACCENT)
    pdf.multi_cell(0, 7, report.person, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    meta = [
        pdf.t("round", name=report.round_name),
        _date_text(pdf, day),
        pdf.t("version", version=report.questionnaire_version),
    ]
    pdf.ln(1)
    pdf.paragraph("   |   ".join(meta), size=9, colour=MUTED)
    pdf.ln(3)
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.ln(4)
    pdf.paragraph(pdf.t("intro"), size=9.5, colour=MUTED)


# --- radar -------------------------------------------------------------------------------------------------------


def _radar(pdf: _ReportPdf, report: PersonalReport) -> None:
    axes = report.radar
    if len(axes) < 3:  # fewer axes make no polygon
        return
    pdf.use(8)
    angles = [2 * math.pi * k / len(axes) for k in range(len(axes))]
    labels = [_radar_label_lines(pdf, p, a, report.team_shown) for p, a in zip(axes, angles, strict=True)]
    heights = [len(lines) * RADAR_LINE for lines in labels]
    above = max((h for h, a in zip(heights, angles, strict=True) if math.cos(a) > 0.9), default=0)
    below = max((h for h, a in zip(heights, angles, strict=True) if math.cos(a) < -0.9), default=0)
    chart = above + below + 2 * (RADAR_RADIUS + RADAR_LABEL_GAP) + 14
    pdf.section(pdf.t("radar.title"), keep=chart)
    pdf.paragraph(pdf.t("radar.intro"), size=9, colour=MUTED)

    centre = (pdf.l_margin + pdf.epw / 2, pdf.y + 4 + above + RADAR_LABEL_GAP + RADAR_RADIUS)
    own = [_polar(centre, a, p.own) for a, p in zip(angles, axes, strict=True)]
    team = [_polar(centre, a, p.team) for a, p in zip(angles, axes, strict=True)]

    if all(own):
        pdf.set_fill_color(*ACCENT_FILL)
        pdf.polygon(own, style="F")
    _radar_grid(pdf, centre, angles)
    if report.team_shown:
        with pdf.local_context(dash_pattern={"dash": 1.4, "gap": 1.0}):
            _outline(pdf, team, TEAM, 0.5)
    _outline(pdf, own, ACCENT, 0.7)
    for point in own:
        if point:
            pdf.set_fill_color(*ACCENT)
            pdf.circle(*point, 0.8, style="F")
    for angle, lines in zip(angles, labels, strict=True):
        _radar_label(pdf, centre, angle, lines)

    pdf.set_y(centre[1] + RADAR_RADIUS + RADAR_LABEL_GAP + below + 4)
    _radar_legend(pdf, report.team_shown)


def _polar(centre: Point, angle: float, value: float | None) -> Point | None:
    """Clockwise from the top, ``value`` on the 0..5 scale; None stays None."""
    if value is None:
        return None
    radius = RADAR_RADIUS * value / SCALE_MAX
    return centre[0] + radius * math.sin(angle), centre[1] - radius * math.cos(angle)


def _radar_grid(pdf: _ReportPdf, centre: Point, angles: Sequence[float]) -> None:
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.2)
    for ring in range(1, SCALE_MAX + 1):
        pdf.polygon([_polar(centre, a, ring) for a in angles], style="D")
    for angle in angles:
        pdf.line(*centre, *_polar(centre, angle, SCALE_MAX))
    pdf.use(6.5, colour=MUTED)
    for ring in range(1, SCALE_MAX + 1):
        x, y = _polar(centre, 0, ring)
        pdf.text(x + 1, y - 0.6, str(ring))


def _outline(pdf: _ReportPdf, points: Sequence[Point | None], colour: Colour, width: float) -> None:
    """Joins neighbouring points that both exist, so a missing score leaves a gap instead of a false dip."""
    pdf.set_draw_color(*colour)
    pdf.set_line_width(width)
    if all(points):
        pdf.polygon(points, style="D")
        return
    for a, b in zip(points, [*points[1:], points[0]], strict=True):
        if a and b:
            pdf.line(*a, *b)


def _is_centred(angle: float) -> bool:
    """Labels at the top and bottom axis end are centred on it and may be wider than those at the sides."""
    return abs(math.sin(angle)) < 0.3


def _label_width(angle: float) -> float:
    return RADAR_CENTRED_LABEL_WIDTH if _is_centred(angle) else RADAR_LABEL_WIDTH


def _radar_label_lines(pdf: _ReportPdf, point: RadarPoint, angle: float, team_shown: bool) -> list[str]:
    width = _label_width(angle)
    lines = pdf.multi_cell(width, RADAR_LINE, point.label, dry_run=True, output=MethodReturnValue.LINES)
    score = pdf.number(point.own)
    if team_shown and point.team is not None:
        score += "  (" + pdf.t("radar.team_value", value=pdf.number(point.team)) + ")"
    return [*lines, score]


def _radar_label(pdf: _ReportPdf, centre: Point, angle: float, lines: Sequence[str]) -> None:
    """The label sits beyond the axis end, on the side facing away from the chart."""
    anchor = _polar(centre, angle, SCALE_MAX * (RADAR_RADIUS + RADAR_LABEL_GAP) / RADAR_RADIUS)
    height = len(lines) * RADAR_LINE
    width = _label_width(angle)
    if _is_centred(angle):
        align, x = Align.C, anchor[0] - width / 2
        y = anchor[1] - height if math.cos(angle) > 0 else anchor[1]
    elif math.sin(angle) > 0:
        align, x, y = Align.L, anchor[0], anchor[1] - height / 2
    else:
        align, x, y = Align.R, anchor[0] - width, anchor[1] - height / 2
    for k, line in enumerate(lines):
        last = k == len(lines) - 1
        pdf.use(8, "B" if last else "", ACCENT if last else INK)
        pdf.set_xy(x, y + k * RADAR_LINE)
        pdf.cell(width, RADAR_LINE, line, align=align)


def _radar_legend(pdf: _ReportPdf, team_shown: bool) -> None:
    pdf.use(8.5, colour=MUTED)
    entries = [pdf.t("radar.own")] + ([pdf.t("radar.team")] if team_shown else [])
    widths = [8 + pdf.get_string_width(e) + 8 for e in entries]
    x = pdf.l_margin + (pdf.epw - sum(widths)) / 2
    y = pdf.y + 2
    for k, (entry, width) in enumerate(zip(entries, widths, strict=True)):
        if k == 0:
            pdf.set_fill_color(*ACCENT_FILL)
            pdf.set_draw_color(*ACCENT)
            pdf.set_line_width(0.5)
            pdf.rect(x, y - 1.4, 6, 2.8, style="DF")
        else:
            with pdf.local_context(dash_pattern={"dash": 1.4, "gap": 1.0}):
                pdf.set_draw_color(*TEAM)
                pdf.set_line_width(0.5)
                pdf.line(x, y, x + 6, y)
        pdf.set_xy(x + 8, y - 2)
        pdf.cell(width - 8, 4, entry)
        x += width
    pdf.set_xy(pdf.l_margin, y + 3)


# --- T-shape -----------------------------------------------------------------------------------------------------


def _t_shape(pdf: _ReportPdf, report: PersonalReport) -> None:
    shape = report.t_shape
    column = pdf.epw - T_BOX - 6
    known = shape.profile_id is not None
    name = shape.name if known else pdf.t("t_shape.unknown_name")
    description = shape.description if known else pdf.t("t_shape.unknown")
    pdf.use(9.5)
    text_height = 10 + pdf.text_height(column, 4.6, description)
    if known:
        text_height += 8 + pdf.text_height(column, 4.6, shape.advice)
    drawing = 8 + T_MAX_HEIGHT + 2
    pdf.section(pdf.t("t_shape.title"), keep=max(drawing, min(text_height, 60)))

    top, page = pdf.y, pdf.page
    _t_drawing(pdf, pdf.l_margin, top, shape.depth, shape.breadth)
    x = pdf.l_margin + T_BOX + 6
    pdf.set_xy(x, top)
    pdf.use(20, "B", ACCENT if known else MUTED)
    pdf.cell(column, 10, name, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.use(9.5)
    pdf.multi_cell(column, 4.6, description, align=Align.L, new_x=XPos.LEFT, new_y=YPos.NEXT)
    if known:
        pdf.set_xy(x, pdf.y + 3)
        pdf.use(9.5, "B", ACCENT)
        pdf.cell(column, 5, pdf.t("t_shape.advice"), new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.use(9.5)
        pdf.multi_cell(column, 4.6, shape.advice, align=Align.L, new_x=XPos.LEFT, new_y=YPos.NEXT)
    # Text that ran onto a new page has left the drawing behind; otherwise continue below the lower of the two.
    pdf.set_xy(pdf.l_margin, max(pdf.y, top + drawing) if pdf.page == page else pdf.y)


def _t_drawing(pdf: _ReportPdf, x: float, y: float, depth: float | None, breadth: float | None) -> None:
    """The full T (a score of 5 on both bars) in light grey, the person's own T in green on top of it."""
    centre = x + T_BOX / 2
    top = y + 8
    pdf.set_fill_color(*GHOST)
    pdf.rect(centre - T_MAX_WIDTH / 2, top, T_MAX_WIDTH, T_BAR, style="F")
    pdf.rect(centre - T_BAR / 2, top, T_BAR, T_MAX_HEIGHT, style="F")
    pdf.set_fill_color(*ACCENT)
    if breadth is not None:
        width = T_MAX_WIDTH * breadth / SCALE_MAX
        pdf.rect(centre - width / 2, top, width, T_BAR, style="F")
    if depth is not None:
        pdf.rect(centre - T_BAR / 2, top, T_BAR, T_MAX_HEIGHT * depth / SCALE_MAX, style="F")
    pdf.use(8.5, "B", INK)
    pdf.set_xy(x, y + 1)
    pdf.cell(T_BOX, 5, pdf.t("t_shape.breadth", value=pdf.number(breadth)), align=Align.C)
    pdf.set_xy(centre + T_BAR / 2 + 2.5, top + T_BAR + (T_MAX_HEIGHT - T_BAR) / 2 - 2.5)
    pdf.cell(T_BOX / 2 - T_BAR / 2 - 2.5, 5, pdf.t("t_shape.depth", value=pdf.number(depth)))


# --- intensity ---------------------------------------------------------------------------------------------------


def _intensity(pdf: _ReportPdf, lines: Sequence[IntensityLine]) -> None:
    if not lines:
        return
    pdf.section(pdf.t("intensity.title"), keep=28)
    pdf.paragraph(pdf.t("intensity.intro"), size=9, colour=MUTED)
    pdf.ln(1)
    _intensity_legend(pdf)
    for line in lines:
        _intensity_row(pdf, line)


def _intensity_legend(pdf: _ReportPdf) -> None:
    x, y = pdf.l_margin + PARTNER_WIDTH, pdf.y + 1
    pdf.use(8.5, colour=MUTED)
    _square(pdf, x, y, filled=True)
    pdf.set_xy(x + SQUARE + 1.5, y)
    pdf.cell(20, SQUARE, pdf.t("intensity.legend_current"))
    x += SQUARE + 24
    _square(pdf, x, y, filled=False)
    _desired_marker(pdf, x, y)
    pdf.set_xy(x + SQUARE + 1.5, y)
    pdf.cell(30, SQUARE, pdf.t("intensity.legend_desired"))
    pdf.set_xy(pdf.l_margin, y + SQUARE + 3)


def _intensity_row(pdf: _ReportPdf, line: IntensityLine) -> None:
    squares_x = pdf.l_margin + PARTNER_WIDTH
    labels_x = squares_x + LEVELS * SQUARE + (LEVELS - 1) * SQUARE_GAP + 5
    labels_width = pdf.w - pdf.r_margin - labels_x
    answered = bool(line.current or line.desired)
    labels = _intensity_labels(pdf, line)
    step = _next_step(pdf, line)
    pdf.use(9.5, "B")
    height = max(pdf.text_height(PARTNER_WIDTH - 3, 4.6, line.partner), len(labels) * 4.6, SQUARE)
    pdf.use(8.5)
    advice = pdf.text_height(pdf.epw - PARTNER_WIDTH, 4.0, step) + 1 if step else 0
    if pdf.will_page_break(height + advice + 4):
        pdf.add_page()

    top = pdf.y + 2
    pdf.set_xy(pdf.l_margin, top)
    pdf.use(9.5, "B")
    pdf.multi_cell(PARTNER_WIDTH - 3, 4.6, line.partner, align=Align.L)
    squares_y = top + (min(height, 2 * 4.6) - SQUARE) / 2
    for level in range(1, LEVELS + 1):
        x = squares_x + (level - 1) * (SQUARE + SQUARE_GAP)
        _square(pdf, x, squares_y, filled=bool(line.current and level <= line.current))
        if level == line.desired:
            _desired_marker(pdf, x, squares_y)
    pdf.use(9, colour=INK if answered else MUTED)
    for k, label in enumerate(labels):
        pdf.set_xy(labels_x, top + k * 4.6)
        pdf.cell(labels_width, 4.6, label)
    pdf.set_xy(squares_x, top + height + 1)
    if step:
        pdf.use(8.5, colour=MUTED)
        pdf.multi_cell(pdf.epw - PARTNER_WIDTH, 4.0, step, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, pdf.y + 1)
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)


def _intensity_labels(pdf: _ReportPdf, line: IntensityLine) -> list[str]:
    labels = [pdf.t("intensity.current", level=line.current_label)] if line.current else []
    if line.desired:
        labels.append(pdf.t("intensity.desired", level=line.desired_label))
    return labels or [pdf.t("intensity.not_answered")]


def _next_step(pdf: _ReportPdf, line: IntensityLine) -> str:
    """The advice is how to move one level up, so it only helps where the person wants more than they have."""
    if line.current and line.desired and line.desired > line.current and line.advice:
        return pdf.t("intensity.next_step", advice=line.advice)
    return ""


def _square(pdf: _ReportPdf, x: float, y: float, *, filled: bool) -> None:
    pdf.set_line_width(0.3)
    pdf.set_draw_color(*(ACCENT if filled else GRID))
    pdf.set_fill_color(*ACCENT)
    pdf.rect(x, y, SQUARE, SQUARE, style="DF" if filled else "D")


def _desired_marker(pdf: _ReportPdf, x: float, y: float) -> None:
    pdf.set_draw_color(*DESIRED)
    pdf.set_line_width(0.7)
    pdf.rect(x - 0.9, y - 0.9, SQUARE + 1.8, SQUARE + 1.8, style="D")


# --- strengths, focus points, weakest block ----------------------------------------------------------------------


def _items(pdf: _ReportPdf, title: str, items: Sequence[ItemLine]) -> None:
    width = pdf.epw - 8
    pdf.use(10)
    heights = [pdf.text_height(width, 5, item.text) + 7 for item in items]
    # A short list stays together with its heading.
    pdf.section(title, keep=sum(heights) if sum(heights) < 70 else heights[0] if heights else 6)
    if not items:
        pdf.paragraph(pdf.t("items_none"), size=9.5, colour=MUTED)
        return
    for number, (item, height) in enumerate(zip(items, heights, strict=True), start=1):
        if pdf.will_page_break(height):
            pdf.add_page()
        pdf.use(10, "B", ACCENT)
        pdf.cell(8, 5, f"{number}.")
        pdf.use(10)
        pdf.multi_cell(width, 5, item.text, align=Align.L, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.use(8.5, colour=MUTED)
        pdf.multi_cell(width, 4.2, item.dimension, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2.5)


def _weakest(pdf: _ReportPdf, report: PersonalReport) -> None:
    pdf.section(pdf.t("weakest.title"), keep=24)
    if report.weakest_block is None:
        pdf.paragraph(pdf.t("weakest.none"), size=9.5, colour=MUTED)
        return
    pdf.paragraph(report.weakest_block, size=12, colour=ACCENT, style="B")
    pdf.ln(1)
    pdf.paragraph(pdf.t("weakest.intro"), size=9.5, colour=MUTED)
    pdf.ln(1.5)
    width = pdf.epw - 6
    for question in report.reflection_questions:
        pdf.use(10)
        if pdf.will_page_break(pdf.text_height(width, 5, question) + 2):
            pdf.add_page()
        pdf.set_fill_color(*ACCENT)
        pdf.circle(pdf.l_margin + 2, pdf.y + 2.5, 0.9, style="F")
        pdf.set_x(pdf.l_margin + 6)
        pdf.multi_cell(width, 5, question, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)


# --- score table -------------------------------------------------------------------------------------------------


def _score_groups(lines: Sequence[ScoreLine]) -> list[tuple[ScoreLine | None, list[ScoreLine]]]:
    """Per construct, in questionnaire order: its own line (if scored) and its scored sub-dimensions."""
    groups: dict[str, tuple[list[ScoreLine], list[ScoreLine]]] = {}
    for line in lines:
        if line.score is None:
            continue
        totals, parts = groups.setdefault(line.construct_label, ([], []))
        # A construct's own line carries its own name as its construct label.
        (totals if line.label == line.construct_label else parts).append(line)
    return [(totals[0] if totals else None, parts) for totals, parts in groups.values()]


def _scores(pdf: _ReportPdf, lines: Sequence[ScoreLine]) -> None:
    groups = _score_groups(lines)
    if not groups:
        return
    first = (1 + len(groups[0][1])) * ROW
    pdf.section(pdf.t("scores.title"), keep=first + 16)
    pdf.paragraph(pdf.t("scores.intro"), size=9, colour=MUTED)
    pdf.ln(2)
    _score_table_head(pdf)
    for total, parts in groups:
        if pdf.will_page_break((1 + len(parts)) * ROW + 1):
            pdf.add_page()
            _score_table_head(pdf)
        construct = total.construct_label if total else parts[0].construct_label
        _score_row(pdf, construct, total.score if total else None, group=True)
        for part in parts:
            _score_row(pdf, part.label, part.score, group=False)
        pdf.ln(1)


def _score_table_head(pdf: _ReportPdf) -> None:
    pdf.use(8.5, "B", MUTED)
    label_width = pdf.epw - SCORE_WIDTH - BAR_WIDTH - 4
    pdf.cell(label_width, 5, pdf.t("scores.dimension"))
    pdf.cell(SCORE_WIDTH, 5, pdf.t("scores.score"), align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.3)
    pdf.line(pdf.l_margin, pdf.y, pdf.w - pdf.r_margin, pdf.y)
    pdf.ln(1)


def _score_row(pdf: _ReportPdf, label: str, score: float | None, *, group: bool) -> None:
    label_width = pdf.epw - SCORE_WIDTH - BAR_WIDTH - 4
    top = pdf.y
    if group:
        pdf.set_fill_color(*ACCENT_PALE)
        pdf.rect(pdf.l_margin, top, pdf.epw, ROW, style="F")
    indent = 2 if group else 6
    pdf.use(9.5, "B" if group else "", INK)
    pdf.set_xy(pdf.l_margin + indent, top)
    pdf.cell(label_width - indent, ROW, label)
    pdf.cell(SCORE_WIDTH, ROW, pdf.number(score), align=Align.R)
    if score is not None:
        bar_x, bar_y = pdf.l_margin + pdf.epw - BAR_WIDTH - 2, top + ROW / 2 - 1.3
        pdf.set_fill_color(*GHOST)
        pdf.rect(bar_x, bar_y, BAR_WIDTH, 2.6, style="F")
        pdf.set_fill_color(*ACCENT)
        pdf.rect(bar_x, bar_y, BAR_WIDTH * score / SCALE_MAX, 2.6, style="F")
    pdf.set_xy(pdf.l_margin, top + ROW)


# --- trend -------------------------------------------------------------------------------------------------------


def _trend(pdf: _ReportPdf, report: PersonalReport) -> None:
    dimensions = report.radar
    legend_rows = math.ceil(len(dimensions) / 2)
    pdf.section(pdf.t("trend.title"), keep=TREND_HEIGHT + 22 + legend_rows * 5)
    pdf.paragraph(pdf.t("trend.intro"), size=9, colour=MUTED)
    pdf.ln(3)

    left, top = pdf.l_margin + 8, pdf.y + 2
    width = pdf.epw - 8
    step = width / len(report.trend)
    xs = [left + step * (k + 0.5) for k in range(len(report.trend))]

    def y_of(value: float) -> float:
        return top + TREND_HEIGHT * (SCALE_MAX - value) / (SCALE_MAX - 1)

    pdf.set_line_width(0.2)
    pdf.set_draw_color(*GRID)
    pdf.use(7.5, colour=MUTED)
    for value in range(1, SCALE_MAX + 1):
        pdf.line(left, y_of(value), left + width, y_of(value))
        pdf.set_xy(pdf.l_margin, y_of(value) - 2)
        pdf.cell(6, 4, str(value), align=Align.R)
    for colour, point in zip(_cycle(TREND_COLOURS, len(dimensions)), dimensions, strict=True):
        values = [round_.scores.get(point.dimension_id) for round_ in report.trend]
        coords = [(x, y_of(v)) if v is not None else None for x, v in zip(xs, values, strict=True)]
        _trend_line(pdf, coords, colour)
    pdf.use(8.5, colour=INK)
    label_top = top + TREND_HEIGHT + 2.5
    for x, round_ in zip(xs, report.trend, strict=True):
        pdf.set_xy(x - step / 2 + 1, label_top)
        pdf.multi_cell(step - 2, 4, round_.round_name, align=Align.C)
    pdf.set_xy(pdf.l_margin, label_top + 9)
    _trend_legend(pdf, dimensions)


def _cycle(colours: Sequence[Colour], count: int) -> list[Colour]:
    return [colours[k % len(colours)] for k in range(count)]


def _trend_line(pdf: _ReportPdf, coords: Sequence[Point | None], colour: Colour) -> None:
    pdf.set_draw_color(*colour)
    pdf.set_fill_color(*colour)
    pdf.set_line_width(0.6)
    for a, b in zip(coords, coords[1:], strict=False):
        if a and b:
            pdf.line(*a, *b)
    for point in coords:
        if point:
            pdf.circle(*point, 1.0, style="F")


def _trend_legend(pdf: _ReportPdf, dimensions: Sequence[RadarPoint]) -> None:
    column = pdf.epw / 2
    colours = _cycle(TREND_COLOURS, len(dimensions))
    pdf.use(8, colour=INK)
    for start in range(0, len(dimensions), 2):
        top = pdf.y
        heights = []
        for k in range(start, min(start + 2, len(dimensions))):
            x = pdf.l_margin + (k - start) * column
            pdf.set_draw_color(*colours[k])
            pdf.set_line_width(0.8)
            pdf.line(x, top + 2, x + 6, top + 2)
            pdf.set_xy(x + 8, top)
            heights.append(pdf.text_height(column - 10, 4, dimensions[k].label))
            pdf.multi_cell(column - 10, 4, dimensions[k].label, align=Align.L)
        pdf.set_xy(pdf.l_margin, top + max(heights) + 1)
