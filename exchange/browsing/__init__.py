"""Browsing a store in Datasette (``exchange browse``, the ``browse`` extra).

A SQLite store carries views that show its records readably (:mod:`backends.views`,
created by migration ``m012_browse_views``), so plain ``datasette bureau.db`` shows
them too. This package adds what only ``exchange browse`` gives: titles and column
labels in English or Chinese, the facets each view opens with
(:mod:`~exchange.browsing.metadata`), and the record tables' money, codes and flags
shown as yuan, words and yes/no (:mod:`~exchange.browsing.cells`). Datasette is
imported only by :mod:`~exchange.browsing.server` and :mod:`~exchange.browsing.cells`.
"""

from __future__ import annotations

from .metadata import metadata, title

__all__ = ["metadata", "title"]
