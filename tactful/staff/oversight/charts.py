"""Bar charts drawn on the server as SVG: the geometry of a chart, for `_chart.html` to draw.

A chart is a list of bars, each split into one segment per series (allowed / denied, say),
each segment a link to the records behind it. Two shapes: columns along a time axis, and
horizontal bars, one per category, their labels above them so long words fit a phone.
Everything is measured in the SVG's own units; the viewBox scales it to any width.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Layout = Literal["columns", "bars"]

WIDTH = 360
# Horizontal bars: a row is the label's line, then the bar.
ROW_HEIGHT = 40
LABEL_BASELINE = 13
BAR_TOP = 18
BAR_HEIGHT = 14
VALUE_ROOM = 56  # right of the longest bar: its total
# Columns: the plot, then the day labels under it.
PLOT_TOP = 16
PLOT_HEIGHT = 150
AXIS_ROOM = 22
COLUMN_GAP = 0.2  # of each column's slot


@dataclass(frozen=True)
class Segment:
    """One series' part of a bar: how many, its tooltip, where its records are."""

    colour: str
    count: int
    title: str
    href: str


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    # The axis label of a column (a short day), when it differs from the label.
    short_label: str = ""

    @property
    def total(self) -> int:
        return sum(segment.count for segment in self.segments)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str
    href: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: Literal["start", "middle", "end"] = "start"


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    rects: tuple[Rect, ...]
    texts: tuple[Text, ...]
    # Horizontal guide lines (the baseline of columns).
    lines: tuple[tuple[float, float, float, float], ...] = ()


def draw(bars: list[Bar], layout: Layout) -> Drawing:
    """Return the shapes of `bars` drawn as `layout`."""
    if layout == "columns":
        return _columns(bars)
    return _bars(bars)


def _bars(bars: list[Bar]) -> Drawing:
    scale = (WIDTH - VALUE_ROOM) / max([bar.total for bar in bars] + [1])
    rects: list[Rect] = []
    texts: list[Text] = []
    for row, bar in enumerate(bars):
        top = row * ROW_HEIGHT
        texts.append(Text(0, top + LABEL_BASELINE, bar.label))
        x = 0.0
        for segment in bar.segments:
            width = segment.count * scale
            if width > 0:
                rects.append(_rect(x, top + BAR_TOP, width, BAR_HEIGHT, segment))
            x += width
        texts.append(Text(x + 4, top + BAR_TOP + BAR_HEIGHT - 3, str(bar.total)))
    return Drawing(WIDTH, max(len(bars), 1) * ROW_HEIGHT, tuple(rects), tuple(texts))


def _columns(bars: list[Bar]) -> Drawing:
    slot = WIDTH / max(len(bars), 1)
    width = slot * (1 - COLUMN_GAP)
    most = max([bar.total for bar in bars] + [1])
    scale = PLOT_HEIGHT / most
    baseline = PLOT_TOP + PLOT_HEIGHT
    rects: list[Rect] = []
    for index, bar in enumerate(bars):
        x = index * slot + (slot - width) / 2
        y = float(baseline)
        for segment in bar.segments:
            height = segment.count * scale
            if height > 0:
                y -= height
                rects.append(_rect(x, y, width, height, segment))
    texts = [Text(0, PLOT_TOP - 4, str(most))]
    texts += [
        _axis_label(index, bar, slot, len(bars), baseline + 15) for index, bar in _axis_labels(bars)
    ]
    return Drawing(
        WIDTH,
        baseline + AXIS_ROOM,
        tuple(rects),
        tuple(texts),
        lines=((0, baseline, WIDTH, baseline),),
    )


def _axis_labels(bars: list[Bar]) -> list[tuple[int, Bar]]:
    """The first, middle and last columns: more labels would overlap on a phone."""
    if not bars:
        return []
    indexes = sorted({0, len(bars) // 2, len(bars) - 1})
    return [(index, bars[index]) for index in indexes]


def _axis_label(index: int, bar: Bar, slot: float, count: int, y: float) -> Text:
    """The first label starts at the left edge and the last ends at the right: none is cut."""
    text = bar.short_label or bar.label
    if index == 0:
        return Text(0, y, text)
    if index == count - 1:
        return Text(WIDTH, y, text, "end")
    return Text(index * slot + slot / 2, y, text, "middle")


def _rect(x: float, y: float, width: float, height: float, segment: Segment) -> Rect:
    return Rect(
        round(x, 2),
        round(y, 2),
        round(width, 2),
        round(height, 2),
        segment.colour,
        segment.title,
        segment.href,
    )
