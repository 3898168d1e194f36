"""Model fields whose values are encrypted in the database and plain in Python.

They support no look-ups but `isnull`: search goes through blind indexes (registry.Identifier).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from django.db import models

from safepassage.protection.cipher import decrypt, encrypt

if TYPE_CHECKING:
    # Text, dates and JSON are all stored as encrypted text: the model attributes are typed Any,
    # as a TextField subclass without type arguments makes them (one field class, many types).
    _TextField = models.TextField[Any, Any]
else:
    _TextField = models.TextField


class EncryptedTextField(_TextField):
    """Text encrypted with AES-GCM. An empty string is stored as empty (it names no one)."""

    _pyi_private_set_type: Any  # what django-stubs' plugin lets a model attribute be given
    _pyi_private_get_type: Any

    def contribute_to_class(self, cls: Any, name: str, *args: Any, **kwargs: Any) -> None:
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.crypto_context = f"{cls._meta.label_lower}.{name}"

    def to_plain_text(self, value: Any) -> str:
        return str(value)

    def from_plain_text(self, text: str) -> Any:
        return text

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        return encrypt(self.to_plain_text(value), context=self.crypto_context)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return self.from_plain_text(decrypt(value, context=self.crypto_context))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedDateField(EncryptedTextField):
    def to_plain_text(self, value: Any) -> str:
        return value.isoformat() if isinstance(value, dt.date) else str(value)

    def from_plain_text(self, text: str) -> Any:
        return dt.date.fromisoformat(text)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value:
            return dt.date.fromisoformat(value)
        return value


class EncryptedJSONField(EncryptedTextField):
    def to_plain_text(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def from_plain_text(self, text: str) -> Any:
        return json.loads(text)

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt(self.to_plain_text(value), context=self.crypto_context)
