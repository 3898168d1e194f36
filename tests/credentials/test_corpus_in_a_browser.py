"""The offline verifier page, in Chromium, gives every token of the shared corpus the verdict that
`safepassage verify` gives it (issue 17, item 6): one truth for both verifiers."""

from __future__ import annotations

from typing import Any

import pytest

from safepassage.accounts.models import Role
from safepassage.credentials.verification import VALID
from tests.credentials import corpus
from tests.credentials.test_corpus_against_the_command import command_verdict, letters
from tests.credentials.test_verifier_page_in_a_browser import _check

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_page_and_the_command_give_every_sample_the_same_verdict(
    page: Any, live_server: Any, approved_case: Any, make_user: Any
) -> None:
    samples = corpus.build(*letters(approved_case, make_user(Role.CASEWORKER)))
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server.url}/verify/")
    page.context.set_offline(True)

    on_the_page = {s.name: _check(page, s.text) for s in samples}
    by_the_command = {s.name: command_verdict(s.text) for s in samples}

    wrong = {s.name: on_the_page[s.name] for s in samples
             if (s.verdict is None and on_the_page[s.name] == VALID)
             or (s.verdict is not None and on_the_page[s.name] != s.verdict)}
    assert wrong == {}
    disagree = {name: (verdict, by_the_command[name]) for name, verdict in on_the_page.items()
                if verdict != by_the_command[name]}
    assert disagree == {}
    assert violations == []
