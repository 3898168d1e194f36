import pytest

from safepassage.accounts.models import Role
from safepassage.messaging.models import Broadcast, Message, Via
from safepassage.registry.models import Status
from tests.conftest import person, sign_in_with_browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_airlift_officer_previews_then_sends_a_broadcast(page, live_server, make_user,
                                                            make_case):
    for n, language in enumerate(["fa-af", "fa-af", "ps"]):
        case = make_case(person(phones=[f"+9379000010{n}"], preferred_language=language))
        case.status = Status.APPROVED
        case.save()
    make_case(person(phones=["+93790000200"]))  # registered only: not in the audience
    officer = make_user(Role.AIRLIFT_OFFICER)
    sign_in_with_browser(page, live_server, officer)

    page.get_by_role("link", name="Broadcasts").click()
    page.get_by_role("link", name="New broadcast").click()
    page.get_by_label("Message in English").fill("Go to the Baron Hotel gate at 14:00.")
    page.get_by_label("Message in Dari").fill("ساعت ۱۴ به دروازه هوتل بارون بروید.")
    page.get_by_label("Approved", exact=True).check()
    page.get_by_role("button", name="Preview").click()

    summary = page.locator("#preview-summary")
    assert summary.inner_text() == "3 households, 3 people, 3 messages."
    assert "ps" in page.locator(".warning").inner_text()  # no Pashto text: English goes
    assert not Broadcast.objects.exists()

    page.get_by_role("button", name="Send to these households").click()

    assert "Broadcast queued: 3 messages to 3 households." in page.locator(".messages").inner_text()
    broadcast = Broadcast.objects.get()
    bodies = sorted(m.body for m in Message.objects.filter(broadcast=broadcast, channel=Via.SMS))
    assert bodies[0] == "SafePassage: Go to the Baron Hotel gate at 14:00."
    assert bodies[1:] == ["SafePassage: ساعت ۱۴ به دروازه هوتل بارون بروید."] * 2
