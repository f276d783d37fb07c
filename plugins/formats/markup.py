"""HTML and SVG markup as text, for the ``html`` format and its charts.

:func:`escape` makes any text safe as element content or as a quoted
attribute value; :func:`element` and :func:`empty` build elements whose
attribute values are escaped here, so callers only ever pass content that is
already markup. Characters HTML does not allow in a document are replaced
(see :func:`html_text`), so the output always parses without errors.
"""

from __future__ import annotations

import html
import re

REPLACEMENT = "\ufffd"
"""Stands for a surrogate or a noncharacter, which HTML cannot carry."""

_NOT_CHARACTERS = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
    )
    + "]"
)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BREAKS = re.compile("\r\n?")

Attribute = str | int | float | None


def html_text(text: str) -> str:
    """``text`` as an HTML document can hold it: ``\\r\\n`` and ``\\r`` become
    ``\\n``, other control characters (except tab and line feed) become spaces,
    surrogates and noncharacters become U+FFFD."""
    text = _BREAKS.sub("\n", text)
    return _NOT_CHARACTERS.sub(REPLACEMENT, _CONTROLS.sub(" ", text))


def escape(text: str) -> str:
    """``text`` (see :func:`html_text`) with ``&``, ``<``, ``>``, ``"`` and ``'``
    escaped: safe as content and inside a quoted attribute value."""
    return html.escape(html_text(text), quote=True)


def number(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros: ``12``, ``3.5``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attributes(attributes: dict[str, Attribute]) -> str:
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        text = number(value) if isinstance(value, int | float) else escape(value)
        parts.append(f' {name.rstrip("_").replace("_", "-")}="{text}"')
    return "".join(parts)


def element(name: str, *content: str, **attributes: Attribute) -> str:
    """``<name attributes>content</name>``: ``content`` is markup, attribute
    values are escaped (``None`` leaves one out); ``class_`` is written
    ``class`` and ``text_anchor`` ``text-anchor``."""
    return f"<{name}{_attributes(attributes)}>{''.join(content)}</{name}>"


def empty(name: str, **attributes: Attribute) -> str:
    """A self-closed SVG element, ``<name attributes/>``."""
    return f"<{name}{_attributes(attributes)}/>"
