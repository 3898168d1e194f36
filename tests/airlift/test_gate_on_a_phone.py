"""A gate agent at 360 px: scans the pass with the phone's camera (Chromium's fake camera plays
a video of the pass's QR code), marks members, undoes one, loses the network, marks, and sees the
marks counted once when it returns (decision 0074)."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from safepassage.airlift import services as airlift
from safepassage.airlift.models import FlightStatus, GateMark
from safepassage.credentials import services as credentials
from safepassage.credentials.qr import make_qr
from safepassage.registry.models import Status
from tests.airlift.conftest import family
from tests.conftest import CHROMIUM, Journey, sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 640, 480


def pass_video(text: str, path: Path) -> Path:
    """A few frames of the pass's QR code on white, as the YUV4MPEG2 file Chromium's fake camera
    plays (4:2:0, grey: chroma 128)."""
    qr = make_qr(text)
    scale = max(1, (HEIGHT - 20) // qr.symbol_size(border=4)[0])
    png = io.BytesIO()
    qr.save(png, kind="png", scale=scale, border=4)
    code = Image.open(png).convert("L")
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    luma, chroma = frame.tobytes(), bytes([128]) * (WIDTH * HEIGHT // 2)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            out.write(b"FRAME\n" + luma + chroma)
    return path


def wait_for(check: Any, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= 360"))


def test_a_gate_agent_scans_marks_undoes_and_marks_offline_at_360_px(
    live_server: Any, journey: Journey, make_case: Any, tmp_path: Path, chromium: Any,
) -> None:
    case = journey.approve(make_case(*family("Rahimi", 3)))
    seat = journey.seat(case)
    flight = airlift.set_flight_status(actor=journey.officer, flight=seat.flight,
                                       status=FlightStatus.BOARDING)
    boarding = credentials.issue_boarding_pass(
        actor=journey.officer, reference=case.reference, flight_number=flight.code,
        departure_date=flight.departs_at.date())
    video = pass_video(boarding.token, tmp_path / "pass.y4m")
    names = [p.latin_full_name for p in case.household.members.order_by("pk")]

    # A browser of its own (a camera), from the worker's Playwright: a second sync Playwright in
    # one process fails ("Sync API inside the asyncio loop").
    browser = chromium.browser_type.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-background-networking",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        context = browser.new_context(viewport={"width": 360, "height": 740},
                                      permissions=["camera"])
        page = context.new_page()
        sign_in_with_browser(page, live_server, journey.gate_agent)
        page.goto(f"{live_server.url}/airlift/gate/{flight.pk}/")
        assert fits(page)

        page.get_by_role("button", name="Scan with the camera").click()
        page.locator("#verdict").get_by_text(f"Valid for this flight · {case.reference}").wait_for()
        household = page.locator(f"#household-{seat.pk}")
        assert household.is_visible()
        assert "3 people" in household.inner_text()
        for name in names:
            assert name in household.inner_text()
        assert fits(page)

        def mark(n: int, button: str) -> None:
            row = household.locator(".member").nth(n)
            row.get_by_role("button", name=button, exact=True).click()
            assert f"Mark {names[n]}" in row.inner_text()  # the confirmation
            row.get_by_role("button", name="Confirm").click()

        mark(0, "Boarded")
        mark(1, "Boarded")
        wait_for(lambda: GateMark.objects.filter(undone_at=None).count() == 2)
        household.locator(".member").nth(1).get_by_role("button", name="Undo").click()
        wait_for(lambda: GateMark.objects.filter(undone_at=None).count() == 1)
        assert fits(page)

        context.set_offline(True)
        mark(1, "No-show")
        mark(2, "Boarded")
        page.get_by_text("2 marks wait on this device").wait_for()
        # A retry of a mark whose answer was lost: the same key sent once more.
        page.evaluate("""() => {
            const k = Object.keys(localStorage).find(k => k.startsWith('sp-gate-queue-'));
            const q = JSON.parse(localStorage.getItem(k)); q.push(q[0]);
            localStorage.setItem(k, JSON.stringify(q)); }""")
        time.sleep(1)
        assert GateMark.objects.count() == 2  # nothing reached the server
        context.set_offline(False)
        page.locator("#queue").get_by_text("wait on this device").wait_for(state="detached")
        wait_for(lambda: page.locator("#queue").inner_text() == "")

        live = dict(GateMark.objects.filter(undone_at=None).values_list("person_id", "mark"))
        people = list(case.household.members.order_by("pk").values_list("pk", flat=True))
        assert live == {people[0]: "boarded", people[1]: "no_show", people[2]: "boarded"}
        assert GateMark.objects.count() == 4  # three live, one undone; the retry counted once

        page.reload()
        page.get_by_label("Case reference (or the pass's text)").fill(case.reference)
        page.get_by_role("button", name="Check").click()
        page.locator("#verdict").get_by_text("Valid for this flight").wait_for()
        assert household.locator(".mark").all_inner_texts() == ["Boarded", "No-show", "Boarded"]
        assert fits(page)
        page.locator("#language-choice").select_option("fa-af")  # right to left, in Dari
        page.get_by_role("button", name="Change language").click()
        page.get_by_role("button", name="اسکن با کمره").wait_for()
        assert fits(page)
    finally:
        browser.close()

    airlift.set_flight_status(actor=journey.officer, flight=flight, status=FlightStatus.DEPARTED)
    case.refresh_from_db()
    assert case.status == Status.BOARDED
