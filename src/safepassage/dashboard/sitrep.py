"""The situation report for a day, as a PDF drawn with fpdf2: funnel, commitments with their
burn-up, registrations, flights of the day and open follow-ups of the diplomatic log.

The funnel shows the cases' current statuses (when the report is produced); commitments,
registrations, flights and follow-ups are as of the end of the chosen day, from the history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path

from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.dashboard import selectors
from safepassage.dashboard.selectors import Picture, Progress
from safepassage.engagements.models import FollowUp
from safepassage.engagements.selectors import open_follow_ups

logging.getLogger("fontTools").setLevel(logging.WARNING)  # it narrates every font subset
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BLUES = [(198, 219, 239), (158, 202, 225), (107, 174, 214), (66, 146, 198), (33, 113, 181),
         (8, 81, 156), (8, 48, 107), (4, 31, 69)]
ACCENT, WARN, GREY = (11, 83, 148), (166, 27, 27), (91, 101, 112)


def _n(value: float) -> str:
    return f"{int(value):,}".replace(",", " ")


class Report(FPDF):
    def __init__(self, day: dt.date) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.day = day
        if (FONT_DIR / "DejaVuSans.ttf").exists():
            self.add_font("Sans", "", str(FONT_DIR / "DejaVuSans.ttf"))
            self.add_font("Sans", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
            self.family = "Sans"
        else:  # core font: Latin-1 only, enough for figures
            self.family = "Helvetica"
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(15, 15, 15)

    def header(self) -> None:
        self.set_font(self.family, "B", 9)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"SafePassage · situation report · {self.day.isoformat()}",
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"Page {self.page_no()} · aggregates only, no personal data", align="C")

    def ensure_room(self, height: float) -> None:
        """A new page unless `height` mm still fit above the page break: a chart, a bar or a
        table row is never cut in two, nor drawn past the bottom margin."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def heading(self, text: str, *, keep_with: float = 20) -> None:
        """A heading, kept on the page of the first `keep_with` mm of what it introduces."""
        self.ensure_room(3 + 8 + keep_with)
        self.ln(3)
        self.set_font(self.family, "B", 13)
        self.set_text_color(16, 38, 63)
        self.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_font(self.family, "", 10)

    def line_of_text(self, text: str, *, size: int = 10, colour: tuple[int, int, int] = (0, 0, 0)
                     ) -> None:
        self.set_font(self.family, "", size)
        self.set_text_color(*colour)
        self.multi_cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)

    def bars(self, rows: list[tuple[str, int]], *, label_w: float = 55, bar_h: float = 6) -> None:
        biggest = max([v for _l, v in rows] + [1])
        room = self.w - self.l_margin - self.r_margin - label_w - 25
        self.set_font(self.family, "", 9)
        for i, (label, value) in enumerate(rows):
            self.ensure_room(bar_h + 1)
            y = self.get_y()
            self.set_xy(self.l_margin, y)
            self.cell(label_w - 2, bar_h, self._fit(label, label_w - 2), align="R")
            self.set_fill_color(*BLUES[min(i, len(BLUES) - 1)])
            w = max(room * value / biggest, 0.3 if value else 0)
            if w:
                self.rect(self.l_margin + label_w, y + 0.5, w, bar_h - 1, style="F")
            self.set_xy(self.l_margin + label_w + w + 1.5, y)
            self.cell(25, bar_h, _n(value))
            self.set_y(y + bar_h + 1)

    def columns(self, points: list[tuple[dt.date, int]], *, height: float = 35) -> None:
        self.ensure_room(height + 8)
        left = self.l_margin + 12
        width = self.w - self.r_margin - left
        top = self.get_y() + 2
        biggest = max([v for _d, v in points] + [1])
        step = width / max(len(points), 1)
        self.set_draw_color(200, 200, 200)
        self.line(left, top + height, left + width, top + height)
        self.set_fill_color(*ACCENT)
        for i, (_day, value) in enumerate(points):
            h = height * value / biggest
            if h:
                self.rect(left + i * step + 0.3, top + height - h, max(step - 0.6, 0.3), h,
                          style="F")
        self.set_font(self.family, "", 7)
        self.set_text_color(*GREY)
        self.set_xy(self.l_margin, top - 1)
        self.cell(11, 4, _n(biggest), align="R")
        if points:
            self.set_xy(left, top + height + 0.5)
            self.cell(30, 4, points[0][0].isoformat())
            self.set_xy(left + width - 30, top + height + 0.5)
            self.cell(30, 4, points[-1][0].isoformat(), align="R")
        self.set_text_color(0, 0, 0)
        self.set_y(top + height + 6)

    def burn_up(self, progress: Progress, *, height: float = 32) -> None:
        self.ensure_room(height + 7)
        c = progress.commitment
        points = [(d, v) for d, v in progress.burn_up if d <= progress.as_of]
        first = min([progress.as_of, c.announced_on, *(d for d, _v in points)])
        last = max(d for d in [progress.as_of, c.deadline, progress.projected, *(
            d for d, _v in points)] if d)
        span = max((last - first).days, 1)
        left = self.l_margin + 14
        width = self.w - self.r_margin - left
        top = self.get_y() + 1
        ceiling = max(c.target, progress.achieved, 1)

        def x(day: dt.date) -> float:
            return left + width * (day - first).days / span

        def y(value: float) -> float:
            return top + height - height * value / ceiling

        self.set_draw_color(200, 200, 200)
        self.line(left, top + height, left + width, top + height)
        self.set_draw_color(*WARN)
        self.set_dash_pattern(dash=1.5, gap=1)
        self.line(left, y(c.target), left + width, y(c.target))
        if c.deadline:
            self.set_draw_color(*GREY)
            self.line(x(c.deadline), top, x(c.deadline), top + height)
        self.set_dash_pattern()
        path = [(first, 0), *points, (progress.as_of, progress.achieved)]
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.6)
        self.polyline([(x(d), y(v)) for d, v in path])
        if progress.projected and not progress.reached:
            self.set_dash_pattern(dash=2, gap=1.5)
            self.line(x(progress.as_of), y(progress.achieved), x(progress.projected), y(c.target))
            self.set_dash_pattern()
        self.set_line_width(0.2)
        self.set_font(self.family, "", 7)
        self.set_text_color(*WARN)
        self.set_xy(self.l_margin, y(c.target) - 2)
        self.cell(13, 4, _n(c.target), align="R")
        self.set_text_color(*GREY)
        self.set_xy(left, top + height + 0.5)
        self.cell(30, 4, first.isoformat())
        self.set_xy(left + width - 30, top + height + 0.5)
        self.cell(30, 4, last.isoformat(), align="R")
        self.set_text_color(0, 0, 0)
        self.set_y(top + height + 6)

    def grid(self, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        """A table as wide as the text column; a row that does not fit goes to the next page,
        under the header again."""
        def header_row() -> None:
            self.set_font(self.family, "B", 9)
            self.set_fill_color(238, 241, 244)
            for text, w in zip(header, widths, strict=True):
                self.cell(w, 6, self._fit(text, w), border="B", fill=True)
            self.ln()
            self.set_font(self.family, "", 9)

        self.ensure_room(6 + 5.5)
        header_row()
        for row in rows:
            if self.get_y() + 5.5 > self.page_break_trigger:
                self.add_page()
                header_row()
            for text, w in zip(row, widths, strict=True):
                self.cell(w, 5.5, self._fit(text, w), border="B")
            self.ln()

    def _fit(self, text: str, width: float) -> str:
        while text and self.get_string_width(text) > width - 1.5:
            text = text[:-2] + "…"
        return text


def build_situation_report(*, actor: Actor, day: dt.date) -> bytes:
    """The PDF for `day`."""
    permissions.require(actor, permissions.VIEW_DASHBOARD)
    picture = dataclasses.replace(selectors.picture(as_of=day),
                                  resettlement=selectors.after_the_flight(actor=actor, as_of=day))
    pdf = render(picture, day, follow_ups=list(
        open_follow_ups(actor=actor, on=day).order_by("due_on", "pk")[:30]))
    audit.record(actor=actor, action="dashboard.sitrep", object_type="report",
                 object_id=day.isoformat(), details={"bytes": len(pdf)})
    return pdf


def render(picture: Picture, day: dt.date, *, follow_ups: list[FollowUp]) -> bytes:
    pdf = Report(day)
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 18)
    pdf.cell(0, 10, f"Situation report, {day.strftime('%d %B %Y')}",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    made = timezone.localtime(picture.computed_at).strftime("%Y-%m-%d %H:%M %Z")
    pdf.line_of_text(f"Produced {made} from the registry. Figures are people unless said "
                     f"otherwise.", size=9, colour=GREY)

    on_day = dict(picture.registrations).get(day, 0)
    week = sum(n for d, n in picture.registrations if day - dt.timedelta(days=6) <= d <= day)
    registered = picture.funnel[0]
    resettled = picture.funnel[-1]
    pdf.heading("Headlines")
    pdf.line_of_text(
        f"{_n(registered.people)} people in {_n(registered.cases)} households registered in all; "
        f"{_n(on_day)} households registered on {day.isoformat()} and {_n(week)} in the seven "
        f"days to it. {_n(picture.funnel[5].people)} people boarded, {_n(resettled.people)} "
        f"resettled; {_n(sum(r[1] for r in picture.left_behind))} left behind."
    )

    pdf.heading("Commitments")
    if not picture.commitments:
        pdf.line_of_text("No commitment recorded.")
    for progress in picture.commitments:
        c = progress.commitment
        pdf.ensure_room(6 + 10 + 32 + 7)  # the title, its figures and its chart together
        pdf.set_font(pdf.family, "B", 10)
        pdf.multi_cell(0, 5, c.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pace = (f"reached on {progress.projected.isoformat()}" if progress.reached and
                progress.projected else
                f"at {progress.pace_per_day:.1f} a day (recent pace), reached by "
                f"{progress.projected.isoformat()}" if progress.projected else
                "no progress in the last 28 days: no projected date")
        deadline = f", deadline {c.deadline.isoformat()}" if c.deadline else ""
        late = " (after the deadline)" if progress.on_track is False else ""
        pdf.line_of_text(
            f"{_n(progress.achieved)} of {_n(c.target)} ({progress.percent:.1f} %)"
            f"{f', {_n(progress.by_override)} of them by override' if progress.by_override else ''}"
            f" by {progress.as_of.isoformat()}{deadline}; {pace}{late}. Counts: "
            f"{c.get_counts_display()}.", size=9)
        pdf.burn_up(progress)

    pdf.heading("Pipeline (current status)")
    pdf.bars([(r.label + (" *" if r.note else ""), r.people) for r in picture.funnel])
    for r in picture.funnel:
        if r.note:
            pdf.line_of_text(f"* {r.note}", size=8, colour=GREY)
    forced = [f"{r.label.lower()} {_n(r.by_override)}" for r in picture.funnel if r.by_override]
    if forced:
        pdf.line_of_text("Moved by a supervisor's override, without the seat, gate, landing or "
                         f"milestones that earn the move (people): {', '.join(forced)}.",
                         size=8, colour=GREY)

    pdf.heading("Registrations per day (households)")
    pdf.columns([(d, n) for d, n in picture.registrations if d <= day])

    pdf.heading("By category (current status)")
    pdf.grid(["Category", "Registered", "Approved", "Boarded", "Resettled"],
              [[b.label, *(_n(b.people.get(k, 0)) for k in
                          ("registered", "approved", "boarded", "resettled"))]
               for b in picture.categories], [70, 27.5, 27.5, 27.5, 27.5])

    pdf.heading(f"Flights of {day.isoformat()}")
    flights = selectors.flight_seats(on=day)
    if flights:
        pdf.grid(["Flight", "Departs", "Status", "Offered", "Allocated", "Used", "Wasted"],
                 [[f.label, timezone.localtime(f.departs).strftime("%H:%M") if f.departs else "",
                   f.status, _n(f.offered), _n(f.allocated), _n(f.used),
                   "-" if f.wasted is None else _n(f.wasted)] for f in flights],
                 [28, 22, 26, 26, 26, 26, 26])
    else:
        pdf.line_of_text("No flights that day.")

    after = picture.resettlement
    if after is not None:
        pdf.heading("After the flight")
        mean = ("-" if after.mean_days_to_resettled is None
                else f"{after.mean_days_to_resettled:.1f} days")
        pdf.line_of_text(
            f"{_n(after.arrived)} households arrived; {_n(after.in_accommodation)} in temporary "
            f"accommodation now, {_n(after.nights_total)} nights spent there in all; "
            f"{_n(after.placed)} placed with a host, {_n(after.offered)} offered and awaiting "
            f"an answer; {_n(after.resettled)} resettled (every required milestone done), in "
            f"{mean} on average from arrival.")
        if after.longest:
            pdf.grid(["Case", "Site", "Since", "Nights"],
                     [[w.case.reference, w.site.name, w.checked_in_on.isoformat(),
                       _n(w.nights)] for w in after.longest], [45, 75, 30, 30])

    pdf.heading("Open follow-ups of the diplomatic log")
    if follow_ups:
        pdf.grid(["Due", "Action", "Owner", "Meeting"],
                  [[f.due_on.isoformat() if f.due_on else "-", f.action, f.owner,
                    f.meeting.held_on.isoformat()] for f in follow_ups], [22, 98, 38, 22])
    else:
        pdf.line_of_text("None open.")
    return bytes(pdf.output())
