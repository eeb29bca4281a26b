"""What a page needs to connect to the relay: its URL and a token."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .tokens import token_for


def relay_url():
    """The relay's WebSocket URL, setting ``ROHRPOST_URL`` (e.g. ``wss://example.com/ws/rohrpost/``)."""
    url = getattr(settings, "ROHRPOST_URL", None)
    if not url:
        raise ImproperlyConfigured("set ROHRPOST_URL to the relay's WebSocket URL, e.g. wss://example.com/ws/rohrpost/")
    return url


def page_config(user, groups, ttl=None, since=None):
    """``{"url": ..., "token": ...}`` for a page, with ``since`` (a current_position())
    when given."""
    config = {"url": relay_url(), "token": token_for(user, groups, ttl)}
    if since is not None:
        config["since"] = since
    return config
