"""The situation report prints: rendered to images (poppler's pdftoppm), every page has content
inside its margins, nothing is drawn beyond them, and no page is blank, however many
commitments, flights and follow-ups it carries and however long their titles."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from safepassage.accounts.models import Role
from safepassage.airlift.models import Flight
from safepassage.dashboard.models import Commitment, Counts
from safepassage.engagements.models import FollowUp, Meeting
from tests.conftest import person

pytestmark = pytest.mark.django_db

DPI = 40
MM = DPI / 25.4
PAGE_W, PAGE_H = 210, 297
LONG = ("Press for the safe passage of Afghans holding our documents through the checkpoints "
        "on the airport road, with the Qatari and Turkish delegations, before the next round")


@pytest.fixture
def a_busy_day(make_case: Any) -> dt.date:
    day = dt.date(2021, 8, 24)
    for _ in range(3):
        make_case(person(), person(given_name="Laila"), category="journalist")
    for n, counts in enumerate([Counts.AFGHANS_RESETTLED, Counts.CITIZENS_EVACUATED] * 4):
        Commitment.objects.create(
            title=f"Commitment {n}: {LONG}" if n % 2 else "Resettle 21,000 Afghans",
            target=21000 if n % 2 == 0 else 3700, counts=counts,
            announced_on=dt.date(2021, 8, 15), deadline=dt.date(2022, 8, 15))
    departs = timezone.make_aware(dt.datetime(2021, 8, 24, 6, 0))
    for n in range(25):
        Flight.objects.create(code=f"RCH{n:03d}-LONGCODE", destination="DOH-LONG",
                              departs_at=departs + dt.timedelta(minutes=35 * n), seats=300)
    meeting = Meeting.objects.create(held_on=dt.date(2021, 8, 20), place="Doha",
                                     counterpart="The de facto authorities' delegation")
    for n in range(30):
        FollowUp.objects.create(meeting=meeting, action=f"{n}. {LONG}", owner="Ambassador's "
                                "office, political section, with the special envoy",
                                due_on=dt.date(2021, 8, 25) + dt.timedelta(days=n))
    return day


def pages_of(pdf: bytes, tmp_path: Path) -> list[Image.Image]:
    source = tmp_path / "sitrep.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(source),
                    str(tmp_path / "page")], check=True)
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob("page-*.png"))]


def ink(image: Image.Image, left: float, top: float, right: float, bottom: float) -> int:
    """Dark pixels in a rectangle given in millimetres."""
    box = (round(left * MM), round(top * MM), round(right * MM), round(bottom * MM))
    return sum(image.crop(box).histogram()[:200])


def test_every_page_of_a_busy_report_has_content_within_its_margins(
    a_busy_day: dt.date, client_for: Any, tmp_path: Path,
) -> None:
    client, _user = client_for(Role.SUPERVISOR)
    pdf = client.get(f"/dashboard/situation-report.pdf?date={a_busy_day.isoformat()}").content
    pages = pages_of(pdf, tmp_path)

    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        # The body lies between the header (from 15 mm) and the page break (282 mm); the
        # footer sits at 285-290 mm; the 15 mm side margins stay clear, allowing 3 mm of
        # anti-aliasing and the bar charts' hairline.
        assert ink(page, 15, 24, 195, 280) > 50, f"page {number} is blank"
        assert ink(page, 0, 0, 12, PAGE_H) == 0, f"page {number} spills into the left margin"
        assert ink(page, 198, 0, PAGE_W, PAGE_H) == 0, f"page {number} spills to the right"
        assert ink(page, 0, 0, PAGE_W, 12) == 0, f"page {number} spills above its header"
        assert ink(page, 0, 282.5, PAGE_W, 284.5) == 0, f"page {number} runs into its footer"
        assert ink(page, 0, 291.5, PAGE_W, PAGE_H) == 0, f"page {number} runs off the bottom"
