"""Issuing, replacing and revoking credentials; signing keys, their rotation and the signed lists.

Every write checks the actor's capability and is audited with the case reference, the kind and the
token id, never the names the token carries.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safepassage.accounts import permissions
from safepassage.accounts.permissions import Actor
from safepassage.audit import services as audit
from safepassage.credentials import seats, verification
from safepassage.credentials import token as tk
from safepassage.credentials.models import Credential, CredentialKind, KeyPurpose, SigningKey
from safepassage.credentials.qr import TokenTooLarge, make_qr
from safepassage.credentials.selectors import revoked_hashes, trusted_keys
from safepassage.messaging import services as messaging
from safepassage.messaging.models import Kind
from safepassage.registry import selectors as registry_selectors
from safepassage.registry import services as registry_services
from safepassage.registry.models import Case, Person, Status

# A letter or pass only for a household that has been approved for evacuation.
ISSUABLE_STATUSES = {Status.APPROVED, Status.MANIFESTED}
# A case leaving these has lost its approval (on hold, withdrawn, left behind, back in review):
# its documents are revoked. Boarding passes go too when its seat goes (manifested -> approved,
# no-show), by airlift and by the subscriber below.
APPROVED_PATH = {Status.APPROVED, Status.MANIFESTED, Status.BOARDED, Status.ARRIVED,
                 Status.RESETTLED}
FLIGHT_NUMBER = re.compile(r"^[A-Z0-9]{2,3}[0-9]{1,5}[A-Z]?$")
TOKEN_ID_BYTES = 12


def issuer_name() -> str:
    return str(getattr(settings, "CREDENTIALS_ISSUER", "SAFEPASSAGE"))


def letter_lifetime() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "CREDENTIALS_LETTER_DAYS", 30)))


def default_alg() -> int:
    return tk.ALG_BY_NAME[str(getattr(settings, "CREDENTIALS_ALG", "EdDSA"))]


# --- keys ---------------------------------------------------------------------------------------


def _create_key(*, purpose: str, alg: int, actor: Actor) -> SigningKey:
    private = tk.generate_private_key(alg)
    der = tk.public_key_der(private)
    key = SigningKey.objects.create(
        issuer=issuer_name(), purpose=purpose, kid=tk.kid_for(der).hex(), alg=tk.ALG_NAMES[alg],
        public_key=base64.b64encode(der).decode("ascii"), private_key=tk.private_key_pem(private),
        created_by=permissions.user_of(actor),
    )
    audit.record(
        actor=actor, action="credentials.key_created", object_type="signing_key",
        object_id=key.kid, details={"purpose": purpose, "alg": key.alg, "issuer": key.issuer},
    )
    return key


def active_signing_key(*, purpose: str = KeyPurpose.TOKENS) -> SigningKey:
    """The issuer's key in force for `purpose`; the first one is created on first use."""
    active = SigningKey.objects.filter(
        issuer=issuer_name(), purpose=purpose, retired_at__isnull=True
    )
    key = active.first()
    if key is not None:
        return key
    alg = default_alg() if purpose == KeyPurpose.TOKENS else tk.ALG_EDDSA
    try:
        with transaction.atomic():
            return _create_key(purpose=purpose, alg=alg, actor=permissions.SIGNING_KEYS)
    except IntegrityError:
        # Another request created it first (one active key per issuer and purpose): use that one.
        return active.get()


def rotate_signing_key(
    *, actor: Actor, alg: str = "", purpose: str = KeyPurpose.TOKENS
) -> SigningKey:
    """A new key with a new kid. The old key signs nothing more but stays in the trust list until
    the last document it could have signed has expired."""
    permissions.require(actor, permissions.ADMINISTER)
    algorithm = tk.ALG_BY_NAME[alg] if alg else default_alg()
    now = timezone.now()
    with transaction.atomic():
        old = list(
            SigningKey.objects.select_for_update().filter(
                issuer=issuer_name(), purpose=purpose, retired_at__isnull=True
            )
        )
        for key in old:
            key.retired_at = now
            latest = Credential.objects.filter(signing_key=key).order_by("-expires_at").first()
            key.valid_until = max(now + letter_lifetime(), latest.expires_at if latest else now)
            key.save(update_fields=["retired_at", "valid_until"])
            audit.record(
                actor=actor, action="credentials.key_retired", object_type="signing_key",
                object_id=key.kid, details={"valid_until": key.valid_until.isoformat()},
            )
        return _create_key(purpose=purpose, alg=algorithm, actor=actor)


def private_key_of(key: SigningKey) -> tk.PrivateKey:
    return tk.load_private_key(key.private_key)


# --- issuing ------------------------------------------------------------------------------------


def _payload_for(case: Case, members: list[Person], *, kind: str, flight: str = "",
                 departure: dt.date | None = None) -> tk.Payload:
    head = next((m for m in members if m.pk == case.household.head_id), members[0])
    return tk.Payload(
        kind=kind,
        name=head.latin_full_name,
        birth_year=head.birth_date.year if isinstance(head.birth_date, dt.date) else None,
        case_reference=case.reference,
        people=len(members),
        given_names=[m.latin_given for m in members],
        flight=flight,
        departure=departure.isoformat() if departure else "",
    )


def _signed_text(key: SigningKey, payload: tk.Payload, *, token_id: bytes,
                 issued_at: dt.datetime, expires_at: dt.datetime) -> str:
    """The token text, checked to fit a QR code of version 12 at error correction M.

    A household too large for every given name to fit (about 15 or more people, fewer with long
    names) gets a token without the list: the holder's name and the number of people remain, and
    the printed letter lists everyone.
    """
    private, alg, kid = private_key_of(key), tk.ALG_BY_NAME[key.alg], bytes.fromhex(key.kid)
    for attempt in (payload, replace(payload, given_names=[])):
        claims = tk.Claims(issuer=key.issuer, issued_at=tk.epoch(issued_at),
                           expires_at=tk.epoch(expires_at), token_id=token_id, payload=attempt)
        text = tk.encode(claims, key=private, alg=alg, kid=kid).text
        try:
            make_qr(text)
        except TokenTooLarge:
            continue
        return text
    raise ValidationError({"case": "The document does not fit in a QR code: the holder's name "
                                   "is too long. Shorten the Latin spelling of the name."})


def _issue(*, actor: Actor, reference: str, kind: str, flight_number: str = "",
           departure_date: dt.date | None = None, expires_at: dt.datetime) -> Credential:
    permissions.require(actor, permissions.ISSUE_CREDENTIALS)
    case = registry_selectors.get_case(actor=actor, reference=reference)
    if case.status not in ISSUABLE_STATUSES:
        raise ValidationError(
            {"case": f"Case {case.reference} is {case.get_status_display().lower()}: documents "
                     "are issued only to approved or manifested households. Approve it first."}
        )
    members = list(case.household.members.order_by("pk"))
    if not members:
        raise ValidationError({"case": f"Case {case.reference} has nobody in its household."})
    key = active_signing_key()
    now = timezone.now()
    token_id = secrets.token_bytes(TOKEN_ID_BYTES)
    payload = _payload_for(
        case, members, kind=tk.KIND_LETTER if kind == CredentialKind.LETTER else
        tk.KIND_BOARDING_PASS, flight=flight_number, departure=departure_date,
    )
    text = _signed_text(key, payload, token_id=token_id, issued_at=now, expires_at=expires_at)
    head = next((m for m in members if m.pk == case.household.head_id), members[0])
    with transaction.atomic():
        # The case row is the lock: two staff re-issuing at once still leave one document in force.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        previous = Credential.objects.select_for_update().filter(
            case=case, kind=kind, revoked_at__isnull=True,
            flight_number=flight_number, departure_date=departure_date,
        )
        replaced = list(previous)
        credential = Credential.objects.create(
            token_id=token_id.hex(), kind=kind, case=case, signing_key=key,
            flight_number=flight_number, departure_date=departure_date,
            language=head.preferred_language, token=text, issued_at=now,
            expires_at=expires_at, issued_by=permissions.user_of(actor),
        )
        for old in replaced:
            old.revoked_at, old.revoked_by = now, permissions.user_of(actor)
            old.revocation_reason, old.replaced_by = "replaced", credential
            old.save(update_fields=["revoked_at", "revoked_by", "revocation_reason",
                                    "replaced_by"])
        audit.record_many(actor=actor, events=[
            {"action": "credential.issued", "object_type": "case", "object_id": case.reference,
             "details": {"kind": kind, "token_id": credential.token_id, "kid": key.kid,
                         "flight": flight_number, "replaces": [o.token_id for o in replaced]}},
            *({"action": "credential.revoked", "object_type": "case",
               "object_id": case.reference,
               "details": {"kind": kind, "token_id": o.token_id, "reason": "replaced"}}
              for o in replaced),
        ])
    return credential


def issue_facilitation_letter(*, actor: Actor, reference: str) -> Credential:
    """A facilitation letter for the household of a case; replaces and revokes the previous one."""
    return _issue(actor=actor, reference=reference, kind=CredentialKind.LETTER,
                  expires_at=timezone.now() + letter_lifetime())


def _number_or_blank(code: str) -> str:
    try:
        return normalise_flight_number(code)
    except ValidationError:
        return ""


def normalise_flight_number(text: str) -> str:
    flight = re.sub(r"[\s\-]", "", text).upper()
    if not FLIGHT_NUMBER.match(flight):
        raise ValidationError(
            {"flight_number": f"“{text}” is not a flight number: write the airline code and "
                              "number, such as RCH871 or AF1234."}
        )
    return flight


def issue_boarding_pass(*, actor: Actor, reference: str, flight_number: str,
                        departure_date: dt.date) -> Credential:
    """A boarding pass for one household on the flight it holds a seat on (decision 0071):
    only a manifested household, only for that flight and its departure date. Re-issuing for
    the same flight replaces and revokes the previous pass."""
    permissions.require(actor, permissions.ISSUE_CREDENTIALS)
    flight = normalise_flight_number(flight_number)
    today = timezone.localdate()
    if departure_date < today:
        raise ValidationError(
            {"departure_date": f"The departure date {departure_date} is in the past: give the "
                               "date the flight leaves."}
        )
    case = registry_selectors.get_case(actor=actor, reference=reference)
    if case.status != Status.MANIFESTED:
        raise ValidationError(
            {"case": _("Case %(ref)s is “%(status)s”: a boarding pass is issued only to an "
                       "approved household holding a seat on a flight.")
             % {"ref": case.reference, "status": case.get_status_display()}}
        )
    held = seats.seat_of(case)
    if held is None:
        raise ValidationError({"case": _("Case %(ref)s holds no seat on a scheduled flight; "
                                         "seat it on a flight first.") % {"ref": case.reference}})
    if (_number_or_blank(held.flight_code), held.departure_date) != (flight, departure_date):
        raise ValidationError(
            {"flight_number": _("The household holds a seat on %(code)s leaving %(day)s, not on "
                                "%(asked)s on %(asked_day)s: the pass is for that flight.")
             % {"code": held.flight_code, "day": held.departure_date.isoformat(),
                "asked": flight, "asked_day": departure_date.isoformat()}}
        )
    # Good until the end of the day after departure, local time: delays happen.
    end = dt.datetime.combine(departure_date + dt.timedelta(days=2), dt.time(),
                              tzinfo=timezone.get_current_timezone())
    with transaction.atomic():  # the pass and the household's "boarding pass ready" together
        credential = _issue(actor=actor, reference=reference, kind=CredentialKind.BOARDING_PASS,
                            flight_number=flight, departure_date=departure_date, expires_at=end)
        messaging.queue_message(actor=actor, case=credential.case,
                                kind=Kind.BOARDING_PASS_ISSUED, context={"flight": flight},
                                attachment=credential.token)
    return credential


def revoke_credential(*, actor: Actor, token_id: str, reason: str = "withdrawn") -> Credential:
    permissions.require(actor, permissions.ISSUE_CREDENTIALS)
    with transaction.atomic():
        credential = Credential.objects.select_for_update().select_related("case").get(
            token_id=token_id
        )
        registry_selectors.get_case(actor=actor, reference=credential.case.reference)
        if credential.revoked_at is None:
            credential.revoked_at = timezone.now()
            credential.revoked_by = permissions.user_of(actor)
            credential.revocation_reason = reason[:64]
            credential.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
            audit.record(
                actor=actor, action="credential.revoked", object_type="case",
                object_id=credential.case.reference,
                details={"kind": credential.kind, "token_id": token_id, "reason": reason[:64]},
            )
    return credential


# --- trust list and revocation list -------------------------------------------------------------


@dataclass(frozen=True)
class TrustDocuments:
    trust_list: dict[str, Any]
    revocation_list: dict[str, Any]
    anchor: SigningKey


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def export_trust_documents(*, actor: Actor) -> TrustDocuments:
    """The signed trust list and revocation list, exported by a user or a command: audited."""
    permissions.check_actor(actor)
    documents, keys, revoked = _signed_lists()
    audit.record(
        actor=actor, action="credentials.lists_exported", object_type="signing_key",
        object_id=documents.anchor.kid, details={"keys": keys, "revoked": revoked},
    )
    return documents


def trust_documents() -> TrustDocuments:
    """The signed trust list and revocation list as verifiers load them, signed by the anchor.

    Public documents (public keys, hashes of revoked token ids): the verifier page serves them
    to anyone, unaudited; an export by staff or a command goes through export_trust_documents.
    """
    return _signed_lists()[0]


def _signed_lists() -> tuple[TrustDocuments, int, int]:
    """The documents, and how many keys and revoked tokens they list."""
    active_signing_key()  # a fresh install trusts its first key from the start
    anchor = active_signing_key(purpose=KeyPurpose.LISTS)
    now = timezone.now()
    keys = [
        {"issuer": k.issuer, "kid": k.kid, "alg": k.alg, "public_key": k.public_key,
         "valid_from": _iso(k.created_at),
         "valid_until": _iso(k.valid_until or now + dt.timedelta(days=3650))}
        for k in trusted_keys(now=now)
    ]
    revoked = revoked_hashes()
    common = {"issuer": issuer_name(), "issued_at": _iso(now)}
    key, alg, kid = private_key_of(anchor), tk.ALG_BY_NAME[anchor.alg], bytes.fromhex(anchor.kid)
    trust_list = verification.sign_list(
        {"format": "safepassage-trust-list/1", **common, "keys": keys}, key=key, alg=alg, kid=kid
    )
    revocation_list = verification.sign_list(
        {"format": "safepassage-revocation-list/1", **common,
         "hash": "sha256(token id)[:16] hex", "revoked": revoked},
        key=key, alg=alg, kid=kid,
    )
    return TrustDocuments(trust_list, revocation_list, anchor), len(keys), len(revoked)


# What a document prints of its household (the token's payload and the letter's list of names):
# a correction to any of these makes the documents in force wrong.
PRINTED_FIELDS = frozenset({
    "household", "relationship_to_head", "date_of_birth", "latin_name_source",
    *registry_services.NAME_FIELDS, *registry_services.LATIN_FIELDS,
})


def reissue_documents_after_correction(*, actor: Actor, cases: Iterable[Case]) -> list[Credential]:
    """Each document in force for these cases issued again from the household as it is now,
    the old one revoked as replaced: a gate agent never checks a letter against people who have
    left the household, or against a name since corrected. A pass whose seat no longer fits (the
    registry's correction re-checked it) is revoked instead. Called inside the correction's
    transaction (credentials.subscribers). Returns the new documents."""
    permissions.require(actor, permissions.ISSUE_CREDENTIALS)
    issued: list[Credential] = []
    for case in cases:
        in_force = list(Credential.objects.select_for_update().filter(
            case=case, revoked_at__isnull=True).order_by("pk"))
        for old in in_force:
            try:
                if old.kind == CredentialKind.LETTER:
                    issued.append(issue_facilitation_letter(actor=actor, reference=case.reference))
                elif old.departure_date is not None:
                    issued.append(issue_boarding_pass(
                        actor=actor, reference=case.reference, flight_number=old.flight_number,
                        departure_date=old.departure_date))
                else:
                    revoke_credential(actor=actor, token_id=old.token_id,
                                      reason="household changed")
            except ValidationError:
                revoke_credential(actor=actor, token_id=old.token_id, reason="household changed")
    return issued


def revoke_documents_of_a_moved_case(*, actor: Actor, case: Case, to_status: str) -> int:
    """After a status change: a case no longer approved keeps no document in force; one that
    lost its seat (back to approved, or a no-show) keeps no boarding pass. Called by the
    registry's case_status_changed hook, inside the change's transaction; the change itself was
    authorised, so the revocation needs no capability of its own. Returns how many."""
    permissions.check_actor(actor)
    if to_status in (Status.BOARDED, Status.ARRIVED, Status.RESETTLED, Status.MANIFESTED):
        return 0
    held = Credential.objects.select_for_update().filter(case=case, revoked_at__isnull=True)
    if to_status in APPROVED_PATH:  # back to approved: the seat went, the letter stays
        held = held.filter(kind=CredentialKind.BOARDING_PASS)
        reason = "seat withdrawn"
    elif to_status == Status.NO_SHOW:
        held = held.filter(kind=CredentialKind.BOARDING_PASS)
        reason = "no-show"
    else:
        reason = f"case {to_status}"
    now, by = timezone.now(), permissions.user_of(actor)
    revoked = list(held)
    for credential in revoked:
        credential.revoked_at, credential.revoked_by = now, by
        credential.revocation_reason = reason[:64]
        credential.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    if revoked:
        audit.record_many(actor=actor, events=[
            {"action": "credential.revoked", "object_type": "case", "object_id": case.reference,
             "details": {"kind": c.kind, "token_id": c.token_id, "reason": reason[:64]}}
            for c in revoked
        ])
    return len(revoked)
