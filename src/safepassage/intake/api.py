"""The partner API: register households one by one or by the thousand, with Idempotency-Key,
and follow the organisation's own referrals. Thin: shapes in serializers, work in services."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.urls import reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    parser_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.throttling import BaseThrottle

from safepassage.accounts import permissions as capabilities
from safepassage.accounts.models import User
from safepassage.intake import selectors, services, throttle
from safepassage.intake.bounded_json import BodyOverLimit, BoundedJSONParser, over_size
from safepassage.intake.models import ApiToken
from safepassage.intake.serializers import (
    BatchSerializer,
    ProblemDocumentSerializer,
    ReferralPageSerializer,
    ReferralStatusSerializer,
    RegistrationSerializer,
    SubmissionStatusSerializer,
)
from safepassage.service_errors import with_instance


class PartnerTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer sp_…`, a token issued to one partner organisation."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in {b"bearer", b"token"}:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the header as: Authorization: Bearer TOKEN")
        try:
            clear = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("This token is not valid.") from None
        token = services.authenticate_api_token(clear)
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token is not valid or was revoked.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = PartnerTokenAuthentication
    name = "partnerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer",
                "description": "A token issued to your organisation (safepassage api-token)."}


class MayRefer(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user  # None without a token (REST_FRAMEWORK's UNAUTHENTICATED_USER)
        return isinstance(user, User) and capabilities.can(user, capabilities.REFER_CASES)


class PartnerTokenThrottle(BaseThrottle):
    """At most INTAKE_API_REQUESTS_PER_MINUTE requests a minute per token: one partner's runaway
    script must not take the registrations of everyone else down with it. A refused request is
    answered 429 with Retry-After before anything is stored; the client retries it as it is,
    with the same Idempotency-Key. A batch of up to 1,000 households counts as one request."""

    WINDOW_SECONDS = 60

    def allow_request(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        return throttle.allow_key(
            f"token:{token.pk}", scope="api", limit=settings.INTAKE_API_REQUESTS_PER_MINUTE,
            window_seconds=self.WINDOW_SECONDS,
        )

    def wait(self) -> float:
        return float(throttle.seconds_left(self.WINDOW_SECONDS))


def _api(view: Any) -> Any:
    view = parser_classes([BoundedJSONParser, FormParser, MultiPartParser])(view)
    view = throttle_classes([PartnerTokenThrottle])(view)
    view = permission_classes([MayRefer])(view)
    return authentication_classes([PartnerTokenAuthentication])(view)


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Any unique string up to 200 characters. A retry with the same key returns the "
                "first answer and creates nothing.",
)


def _token(request: Request) -> ApiToken:
    return cast(ApiToken, request.auth)


def _partner(request: Request) -> User:
    """The partner account the token acts as (PartnerTokenAuthentication let it through)."""
    user = request.user
    if not isinstance(user, User):
        raise exceptions.NotAuthenticated()
    return user


def _idempotency_key(request: Request) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if len(key) > 200 or not key.isprintable():
        raise exceptions.ValidationError(
            {"Idempotency-Key": "Use up to 200 printable characters, for example a UUID."})
    return key


def _registered(request: Request, shape: type[Serializer[Any]], *, batch: bool) -> Response:
    """Translate: the request to register_from_api, its answer to a response. A body the API
    cannot read (over a limit, not JSON, another media type) is refused with a problem document,
    its raw submission closed with the reason."""

    def read() -> services.ApiRegistrations:
        try:
            data = request.data
        except exceptions.ParseError as error:
            return services.ApiRegistrations(refusal=_refusal(error))
        except exceptions.UnsupportedMediaType as error:
            return services.ApiRegistrations(refusal=_refusal(error, code="unsupported_media_type"))
        found = shape(data=data)
        if not found.is_valid():
            return services.ApiRegistrations(shape_errors=found.errors)
        data = found.validated_data
        return services.ApiRegistrations(households=data["registrations"] if batch else [data])

    actor, organisation = _partner(request), _token(request).organisation
    content_type, key = request.content_type or "", _idempotency_key(request)
    declared = request.META.get("CONTENT_LENGTH") or "0"
    size = int(declared) if declared.isdigit() else 0
    if size > settings.INTAKE_API_MAX_BODY_BYTES:
        # Not read at all: only a record of the refusal is kept.
        answer = services.refuse_api_body(
            actor=actor, organisation=organisation, content_type=content_type,
            idempotency_key=key, refusal=_refusal(over_size(size)))
    else:
        answer = services.register_from_api(
            actor=actor, organisation=organisation, body=request.body,
            content_type=content_type, idempotency_key=key, read=read, batch=batch,
        )
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
    body = answer.body
    if answer.status == 202:
        url = _status_url(request, str(body["id"]))
        body, headers["Location"] = {**body, "status_url": url}, url
    if answer.problem:
        body = with_instance(body, request)
    return Response(body, status=answer.status, headers=headers,
                    content_type="application/problem+json" if answer.problem else None)


def _status_url(request: Request, public_id: str) -> str:
    return request.build_absolute_uri(reverse("intake:api-submission", args=[public_id]))


def _refusal(error: exceptions.APIException, code: str = "unreadable_body",
             ) -> services.ApiRefusal:
    if isinstance(error, BodyOverLimit):
        return services.ApiRefusal(
            status=413 if error.limit_name == "SAFEPASSAGE_API_MAX_BODY_BYTES" else 400,
            code="body_over_limit", detail=str(error.detail),
            limit={"name": error.limit_name, "value": error.limit, "figure": error.figure})
    return services.ApiRefusal(status=error.status_code, code=code, detail=str(error.detail))


# Every operation's errors, as problem documents (RFC 9457): the answers the API can give.
_ERRORS = (400, 401, 403, 404, 405, 406, 413, 415, 422, 429, 500)


def _problems(*codes: int) -> dict[Any, Any]:
    return {(code, "application/problem+json"): OpenApiResponse(
        ProblemDocumentSerializer, description="A problem document (RFC 9457).")
        for code in codes or _ERRORS}


_ACCEPTED = OpenApiResponse(
    SubmissionStatusSerializer,
    description="Accepted: kept, to be registered in the background. Follow status_url (also in "
                "Location) until its outcome is no longer \"received\".")


@extend_schema(
    methods=["POST"], request=RegistrationSerializer, parameters=[IDEMPOTENCY_HEADER],
    responses={202: _ACCEPTED, **_problems()},
    summary="Register one household",
    description="The body's shape and the household's values are checked at once (400, 422); "
                "the household is then registered in the background.",
)
@extend_schema(
    methods=["GET"],
    parameters=[
        OpenApiParameter("external_id", str, description="Only the case of this person."),
        OpenApiParameter("limit", int), OpenApiParameter("offset", int),
    ],
    responses={200: ReferralPageSerializer, **_problems()},
    summary="Your organisation's referrals and their status, a page at a time",
    operation_id="v1_registrations_list",  # a page, not one referral (its own operation below)
)
@api_view(["GET", "POST"])
@_api
def referral_list_or_register(request: Request) -> Response:
    if request.method == "POST":
        return _register(request)
    return _referral_list(request)


def _register(request: Request) -> Response:
    return _registered(request, RegistrationSerializer, batch=False)


@extend_schema(
    request=BatchSerializer, parameters=[IDEMPOTENCY_HEADER],
    responses={202: _ACCEPTED, **_problems()}, summary="Register up to 1,000 households",
    description="The body's shape is checked at once (400); each household's values are checked "
                "by the registration in the background, and its result is in the status.",
)
@api_view(["POST"])
@_api
def register_batch(request: Request) -> Response:
    return _registered(request, BatchSerializer, batch=True)


def _referral_list(request: Request) -> Response:
    external_id = request.query_params.get("external_id", "")
    if "\x00" in external_id or len(external_id) > 100:
        raise exceptions.ValidationError({"external_id": "Up to 100 characters, no NUL."})
    cases = selectors.referrals_of(actor=_partner(request), external_id=external_id)
    paginator = LimitOffsetPagination()
    paginator.default_limit, paginator.max_limit = 100, 1000
    page = paginator.paginate_queryset(cases, request) or []
    return paginator.get_paginated_response(selectors.referral_statuses(page))


@extend_schema(responses={200: ReferralStatusSerializer, **_problems()},
               summary="One referral's status")
@api_view(["GET"])
@_api
def referral_detail(request: Request, reference: str) -> Response:
    case = selectors.referral(actor=_partner(request), reference=reference)
    if case is None:
        raise exceptions.NotFound("No referral of your organisation has this reference.")
    return Response(selectors.referral_statuses([case])[0])


@extend_schema(responses={200: SubmissionStatusSerializer, **_problems()},
               summary="A submission's status: received, then registered (or why not)")
@api_view(["GET"])
@_api
def submission_detail(request: Request, public_id: Any) -> Response:
    submission = selectors.accepted_submission(actor=_partner(request), public_id=str(public_id))
    if submission is None:
        raise exceptions.NotFound("No submission of your organisation has this id.")
    return Response({**services.submission_status(submission),
                     "status_url": _status_url(request, str(submission.public_id))})
