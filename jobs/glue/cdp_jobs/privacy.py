"""Privacy rules for identifiers, applied per column classification when records enter the processed zone.

Upstream, the hub's preprocessing Lambda already replaces identifier fields by ``HMAC-SHA256(HASH_SALT, value)`` (hex)
when ``hashIdentifiers`` is on, and marks the record ``_meta.piiHashed``. The jobs apply the same function to the
``pii`` columns of records that arrive unhashed (domain events from the EventBridge path, hub records with hashing
off), with the same salt, so a value hashes identically whichever way it came and stays joinable (e.g. e-mail
addresses for entity resolution and the customer profile). Already hashed values are never hashed twice.

HMAC is built from Spark built-ins (``sha2`` over binary concatenations, RFC 2104) with the padded keys computed once
on the driver: no Python UDF, and byte for byte what Node's ``createHmac("sha256", salt)`` gives.
"""

from __future__ import annotations

import hashlib

from pyspark.sql import Column
from pyspark.sql import functions as F

#: What happens to a column of each classification: ``hash`` (keyed hash), ``drop`` (never written) or ``keep``.
DEFAULT_RULES: dict[str, str] = {
    "public": "keep",
    "internal": "keep",
    "confidential": "keep",
    "pii": "hash",
    "restricted": "drop",
}
ACTIONS = ("keep", "hash", "drop")
#: The Lambda's minimum salt length (functions/preprocess/config.ts), kept the same here.
MIN_SALT_LENGTH = 16
_BLOCK = 64  # SHA-256 block size in bytes


class PrivacyError(ValueError):
    """A privacy setting that cannot be applied (missing or short salt, unknown rule)."""


def parse_rules(overrides: dict[str, str] | None) -> dict[str, str]:
    rules = dict(DEFAULT_RULES)
    for cls, action in (overrides or {}).items():
        if cls not in DEFAULT_RULES:
            raise PrivacyError(f"privacy rule for {cls!r}: expected a classification ({', '.join(DEFAULT_RULES)})")
        if action not in ACTIONS:
            raise PrivacyError(f"privacy rule {cls}={action!r}: expected one of {', '.join(ACTIONS)}")
        rules[cls] = action
    return rules


def check_salt(salt: str | None) -> str:
    if salt is None or len(salt) < MIN_SALT_LENGTH:
        raise PrivacyError(
            f"--hash-salt must be at least {MIN_SALT_LENGTH} characters when a classification is hashed "
            "(the same secret as the preprocessing Lambda's HASH_SALT, from Secrets Manager)"
        )
    return salt


def hmac_sha256_hex(value: Column, salt: str) -> Column:
    """``HMAC-SHA256(salt, value)`` as lower-case hex; null stays null."""
    key = salt.encode("utf-8")
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    ipad = F.lit(bytes(b ^ 0x36 for b in key))
    opad = F.lit(bytes(b ^ 0x5C for b in key))
    inner = F.unhex(F.sha2(F.concat(ipad, F.encode(value, "UTF-8")), 256))
    return F.when(value.isNotNull(), F.sha2(F.concat(opad, inner), 256))
