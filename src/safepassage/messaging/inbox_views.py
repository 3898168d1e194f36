"""The inbox pages for caseworkers: the queue with its filters, a conversation, and the actions
on it (assign, answer from a template, mark done). Thin: messaging.inbox does the work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safepassage.accounts import permissions
from safepassage.accounts.decorators import StaffRequest, staff_required
from safepassage.messaging import inbox
from safepassage.messaging.models import Conversation, InboundVia
from safepassage.registry.models import Case, Language
from safepassage.service_errors import carry_out

PAGE_SIZE = 200


def _may_answer(request: StaffRequest) -> bool:
    return permissions.can(request.user, permissions.ANSWER_MESSAGES)


def _assignees(request: StaffRequest) -> list[tuple[str, str]]:
    """The caseworkers and teams of the user's organisation, as the assign menus offer them."""
    users = [(f"u{u.pk}", u.username) for u in inbox.assignable_users(actor=request.user)]
    teams = [(f"t{t.pk}", _("Team: %(name)s") % {"name": t.name})
             for t in inbox.assignable_teams(actor=request.user)]
    return users + teams


@staff_required
def inbox_list(request: StaffRequest) -> HttpResponse:
    """The queue, oldest waiting first. No text and no sender here: those are in the person's
    file, read (and audited) by opening the conversation."""
    if not _may_answer(request):
        return render(request, "messaging/forbidden.html", status=403)
    user = request.user
    chosen = {key: request.GET.get(key, "") for key in
              ("view", "state", "language", "via", "assignee", "wait")}
    rows = inbox.conversations(actor=user, matched=chosen["view"] != "unmatched")
    if chosen["state"] != "all":
        rows = rows.filter(inbox.waiting_filter(chosen["wait"]))
    if chosen["language"] in Language.values:
        rows = rows.filter(language=chosen["language"])
    if chosen["via"] in InboundVia.values:
        rows = rows.filter(via=chosen["via"])
    assignee = chosen["assignee"]
    if assignee == "me":
        rows = rows.filter(Q(assignee=user) | Q(team__members=user))
    elif assignee == "none":
        rows = rows.filter(assignee__isnull=True, team__isnull=True)
    elif assignee.startswith("u") and assignee[1:].isdigit():
        rows = rows.filter(assignee_id=int(assignee[1:]))
    elif assignee.startswith("t") and assignee[1:].isdigit():
        rows = rows.filter(team_id=int(assignee[1:]))
    rows = rows.order_by("waiting_since", "-last_received_at", "pk").distinct()
    conversations = list(rows.prefetch_related("cases")[:PAGE_SIZE])
    return render(request, "messaging/inbox_list.html", {
        "conversations": conversations,
        "figures": inbox.inbox_figures(actor=user),
        "chosen": chosen,
        "languages": Language.choices,
        "channels": InboundVia.choices,
        "assignees": _assignees(request),
        "now": timezone.now(),
    })


def _conversation(conversation_id: int) -> Conversation:
    try:
        return Conversation.objects.get(pk=conversation_id)
    except Conversation.DoesNotExist:
        raise Http404 from None


@staff_required
def conversation_detail(request: StaffRequest, conversation_id: int) -> HttpResponse:
    if not _may_answer(request):
        return render(request, "messaging/forbidden.html", status=403)
    try:
        thread = inbox.read_conversation(actor=request.user, conversation_id=conversation_id)
    except Conversation.DoesNotExist:
        raise Http404 from None
    except PermissionDenied:
        return render(request, "messaging/forbidden.html", status=403)
    conversation = thread.conversation
    return render(request, "messaging/conversation.html", {
        "thread": thread,
        "conversation": conversation,
        "answers": inbox.answer_previews(conversation=conversation, cases=thread.cases),
        "assignees": _assignees(request),
        "current": (f"u{conversation.assignee_id}" if conversation.assignee_id
                    else f"t{conversation.team_id}" if conversation.team_id else ""),
        "now": timezone.now(),
    })


def _back(conversation_id: int) -> HttpResponse:
    return redirect("messaging:conversation", conversation_id=conversation_id)


@staff_required
@require_POST
def conversation_assign(request: StaffRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(conversation_id)
    choice = request.POST.get("assign_to", "")
    assignee = team = None
    if choice.startswith("u") and choice[1:].isdigit():
        assignee = inbox.assignable_users(actor=request.user).filter(pk=int(choice[1:])).first()
    elif choice.startswith("t") and choice[1:].isdigit():
        team = inbox.assignable_teams(actor=request.user).filter(pk=int(choice[1:])).first()
    if choice and assignee is None and team is None:
        messages.error(request, _("Choose a caseworker or a team of your own organisation."))
        return _back(conversation_id)
    carry_out(request, lambda: inbox.assign_conversation(
        actor=request.user, conversation=conversation, assignee=assignee, team=team),
        success=_("Assigned."))
    return _back(conversation_id)


@staff_required
@require_POST
def conversation_answer(request: StaffRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(conversation_id)
    template, _sep, reference = request.POST.get("answer", "").partition("|")
    case: Case | None = None
    if reference:
        case = conversation.cases.filter(reference=reference).first()
    answered = carry_out(request, lambda: inbox.answer_conversation(
        actor=request.user, conversation=conversation, template=template, case=case),
        success=_("Answer queued: it leaves through the outbox."))
    if answered is None:
        return _back(conversation_id)
    return redirect("messaging:inbox")


@staff_required
@require_POST
def conversation_done(request: StaffRequest, conversation_id: int) -> HttpResponse:
    conversation = _conversation(conversation_id)
    done = carry_out(request, lambda: inbox.mark_done(actor=request.user,
                                                      conversation=conversation),
                     success=_("Marked done: nothing waits in this conversation."))
    if done is None:
        return _back(conversation_id)
    return redirect("messaging:inbox")

