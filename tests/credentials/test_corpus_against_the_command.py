"""`safepassage verify` gives every token of the shared corpus its verdict (issue 17, item 6);
tests/credentials/test_corpus_in_a_browser.py gives the same corpus to the offline page."""

from __future__ import annotations

import io
import json
import resource

import pytest
from django.core.management import call_command

from safepassage.credentials import services
from safepassage.credentials.verification import VALID
from tests.credentials import corpus

pytestmark = pytest.mark.django_db


def command_verdict(text: str) -> str:
    out = io.StringIO()
    try:
        call_command("verify", text, "--json", stdout=out)
    except SystemExit as exit_status:
        assert exit_status.code == 1
    result: str = json.loads(out.getvalue())["result"]
    return result


def letters(approved_case, caseworker) -> tuple[str, str]:
    """Two letters of one case: the first (replaced, so revoked) lends its content only."""
    first = services.issue_facilitation_letter(actor=caseworker, reference=approved_case.reference)
    latest = services.issue_facilitation_letter(actor=caseworker,
                                                reference=approved_case.reference)
    return latest.token, first.token


def test_the_command_gives_every_sample_of_the_corpus_its_verdict(approved_case, caseworker):
    samples = corpus.build(*letters(approved_case, caseworker))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    verdicts = {s.name: command_verdict(s.text) for s in samples}

    wrong = {s.name: verdicts[s.name] for s in samples
             if (s.verdict is None and verdicts[s.name] == VALID)
             or (s.verdict is not None and verdicts[s.name] != s.verdict)}
    assert wrong == {}
    # The 1 GiB bomb was never inflated: the process grew by less than 64 MB.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 64 * 1024
