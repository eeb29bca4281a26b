"""``{% load rohrpost %}``: hands a page the relay URL and a token."""

from django import template
from django.utils.html import json_script

from rohrpost_relay.page_config import page_config

register = template.Library()


@register.simple_tag(takes_context=True)
def rohrpost_config(context, groups, ttl=None, since=None, element_id="rohrpost-config"):
    """``{% rohrpost_config groups since=position %}`` renders
    ``<script id="rohrpost-config" type="application/json">{"url": ..., "token": ...}</script>``
    with a token for the request's user (``request.user``, else ``user``) that may
    subscribe to ``groups`` (a list, or one pattern). Read it in the page with
    ``JSON.parse(document.getElementById("rohrpost-config").textContent)``."""
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    return json_script(page_config(user, groups, ttl, since), element_id)
