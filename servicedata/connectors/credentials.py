"""A connector's credentials: written once (encrypted with core.crypto into `Connector.credentials`), read only by
the sync, never shown again. Pages and the API say whether they are set; a new set replaces the old one whole.

Keys: "login" (ServiceNow user name, Jira account e-mail; empty: the secret is a bearer token), "secret" (password,
API token, GLPI user token, Zammad access token, or an OAuth/personal access token) and "app_token" (GLPI's
App-Token).
"""

from django.utils.translation import gettext as _t

from core import crypto

from .base import ConnectorError

KEYS = ("login", "secret", "app_token")
MASK = "•••"


def encrypt(values: dict) -> str:
    return crypto.encrypt({k: str(values[k]) for k in KEYS if values.get(k)})


def read(connector) -> dict:
    try:
        return crypto.decrypt(connector.credentials) or {}
    except crypto.Unreadable:
        raise ConnectorError(_t("The stored credentials cannot be read (the secret key changed): enter them "
                                "again.")) from None


def is_set(connector) -> bool:
    return bool(connector.credentials)


def missing(kind, values: dict) -> list[str]:
    """The credential keys this kind of service desk needs that `values` lacks."""
    from . import client_class

    return [k for k in client_class(kind).required if not values.get(k)]


def redact(text: str, values: dict) -> str:
    """Text with every credential value (and its HTTP basic form) masked, for a message, a log or an audit entry."""
    import base64

    text = str(text)
    for value in (values or {}).values():
        if value and len(str(value)) >= 3:
            text = text.replace(str(value), MASK)
    if values and values.get("login"):
        basic = base64.b64encode(f"{values['login']}:{values.get('secret', '')}".encode()).decode()
        text = text.replace(basic, MASK)
    return text


def note_replaced(connector, user):
    """One audit entry saying the credentials were replaced (never what they were or are)."""
    from core import audit
    from core.choices import AuditAction

    audit.record_entry(AuditAction.UPDATE, connector, user=user, changes={"credentials": ["set", "replaced"]},
                       comment=_t("Credentials replaced."))
