"""One inbox for every message people send us (SMS, WhatsApp, e-mail, Telegram, the status
page's question form): matched to a case only by an exact blind-index match of the sender,
answered at once for a keyword, otherwise owned by a caseworker or a team and answered from
templates through the outbox, with a clock that says how long each conversation has waited.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.models import User
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.messaging.models import (
    Conversation,
    InboundMessage,
    InboundVia,
    InboxAnswer,
    InboxTeam,
    Kind,
    Message,
    OptOut,
    State,
)
from safepassage.messaging.notices import language_for, render
from safepassage.protection.cipher import blind_index
from safepassage.registry import services as registry
from safepassage.registry.identifiers import digest_for, digests_for
from safepassage.registry.models import Case, Identifier, Person, Relationship
from safepassage.registry.normalise import NormalisationError, normalise_email, normalise_phone

# --- Keywords (decision 0036) ----------------------------------------------------------------

# Compared after folding (see _fold): upper case, no accents or Arabic diacritics, Arabic
# letter forms as Persian ones, Persian and Arabic-Indic digits as ASCII, no spaces or
# punctuation. The value is the language of the word, for a sender we cannot match.
STATUS_WORDS = {
    "STATUS": "en", "STATE": "en",
    "STATUT": "fr", "ETAT": "fr",
    "وضعیت": "fa-af", "WAZIYAT": "fa-af", "WAZIAT": "fa-af", "WAZ3IYAT": "fa-af",
    "حالت": "ps", "HALAT": "ps", "7ALAT": "ps",
}
STOP_WORDS = {"STOP": "en", "UNSUBSCRIBE": "en", "ARRET": "fr", "توقف": "fa-af", "بس": "ps"}
# The second explicit word: out of the essential messages about their own case and seat too.
STOP_ALL_WORDS = {"STOPALL": "en", "ARRETTOUT": "fr", "توقفهمه": "fa-af", "بسهمه": "fa-af",
                  "بسټول": "ps", "توقفټول": "ps"}
START_WORDS = {"START": "en", "UNSTOP": "en", "REPRENDRE": "fr", "شروع": "fa-af", "پیل": "ps"}

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_ARABIC_FORMS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ـ": None,  # noqa: RUF001
                               "\u200c": None, "\u200d": None})
_REFERENCE = re.compile(r"S\s*P\W*([0-9A-Z]{5})\W*([0-9A-Z]{5})")
_NOT_A_WORD = re.compile(r"[\W_]+")
_PASHTO_LETTERS = set("ټډړږښګڼېۍځڅ")
# A conversation's automatic answers to one sender: at most this many cases a message.
MAX_CASES_ANSWERED = 3


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_DIGITS))
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", kept).translate(_ARABIC_FORMS).upper()


@dataclass(frozen=True)
class Keyword:
    word: str  # "status", "stop", "stop_all", "start" or ""
    language: str  # of the word, "" when none
    reference: str  # a case reference written with it, normalised, or ""


def read_keyword(text: str) -> Keyword:
    """The keyword a message is, if it is only a keyword (and perhaps a case reference)."""
    folded = _fold(text)
    reference = ""
    found = _REFERENCE.search(folded)
    if found:
        reference = f"SP-{found.group(1)}-{found.group(2)}"
        folded = folded[:found.start()] + " " + folded[found.end():]
    word = _NOT_A_WORD.sub("", folded)
    for name, words in (("status", STATUS_WORDS), ("stop_all", STOP_ALL_WORDS),
                        ("stop", STOP_WORDS), ("start", START_WORDS)):
        if word in words:
            return Keyword(name, words[word], reference)
    return Keyword("", "", reference)


def guess_language(text: str) -> str:
    """The language of an unmatched sender's text, for the inbox's filter only: Pashto for its
    own letters, Dari for other Arabic script, French for its accents and words, else English."""
    if any(c in _PASHTO_LETTERS for c in text):
        return "ps"
    if any("\u0600" <= c <= "\u06ff" for c in text):
        return "fa-af"
    lowered = f" {text.lower()} "
    if re.search(r"[éèêàçùœ]", lowered) or any(
            w in lowered for w in (" bonjour", " je ", " nous ", " est ", " merci", " où ")):
        return "fr"
    return "en"


# --- Matching the sender (decision 0037) -----------------------------------------------------


@dataclass(frozen=True)
class Sender:
    address: str  # normalised: where answers go
    digest: str  # the blind index stored with the message ("" when nothing to index)
    key: str  # the conversation's key
    phone: str  # the E.164 number when the sender is one
    persons: list[Person]


def _persons_by(kind: str, value: str) -> list[Person]:
    persons = Person.objects.filter(identifiers__kind=kind,
                                    identifiers__digest__in=digests_for(kind, value)).distinct()
    return sorted(persons, key=lambda p: (p.relationship_to_head != Relationship.HEAD, p.pk))


def _sender(via: str, sender: str) -> Sender:
    raw = sender.strip()
    if via == InboundVia.STATUS_PAGE:  # the reference, checked with its secret by the page
        case = Case.objects.filter(reference=raw).select_related("household").first()
        persons = list(case.household.members.order_by("pk")) if case else []
        persons.sort(key=lambda p: p.relationship_to_head != Relationship.HEAD)
        return Sender("", "", f"status_page:{raw}"[:64], "", persons)
    if via == InboundVia.EMAIL:
        try:
            email = normalise_email(raw)
        except NormalisationError:
            email = ""
        if email:
            digest = digest_for(Identifier.Kind.EMAIL, email)
            return Sender(email, digest, f"email:{digest}", "",
                          _persons_by(Identifier.Kind.EMAIL, email))
    # A Telegram chat id is digits too: only a number Telegram shared as a contact ("+...")
    # is a phone; a bare id is never read as one.
    elif via in (InboundVia.SMS, InboundVia.WHATSAPP) or raw.startswith("+"):
        candidate = raw
        if via == InboundVia.WHATSAPP and raw.isdigit():
            candidate = "+" + raw  # WhatsApp gives the number without its +
        try:
            phone = normalise_phone(candidate)
        except NormalisationError:
            phone = ""
        if phone:
            digest = digest_for(Identifier.Kind.PHONE, phone)
            return Sender(phone, digest, f"{via}:{digest}", phone,
                          _persons_by(Identifier.Kind.PHONE, phone))
    # Unreadable or not an address we index: its own conversation, matched to no one.
    digest = blind_index(raw[:200], kind=f"inbound-{via}")
    return Sender(raw[:200], "", f"{via}:{digest}", "", [])


# --- Receiving ------------------------------------------------------------------------------


def receive_inbound(
    *, actor: Actor, via: str, provider_id: str, sender: str, text: str,
    received_at: dt.datetime | None = None,
) -> tuple[InboundMessage, bool]:
    """Keep a message received through `via` and put it in the inbox: returns (message, created).

    Matched to every case of the persons whose number or address is exactly the sender's (its
    blind index; never a name). A keyword is answered at once through the outbox and does not
    wait for staff: STATUS (and its words, decision 0036) with each matched case's status and
    next step; STOP opts out of broadcasts, STOP ALL of every message, START back in. Anything
    else waits, from its arrival, until a caseworker answers or marks it done. Received twice
    (the same provider id), it is kept once.
    """
    permissions.require(actor, permissions.RECEIVE_REPLIES)
    if via not in InboundVia.values:
        raise ValueError(f"{via!r} is not one of {', '.join(InboundVia.values)}")
    if via == InboundVia.STATUS_PAGE and actor is not permissions.STATUS_PAGE:
        raise PermissionDenied("Only the status page, after checking the secret, writes as it.")
    at = received_at or timezone.now()
    who = _sender(via, sender)
    with transaction.atomic():
        inbound, created = InboundMessage.objects.get_or_create(
            provider_id=provider_id[:100],
            defaults={"via": via, "sender": who.address or sender[:200],
                      "sender_digest": who.digest, "text": text, "received_at": at},
        )
        if not created:
            return inbound, False
        cases = list(Case.objects.filter(household__members__in=who.persons).distinct()
                     .order_by("pk"))
        inbound.cases.add(*cases)  # a new row: nothing to compare with
        if who.phone and via in (InboundVia.SMS, InboundVia.WHATSAPP):
            # The holder of a number given through the public form wrote from it.
            registry.confirm_contact_by_reply(actor=actor, phone=who.phone)
        conversation = _conversation(who, via, at)
        conversation.cases.add(*cases)
        keyword = read_keyword(text)
        if who.persons:
            conversation.language = language_for(who.persons[0].preferred_language)
        elif keyword.language:
            conversation.language = keyword.language
        elif not conversation.inbound.exists():
            conversation.language = guess_language(text)
        inbound.conversation, inbound.keyword = conversation, keyword.word
        inbound.save(update_fields=["conversation", "keyword"])
        if keyword.word in ("stop", "stop_all", "start") and permissions.can(
                actor, permissions.RECORD_OPT_OUTS):
            _opt_out_by_keyword(actor, conversation, who.persons, keyword.word, cases)
        elif keyword.word == "status":
            _answer_status(conversation, cases, keyword.reference)
        else:
            # Messages can arrive out of order (a provider's retry, two at once): the clock
            # starts at the earliest one still unanswered.
            waiting = conversation.waiting_since
            conversation.waiting_since = min(waiting, at) if waiting else at
            conversation.unread = True
        conversation.last_received_at = max(conversation.last_received_at, at)
        conversation.save()
        audit.record_many(
            actor=actor,
            events=[{"action": "message.received", "object_type": "case",
                     "object_id": c.reference,
                     "details": {"inbound": inbound.pk, "via": via,
                                 "keyword": keyword.word}}
                    for c in cases]
            or [{"action": "message.received_unmatched", "object_type": "inbound",
                 "object_id": inbound.pk, "details": {"via": via, "keyword": keyword.word}}],
        )
    return inbound, True


def _conversation(who: Sender, via: str, at: dt.datetime) -> Conversation:
    # Locked: two messages from one sender at once both count, and the clock starts once.
    found = Conversation.objects.select_for_update().filter(key=who.key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Conversation.objects.create(key=who.key, via=via, address=who.address,
                                               last_received_at=at, created_at=at)
    except IntegrityError:  # the sender's first two messages at once: the other one won
        return Conversation.objects.select_for_update().get(key=who.key)


def _opt_out_by_keyword(actor: Actor, conversation: Conversation, persons: Sequence[Person],
                        word: str, cases: Sequence[Case]) -> None:
    permissions.require(actor, permissions.RECORD_OPT_OUTS)
    for person in persons:
        if word == "start":
            OptOut.objects.filter(person=person).delete()
        else:
            OptOut.objects.update_or_create(
                person=person, defaults={"via": "sms_keyword",
                                         "essential_too": word == "stop_all"})
        audit.record(actor=actor,
                     action="messaging.opt_in" if word == "start" else "messaging.opt_out",
                     object_type="person", object_id=person.pk,
                     details={"via": "sms_keyword", "essential_too": word == "stop_all"})
    if persons:
        template = {"stop": "opted_out", "stop_all": "opted_out_all", "start": "opted_in"}[word]
        _queue_answer(conversation, template, cases[0] if cases else None, author=None)


def _answer_status(conversation: Conversation, cases: Sequence[Case], reference: str) -> None:
    """STATUS from a matched sender: each of their cases' status and next step (the one they
    named, when it is theirs). From an unmatched one: that we cannot tell which is theirs,
    never anything about the reference they wrote."""
    named = [c for c in cases if c.reference == reference]
    chosen = named or list(cases)[:MAX_CASES_ANSWERED]
    if not chosen:
        _queue_answer(conversation, "not_found", None, author=None)
    for case in chosen:
        _queue_answer(conversation, "status", case, author=None)


def _queue_answer(conversation: Conversation, template: str, case: Case | None, *,
                  author: User | None) -> InboxAnswer:
    """The answer written to the outbox on the channel the person wrote from, in the
    conversation's language, with the case's status as it is now."""
    context = {"template": template}
    if case is not None:
        context |= {"reference": case.reference, "status": case.status}
    notice = render(Kind.REPLY, conversation.language, context)
    now = timezone.now()
    on_page = conversation.via == InboundVia.STATUS_PAGE
    message = Message.objects.create(
        case=case, kind=Kind.REPLY, channel=conversation.via, essential=True,
        language=conversation.language, context=context, address=conversation.address,
        subject=notice.subject,
        body=notice.text if conversation.via == InboundVia.EMAIL else notice.sms,
        state=State.SENT if on_page else State.QUEUED, next_attempt_at=now, created_at=now,
        sent_at=now if on_page else None)
    return InboxAnswer.objects.create(conversation=conversation, message=message, author=author,
                                      template=template, at=now)


# --- Staff: reading, assigning, answering ---------------------------------------------------

# What a caseworker may answer with: a matched conversation about one of its cases, an
# unmatched one with the templates that name no case.
CASE_TEMPLATES = ("status", "received", "status_page")
UNMATCHED_TEMPLATES = ("not_found", "status_page")


def _organisation_of(actor: Actor) -> int | None:
    return actor.organisation_id if isinstance(actor, User) else None


def conversations(*, actor: Actor, matched: bool = True) -> QuerySet[Conversation]:
    """The conversations matched to a case (or the unmatched ones), for staff who answer
    messages; the inbox's filters narrow them."""
    permissions.require(actor, permissions.ANSWER_MESSAGES)
    has_case = Exists(Conversation.cases.through.objects.filter(
        conversation_id=OuterRef("pk")))
    return (Conversation.objects.select_related("assignee", "team")
            .filter(has_case if matched else ~has_case))


@dataclass
class InboxFigures:
    waiting: int
    unread: int
    oldest_waiting_since: dt.datetime | None
    unmatched_waiting: int


def inbox_figures(*, actor: Actor) -> InboxFigures:
    """The counters of the inbox and the dashboard: what waits, what nobody opened yet, and
    since when the oldest has waited."""
    if not (permissions.can(actor, permissions.ANSWER_MESSAGES)
            or permissions.can(actor, permissions.VIEW_DASHBOARD)):
        raise PermissionDenied(_("Your role may not see the inbox."))
    waiting = Conversation.objects.filter(waiting_since__isnull=False)
    return InboxFigures(
        waiting=waiting.count(),
        unread=waiting.filter(unread=True).count(),
        oldest_waiting_since=waiting.aggregate(at=Min("waiting_since"))["at"],
        unmatched_waiting=waiting.filter(cases__isnull=True).count(),
    )


@dataclass
class Thread:
    conversation: Conversation
    cases: list[Case]
    entries: list[tuple[dt.datetime, str, object]]  # (at, "in" | "out", row)


def read_conversation(*, actor: Actor, conversation_id: int) -> Thread:
    """A conversation with everything received and answered, oldest first. Reading it is
    reading the person's file: audited, and it is no longer unread."""
    permissions.require(actor, permissions.ANSWER_MESSAGES)
    permissions.require(actor, permissions.READ_PERSON_FILE)
    with transaction.atomic():
        # Only the conversation's row is locked (PostgreSQL refuses to lock the empty side
        # of the outer join to an unassigned owner).
        conversation = (Conversation.objects.select_for_update(of=("self",))
                        .select_related("assignee", "team").get(pk=conversation_id))
        cases = list(conversation.cases.order_by("pk"))
        audit.record(actor=actor, action="inbox.conversation_read", object_type="conversation",
                     object_id=conversation.pk,
                     details={"cases": [c.reference for c in cases]})
        if conversation.unread:
            conversation.unread = False
            conversation.save(update_fields=["unread"])
    entries: list[tuple[dt.datetime, str, object]] = [
        (m.received_at, "in", m) for m in conversation.inbound.order_by("received_at", "pk")[:500]]
    entries += [(a.at, "out", a) for a in
                conversation.answers.select_related("message", "author").order_by("at")[:500]]
    entries.sort(key=lambda e: e[0])
    return Thread(conversation=conversation, cases=cases, entries=entries)


def assignable_users(*, actor: Actor) -> QuerySet[User]:
    """The caseworkers of the actor's own organisation who answer messages."""
    roles = [role for role, caps in permissions.ROLE_CAPABILITIES.items()
             if permissions.ANSWER_MESSAGES in caps]
    organisation = _organisation_of(actor)
    users = User.objects.filter(is_active=True, role__in=roles)
    users = (users.filter(organisation__isnull=True) if organisation is None
             else users.filter(organisation_id=organisation))
    return users.order_by("username")


def assignable_teams(*, actor: Actor) -> QuerySet[InboxTeam]:
    organisation = _organisation_of(actor)
    if organisation is None:
        return InboxTeam.objects.filter(organisation__isnull=True)
    return InboxTeam.objects.filter(organisation_id=organisation)


def assign_conversation(
    *, actor: Actor, conversation: Conversation, assignee: User | None = None,
    team: InboxTeam | None = None,
) -> Conversation:
    """Give a conversation to a caseworker or a team of the actor's own organisation (both
    None: back to no one). Audited."""
    permissions.require(actor, permissions.ANSWER_MESSAGES)
    if assignee is not None and not assignable_users(actor=actor).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": [_(
            "Choose a caseworker of your own organisation who answers messages.")]})
    if team is not None and not assignable_teams(actor=actor).filter(pk=team.pk).exists():
        raise ValidationError({"team": [_("Choose a team of your own organisation.")]})
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        locked.assignee, locked.team = assignee, team
        locked.save(update_fields=["assignee", "team"])
        audit.record(actor=actor, action="inbox.assigned", object_type="conversation",
                     object_id=locked.pk,
                     details={"assignee": assignee.pk if assignee else None,
                              "team": team.pk if team else None})
    return locked


def answer_conversation(
    *, actor: Actor, conversation: Conversation, template: str, case: Case | None = None,
) -> InboxAnswer:
    """Answer from a template in the conversation's language, filled in with the case's real
    status and next step, through the outbox on the channel the person wrote from. What waited
    is answered: the clock stops."""
    permissions.require(actor, permissions.ANSWER_MESSAGES)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        cases = list(locked.cases.order_by("pk"))
        if cases:
            if template not in CASE_TEMPLATES:
                raise ValidationError({"template": [_("Choose one of the answers offered.")]})
            case = case if case is not None and case in cases else None
            if case is None:
                if len(cases) > 1:
                    raise ValidationError({"case": [_(
                        "This number belongs to several cases: choose the one you answer "
                        "about.")]})
                case = cases[0]
        else:
            if template not in UNMATCHED_TEMPLATES:
                raise ValidationError({"template": [_(
                    "This sender matches no case: answer without naming one.")]})
            case = None
        answer = _queue_answer(locked, template, case,
                               author=actor if isinstance(actor, User) else None)
        locked.waiting_since, locked.unread = None, False
        locked.save(update_fields=["waiting_since", "unread"])
        audit.record(actor=actor, action="inbox.answered", object_type="conversation",
                     object_id=locked.pk,
                     details={"template": template, "case": case.reference if case else None,
                              "message": answer.message_id})
    return answer


def mark_done(*, actor: Actor, conversation: Conversation) -> Conversation:
    """Nothing to answer (a thank-you, a duplicate): the conversation stops waiting. Audited."""
    permissions.require(actor, permissions.ANSWER_MESSAGES)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        locked.waiting_since, locked.unread = None, False
        locked.save(update_fields=["waiting_since", "unread"])
        audit.record(actor=actor, action="inbox.done", object_type="conversation",
                     object_id=locked.pk)
    return locked


def answer_previews(*, conversation: Conversation, cases: Sequence[Case]
                    ) -> list[tuple[str, str, Case | None]]:
    """(template, text, case) for each answer the caseworker may send, as the person would
    read it."""
    rows: list[tuple[str, str, Case | None]] = []
    if not cases:
        for template in UNMATCHED_TEMPLATES:
            notice = render(Kind.REPLY, conversation.language, {"template": template})
            rows.append((template, notice.sms, None))
        return rows
    for case in cases:
        for template in CASE_TEMPLATES:
            notice = render(Kind.REPLY, conversation.language,
                            {"template": template, "reference": case.reference,
                             "status": case.status})
            rows.append((template, notice.sms, case))
    return rows


def waiting_filter(wait: str) -> Q:
    """?wait= of the inbox: waiting at all, or longer than an hour, a day."""
    now = timezone.now()
    limits = {"1h": dt.timedelta(hours=1), "24h": dt.timedelta(days=1)}
    if wait in limits:
        return Q(waiting_since__lte=now - limits[wait])
    return Q(waiting_since__isnull=False)
