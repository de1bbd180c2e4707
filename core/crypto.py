"""Secrets kept in the database (a connector's credentials, a webhook's shared secret), encrypted at rest.

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from the deployment's secret key (SERVPLAN_SECRET_KEY, or
var/secret_key, which the backup archive carries): a copy of the database alone reveals nothing. Changing the
secret key makes stored secrets unreadable (`decrypt` raises `Unreadable`); they are then entered again.
"""

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class Unreadable(Exception):
    """The stored secret was encrypted with another key (the secret key changed) or was altered."""


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"servplan-secrets:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value) -> str:
    """Any JSON value as an encrypted token (text); "" for an empty value."""
    if value in (None, "", {}):
        return ""
    return _fernet().encrypt(json.dumps(value, ensure_ascii=False).encode()).decode()


def decrypt(token: str):
    """The value `encrypt` was given; None for ""."""
    if not token:
        return None
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except (InvalidToken, ValueError) as exc:
        raise Unreadable from exc
