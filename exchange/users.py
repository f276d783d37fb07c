"""The users of a store, mixed into :class:`~exchange.Tracker`: grant a login a role,
take it back, and keep a coordinator of every programme among them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .access import coordinates_every_programme
from .enums import UserRole
from .errors import NotFound, NotPermitted
from .i18n import message
from .models import Grant, School, Teacher
from .operations import Store, build
from .query import Op

if TYPE_CHECKING:
    from .access import Access
    from .backend import Backend
    from .models import Record
    from .tracker import Key


class Users(Store):
    """Mixed into :class:`~exchange.Tracker`."""

    def add_user(
        self,
        login: str,
        role: UserRole | str,
        *,
        programme: str = "",
        school: Key | None = None,
        teacher: Key | None = None,
        notes: str = "",
        ref: str | None = None,
        password: str | None = None,
    ) -> Grant:
        """Grant ``login`` a role: within ``programme`` (every programme when empty); a
        school administrator of ``school``; a mentor or mentee as ``teacher``. The
        first user of a store is a coordinator of every programme; from then on only
        such a coordinator adds users (:mod:`exchange.access`).

        On a backend with logins of its own (``postgresql:``) the login is created if
        it does not exist (with ``password``, when given) and admitted to the store,
        in the same transaction."""
        with self.transaction():
            grant = self.add(
                build(
                    Grant,
                    login=login,
                    role=role,
                    programme=programme,
                    school_id=self._id(School, school),
                    teacher_id=self._id(Teacher, teacher),
                    notes=notes,
                    ref=ref,
                )
            )
            admit = getattr(self.backend, "admit", None)
            if admit is not None:
                admit(grant.login, password)
        return grant

    def remove_user(self, login: str, *, role: UserRole | str | None = None) -> list[Grant]:
        """Archive ``login``'s grants (of ``role`` only, when given) and return them;
        the change log keeps who held what. :class:`NotFound` if there are none."""
        filters = {"login": login} if role is None else {"login": login, "role": role}
        with self.transaction():
            held = list(self.find(Grant, **filters))
            if not held:
                raise NotFound(message("{login} holds no such role", login=login))
            removed = [self.archive(Grant, grant) for grant in held]
            dismiss = getattr(self.backend, "dismiss", None)
            if dismiss is not None and not self.count(Grant, login=login):
                dismiss(login)  # no role left: the login no longer reaches the store
        return removed


def keep_a_coordinator(
    backend: Backend, access: Access, before: Record | None, after: Record | None
) -> None:
    """The first grant of a store makes a coordinator of every programme, and no
    change takes the last such grant away (the store would have no one to manage it)."""
    live = isinstance(after, Grant) and not after.archived
    if access.open and live and not _coordinates_all(after):
        raise NotPermitted(message("the first user of a store is a coordinator of every programme"))
    if _coordinates_all(before) and not _coordinates_all(after):
        assert before is not None
        others = backend.find(
            Grant,
            {
                "archived": Op("eq", False),
                "role": Op("eq", UserRole.COORDINATOR),
                "programme": Op("eq", ""),
                "id": Op("ne", before.id),
            },
            limit=1,
        )
        if next(others, None) is None:
            raise NotPermitted(
                message(
                    "{login} is the last coordinator of every programme; "
                    "add another before taking this role away",
                    login=getattr(before, "login", ""),
                )
            )


def _coordinates_all(record: Record | None) -> bool:
    """Whether ``record`` is a live grant of a coordinator of every programme."""
    return isinstance(record, Grant) and not record.archived and coordinates_every_programme(record)
