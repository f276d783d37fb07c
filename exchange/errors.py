"""The exceptions the library raises.

Every error a caller can cause is an :class:`ExchangeError`; its message is one
sentence a programme coordinator can act on. Catch ``ExchangeError`` at the
edge of an application (the CLI does this in one place).
"""

from __future__ import annotations


class ExchangeError(Exception):
    """Root of every error the library raises on purpose."""


class InvalidRecord(ExchangeError, ValueError):
    """A record's own fields are wrong: an empty name, end before start, a negative sum."""


class NotFound(ExchangeError, LookupError):
    """A record named by id or ref does not exist."""


class DuplicateRef(ExchangeError):
    """Another record of the same type already carries this ``ref``."""


class RuleViolation(ExchangeError):
    """An operation breaks a rule that involves other records."""


class StillReferenced(RuleViolation):
    """A record cannot be deleted while other records point to it."""


class OverBudget(RuleViolation):
    """An expense would take an allocation below zero."""


class StaleRecord(ExchangeError):
    """A record changed after it was read: the change made from the old copy is refused,
    and the message says who changed it and when; read it again."""


class ConfigurationError(ExchangeError):
    """The library is set up wrongly: an unknown URL scheme, a bad setting."""


class PluginError(ExchangeError):
    """A plugin failed to load or raised; the message names the plugin."""


class BackendError(ExchangeError):
    """The storage refused or failed: a locked file, a lost connection, a newer schema."""


class ChainBroken(ExchangeError):
    """The change log's hash chain does not verify; the message names the first bad entry."""


class NotPermitted(ExchangeError):
    """The actor holds no role that allows this write (:mod:`exchange.access`)."""
