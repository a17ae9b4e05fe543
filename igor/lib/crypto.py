"""Encryption of sensitive text at rest: AES-256-GCM under a key per record, wrapped by a master key.

Envelope encryption (docs: README "Encryption at rest"):

* Every row of a model that declares an ``EncryptedTextField`` carries its own **data key** in a
  hidden column, ``data_key``, added to the model automatically. It holds a random 16-byte row
  identifier and a random 256-bit AES key, the key wrapped (AES key wrap, RFC 3394) by a **master
  key** that lives outside the database (``IGOR_MASTER_KEYS`` or ``IGOR_MASTER_KEYS_FILE``).
  Stored form: ``v2$<master key id>$<base64(row id ‖ wrapped key)>``.
* Each value is sealed with AES-256-GCM under its row's data key and a fresh random 96-bit nonce.
  The associated data names the table, the column and the row identifier, so a value copied into
  another column or another row does not decrypt. Stored form: ``v2$<base64(nonce ‖ ct ‖ tag)>``;
  empty text is stored empty.
* Rotating a master key re-wraps data keys only (``igor keys rotate``); the values stay as they are.
* Every failure raises ``DecryptionError`` with the table, column and row, never the value: a
  tampered, moved or foreign value is never returned as data (fail closed), and it is logged.

The row identifier is made in Python when the row is first saved, so an insert needs no primary
key in advance (bulk_create works). Values are decrypted lazily, on first attribute access.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import class_prepared

logger = logging.getLogger("igor.crypto")

FORMAT = "v2"
LEGACY_FORMAT = "v1"  # one AES-GCM key for everything, no row binding; read by migrations only
DATA_KEY_FIELD = "data_key"
KEY_BYTES = 32  # AES-256
ROW_ID_BYTES = 16
NONCE_BYTES = 12  # GCM's 96-bit nonce, random per value
_WRAPPED_BYTES = KEY_BYTES + 8  # RFC 3394 adds one 64-bit block
_KEY_ID = re.compile(r"[a-z0-9_.-]{1,40}")


class DecryptionError(Exception):
    """A stored value could not be decrypted: tampered, moved, or under a key we do not hold."""


class EncryptionError(Exception):
    """An encrypted value was written or queried in a way that cannot be encrypted for its row."""


# --- Master keys --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MasterKeys:
    """The configured master keys: the primary wraps new data keys, the others still unwrap."""

    primary: str
    keys: dict[str, bytes] = field(repr=False)


@lru_cache(maxsize=8)
def parse_master_keys(spec: str) -> MasterKeys:
    """Parse ``id:base64(32 bytes),id:…``; the first key is the primary one."""
    keys: dict[str, bytes] = {}
    for item in spec.split(","):
        key_id, _, encoded = item.strip().partition(":")
        if not _KEY_ID.fullmatch(key_id):
            raise ImproperlyConfigured(
                f"Master key id {key_id!r} must be 1-40 lowercase letters, digits, '.', '_' or '-'."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"Master key id {key_id!r} is listed twice.")
        try:
            raw = base64.b64decode(encoded.strip(), validate=True)
        except binascii.Error as exc:
            raise ImproperlyConfigured(f"Master key {key_id!r} is not valid base64.") from exc
        if len(raw) != KEY_BYTES:
            raise ImproperlyConfigured(f"Master key {key_id!r} must be 32 bytes (AES-256).")
        keys[key_id] = raw
    if not keys:
        raise ImproperlyConfigured("IGOR_MASTER_KEYS names no key.")
    return MasterKeys(primary=next(iter(keys)), keys=keys)


def master_keys() -> MasterKeys:
    return parse_master_keys(str(settings.MASTER_KEYS))


def generate_master_key(key_id: str) -> str:
    """A new master key line for IGOR_MASTER_KEYS: ``id:base64(32 random bytes)``."""
    if not _KEY_ID.fullmatch(key_id):
        raise ValueError("a key id is 1-40 lowercase letters, digits, '.', '_' or '-'")
    return f"{key_id}:{base64.b64encode(os.urandom(KEY_BYTES)).decode()}"


# --- Data keys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataKey:
    """One record's key, unwrapped, with the row identifier that binds its values to the row."""

    stored: str  # the wrapped form kept in the row's data_key column
    master_key_id: str
    row_id: bytes
    key: bytes = field(repr=False)


def new_data_key() -> DataKey:
    """A fresh random data key and row identifier, wrapped by the primary master key."""
    masters = master_keys()
    row_id, key = os.urandom(ROW_ID_BYTES), os.urandom(KEY_BYTES)
    return DataKey(
        _wrap(masters.primary, masters.keys[masters.primary], row_id, key),
        masters.primary,
        row_id,
        key,
    )


def _wrap(master_key_id: str, master: bytes, row_id: bytes, key: bytes) -> str:
    body = base64.b64encode(row_id + aes_key_wrap(master, key)).decode()
    return f"{FORMAT}${master_key_id}${body}"


def _split_stored_key(stored: str) -> tuple[str, bytes, bytes]:
    try:
        version, master_key_id, body = stored.split("$")
        raw = base64.b64decode(body, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise DecryptionError("the row's data key is unreadable") from exc
    if version != FORMAT or len(raw) != ROW_ID_BYTES + _WRAPPED_BYTES:
        raise DecryptionError("the row's data key has an unknown format")
    return master_key_id, raw[:ROW_ID_BYTES], raw[ROW_ID_BYTES:]


def master_key_id_of(stored: str) -> str:
    """Which master key wraps a stored data key (for status and rotation)."""
    return _split_stored_key(stored)[0]


def open_data_key(stored: str) -> DataKey:
    """Unwrap a stored data key with the master key it names. Raises DecryptionError."""
    return _open_data_key(stored, str(settings.MASTER_KEYS))


@lru_cache(maxsize=4096)
def _open_data_key(stored: str, spec: str) -> DataKey:
    # Cached by the wrapped form and the key configuration: a page of rows reads each key once.
    master_key_id, row_id, wrapped = _split_stored_key(stored)
    master = parse_master_keys(spec).keys.get(master_key_id)
    if master is None:
        raise DecryptionError(
            f"the row's data key is wrapped by master key {master_key_id!r}, "
            "which is not in IGOR_MASTER_KEYS"
        )
    try:
        key = aes_key_unwrap(master, wrapped)
    except InvalidUnwrap as exc:
        raise DecryptionError(
            f"the row's data key does not unwrap under master key {master_key_id!r}"
        ) from exc
    return DataKey(stored, master_key_id, row_id, key)


def rewrap(stored: str, master_key_id: str | None = None) -> str:
    """The same data key and row identifier, wrapped by another master key (the primary)."""
    data_key = open_data_key(stored)
    masters = master_keys()
    target = master_key_id or masters.primary
    return _wrap(target, masters.keys[target], data_key.row_id, data_key.key)


# --- Values -------------------------------------------------------------------------------------


class Ciphertext(str):
    """A value already sealed for its row; passed to the database unchanged."""


def _associated_data(table: str, column: str, row_id: bytes) -> bytes:
    return json.dumps([FORMAT, table, column, row_id.hex()], separators=(",", ":")).encode()


def seal(plaintext: str, data_key: DataKey, *, table: str, column: str) -> Ciphertext:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(data_key.key).encrypt(
        nonce, plaintext.encode(), _associated_data(table, column, data_key.row_id)
    )
    return Ciphertext(f"{FORMAT}${base64.b64encode(nonce + sealed).decode()}")


def unseal(stored: str, data_key: DataKey, *, table: str, column: str) -> str:
    version, _, body = stored.partition("$")
    if version == LEGACY_FORMAT:
        raise DecryptionError("the value is in the old v1 format: run `igor migrate`")
    try:
        raw = base64.b64decode(body, validate=True)
    except binascii.Error as exc:
        raise DecryptionError("the value is unreadable") from exc
    if version != FORMAT or len(raw) < NONCE_BYTES + 16:
        raise DecryptionError(f"the value has an unknown format {version!r}")
    try:
        plain = AESGCM(data_key.key).decrypt(
            raw[:NONCE_BYTES],
            raw[NONCE_BYTES:],
            _associated_data(table, column, data_key.row_id),
        )
    except InvalidTag as exc:
        raise DecryptionError(
            "the value does not authenticate (altered, or moved from another row or column)"
        ) from exc
    return plain.decode()


def open_legacy(stored: str, context: str) -> str:
    """Decrypt a v1 value (``v1$<key id>$…``, bound to ``app.model.field``); for migrations."""
    try:
        version, key_id, body = stored.split("$", 2)
        raw = base64.b64decode(body, validate=True)
        key = master_keys().keys[key_id]
    except (ValueError, KeyError, binascii.Error) as exc:
        raise DecryptionError(
            "an old v1 value is unreadable or its key is not in IGOR_MASTER_KEYS"
        ) from exc
    if version != LEGACY_FORMAT:
        raise DecryptionError(f"not a v1 value: {version!r}")
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()).decode()
    except InvalidTag as exc:
        raise DecryptionError("an old v1 value does not authenticate") from exc


def seal_legacy(plaintext: str, context: str) -> str:
    """A v1 value under the primary master key: only to reverse the migration to v2."""
    masters = master_keys()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(masters.keys[masters.primary]).encrypt(
        nonce, plaintext.encode(), context.encode()
    )
    return f"{LEGACY_FORMAT}${masters.primary}${base64.b64encode(nonce + sealed).decode()}"


# --- Model fields -------------------------------------------------------------------------------


class Sealed:
    """A value as loaded from the database, not yet decrypted.

    Model instances decrypt it on first access. ``values()`` and ``values_list()`` hand it out
    as is; it refuses to turn into text, so it can never be shown or exported by mistake.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return "<Sealed>"

    def __str__(self) -> str:
        raise EncryptionError(
            "An encrypted value is read through its model instance, not values()/values_list()."
        )


class DataKeyField(models.TextField):
    """The hidden column that holds a row's wrapped data key (added to models automatically)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)  # rows that existed before the model had encrypted fields
        # One key per row: a row copied with its key would let values move between the copies.
        kwargs.setdefault("unique", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if add and model_instance.__dict__.get(self.attname) is None:
            model_instance.__dict__[self.attname] = new_data_key().stored
        return model_instance.__dict__.get(self.attname)


class EncryptedAttribute(DeferredAttribute):
    """Decrypts a loaded value on first access, with the row's data key; stores what is set."""

    field: EncryptedTextField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.decrypt_for(instance, value.text)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """A text column stored encrypted for its row (see the module docstring).

    Empty text is stored empty (nothing to hide). Encrypted columns cannot be searched, ordered
    or written with ``QuerySet.update()``/``bulk_update()``; only ``=""``, ``in`` and ``isnull``
    lookups work. Keep searchable facts in other columns. An instance copied with ``pk = None``
    keeps its data key and so cannot be inserted (the key is unique): build a new instance.
    """

    descriptor_class = EncryptedAttribute
    _allowed_lookups = frozenset({"exact", "in", "isnull"})

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in self._allowed_lookups:
            return None  # Django then raises "Unsupported lookup": loud, not a silent miss
        return super().get_lookup(lookup_name)

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "" or isinstance(value, Ciphertext):
            return value
        raise EncryptionError(
            f"{self._where()}: a value can only be encrypted when its model instance is saved "
            "(not in a filter, QuerySet.update() or bulk_update())."
        )

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, Sealed) and value.text.startswith(f"{FORMAT}$"):
            return Ciphertext(value.text)  # unchanged since it was loaded for this row
        value = getattr(model_instance, self.attname)  # decrypts an older format, or raises
        if value is None or value == "":
            return value
        data_key = _data_key_for_write(model_instance, add)
        return seal(str(value), data_key, table=self.model._meta.db_table, column=self.column)

    def decrypt_for(self, instance: models.Model, stored: str) -> str:
        try:
            stored_key = getattr(instance, DATA_KEY_FIELD, None)
            if not stored_key:
                raise DecryptionError("the row has no data key")
            return unseal(
                stored,
                open_data_key(stored_key),
                table=self.model._meta.db_table,
                column=self.column,
            )
        except DecryptionError as exc:
            message = f"cannot decrypt {self._where()} of row {instance.pk}: {exc}"
            logger.error(message)
            raise DecryptionError(message) from exc

    def _where(self) -> str:
        model = getattr(self, "model", None)
        return f"{model._meta.db_table}.{self.column}" if model else "an encrypted field"


def _data_key_for_write(instance: models.Model, add: bool) -> DataKey:
    stored = getattr(instance, DATA_KEY_FIELD)
    if stored:
        return open_data_key(stored)
    data_key = new_data_key()
    instance.__dict__[DATA_KEY_FIELD] = data_key.stored
    if not add and instance.pk is not None:
        # An existing row getting its first encrypted value: store its key now, because a save
        # with update_fields would not write the data_key column.
        updated = (
            type(instance)
            ._base_manager.filter(pk=instance.pk, **{f"{DATA_KEY_FIELD}__isnull": True})
            .update(**{DATA_KEY_FIELD: data_key.stored})
        )
        exists = type(instance)._base_manager.filter(pk=instance.pk).exists()
        if exists and not updated:
            raise EncryptionError("the row got a data key from another save meanwhile; retry")
    return data_key


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def _add_data_key_column(sender: type[models.Model], **kwargs: Any) -> None:
    """Give every model with an encrypted column its data_key column (migrations include it).

    Historical models rendered by migrations (module ``__fake__``) declare it themselves.
    """
    if sender._meta.abstract or sender.__module__ == "__fake__":
        return
    local = sender._meta.local_fields
    has_encrypted = any(isinstance(f, EncryptedTextField) for f in local)
    if has_encrypted and not any(f.name == DATA_KEY_FIELD for f in local):
        sender.add_to_class(DATA_KEY_FIELD, DataKeyField())


class_prepared.connect(_add_data_key_column, dispatch_uid="igor.lib.crypto.data_key")
