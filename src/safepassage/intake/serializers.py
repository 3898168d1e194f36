"""Shapes of the partner API (the schema at /api/schema/ is generated from these).

They check types and sizes only; the values are checked and normalised by intake.records, which
answers each problem with field, code, message and hint.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from safepassage.intake.records import MAX_LENGTHS, PERSON_COLUMNS
from safepassage.registry.models import Category, Status

MAX_MEMBERS = 40
MAX_BATCH = 1000


class Utf8CharField(serializers.CharField):
    """Text that can be stored: JSON may carry lone surrogates, which no database accepts."""

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise serializers.ValidationError("Text must be valid Unicode.") from None
        return text


def _text(column: str) -> Utf8CharField:
    return Utf8CharField(required=column == "given_name", allow_blank=True, trim_whitespace=False,
                         max_length=MAX_LENGTHS.get(column, 200) * 2)


class MemberSerializer(serializers.Serializer[Any]):
    """One person, with the columns of the spreadsheet format."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        return {column: _text(column) for column in PERSON_COLUMNS}


class RegistrationSerializer(serializers.Serializer[Any]):
    category = Utf8CharField(required=False, allow_blank=True, max_length=60,
                             help_text="One of: " + ", ".join(Category.values))
    # With many=True the lengths go to the ListSerializer, which the stubs' __init__ omits.
    members = MemberSerializer(  # type: ignore[call-arg]
        many=True, min_length=1, max_length=MAX_MEMBERS, help_text=(
        "The household: the registrant (head) first, then everyone who travels with them."))


class BatchSerializer(serializers.Serializer[Any]):
    registrations = RegistrationSerializer(  # type: ignore[call-arg]  # as members above
        many=True, min_length=1, max_length=MAX_BATCH)


class ProblemSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(help_text="Which field, e.g. members[1].date_of_birth")
    code = serializers.CharField()
    message = serializers.CharField(help_text="What was wrong.")
    hint = serializers.CharField(help_text="What to do.")


class ResultSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(choices=["registered", "unchanged", "rejected"])
    reference = serializers.CharField(allow_blank=True)
    problems = ProblemSerializer(many=True)
    warnings = ProblemSerializer(
        many=True, help_text="Read, but said back: e.g. a relationship word not recognised, "
        "recorded as other relative. They never hold the registration.")


class BatchResultSerializer(serializers.Serializer[Any]):
    registered = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = ResultSerializer(many=True)


class ReferralStatusSerializer(serializers.Serializer[Any]):
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    status_changed_at = serializers.DateTimeField()
    registered_at = serializers.DateTimeField()
    external_ids = serializers.ListField(child=serializers.CharField())


class ReferralPageSerializer(serializers.Serializer[Any]):
    """GET /registrations/ answers a page (limit and offset), not a bare list."""

    count = serializers.IntegerField(help_text="Referrals in all, over every page.")
    next = serializers.URLField(allow_null=True, help_text="The next page, if any.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, if any.")
    results = ReferralStatusSerializer(many=True)


class SubmissionStatusSerializer(serializers.Serializer[Any]):
    """An accepted submission: "received" until the worker registers it, then its outcome."""

    id = serializers.UUIDField()
    outcome = serializers.ChoiceField(
        choices=["received", "registered", "unchanged", "partly", "rejected"])
    received_at = serializers.DateTimeField()
    processed_at = serializers.DateTimeField(allow_null=True)
    registered = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = ResultSerializer(many=True, help_text="One per household, in the order sent; "
                               "empty while received.")
    status_url = serializers.URLField()


class ProblemDocumentSerializer(serializers.Serializer[Any]):
    """RFC 9457 problem details, for every error of the API."""

    type = serializers.CharField(help_text='"about:blank": the status says what kind.')
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What was wrong and what to do.")
    instance = serializers.CharField(help_text="The path of the request.")

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # `errors` is a Serializer's own attribute: the member is declared here.
        return {**super().get_fields(), "errors": serializers.DictField(
            required=False, child=serializers.JSONField(),
            help_text="Field errors: for each field (a path such as members[1].date_of_birth), "
                      "its messages.")}
