"""Relay tokens: JWTs signed with the key the relay verifies (README "Authentication").

Settings:

- ``ROHRPOST_JWT_SECRET``: the relay's ``--jwt-secret`` (HMAC, at least 32 bytes), or
- ``ROHRPOST_JWT_PRIVATE_KEY``: a PEM private key whose public key the relay has
  (``--jwt-public-key-file``), with ``ROHRPOST_JWT_ALGORITHM`` (RS256, ES256, EdDSA, ...;
  needs ``pip install 'rohrpost-relay[crypto]'``) and optionally ``ROHRPOST_JWT_KEY_ID``
  (the ``kid`` a JWKS file knows the key by);
- ``ROHRPOST_JWT_ALGORITHM``: HS256 by default for a secret;
- ``ROHRPOST_JWT_AUDIENCE``, ``ROHRPOST_JWT_ISSUER``: ``aud`` and ``iss``, when the relay
  checks them; ``ROHRPOST_GROUPS_CLAIM``: the claim name (default ``groups``);
- ``ROHRPOST_TOKEN_TTL``: seconds a token is valid by default (3600).
"""

import time
from datetime import timedelta

import jwt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: The shortest HMAC secret the relay accepts per algorithm.
_SECRET_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}


def _signing_key():
    """(key, algorithm, headers) from the settings."""
    secret = getattr(settings, "ROHRPOST_JWT_SECRET", None)
    private_key = getattr(settings, "ROHRPOST_JWT_PRIVATE_KEY", None)
    algorithm = getattr(settings, "ROHRPOST_JWT_ALGORITHM", None)
    if secret and private_key:
        raise ImproperlyConfigured("set ROHRPOST_JWT_SECRET or ROHRPOST_JWT_PRIVATE_KEY, not both")
    if secret:
        algorithm = algorithm or "HS256"
        if algorithm not in _SECRET_BYTES:
            raise ImproperlyConfigured(f"ROHRPOST_JWT_ALGORITHM {algorithm!r} does not sign with a secret: use HS256, HS384 or HS512")
        key = secret.encode() if isinstance(secret, str) else secret
        if len(key) < _SECRET_BYTES[algorithm]:
            raise ImproperlyConfigured(
                f"ROHRPOST_JWT_SECRET has {len(key)} bytes; the relay needs at least {_SECRET_BYTES[algorithm]} for {algorithm}"
            )
        return key, algorithm, None
    if private_key:
        if not algorithm:
            raise ImproperlyConfigured("ROHRPOST_JWT_PRIVATE_KEY needs ROHRPOST_JWT_ALGORITHM, e.g. RS256, ES256 or EdDSA")
        key_id = getattr(settings, "ROHRPOST_JWT_KEY_ID", None)
        return private_key, algorithm, ({"kid": key_id} if key_id else None)
    raise ImproperlyConfigured(
        "set ROHRPOST_JWT_SECRET (the relay's --jwt-secret) or ROHRPOST_JWT_PRIVATE_KEY to sign relay tokens"
    )


def _seconds(ttl):
    seconds = ttl.total_seconds() if isinstance(ttl, timedelta) else float(ttl)
    if seconds <= 0:
        raise ValueError(f"ttl must be positive, not {ttl!r}")
    return seconds


def token_claims(user, groups, ttl=None):
    """The claims of a token for ``user`` that may subscribe to ``groups``."""
    if isinstance(groups, str):
        groups = [groups]
    groups = list(groups)
    if not all(isinstance(g, str) and g for g in groups):
        raise ValueError(f"groups must be non-empty strings such as 'collection-5' or 'todo-*', not {groups!r}")
    if ttl is None:
        ttl = getattr(settings, "ROHRPOST_TOKEN_TTL", 3600)
    now = int(time.time())
    claims = {"iat": now, "exp": now + max(1, round(_seconds(ttl)))}
    claims[getattr(settings, "ROHRPOST_GROUPS_CLAIM", "groups")] = groups
    if user is not None and getattr(user, "is_authenticated", False):
        claims["sub"] = str(user.pk)
    for claim, setting in (("aud", "ROHRPOST_JWT_AUDIENCE"), ("iss", "ROHRPOST_JWT_ISSUER")):
        value = getattr(settings, setting, None)
        if value:
            claims[claim] = value
    return claims


def token_for(user, groups, ttl=None):
    """A relay token for ``user`` (``sub`` is its primary key; None or an anonymous user
    gives a token without ``sub``) that may subscribe to ``groups``: patterns such as
    ``["collection-5", "todo-*"]``. ``ttl``: seconds or a timedelta, by default
    ``ROHRPOST_TOKEN_TTL`` (3600). The relay closes a connection with 4401 when its
    token expires; the client then subscribes again with a fresh one."""
    key, algorithm, headers = _signing_key()
    return jwt.encode(token_claims(user, groups, ttl), key, algorithm=algorithm, headers=headers)
