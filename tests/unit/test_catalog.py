"""The catalog: the bundled models and worldviews by name, unknown names said with what there
is, and other tools' files named as such."""

from __future__ import annotations

import pytest
from support.errors import error_message, one_line_error, run_main
from support.models import WORLDVIEWS

from cruxnet import SpecError
from cruxnet.catalog import bundled_models, load_model, load_network, worldview_names


def test_catalog_lists_models_and_worldviews() -> None:
    assert bundled_models() == ["carlsmith_2021", "crux_network", "honeypot_tests"]
    assert worldview_names(load_model("crux_network")) == sorted(WORLDVIEWS)
    assert worldview_names(load_model("carlsmith_2021")) == ["carlsmith", "superforecasters_2023"]


def test_unknown_model_and_worldview() -> None:
    assert "unknown model 'nope'" in error_message(SpecError, load_network, "nope")
    msg = error_message(SpecError, load_network, "crux_network", "nope")
    assert "unknown worldview 'nope'" in msg and "gs_deference" in msg
    # A shared base file is not a worldview.
    assert "unknown worldview '_shared'" in error_message(SpecError, load_network, "crux_network",
                                                          "_shared")


# Issue 13, item 11: other tools' formats are named.
@pytest.mark.parametrize(("suffix", "name"), [(".xdsl", "GeNIe"), (".net", "Hugin"),
                                              (".dne", "Netica"), (".dsl", "GeNIe")])
def test_other_tools_formats_are_named(tmp_path, capsys, suffix, name):
    f = tmp_path / f"model{suffix}"
    f.write_text("whatever: 1\n")
    for args in (["validate", str(f)], ["query", "x", "--model", str(f)]):
        rc, _, err = run_main(capsys, *args)
        one_line_error(rc, err, name, "supported", "BIF", "XMLBIF")
