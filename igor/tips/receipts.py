"""Receipt codes: how a tipster comes back to the dialogue without an account.

A code is 28 random decimal digits (about 93 bits), written in groups of four so it can pass for a
phone or account number if someone else finds it. Only its Argon2id hash is stored. The hash is
deterministic (a fixed, installation-wide salt derived from the secret key), so the tip can be
found by hashing what the tipster types and looking the result up; a wrong code costs the same
hash and the same indexed lookup as a right one.

The cost parameters are low on purpose. Slow hashing protects secrets people choose, which can be
guessed offline from a stolen hash; a 93-bit random code cannot be, however cheap one try is
(2^93 tries at a billion a second take 10^11 years). What a high cost would buy here is only a
slower tip form and a cheaper way to load the server with wrong codes. Guessing at the door is
what the attempt limits stop.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings

DIGITS = 28
GROUP = 4
# Argon2id: 1 MiB, 1 pass, 1 lane. See the module note on why this is enough here. The floors of
# security-bar.md V11.4.2 (e.g. t=2, m≥19 MiB) are for passwords people choose; the receipt rule
# (Ours-T2) asks for ≥90 bits and an Argon2id hash, which 28 random digits (93 bits) and these
# parameters meet. About 0.4 ms a hash here; going lower would buy nothing measurable on a send,
# and going to the password floor would make each wrong-code try a 19 MiB allocation.
TIME_COST = 1
MEMORY_KIB = 1024
PARALLELISM = 1


def new_code() -> str:
    """A fresh code, as shown: seven groups of four digits."""
    digits = "".join(secrets.choice("0123456789") for _ in range(DIGITS))
    return group(digits)


def group(digits: str) -> str:
    return " ".join(digits[i : i + GROUP] for i in range(0, len(digits), GROUP))


def normalise(typed: str) -> str | None:
    """The digits of what a tipster typed (spaces, dashes and dots allowed), or None."""
    digits = "".join(ch for ch in typed if not ch.isspace() and ch not in "-.")
    digits = digits.translate(NATIVE_DIGITS)
    if len(digits) != DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


# Arabic-Indic and Persian digits are read as the same numbers.
NATIVE_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _salt() -> bytes:
    return hmac.new(str(settings.SECRET_KEY).encode(), b"igor tip receipt salt", "sha256").digest()[
        :16
    ]


def hash_code(digits: str) -> str:
    """The stored form of a code (its digits only): Argon2id, hex."""
    raw = hash_secret_raw(
        secret=digits.encode(),
        salt=_salt(),
        time_cost=TIME_COST,
        memory_cost=MEMORY_KIB,
        parallelism=PARALLELISM,
        hash_len=32,
        type=Type.ID,
    )
    return raw.hex()


def hash_for_lookup(typed: str) -> str:
    """Hash whatever was typed, valid or not, so every attempt costs the same."""
    digits = normalise(typed)
    if digits is None:
        # Still hash something of the same size: a malformed code is not answered faster.
        digits = hashlib.sha256(typed.encode()).hexdigest()[:DIGITS]
        return "x" + hash_code(digits)[1:]  # can never match a stored hash
    return hash_code(digits)


def code_digest(digits: str) -> str:
    """A keyed digest of a code's digits: enough to recognise the code in a message, useless
    for finding the tip (that takes the Argon2id hash)."""
    key = str(settings.SECRET_KEY).encode() + b"igor tip code in text"
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def contains_code(text: str, digest: str) -> bool:
    """Whether a message quotes the receipt code (then it must not be stored): every run of
    28 digits in it, spaces and dashes ignored, is compared with the code's digest."""
    compact = "".join(ch for ch in text.translate(NATIVE_DIGITS) if ch.isascii() and ch.isdigit())
    windows = {compact[i : i + DIGITS] for i in range(0, max(0, len(compact) - DIGITS + 1))}
    return any(hmac.compare_digest(code_digest(window), digest) for window in windows)
