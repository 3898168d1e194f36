"""One family from the public form in Dari to arrived, in a real browser, each step by the role
that does it and through its pages (issue 18). Set up beforehand: the staff users only; the
flight is created by the airlift officer on the flights page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import expect

from safepassage.accounts.models import Role
from safepassage.airlift.models import Flight
from safepassage.intake import services
from safepassage.registry.models import Case, Status
from tests.conftest import CHROMIUM, sign_in_with_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DARI = "fa-af"


@pytest.fixture(autouse=True)
def no_wait(settings: Any) -> None:
    settings.INTAKE_FORM_MIN_SECONDS = 0  # Playwright fills the form faster than a person


def staff_page(chromium: Any, live_server: Any, user: Any, **context: Any) -> Any:
    page = chromium.new_context(**context).new_page()
    sign_in_with_browser(page, live_server, user)
    page.wait_for_url(re.compile(r"^(?!.*sign-in).*$"))
    return page


def check_status(page: Any, live_server: Any, reference: str, secret: str) -> str:
    """The family checks its status, in Dari, with its reference and secret."""
    page.goto(f"{live_server.url}/status/?lang={DARI}")
    page.locator("#id_reference").fill(reference)
    page.locator("#id_secret").fill(secret)
    page.get_by_role("button", name="بررسی").click()
    page.locator("#case-status").wait_for()
    return str(page.locator("#case-status").inner_text())


def camera_on(image: Path, path: Path, width: int = 640, height: int = 480) -> Path:
    """The picture `image` held in front of a camera: a few grey YUV4MPEG2 frames (4:2:0,
    chroma 128) for Chromium's fake camera."""
    code = Image.open(image).convert("L")
    code = code.resize((code.width * 3 // 2, code.height * 3 // 2), Image.Resampling.NEAREST)
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    luma, chroma = frame.tobytes(), bytes([128]) * (width * height // 2)
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(10):
            out.write(b"FRAME\n" + luma + chroma)
    return path


def change_status(page: Any, live_server: Any, reference: str, to_status: str) -> None:
    page.goto(f"{live_server.url}/cases/{reference}/")
    page.locator("#to_status").select_option(to_status)
    page.get_by_role("button", name="Change status", exact=True).click()
    page.wait_for_load_state()


def test_one_family_walks_from_the_dari_form_to_arrived(
    chromium: Any, live_server: Any, make_user: Any, tmp_path: Path,
) -> None:
    caseworker = make_user(Role.CASEWORKER)
    supervisor = make_user(Role.SUPERVISOR)
    officer = make_user(Role.AIRLIFT_OFFICER)
    gate_agent = make_user(Role.GATE_AGENT)

    # 1. The family registers through the public form, in Dari, names in Dari script.
    family = chromium.new_context().new_page()
    family.goto(f"{live_server.url}/register/?lang={DARI}")
    assert family.locator("html").get_attribute("dir") == "rtl"
    family.locator("#id_given_name").fill("فرشته")
    family.locator("#id_family_name").fill("پوپلزی")
    family.locator("#id_date_of_birth").fill("1364")
    family.locator("#id_phone").fill("0791234567")
    family.locator("#id_category").select_option("woman_leader")
    family.locator("#id_p1-given_name").fill("وحید")
    family.locator("#id_p1-relationship_to_head").select_option("spouse")
    family.get_by_role("button", name="ارسال ثبت نام").click()
    family.wait_for_url("**/register/received/**")
    reference = family.locator("#reference").inner_text().strip()
    secret = family.locator("#secret").inner_text().strip()
    # Accepted at once; the runner's worker registers it (decision 0092).
    assert "دریافت شد" in check_status(family, live_server, reference, secret)  # "Received"
    services.register_accepted_submissions()
    case = Case.objects.get(reference=reference)
    assert case.household.members.count() == 2

    # 2. The family checks its status.
    assert reference in check_status(family, live_server, reference, secret)
    assert "ثبت شده" in family.locator("#case-status").inner_text()  # "Registered"

    # 3. A caseworker reviews the case: confirms the suggested Latin names, opens the review.
    worker = staff_page(chromium, live_server, caseworker)
    worker.goto(f"{live_server.url}/cases/{reference}/")
    while worker.get_by_role("button", name="Confirm", exact=True).count():
        worker.get_by_role("button", name="Confirm", exact=True).first.click()
        worker.wait_for_load_state()
    change_status(worker, live_server, reference, Status.UNDER_REVIEW)
    case.refresh_from_db()
    assert case.status == Status.UNDER_REVIEW

    # 4. A supervisor decides eligibility, then approves.
    boss = staff_page(chromium, live_server, supervisor)
    change_status(boss, live_server, reference, Status.ELIGIBLE)
    change_status(boss, live_server, reference, Status.APPROVED)
    case.refresh_from_db()
    assert case.status == Status.APPROVED

    # 5. The airlift officer records readiness on the case page.
    airlift = staff_page(chromium, live_server, officer)
    airlift.goto(f"{live_server.url}/cases/{reference}/")
    for box in airlift.locator("input[name=document]").all():
        box.check()
    airlift.locator("#assembly_point").fill("Abbey Gate, Kabul airport")
    airlift.locator("input[name=consent]").check()
    airlift.locator("#ready_from").fill(dt.date.today().isoformat())
    airlift.get_by_role("button", name="Record readiness").click()
    airlift.wait_for_load_state()

    # 6. The officer creates a scheduled flight, runs the planner, issues the passes.
    departs = (dt.datetime.now(ZoneInfo("Asia/Kabul")) + dt.timedelta(days=1)).replace(
        second=0, microsecond=0)
    airlift.goto(f"{live_server.url}/airlift/")
    airlift.get_by_label("Flight code").fill("RCH871")
    airlift.get_by_label("To", exact=True).fill("DOH")
    airlift.get_by_label("Departure (Kabul time)").fill(departs.strftime("%Y-%m-%dT%H:%M"))
    airlift.get_by_label("Seats", exact=True).fill("50")
    airlift.get_by_role("button", name="Create flight").click()
    airlift.get_by_text("Flight RCH871 created.").wait_for()
    airlift.get_by_role("button", name="Plan manifests").click()
    airlift.get_by_text("Plan made: 1 households placed.").wait_for()
    case.refresh_from_db()
    assert case.status == Status.MANIFESTED
    flight = Flight.objects.get(code="RCH871")
    airlift.goto(f"{live_server.url}/airlift/flights/{flight.pk}/")
    assert reference in airlift.locator("#manifest").inner_text()
    airlift.get_by_role(
        "button", name="Issue boarding passes to the households on this flight").click()
    airlift.wait_for_load_state()

    # 7. The boarding pass on the family's status page.
    check_status(family, live_server, reference, secret)
    boarding_pass = family.locator("#boarding-pass")
    assert "RCH871" in boarding_pass.inner_text()
    assert "Abbey Gate, Kabul airport" in boarding_pass.inner_text()
    photo = tmp_path / "pass.png"
    boarding_pass.locator("img").screenshot(path=str(photo))

    # 8. The officer opens boarding. The gate agent, on a 360 px phone, points the gate page's
    # camera at the pass on the family's screen (Chromium's fake camera plays the QR image taken
    # from the status page), sees the household and marks each member boarded.
    airlift.get_by_role("button", name="Open boarding").click()
    airlift.wait_for_load_state()
    video = camera_on(photo, tmp_path / "pass.y4m")
    phone = chromium.browser_type.launch(executable_path=CHROMIUM, args=[  # with a camera
        "--no-sandbox", "--disable-background-networking",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        gate = phone.new_context(viewport={"width": 360, "height": 740},
                                 permissions=["camera"]).new_page()
        sign_in_with_browser(gate, live_server, gate_agent)
        gate.goto(f"{live_server.url}/airlift/gate/")
        gate.get_by_role("link", name="RCH871").click()
        gate.get_by_role("button", name="Scan with the camera").click()
        expect(gate.locator("#verdict")).to_contain_text(
            f"Valid for this flight · {reference}", timeout=60_000)  # a loaded machine
        household = gate.locator(".household", has_text=reference)
        assert "2 people" in household.inner_text()
        for n in range(2):
            member = household.locator(".member").nth(n)
            member.get_by_role("button", name="Boarded", exact=True).click()
            member.get_by_role("button", name="Confirm").click()
            member.get_by_role("button", name="Undo").wait_for()
        assert household.locator(".mark").all_inner_texts() == ["Boarded", "Boarded"]
        assert gate.evaluate("document.scrollingElement.scrollWidth <= 360")
    finally:
        phone.close()

    # 9. The officer records the departure and the landing on the flight page.
    airlift.goto(f"{live_server.url}/airlift/flights/{flight.pk}/")
    airlift.get_by_role("button", name="Mark departed").click()
    airlift.get_by_role("button", name="Record the landing").wait_for()
    case.refresh_from_db()
    assert case.status == Status.BOARDED  # the departure takes the gate's marks
    airlift.get_by_role("button", name="Record the landing").click()
    airlift.wait_for_load_state()
    flight.refresh_from_db()
    assert flight.status == "landed"

    # 10. The family's status page says it has arrived.
    assert "رسیده" in check_status(family, live_server, reference, secret)  # "Arrived"
    case.refresh_from_db()
    assert case.status == Status.ARRIVED
