from io import StringIO

from django.core.management import call_command

from safepassage.messaging.models import Message, State, Via
from tests.conftest import person


def test_the_worker_command_sends_and_reports_counts_without_personal_data(
    make_case, sms_provider, smtp_server
):
    case = make_case(person(email="zabih@example.org", preferred_language="ps"))
    out = StringIO()

    call_command("send_messages", "--until-empty", "--worker-id", "w-test", stdout=out)

    assert "claimed 2, sent 2, retrying 0, failed 0" in out.getvalue()
    assert "791234567" not in out.getvalue() and "zabih" not in out.getvalue()
    states = set(Message.objects.filter(case=case).exclude(channel=Via.STATUS_PAGE)
                 .values_list("state", flat=True))
    assert states == {State.SENT}
