"""Geometry for the report's server-rendered SVG charts (no JavaScript, no CDN).

The template draws what these functions compute; every chart also has a data table beside it
on the page, and a text description in its ``<desc>``, so nothing is only in the picture.
"""

from __future__ import annotations

from dataclasses import dataclass


def percent(share: float | None) -> str:
    """'67%' (or 'no data'): the wording used in charts, tables and descriptions alike."""
    return "no data" if share is None else f"{round(share * 100)}%"


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    description: str
    # Gridlines: (position, label) along the value axis.
    grid: list[tuple[float, str]]
    plot_left: float = 0
    plot_right: float = 0
    plot_top: float = 0
    plot_bottom: float = 0
    label_every: int = 1


def share_bars(rows) -> Chart:
    """Horizontal bars: the share met on time for each promise (rows of report Figures)."""
    label_width, value_width, row_height, top = 250, 90, 34, 28
    width = 760
    plot = width - label_width - value_width
    bars = []
    for n, row in enumerate(rows):
        y = top + n * row_height
        share = row.share_met
        length = 0 if share is None else plot * share
        bars.append(Bar(
            label=row.title,
            value_text=percent(share),
            x=label_width,
            y=y + 6,
            width=length,
            height=row_height - 12,
            label_x=label_width - 8,
            label_y=y + row_height / 2 + 5,
            value_x=label_width + length + 6,
        ))
    height = top + max(1, len(rows)) * row_height + 8
    grid = [(label_width + plot * f, f"{round(f * 100)}%") for f in (0, 0.25, 0.5, 0.75, 1)]
    description = "; ".join(f"{b.label}: {b.value_text} met on time" for b in bars) or (
        "Nothing fell due in this period."
    )
    return Chart(width, height, bars, description, grid, plot_left=label_width,
                 plot_right=label_width + plot, plot_top=top - 4, plot_bottom=height - 8)


def trend_columns(points) -> Chart:
    """Vertical bars: the share met on time in each week, month or quarter, oldest first."""
    width, height = 760, 300
    left, right, top, bottom = 52, 12, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(1, len(points))
    bars = []
    for n, point in enumerate(points):
        share = point.share_met
        h = 0 if share is None else plot_h * share
        x = left + n * slot
        bars.append(Bar(
            label=point.label,
            value_text=percent(share),
            x=x + slot * 0.15,
            y=top + plot_h - h,
            width=slot * 0.7,
            height=h,
            label_x=x + slot / 2,
            label_y=height - bottom + 20,
            value_x=x + slot / 2,
        ))
    grid = [(top + plot_h * (1 - f), f"{round(f * 100)}%") for f in (0, 0.25, 0.5, 0.75, 1)]
    description = "; ".join(f"{b.label}: {b.value_text}" for b in bars)
    # Keep the axis labels legible: at most about 12 of them.
    every = max(1, -(-len(points) // 12))
    return Chart(width, height, bars, description, grid, plot_left=left,
                 plot_right=width - right, plot_top=top, plot_bottom=top + plot_h,
                 label_every=every)
