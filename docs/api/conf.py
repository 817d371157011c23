"""Sphinx configuration of cruxnet's API reference (built by ``make docs``; the test suite
builds it with warnings as errors, tests/system/test_docs.py)."""

from __future__ import annotations

project = "cruxnet"
author = "The cruxnet developers"
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon"]
napoleon_numpy_docstring = True
napoleon_google_docstring = False
autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the signatures say it; the docstrings say what they mean
autodoc_default_options = {"members": True, "show-inheritance": False}
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list[str] = []
suppress_warnings = ["ref.python"]  # numpy-style "Returns" names types Sphinx cannot resolve


def _errors_once(app, what, name, obj, skip, options):  # type: ignore[no-untyped-def]
    """Every error and warning is documented once, under ``cruxnet.base.errors``: the modules that
    raise them re-export them, and those listings are skipped."""
    if isinstance(obj, type) and issubclass(obj, BaseException | Warning) and \
            getattr(obj, "__module__", "") == "cruxnet.base.errors" and what == "module" and \
            options.get("module", "cruxnet.base.errors") != "cruxnet.base.errors":
        return True
    return skip


def setup(app):  # type: ignore[no-untyped-def]
    app.connect("autodoc-skip-member", _errors_once)
