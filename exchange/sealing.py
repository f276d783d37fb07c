"""Personal values in the change log, sealed with per-person keys (crypto-shredding).

A change-log entry keeps a record's values as canonical JSON. Where a record has a
personal field (:func:`exchange.fields.is_personal`) holding something, the entry
keeps, instead of the value, ``{"sealed": ..., "person": id}``: the value encrypted
with AES-256-GCM (the ``cryptography`` package) under the key of the person it is
about (:func:`exchange.personal.subject`). The hash chain covers the sealed form.

Each person's key is one :class:`PersonalKey` row beside the records, created when
the first value about them is sealed. Destroying it (:meth:`Sealer.destroy`, what a
purge does) makes every sealed value of that person unreadable for good, while
every hash of the chain still verifies: the entries did not change.
"""

from __future__ import annotations

import base64
import json
import os
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from . import changelog, fields
from .changelog import canonical
from .fields import personal_names
from .models import Stored
from .personal import subject
from .query import Op

if TYPE_CHECKING:
    from .backend import Backend


@attrs.frozen(kw_only=True)
class PersonalKey(Stored):
    """The key a person's personal values are sealed with in the change log."""

    table: ClassVar[str] = "personal_keys"

    person_id: int = attrs.field(metadata={"kind": "int"})
    """The teacher the values are about (the key outlives a deleted teacher)."""
    key: str = fields.name()
    """32 random bytes, base64: an AES-256-GCM key."""


ERASED = object()
"""A sealed value whose key was destroyed: it can never be read again."""


def is_sealed(value: Any) -> bool:
    """Whether ``value`` (from an entry's JSON) is a sealed personal value."""
    return isinstance(value, dict) and "sealed" in value


class Sealer:
    """Seals and opens the personal values of change-log snapshots, with the keys kept
    in ``backend``. Keys read or made are remembered until :meth:`forget` (the tracker
    calls it when a transaction ends, so a key made in a transaction undone is not
    used again)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._keys: dict[int, bytes | None] = {}

    def forget(self) -> None:
        """Drop the keys remembered."""
        self._keys.clear()

    def key(self, person: int, *, create: bool) -> bytes | None:
        """The key of ``person``; made and stored when there is none and ``create``."""
        if person not in self._keys or (self._keys[person] is None and create):
            found = next(self.backend.find(PersonalKey, {"person_id": Op("eq", person)}), None)
            if found is None and create:
                found = self.backend.add(
                    PersonalKey(person_id=person, key=base64.b64encode(os.urandom(32)).decode())
                )
            self._keys[person] = None if found is None else base64.b64decode(found.key)
        return self._keys[person]

    def destroy(self, person: int) -> bool:
        """Delete ``person``'s key (every value sealed with it is then unreadable);
        ``False`` if there was none."""
        self._keys.pop(person, None)
        found = list(self.backend.find(PersonalKey, {"person_id": Op("eq", person)}))
        for row in found:
            self.backend.delete(PersonalKey, row.id or 0)
        return bool(found)

    def snapshot(self, record: Stored | None) -> str | None:
        """:func:`exchange.changelog.snapshot` of ``record`` with each personal value
        that holds something sealed under the key of the person it is about."""
        text = changelog.snapshot(record)
        names = personal_names(type(record))
        if record is None or text is None or not names:
            return text
        values = json.loads(text)
        person = subject(record, self.backend)
        if person is None or not any(values.get(name) for name in names):
            return text
        key = self.key(person, create=True)
        assert key is not None  # made above when missing
        for name in names:
            if values.get(name):
                values[name] = _seal(key, person, f"{record.table}.{name}", values[name])
        return canonical(values)

    def opened(self, table: str, text: str | None) -> dict[str, Any]:
        """An entry's snapshot as a dict, its sealed values opened, or :data:`ERASED`."""
        values: dict[str, Any] = json.loads(text or "{}")
        for name, value in values.items():
            if is_sealed(value):
                key = self.key(int(value["person"]), create=False)
                values[name] = ERASED if key is None else _open(key, f"{table}.{name}", value)
        return values


def _seal(key: bytes, person: int, where: str, value: Any) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # only when sealing

    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, canonical(value).encode(), where.encode())
    return {"person": person, "sealed": base64.b64encode(nonce + sealed).decode()}


def _open(key: bytes, where: str, value: dict[str, Any]) -> Any:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = base64.b64decode(value["sealed"])
    try:
        return json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], where.encode()))
    except InvalidTag:  # not sealed with this key (a key made anew after a purge)
        return ERASED
