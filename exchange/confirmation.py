"""One-time confirmation codes: how a mentee without a login of their own confirms a
meeting (:meth:`~exchange.Tracker.confirm_meeting` with ``code=``).

The pair's mentor or a coordinator issues a code for an unconfirmed meeting and hands
it to the mentee (by message, on paper); whoever then types it in confirms the meeting
as its mentee. The change log keeps only a salted scrypt digest of the code (action
``code``, record type ``meeting_codes``), so reading the log does not reveal it; the
newest code issued for a meeting is the only one that confirms it, and a confirmed
meeting is frozen, so a code works once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import unicodedata
from typing import TYPE_CHECKING

from .changelog import Change
from .errors import NotPermitted
from .i18n import message
from .models import Meeting
from .query import Op

if TYPE_CHECKING:
    from .backend import Backend

RECORD_TYPE = "meeting_codes"
"""The change log's record type for issued codes (no table holds them)."""

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Digits and capitals without the look-alikes 0/O, 1/I/L and U/V-prone U."""

LENGTH = 10
"""Characters in a code: 30¹⁰ ≈ 2⁴⁹ codes, each guess costing an scrypt."""


def new_code() -> str:
    """A fresh random code, written in two groups of five (``7KQ4M-XW2PA``)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{chars[:5]}-{chars[5:]}"


def normalized(code: str) -> str:
    """``code`` as typed, in the one form digested: full-width characters and lower case
    folded, spaces and hyphens left out."""
    folded = unicodedata.normalize("NFKC", code).upper()
    return "".join(c for c in folded if c not in " -\u3000")


def digest(code: str, salt: bytes) -> str:
    """The salted scrypt digest of ``code`` (normalized), hex."""
    return hashlib.scrypt(normalized(code).encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()


def sealed(code: str) -> str:
    """What the change log keeps of a new code: its salt and digest, as JSON."""
    salt = secrets.token_bytes(16)
    return json.dumps({"salt": salt.hex(), "digest": digest(code, salt)}, sort_keys=True)


def check(backend: Backend, meeting: Meeting, code: str) -> None:
    """Refuse ``code`` unless it is the newest issued for ``meeting``."""
    issued = next(
        backend.find(
            Change,
            {"record_type": Op("eq", RECORD_TYPE), "record_id": Op("eq", meeting.id)},
            order_by=(("id", True),),
            limit=1,
        ),
        None,
    )
    if issued is None:
        raise NotPermitted(
            message("no confirmation code was issued for meeting {id}", id=meeting.id)
        )
    if not _matches(code, issued.after or ""):
        raise NotPermitted(
            message(
                "that is not the confirmation code of meeting {id} (only the newest "
                "code issued for it confirms it)",
                id=meeting.id,
            )
        )


def _matches(code: str, kept: str) -> bool:
    """Whether ``code`` has the digest ``kept`` (the entry's JSON); an entry edited
    into something else matches no code."""
    try:
        found = json.loads(kept)
        salt, expected = bytes.fromhex(found["salt"]), str(found["digest"])
    except (ValueError, KeyError, TypeError):
        return False
    return hmac.compare_digest(digest(code, salt), expected)
