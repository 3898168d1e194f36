"""`make run` opens on an inbox with work in it: a few dozen messages waiting, in four
languages, matched and unmatched, some assigned."""

from django.core.management import call_command

from safepassage.accounts.models import Role
from safepassage.messaging.models import Conversation, InboundMessage
from tests.conftest import person


def test_the_demo_leaves_a_few_dozen_messages_waiting_in_four_languages(make_case, make_user):
    for n, language in enumerate(["en", "fr", "fa-af", "ps"] * 3):
        make_case(person(given_name=f"Demo{n}", phones=[f"+9379000{n:04d}"],
                         tazkira_number=f"1400-0101-{n:04d}", passport_number=f"P{n:07d}",
                         preferred_language=language))
    make_user(Role.SUPERVISOR)
    make_user(Role.CASEWORKER)

    call_command("demo_inbound")

    assert InboundMessage.objects.count() >= 36
    waiting = Conversation.objects.filter(waiting_since__isnull=False)
    assert waiting.count() >= 20
    assert set(waiting.values_list("language", flat=True)) == {"en", "fr", "fa-af", "ps"}
    assert waiting.filter(cases__isnull=True).exists()
    assert waiting.filter(cases__isnull=False).exists()
    assert waiting.exclude(assignee=None, team=None).exists()
    assert InboundMessage.objects.filter(keyword="status").exists()

    call_command("demo_inbound")  # once only
    assert InboundMessage.objects.count() < 50
