"""The partner API: register households one by one or by the thousand, with Idempotency-Key,
and follow the organisation's own referrals. Thin: shapes in serializers, work in services."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
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
    BatchResultSerializer,
    BatchSerializer,
    ReferralStatusSerializer,
    RegistrationSerializer,
    ResultSerializer,
)


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
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else None
    return Response(answer.body, status=answer.status, headers=headers,
                    content_type="application/problem+json" if answer.problem else None)


def _refusal(error: exceptions.APIException, code: str = "unreadable_body",
             ) -> services.ApiRefusal:
    if isinstance(error, BodyOverLimit):
        return services.ApiRefusal(
            status=400, code="body_over_limit", detail=str(error.detail),
            limit={"name": error.limit_name, "value": error.limit, "figure": error.figure})
    return services.ApiRefusal(status=error.status_code, code=code, detail=str(error.detail))


@extend_schema(
    methods=["POST"], request=RegistrationSerializer, parameters=[IDEMPOTENCY_HEADER],
    responses={201: ResultSerializer, 200: ResultSerializer, 422: ResultSerializer},
    summary="Register one household",
)
@extend_schema(
    methods=["GET"],
    parameters=[
        OpenApiParameter("external_id", str, description="Only the case of this person."),
        OpenApiParameter("limit", int), OpenApiParameter("offset", int),
    ],
    responses={200: ReferralStatusSerializer(many=True)},
    summary="Your organisation's referrals and their status",
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
    responses={200: BatchResultSerializer}, summary="Register up to 1,000 households",
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


@extend_schema(responses={200: ReferralStatusSerializer}, summary="One referral's status")
@api_view(["GET"])
@_api
def referral_detail(request: Request, reference: str) -> Response:
    case = selectors.referral(actor=_partner(request), reference=reference)
    if case is None:
        raise exceptions.NotFound("No referral of your organisation has this reference.")
    return Response(selectors.referral_statuses([case])[0])
