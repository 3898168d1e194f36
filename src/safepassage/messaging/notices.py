"""What each message says, in the person's language: a subject, an e-mail text and an SMS text.

Texts are gettext strings rendered under the recipient's language (English when theirs is not
one we write in). They carry the case reference and codes, never a name: an SMS is read by
whoever holds the phone. Every SMS text must fit in two segments (tests/messaging check all).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from safepassage.messaging.models import Kind
from safepassage.registry.models import Status

LANGUAGES = {code for code, _name in settings.LANGUAGES}
RTL_LANGUAGES = {"fa-af", "ps"}


def language_for(preferred: str) -> str:
    """The language we write to a person in: theirs if we have it, else English."""
    code = (preferred or "").lower().replace("_", "-")
    return code if code in LANGUAGES else "en"


@dataclass(frozen=True)
class Notice:
    subject: str
    text: str  # e-mail text (and the status page); paragraphs separated by blank lines
    sms: str


def _status_advice(status: str) -> str:
    if status == Status.APPROVED:
        return _("Do not go to the airport until you receive a message with your flight.")
    if status == Status.INELIGIBLE:
        return _("You can reply to this message to ask for a review.")
    if status == Status.MANIFESTED:
        return _("Your flight details and boarding pass will follow.")
    if status == Status.ON_HOLD:
        return _("We will tell you when your case moves again.")
    return ""


def next_step(status: str) -> str:
    """What the person should do or expect next, for every status (the inbox's answers)."""
    advice = _status_advice(status)
    if advice:
        return advice
    steps: dict[str, str] = {
        Status.REGISTERED: _("We will review your registration. Do not register again."),
        Status.UNDER_REVIEW: _("A caseworker is reviewing your case. We will write when it is "
                               "decided."),
        Status.ELIGIBLE: _("We will write when your case is approved for a flight."),
        Status.BOARDED: _("Have a safe flight. We will meet you on arrival."),
        Status.ARRIVED: _("Welcome. Your caseworker will tell you the next steps."),
        Status.RESETTLED: _("Your resettlement is complete. Write to us if you need help."),
        Status.WITHDRAWN: _("Your case is closed. Write to us to open it again."),
        Status.NO_SHOW: _("Do not go to the airport until you receive a new message with a "
                          "flight."),
        Status.LEFT_BEHIND: _("Do not go to the airport. We will write if a new way opens."),
    }
    return str(steps.get(status, ""))


def render(kind: str, language: str, context: dict[str, Any]) -> Notice:
    """The notice of `kind` in `language`, filled in from the codes in `context`."""
    with translation.override(language_for(language)):
        return _render(kind, context)


def _render(kind: str, ctx: dict[str, Any]) -> Notice:
    reference = ctx.get("reference", "")
    if kind == Kind.REGISTRATION_RECEIVED:
        subject = _("Your registration was received")
        text = _(
            "We have received the registration of your household. Your reference is "
            "%(reference)s. Keep it private: you will need it to check your status. We will "
            "write to you when anything changes."
        ) % {"reference": reference}
        sms = _(
            "SafePassage: registration received. Reference %(reference)s. Keep it private. "
            "We will tell you when anything changes."
        ) % {"reference": reference}
    elif kind == Kind.STATUS_CHANGED:
        status = ctx.get("status", "")
        label = str(Status(status).label) if status in Status.values else status
        advice = _status_advice(status)
        subject = _("Your case %(reference)s: %(status)s") % {
            "reference": reference, "status": label}
        text = _("The status of your case %(reference)s is now: %(status)s.") % {
            "reference": reference, "status": label}
        sms = _("SafePassage: case %(reference)s is now: %(status)s.") % {
            "reference": reference, "status": label}
        if advice:
            text, sms = f"{text}\n\n{advice}", f"{sms} {advice}"
    elif kind in (Kind.FLIGHT_ASSIGNED, Kind.FLIGHT_CHANGED):
        values = {"reference": reference, "flight": ctx.get("flight", ""),
                  "departure": ctx.get("departure", "")}
        if kind == Kind.FLIGHT_ASSIGNED:
            subject = _("Your household has seats on flight %(flight)s") % values
            first = _("Your household (case %(reference)s) has seats on flight %(flight)s, "
                      "departing %(departure)s.") % values
            sms = _("SafePassage: case %(reference)s has seats on flight %(flight)s, "
                    "%(departure)s. Do not share this message.") % values
        else:
            subject = _("Your flight has changed: now %(flight)s") % values
            first = _("Your flight has changed. Your household (case %(reference)s) is now on "
                      "flight %(flight)s, departing %(departure)s.") % values
            sms = _("SafePassage: flight changed for case %(reference)s: now %(flight)s, "
                    "%(departure)s. Do not share this message.") % values
        text = first + "\n\n" + _(
            "Bring your documents and the boarding pass we will send. Do not share this message."
        )
    elif kind == Kind.BOARDING_PASS_ISSUED:
        subject = _("Your boarding pass is ready")
        text = _("The boarding pass of case %(reference)s is ready. Open your status page to "
                 "show it at the gate.") % {"reference": reference}
        sms = _("SafePassage: boarding pass ready for case %(reference)s. Open your status "
                "page to show it at the gate.") % {"reference": reference}
    elif kind == Kind.CONTACT_CODE:
        # Names nothing (no product, no registration, no reference): the number may be a
        # stranger's, typed by someone else, and a phone can be searched at a checkpoint.
        subject = ""
        text = sms = _("Your code: %(code)s") % {"code": ctx.get("code", "")}
        return Notice(subject=subject, text=text, sms=sms)
    elif kind == Kind.ACCOMMODATION:
        values = {"reference": reference, "site": ctx.get("site", ""), "day": ctx.get("day", "")}
        subject = _("Your accommodation: %(site)s") % values
        text = _("Your household (case %(reference)s) stays at %(site)s from %(day)s until "
                 "a home is found for you. We will tell you when it is.") % values
        sms = _("SafePassage: case %(reference)s stays at %(site)s from %(day)s until a home "
                "is found.") % values
    elif kind == Kind.PLACEMENT:
        values = {"reference": reference, "place": ctx.get("place", "")}
        subject = _("Your new home will be in %(place)s") % values
        text = _("%(place)s has accepted to welcome your household (case %(reference)s). "
                 "Your caseworker will tell you when you move and what comes next.") % values
        sms = _("SafePassage: %(place)s will welcome case %(reference)s. Your caseworker will "
                "tell you when you move.") % values
    elif kind == Kind.MILESTONE:
        values = {"reference": reference, "milestone": ctx.get("milestone", ""),
                  "next": ctx.get("next", "")}
        subject = _("Done: %(milestone)s") % values
        if values["next"]:
            text = _("For case %(reference)s, this step is done: %(milestone)s. Next: "
                     "%(next)s.") % values
            sms = _("SafePassage: case %(reference)s: done: %(milestone)s. Next: "
                    "%(next)s.") % values
        else:
            text = _("For case %(reference)s, this step is done: %(milestone)s.") % values
            sms = _("SafePassage: case %(reference)s: done: %(milestone)s.") % values
    elif kind == Kind.REPLY:
        return _render_reply(ctx)
    elif kind == Kind.BROADCAST:
        subject = _("A message from SafePassage")
        text = str(ctx.get("text", ""))
        sms = "SafePassage: " + text
    else:
        raise ValueError(f"No template for messages of kind {kind!r}")
    link = getattr(settings, "MESSAGING_STATUS_PAGE_URL", "")
    if link and kind != Kind.BROADCAST:
        text += "\n\n" + _("Your status page: %(link)s") % {"link": link}
    if link and kind == Kind.BOARDING_PASS_ISSUED:
        sms += " " + link  # the pass is on the status page: the SMS must lead there too
    return Notice(subject=subject, text=text, sms=sms)


# The answers to a message the person sent (messaging.inbox), by template: each fills in the
# case's real status and next step at the moment it is queued.
REPLY_TEMPLATES = ("status", "received", "status_page", "not_found", "opted_out",
                   "opted_out_all", "opted_in")


def _render_reply(ctx: dict[str, Any]) -> Notice:
    template = ctx.get("template", "")
    reference = ctx.get("reference", "")
    status = ctx.get("status", "")
    values = {"reference": reference,
              "status": str(Status(status).label) if status in Status.values else status,
              "next": next_step(status)}
    subject = _("An answer to your message")
    if template == "status":
        subject = _("Your case %(reference)s: %(status)s") % values
        text = _("The status of your case %(reference)s is: %(status)s. %(next)s") % values
        sms = _("SafePassage: case %(reference)s: %(status)s. %(next)s") % values
    elif template == "received":
        text = _("We have read your message about case %(reference)s and are working on it. "
                 "Its status is: %(status)s. We will write again when it changes.") % values
        sms = _("SafePassage: we read your message about case %(reference)s. Status: "
                "%(status)s. We will write again.") % values
    elif template == "status_page":
        text = sms = _("SafePassage: see your case at any time on your status page, with your "
                       "reference and your secret.")
        link = getattr(settings, "MESSAGING_STATUS_PAGE_URL", "")
        if link:
            text += "\n\n" + _("Your status page: %(link)s") % {"link": link}
            sms += " " + link
    elif template == "not_found":
        text = sms = _("SafePassage: we cannot tell which registration this number belongs "
                       "to. Check your status page with your reference and secret.")
    elif template == "opted_out":
        text = sms = _("SafePassage: you will get no more general messages. Messages about "
                       "your own case and seat still come. Send STOP ALL to stop them too.")
    elif template == "opted_out_all":
        text = sms = _("SafePassage: you will get no more messages, not even about your case "
                       "and seat. Send START to receive them again.")
    elif template == "opted_in":
        text = sms = _("SafePassage: you will get all our messages again. Send STOP to stop "
                       "general messages.")
    else:
        raise ValueError(f"No answer template {template!r}")
    return Notice(subject=subject, text=text, sms=sms)


def email_html(text: str, language: str) -> str:
    """The HTML part of an e-mail: the text's paragraphs, right-to-left for Dari and Pashto."""
    code = language_for(language)
    direction = "rtl" if code in RTL_LANGUAGES else "ltr"
    paragraphs = "".join(
        f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n") if p.strip()
    )
    return (
        f'<!doctype html><html lang="{code}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>SafePassage</title></head>"
        f'<body dir="{direction}" style="font-family: sans-serif; line-height: 1.5">'
        f"{paragraphs}</body></html>"
    )
