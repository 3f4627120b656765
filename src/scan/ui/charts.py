"""Plotly figures for the reports. Colours: the own profile in the app's green, the team in grey."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from scan.analytics.network_view import NamedEdge, NamedNode
from scan.report import IntensityLine, RadarPoint, TrendPoint
from scan.ui.plain import chart_literal

OWN = "#2E7D6B"
OWN_FILL = "rgba(46, 125, 107, 0.25)"
TEAM = "#7A8A90"
DESIRED = "#E0A030"
FONT = {"family": "sans-serif", "size": 14, "color": "#1F2A2E"}
# Charts are read, not explored: no toolbar over the titles.
CONFIG = {"displayModeBar": False}


def number(value: float, lang: str, digits: int = 1) -> str:
    """With the decimal comma in Dutch."""
    text = f"{value:.{digits}f}"

    return text.replace(".", ",") if lang == "nl" else text


def _layout(fig: go.Figure, height: int, lang: str) -> go.Figure:
    fig.update_layout(
        separators=",." if lang == "nl" else ".,",
        height=height,
        margin={"l": 70, "r": 70, "t": 40, "b": 40},
        font=FONT,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.2, "x": 0.5, "xanchor": "center"},
    )
    return fig


def radar(points: Sequence[RadarPoint], own_label: str, team_label: str, lang: str) -> go.Figure:
    labels = [p.label for p in points]
    fig = go.Figure()
    if any(p.team is not None for p in points):
        fig.add_trace(
            go.Scatterpolar(
                r=[p.team for p in points] + [points[0].team],
                theta=labels + labels[:1],
                name=team_label,
                line={"color": TEAM, "dash": "dash", "width": 2},
                hovertemplate="%{theta}: %{r:.1f}<extra>" + team_label + "</extra>",
            )
        )
    fig.add_trace(
        go.Scatterpolar(
            r=[p.own for p in points] + [points[0].own],
            theta=labels + labels[:1],
            name=own_label,
            fill="toself",
            fillcolor=OWN_FILL,
            line={"color": OWN, "width": 3},
            hovertemplate="%{theta}: %{r:.1f}<extra>" + own_label + "</extra>",
        )
    )
    fig.update_layout(polar={"radialaxis": {"range": [1, 5], "tickvals": [1, 2, 3, 4, 5]}, "bgcolor": "#F3F6F4"})
    return _layout(fig, 460, lang)


def t_shape(depth: float | None, breadth: float | None, depth_label: str, breadth_label: str, lang: str) -> go.Figure:
    """A drawn T: the top bar's length follows breadth, the stem's length follows depth (both on 1–5)."""
    fig = go.Figure()
    width = (breadth or 0) / 5 * 10  # the full scale spans 10 units across
    length = (depth or 0) / 5 * 10
    thickness = 1.2
    fig.add_shape(type="rect", x0=-5, x1=5, y0=-thickness, y1=0, line={"width": 1, "color": "#C9D3D0", "dash": "dot"})
    fig.add_shape(
        type="rect",
        x0=-thickness / 2,
        x1=thickness / 2,
        y0=-thickness - 10,
        y1=-thickness,
        line={"width": 1, "color": "#C9D3D0", "dash": "dot"},
    )
    fig.add_shape(type="rect", x0=-width / 2, x1=width / 2, y0=-thickness, y1=0, fillcolor=OWN, line={"width": 0})
    fig.add_shape(
        type="rect",
        x0=-thickness / 2,
        x1=thickness / 2,
        y0=-thickness - length,
        y1=-thickness,
        fillcolor=OWN,
        line={"width": 0},
    )
    fig.add_annotation(
        x=0, y=0.9, text=f"{breadth_label}: {number(breadth, lang)}" if breadth else breadth_label, showarrow=False
    )

    fig.add_annotation(
        x=thickness,
        y=-thickness - max(length, 2) / 2,
        xanchor="left",
        text=f"{depth_label}: {number(depth, lang)}" if depth else depth_label,
        showarrow=False,
    )
    fig.update_xaxes(visible=False, range=[-6, 6])
    fig.update_yaxes(visible=False, range=[-12, 2], scaleanchor="x")
    return _layout(fig, 420, lang)


def intensity(
    lines: Sequence[IntensityLine], level_names: dict[int, str], now_label: str, want_label: str, lang: str
) -> go.Figure:
    """Per partner, a line from the current level (filled dot) to the desired one (open dot)."""
    shown = [line for line in lines if line.current]
    fig = go.Figure()
    for line in shown:
        if line.desired and line.desired != line.current:
            fig.add_trace(
                go.Scatter(
                    x=[line.current, line.desired],
                    y=[line.partner] * 2,
                    mode="lines",
                    line={"color": "#C9D3D0", "width": 4},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
    # The desired level as a wide ring under the current level's dot: where both are equal, both show.
    fig.add_trace(
        go.Scatter(
            x=[line.desired for line in shown if line.desired],
            y=[line.partner for line in shown if line.desired],
            mode="markers",
            name=want_label,
            marker={"size": 24, "color": "white", "line": {"color": DESIRED, "width": 3}},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[line.current for line in shown],
            y=[line.partner for line in shown],
            mode="markers",
            name=now_label,
            marker={"size": 13, "color": OWN},
        )
    )
    # Level names wrap onto two lines: the axis stays readable without turning the labels.
    ticks = [name.replace(" ", "<br>", 1) for name in level_names.values()]
    fig.update_xaxes(range=[0.5, 4.5], tickvals=list(level_names), ticktext=ticks, tickangle=0)
    fig.update_yaxes(autorange="reversed")
    fig = _layout(fig, 140 + 50 * max(len(shown), 1), lang)
    fig.update_layout(legend={"y": 1.02, "yanchor": "bottom"})
    return fig


def trend(points: Sequence[TrendPoint], dimensions: dict[str, str], lang: str) -> go.Figure:
    """Scores per round; one line per dimension."""
    fig = go.Figure()
    rounds = [chart_literal(p.round_name) for p in points]
    for dim, label in dimensions.items():
        fig.add_trace(go.Scatter(x=rounds, y=[p.scores.get(dim) for p in points], mode="lines+markers", name=label))
    fig.update_yaxes(range=[1, 5], title=None)
    return _layout(fig, 380, lang)


def team_radar(
    labels: Sequence[str],
    means: Sequence[float | None],
    sds: Sequence[float | None],
    own: Sequence[float | None] | None,
    names: tuple[str, str, str],
    lang: str,
) -> go.Figure:
    """The team mean with a band of one sd around it; the viewer's own profile over it (their eyes only)."""
    mean_label, band_label, own_label = names
    closed = [*labels, labels[0]]
    upper = [min(5.0, m + (s or 0)) if m is not None else None for m, s in zip(means, sds, strict=True)]
    lower = [max(1.0, m - (s or 0)) if m is not None else None for m, s in zip(means, sds, strict=True)]
    fig = go.Figure()
    fig.add_trace(
        go.Scatterpolar(
            r=[*upper, upper[0]],
            theta=closed,
            name=band_label,
            mode="lines",
            fill="toself",
            fillcolor="rgba(122, 138, 144, 0.25)",
            line={"width": 0},
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatterpolar(
            r=[*lower, lower[0]],
            theta=closed,
            mode="lines",
            fill="toself",
            fillcolor="#F3F6F4",
            line={"width": 0},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatterpolar(r=[*means, means[0]], theta=closed, name=mean_label, line={"color": TEAM, "width": 3})
    )
    if own is not None:
        fig.add_trace(
            go.Scatterpolar(
                r=[*own, own[0]], theta=closed, name=own_label, line={"color": OWN, "width": 2, "dash": "dot"}
            )
        )
    fig.update_layout(polar={"radialaxis": {"range": [1, 5], "tickvals": [1, 2, 3, 4, 5]}, "bgcolor": "#F3F6F4"})
    return _layout(fig, 460, lang)


def distribution(
    rows: Sequence[str], levels: dict[int, str], counts: dict[str, dict[int, int]], lang: str, height: int = 0
) -> go.Figure:
    """Stacked horizontal bars: per row (partner, moment), how many people chose each level."""
    palette = ["#D9E4E0", "#9CC3B5", "#5E9E88", OWN]
    fig = go.Figure()
    for k, (level, name) in enumerate(levels.items()):
        fig.add_trace(
            go.Bar(
                y=list(rows),
                x=[counts.get(r, {}).get(level, 0) for r in rows],
                name=name,
                orientation="h",
                marker={"color": palette[k % len(palette)]},
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(autorange="reversed")
    fig = _layout(fig, height or 160 + 32 * len(rows), lang)
    # The level names are long: the legend goes above the bars, where it has the whole width.
    fig.update_layout(legend={"y": 1.02, "yanchor": "bottom", "x": 0, "xanchor": "left"})
    return fig


def bars(labels: Sequence[str], values: Sequence[float], lang: str, *, percent: bool = False) -> go.Figure:
    """One bar per label; labels may be names people typed (rounds, locations)."""
    fig = go.Figure(go.Bar(x=[chart_literal(label) for label in labels], y=list(values), marker={"color": OWN}))
    if percent:
        fig.update_yaxes(tickformat=".0%", range=[0, 1])
    return _layout(fig, 300, lang)


def heatmap(
    teams: Sequence[str], dimensions: Sequence[str], values: list[list[float | None]], hidden_text: str, lang: str
) -> go.Figure:
    """Teams × dimensions; a hidden cell stays empty and says why."""
    text = [[number(v, lang) if v is not None else hidden_text for v in row] for row in values]
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=list(dimensions),
            y=[chart_literal(team) for team in teams],
            zmin=1,
            zmax=5,
            text=text,
            texttemplate="%{text}",
            colorscale=[[0, "#F6E7CB"], [0.5, "#CFE3DB"], [1, OWN]],
            hoverongaps=False,
            showscale=False,
        )
    )
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, 120 + 40 * len(teams), lang)


def profession_matrix(
    groups: Sequence[str], counts: Sequence[Sequence[int]], asker: str, asked: str, lang: str
) -> go.Figure:
    """Support ties from one profession group (row: who asks) to another (column: who is asked)."""
    fig = go.Figure(
        go.Heatmap(
            z=[list(row) for row in counts],
            x=list(groups),
            y=list(groups),
            zmin=0,
            text=[[str(n) for n in row] for row in counts],
            texttemplate="%{text}",
            colorscale=[[0, "#F4F6F5"], [1, OWN]],
            hoverinfo="skip",
            showscale=False,
        )
    )
    fig.update_yaxes(autorange="reversed", title_text=asker)
    fig.update_xaxes(side="top", title_text=asked)
    return _layout(fig, 160 + 50 * len(groups), lang)


def sociogram(nodes: Sequence[NamedNode], edges: Sequence[NamedEdge], lang: str) -> go.Figure:
    """Named nodes at their positions, sized by how often they are asked, coloured by profession; two-way ties
    drawn thicker, one-way ties with an arrow head at the asked colleague."""
    palette = ["#2E7D6B", "#E0A030", "#5B7DB1", "#B5577D", "#7A8A90", "#8C6BB1", "#4FA3A5"]
    disciplines = sorted({n.discipline for n in nodes})
    fig = go.Figure()
    for edge in edges:
        source, target = nodes[edge.source], nodes[edge.target]
        fig.add_trace(
            go.Scatter(
                x=[source.x, target.x],
                y=[source.y, target.y],
                mode="lines",
                hoverinfo="skip",
                showlegend=False,
                line={"color": "#7A8A90" if edge.mutual else "#C9D3D0", "width": 4 if edge.mutual else 1.5},
            )
        )
    for edge in edges:
        if not edge.mutual:
            source, target = nodes[edge.source], nodes[edge.target]
            fig.add_annotation(
                x=target.x,
                y=target.y,
                ax=source.x,
                ay=source.y,
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                text="",
                showarrow=True,
                arrowhead=2,
                arrowsize=1,
                arrowwidth=1.2,
                arrowcolor="#9AA8AD",
                standoff=14,
            )
    fig.add_trace(
        go.Scatter(
            x=[n.x for n in nodes],
            y=[n.y for n in nodes],
            mode="markers+text",
            text=[f"<b>{chart_literal(n.name)}</b>" if n.is_viewer else chart_literal(n.name) for n in nodes],
            textposition="top center",
            marker={
                "size": [14 + 8 * n.asked for n in nodes],
                "color": [palette[disciplines.index(n.discipline) % len(palette)] for n in nodes],
                "line": {"color": "white", "width": 2},
            },
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    return _layout(fig, 560, lang)


def overlay_radar(labels: Sequence[str], series: dict[str, Sequence[float]], lang: str) -> go.Figure:
    """Several profiles on one radar (team comparison)."""
    fig = go.Figure()
    for name, values in series.items():
        fig.add_trace(go.Scatterpolar(r=[*values, values[0]], theta=[*labels, labels[0]], name=chart_literal(name)))
    fig.update_layout(polar={"radialaxis": {"range": [1, 5], "tickvals": [1, 2, 3, 4, 5]}, "bgcolor": "#F3F6F4"})
    return _layout(fig, 480, lang)
