"""rohrpost-relay for Django.

Add ``"rohrpost_relay"`` to ``INSTALLED_APPS`` and run ``manage.py migrate``: the app's
migrations install the relay's SQL (schema ``rohrpost``). Watch tables from your own
migrations with :class:`Watch`, hand pages a relay token with ``{% rohrpost_config %}``
or :func:`token_for`, and return :func:`current_position` with a view's data so the
browser can subscribe with ``since``.
"""

from .operations import Unwatch, Watch
from .positions import current_position
from .sending import send
from .tokens import token_for

__all__ = ["Unwatch", "Watch", "current_position", "send", "token_for"]
