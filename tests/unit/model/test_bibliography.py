"""The bibliography: every node and edge of the bundled models cites a section of a work in it,
and readers see author, title and link."""

from __future__ import annotations

import pytest

from cruxnet.catalog import load_model


@pytest.mark.parametrize("model", ["crux_network", "honeypot_tests", "carlsmith_2021"])
def test_every_node_and_edge_cites_a_section_of_the_bibliography(model: str) -> None:
    """Citations are checked against the repository's bibliography (authors, title, date,
    link and each work's sections), so this runs on a fresh clone with nothing beside it."""
    from cruxnet.model.bibliography import check_citation

    spec = load_model(model).spec
    for seed in spec.sources:
        ref = spec.reference(seed)
        assert ref is not None, f"{model}: source {seed} names no bibliography entry"
        assert ref.authors and ref.title and ref.date and ref.link.startswith("https://")
    for node in spec.nodes:
        assert node.definition, node.id
        assert node.sources, node.id
        cites = [(node.id, s) for s in node.sources]
        assert len(node.edges) == len(node.parents)
        for e in node.edges:
            assert e.reason, (node.id, e.parent)
            # Carlsmith's chain conditions each premise on the earlier ones: its edges are the
            # chain's structure, cited by the premises themselves.
            assert e.sources or model == "carlsmith_2021", (node.id, e.parent)
            cites += [(f"{node.id} <- {e.parent}", s) for s in e.sources]
        for where, s in cites:
            ref = spec.reference(s.seed)
            assert ref is not None, (where, s.seed)
            assert not check_citation(ref, s.section), (
                f"{where}: {s.seed} section(s) {check_citation(ref, s.section)} are not "
                f"sections of {ref.short}")


def test_reports_cite_by_author_title_and_link() -> None:
    spec = load_model("crux_network").spec
    node = spec.node("lead_time")
    cite = spec.cite(node.sources[0])
    assert cite.startswith("Greenblatt & Stastny (2026), 'How do we (more) safely defer to AIs?'"
                           ", Lead Time Critical")
    assert "https://www.lesswrong.com/" in cite and ".txt" not in cite
