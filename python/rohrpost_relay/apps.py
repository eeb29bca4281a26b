"""The Django app whose migrations install rohrpost-relay's SQL."""

from django.apps import AppConfig


class RohrpostRelayConfig(AppConfig):
    """The app ``rohrpost_relay``: migrations, the ``rohrpost_status`` command and the
    ``rohrpost`` template tags."""

    name = "rohrpost_relay"
    verbose_name = "rohrpost-relay"
    default_auto_field = "django.db.models.BigAutoField"
