"""Django's database sessions, with one addition: a view may save the session inside its own
transaction, so the session change commits together with the writes it belongs to.

Sending a tip changes the anonymous session (its draft is gone, its send counter went up). With
the plain database backend that is a second commit after the tip's, made by the session
middleware at the end of the request (SESSION_SAVE_EVERY_REQUEST). Here the tip, its audit event,
the end of its draft and the session change are one commit; the middleware's save is then
skipped, unless the session changed again after that commit. If the transaction rolls back,
nothing counts as saved and the middleware saves as usual.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import transaction


class SessionStore(DatabaseSessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._committed: tuple[str, dict[str, Any]] | None = None

    def save_in_transaction(self) -> None:
        """Save now, in the caller's transaction, with one UPDATE (no savepoint of its own: the
        caller's transaction is the unit). A session that has no row yet, or lost it (a quick
        exit in another tab), is left to the middleware's usual save."""
        key = self.session_key
        if key is None:
            return
        data = dict(self.items())
        updated = self.model.objects.filter(session_key=key).update(
            session_data=self.encode(data), expire_date=self.get_expiry_date()
        )
        if not updated:
            return

        def committed() -> None:
            self._committed = (key, data)

        transaction.on_commit(committed)

    def save(self, must_create: bool = False) -> None:
        if not must_create and self._committed is not None:
            key, data = self._committed
            if key == self.session_key and data == dict(self.items()):
                return  # committed already, with the request's own writes
        self._committed = None
        super().save(must_create=must_create)
