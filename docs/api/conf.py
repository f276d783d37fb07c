"""Sphinx configuration of the API reference (``make docs``): the docstrings of the
library, built with autodoc into ``build/docs``, warnings treated as errors."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import exchange  # noqa: E402

project = "teacher-exchange"
author = "teacher-exchange maintainers"
copyright = "the teacher-exchange maintainers"
version = release = exchange.__version__
language = "en"

extensions = ["sphinx.ext.autodoc", "sphinx.ext.viewcode"]
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
autoclass_content = "both"
toc_object_entries = False
suppress_warnings = ["config.cache"]

html_theme = "alabaster"
html_title = f"teacher-exchange {release}: API reference"
exclude_patterns = ["_build"]
