"""The demo's inbox (`safepassage demo-inbound`): a few dozen messages from families in four
languages, some from registered numbers, some from numbers we do not know, a few keywords
answered at once, some conversations already assigned, most still waiting."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from safepassage.accounts import permissions
from safepassage.accounts.models import Role, User
from safepassage.messaging.inbox import assign_conversation, receive_inbound
from safepassage.messaging.models import Conversation, InboundMessage, InboxTeam
from safepassage.registry.models import Person

QUESTIONS = {
    "en": ["We are at the airport gate with our children. What should we do?",
           "My brother registered us twice, is that a problem?",
           "Our passports expired last year. Can we still travel?",
           "Please, has our case been reviewed? We are hiding."],
    "fr": ["Bonjour, quand saurons-nous si notre dossier est accepté ?",
           "Ma femme n'a pas de tazkira, est-ce un problème ?",
           "Nous avons changé de numéro de téléphone."],
    "fa-af": ["ما در کابل پنهان هستیم. پرونده ما چه وقت بررسی می‌شود؟",
              "پاسپورت خانمم گم شده است، چه کنیم؟",
              "آیا باید به میدان هوایی برویم؟",
              "برادرم ما را دو بار ثبت کرده است."],
    "ps": ["موږ په کابل کې پټ یو. زموږ دوسیه به کله وکتل شي؟",
           "زما د مېرمنې پاسپورټ ورک شوی، څه وکړو؟",
           "ایا موږ هوايي ډګر ته ولاړ شو؟"],
}
STATUS_WORDS = {"en": "status", "fr": "statut", "fa-af": "وضعیت", "ps": "حالت"}
LANGUAGES = ["en", "fr", "fa-af", "ps"]


def load_demo_inbound(*, matched: int = 24, unmatched: int = 10, keywords: int = 6,
                      seed: int = 2021) -> int:
    """Put the demo's messages in the inbox, if it holds none; returns how many."""
    if InboundMessage.objects.exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    gateway = permissions.SMS_GATEWAY
    people: dict[str, list[Person]] = {}
    for language in LANGUAGES:
        # Phones are encrypted: read a few hundred people and keep those who have one.
        rows = Person.objects.filter(preferred_language=language).order_by("pk")[:400]
        people[language] = [p for p in rows if p.phones][:60]
    received = 0

    def at() -> dt.datetime:
        return now - dt.timedelta(minutes=rng.randint(4, 36 * 60))

    with transaction.atomic():
        for n in range(matched):
            language = LANGUAGES[n % 4]
            if not people[language]:
                continue
            person = rng.choice(people[language])
            via = rng.choice(["sms", "sms", "whatsapp", "whatsapp"])
            sender = person.phones[0] if via == "sms" else person.phones[0].lstrip("+")
            receive_inbound(actor=gateway, via=via, provider_id=f"demo-in-{n}", sender=sender,
                            text=rng.choice(QUESTIONS[language]), received_at=at())
            received += 1
        for n in range(unmatched):
            language = LANGUAGES[n % 4]
            via = "telegram" if n % 5 == 4 else "sms"
            sender = (str(rng.randint(10**8, 10**9)) if via == "telegram"
                      else f"+9379{rng.randint(0, 9_999_999):07d}")
            receive_inbound(actor=gateway, via=via, provider_id=f"demo-unknown-{n}",
                            sender=sender, text=rng.choice(QUESTIONS[language]),
                            received_at=at())
            received += 1
        for n in range(keywords):
            language = LANGUAGES[n % 4]
            if not people[language]:
                continue
            person = rng.choice(people[language])
            receive_inbound(actor=gateway, via="sms", provider_id=f"demo-keyword-{n}",
                            sender=person.phones[0], text=STATUS_WORDS[language],
                            received_at=now - dt.timedelta(minutes=rng.randint(1, 600)))
            received += 1
        _assign_some(rng)
    return received


def _assign_some(rng: random.Random) -> None:
    """The demo caseworker owns a few conversations, the Dari and Pashto desk a few more."""
    supervisor = User.objects.filter(role=Role.SUPERVISOR, is_active=True,
                                     organisation__isnull=True).order_by("pk").first()
    caseworker = User.objects.filter(role=Role.CASEWORKER, is_active=True,
                                     organisation__isnull=True).order_by("pk").first()
    if supervisor is None or caseworker is None:
        return
    desk, _created = InboxTeam.objects.get_or_create(name="Dari and Pashto desk",
                                                     organisation=None)
    desk.members.add(caseworker)
    waiting = list(Conversation.objects.filter(waiting_since__isnull=False).order_by("pk"))
    for conversation in rng.sample(waiting, k=min(len(waiting), 8)):
        if conversation.language in ("fa-af", "ps"):
            assign_conversation(actor=supervisor, conversation=conversation, team=desk)
        else:
            assign_conversation(actor=supervisor, conversation=conversation,
                                assignee=caseworker)
