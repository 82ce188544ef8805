"""Geometry for the public page's SVG chart of the share met on time, month by month.

The page draws what this computes, with the same figures in a table beside it and in the
chart's ``<desc>``, so nothing is only in the picture. A month whose figures are withheld
(fewer than 10 cases) or empty has no bar, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    label: str
    text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float


@dataclass(frozen=True)
class MonthChart:
    width: int
    height: int
    columns: list[Column]
    grid: list[tuple[float, str]]
    description: str
    left: float
    right: float
    top: float
    bottom: float


def percent_text(share: float | None, withheld: bool = False) -> str:
    if share is None:
        return "withheld (fewer than 10 cases)" if withheld else "no data"
    return f"{round(share * 100)}%"


def month_columns(points: list[tuple[str, float | None, bool]]) -> MonthChart:
    """``points``: (short month label, share met or None, withheld?), oldest first."""
    width, height = 640, 260
    left, right, top, bottom = 48, 8, 12, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(1, len(points))
    columns = []
    for n, (label, share, withheld) in enumerate(points):
        h = 0 if share is None else plot_h * share
        x = left + n * slot
        columns.append(Column(label, percent_text(share, withheld), round(x + slot * 0.15, 1),
                              round(top + plot_h - h, 1), round(slot * 0.7, 1), round(h, 1),
                              round(x + slot / 2, 1)))
    grid = [(round(top + plot_h * (1 - f), 1), f"{round(f * 100)}%") for f in (0, 0.5, 1)]
    description = "; ".join(f"{c.label}: {c.text}" for c in columns) or "No months published."
    return MonthChart(width, height, columns, grid, description, left, width - right, top,
                      top + plot_h)
