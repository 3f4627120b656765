"""Plotly figures for the reports. Colours: the own profile in the app's green, the team in grey."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from scan.report import IntensityLine, RadarPoint, TrendPoint

OWN = "#2E7D6B"
OWN_FILL = "rgba(46, 125, 107, 0.25)"
TEAM = "#7A8A90"
DESIRED = "#E0A030"
FONT = {"family": "sans-serif", "size": 14, "color": "#1F2A2E"}
# Charts are read, not explored: no toolbar over the titles.
CONFIG = {"displayModeBar": False}


def number(value: float, lang: str) -> str:
    """One decimal, with the decimal comma in Dutch."""
    text = f"{value:.1f}"
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
    rounds = [p.round_name for p in points]
    for dim, label in dimensions.items():
        fig.add_trace(go.Scatter(x=rounds, y=[p.scores.get(dim) for p in points], mode="lines+markers", name=label))
    fig.update_yaxes(range=[1, 5], title=None)
    return _layout(fig, 380, lang)
