"""AES-256-GCM encryption of sensitive text at rest, with keys outside the database.

Stored form: ``v1$<key id>$<base64(nonce ‖ ciphertext ‖ tag)>``. The associated data binds a
value to its table and column, so a ciphertext copied into another column does not decrypt.
Decryption failures raise: a tampered or foreign value is never returned as data (fail closed).
"""

from __future__ import annotations

import base64
import binascii
import os
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

VERSION = "v1"


class DecryptionError(Exception):
    """A stored value could not be decrypted: tampered, moved, or under an unknown key."""


@lru_cache(maxsize=4)
def _parse_keys(spec: str) -> tuple[str, dict[str, bytes]]:
    keys: dict[str, bytes] = {}
    primary = ""
    for item in spec.split(","):
        key_id, _, encoded = item.strip().partition(":")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise ImproperlyConfigured(f"Data key {key_id!r} is not valid base64.") from exc
        if len(raw) != 32:
            raise ImproperlyConfigured(f"Data key {key_id!r} must be 32 bytes (AES-256).")
        keys[key_id] = raw
        primary = primary or key_id
    if not primary:
        raise ImproperlyConfigured("IGOR_DATA_KEYS names no key.")
    return primary, keys


def keys() -> tuple[str, dict[str, bytes]]:
    return _parse_keys(str(settings.DATA_ENCRYPTION_KEYS))


def encrypt(plaintext: str, context: str) -> str:
    key_id, all_keys = keys()
    nonce = os.urandom(12)
    sealed = AESGCM(all_keys[key_id]).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{VERSION}${key_id}${base64.b64encode(nonce + sealed).decode()}"


def decrypt(stored: str, context: str) -> str:
    try:
        version, key_id, body = stored.split("$", 2)
        raw = base64.b64decode(body, validate=True)
        key = keys()[1][key_id]
    except (ValueError, KeyError, binascii.Error) as exc:
        raise DecryptionError("unreadable ciphertext or unknown key") from exc
    if version != VERSION:
        raise DecryptionError(f"unknown format {version!r}")
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except InvalidTag as exc:
        raise DecryptionError("ciphertext does not authenticate") from exc


class EncryptedTextField(models.TextField):
    """A text column stored encrypted. Empty text is stored as empty (nothing to hide).

    Encrypted columns cannot be searched or ordered: keep searchable facts elsewhere.
    """

    def _context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.attname}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value, self._context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value), self._context())
