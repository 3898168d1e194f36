"""Charts drawn on the server as SVG: readable without JavaScript, with their numbers as text.

Each function returns markup safe to place in a template; every bar carries a <title> and a
visible label, so a screen reader and a reader without colour both get the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

INK, MUTED, LINE = "#1b1f24", "#5b6570", "#d6dbe0"
SHADES = ["#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b",
          "#041f45"]
ACCENT, WARN = "#0b5394", "#a61b1b"


def _fmt(n: float) -> str:
    return f"{int(n):,}".replace(",", " ")


def _short(label: str, limit: int = 27) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    t = escape(title)
    return mark_safe(  # noqa: S308 - every value inside was escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{t}" class="chart" '
        f'font-family="system-ui, sans-serif" font-size="13">'
        f"<title>{t}</title>{''.join(body)}</svg>"
    )


def horizontal_bars(rows: Sequence[tuple[str, int]], *, title: str, width: int = 640,
                    note: dict[str, str] | None = None) -> SafeString:
    """One bar per row (label, value), the value printed after the bar."""
    label_w, bar_h, gap, top = 210, 22, 8, 6
    height = top + len(rows) * (bar_h + gap) + 4
    biggest = max([v for _l, v in rows] + [1])
    room = width - label_w - 90
    body = []
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = max(room * value / biggest, 1 if value else 0)
        shade = SHADES[min(i, len(SHADES) - 1)]
        extra = f" ({note[label]})" if note and label in note else ""
        body.append(
            f'<g><title>{escape(label)}: {_fmt(value)}{escape(extra)}</title>'
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" fill="{INK}">'
            f"{escape(_short(label))}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{shade}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" fill="{INK}">{_fmt(value)}'
            f'{"*" if extra else ""}</text></g>'
        )
    return _svg(width, height, title, body)


def nested_bars(rows: Sequence[tuple[str, Sequence[tuple[str, int]]]], *, title: str,
                width: int = 640) -> SafeString:
    """For each row, overlaid bars of nested stages (registered ⊇ approved ⊇ boarded …)."""
    label_w, bar_h, gap, top, legend_h = 210, 20, 8, 6, 26
    stages = [name for name, _v in rows[0][1]] if rows else []
    height = legend_h + top + len(rows) * (bar_h + gap) + 4
    biggest = max([v for _l, values in rows for _n, v in values] + [1])
    room = width - label_w - 120
    body = []
    x = 0
    for j, name in enumerate(stages):
        shade = SHADES[min(j * 2, len(SHADES) - 1)]
        body.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{shade}"/>'
                    f'<text x="{x + 16}" y="15" fill="{MUTED}">{escape(name)}</text>')
        x += 22 + 8 * len(name)
    for i, (label, values) in enumerate(rows):
        y = legend_h + top + i * (bar_h + gap)
        summary = ", ".join(f"{n} {_fmt(v)}" for n, v in values)
        body.append(f"<g><title>{escape(label)}: {escape(summary)}</title>"
                    f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" fill="{INK}">'
                    f"{escape(_short(label))}</text>")
        for j, (_name, value) in enumerate(values):
            w = max(room * value / biggest, 1 if value else 0)
            shade = SHADES[min(j * 2, len(SHADES) - 1)]
            body.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                        f'fill="{shade}"/>')
        first = values[0][1] if values else 0
        last = values[-1][1] if values else 0
        w0 = room * first / biggest
        body.append(f'<text x="{label_w + w0 + 6:.1f}" y="{y + 15}" fill="{INK}">'
                    f"{_fmt(last)} / {_fmt(first)}</text></g>")
    return _svg(width, height, title, body)


def daily_columns(points: Sequence[tuple[dt.date, int]], *, title: str,
                  width: int = 640, height: int = 200) -> SafeString:
    """Vertical columns per day, with the first, the peak and the last day labelled."""
    left, bottom, top = 50, 28, 10
    plot_w, plot_h = width - left - 10, height - bottom - top
    biggest = max([v for _d, v in points] + [1])
    n = max(len(points), 1)
    step = plot_w / n
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
            f'stroke="{LINE}"/>',
            f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" fill="{MUTED}">'
            f"{_fmt(biggest)}</text>",
            f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" fill="{MUTED}">0</text>']
    peak = max(range(len(points)), key=lambda i: points[i][1]) if points else -1
    for i, (day, value) in enumerate(points):
        h = plot_h * value / biggest
        x = left + i * step
        body.append(f"<g><title>{day.isoformat()}: {_fmt(value)}</title>"
                    f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" '
                    f'width="{max(step - 2, 1):.1f}" height="{h:.1f}" fill="{ACCENT}"/></g>')
        ends = (0, len(points) - 1)
        far_from_ends = min(abs(i - e) for e in ends) * step > 60
        if i in ends or (i == peak and far_from_ends):
            anchor = "start" if i == 0 else "end" if i == len(points) - 1 else "middle"
            tx = x if i == 0 else x + step if i == len(points) - 1 else x + step / 2
            body.append(f'<text x="{tx:.1f}" y="{height - 8}" text-anchor="{anchor}" '
                        f'fill="{MUTED}">{day.strftime("%d %b %Y")}</text>')
        if i == peak:
            body.append(f'<text x="{x + step / 2:.1f}" y="{top + plot_h - h - 3:.1f}" '
                        f'text-anchor="middle" fill="{INK}">{_fmt(value)}</text>')
    if not points:
        body.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
                    f'fill="{MUTED}">-</text>')
    return _svg(width, height, title, body)


def burn_up(points: Sequence[tuple[dt.date, int]], *, target: int, title: str,
            start: dt.date | None, deadline: dt.date | None, projected: dt.date | None,
            as_of: dt.date, width: int = 640, height: int = 220) -> SafeString:
    """Cumulative progress against a target line, the deadline and the projection at pace."""
    left, bottom, top, right = 60, 28, 12, 14
    plot_w, plot_h = width - left - right, height - bottom - top
    days = [d for d, _v in points] + [as_of]
    first = min([*days, *(d for d in [start] if d)])
    last = max([*days, *(d for d in [deadline, projected] if d)])
    span = max((last - first).days, 1)
    ceiling = max(target, *(v for _d, v in points), 1)

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / ceiling

    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
            f'stroke="{LINE}"/>',
            f'<line x1="{left}" y1="{y(target):.1f}" x2="{width - right}" y2="{y(target):.1f}" '
            f'stroke="{WARN}" stroke-dasharray="4 3"/>',
            f'<text x="{left - 6}" y="{y(target) + 4:.1f}" text-anchor="end" fill="{WARN}">'
            f"{_fmt(target)}</text>",
            f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" fill="{MUTED}">0</text>',
            f'<text x="{left}" y="{height - 8}" fill="{MUTED}">{first.isoformat()}</text>',
            f'<text x="{width - right}" y="{height - 8}" text-anchor="end" fill="{MUTED}">'
            f"{last.isoformat()}</text>"]
    if deadline:
        right_half = x(deadline) > left + plot_w / 2
        body.append(f'<line x1="{x(deadline):.1f}" y1="{top}" x2="{x(deadline):.1f}" '
                    f'y2="{top + plot_h}" stroke="{MUTED}" stroke-dasharray="2 2"/>'
                    f'<text x="{x(deadline) + (-4 if right_half else 4):.1f}" y="{top + 12}" '
                    f'text-anchor="{"end" if right_half else "start"}" '
                    f'fill="{MUTED}">deadline {deadline.isoformat()}</text>')
    path = [(first, 0), *points, (as_of, points[-1][1] if points else 0)]
    coords = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in path)
    body.append(f'<polyline points="{coords}" fill="none" stroke="{ACCENT}" stroke-width="2.5">'
                f"<title>{_fmt(path[-1][1])} by {as_of.isoformat()}</title></polyline>")
    if projected and path[-1][1] < target:
        body.append(f'<line x1="{x(as_of):.1f}" y1="{y(path[-1][1]):.1f}" '
                    f'x2="{x(projected):.1f}" y2="{y(target):.1f}" stroke="{ACCENT}" '
                    f'stroke-dasharray="6 4"><title>projected {projected.isoformat()}</title>'
                    f"</line>")
    return _svg(width, height, title, body)
