"""The numbers the README states about the bundled model are recomputed here and must appear in
the README as written (so the README cannot drift from the model)."""

from __future__ import annotations

import pytest
from support import ROOT

from cruxnet import Evidence, load_network, posterior
from cruxnet.sensitivity import Question, lever_effects, worldview_shapley

README = (ROOT / "README.md").read_text(encoding="utf-8")
TEXT = " ".join(README.split())


def _says(fragment: str) -> None:
    assert " ".join(fragment.split()) in TEXT, f"README does not say: {fragment}"


def _signed(x: float) -> str:
    return f"−{abs(x):.3f}" if x < 0 else f"{x:.3f}"


def test_observing_and_setting_standards() -> None:
    net = load_network("crux_network", "gs_deference")
    base = posterior(net, "catastrophe")["yes"]
    seen = posterior(net, "catastrophe", Evidence(hard={"standards_monitoring": "voluntary"}))
    done = posterior(net, "catastrophe", Evidence(do={"standards_monitoring": "voluntary"}))
    assert seen["yes"] > base  # observing standards signals harder alignment
    _says(f"observing* voluntary standards raises P(catastrophe) from {base:.3f} to "
          f"{seen['yes']:.3f}")
    _says(f"`do()` gives {done['yes']:.3f}")


@pytest.mark.slow
def test_lever_table_and_shapley_split() -> None:
    kp = load_network("crux_network", "karnofsky_playbook")
    ds = lever_effects(Question(kp, "catastrophe", draws=1000, seed=0))  # the CLI's defaults
    row = ds.sel(lever="capability_restraint")
    lo, hi = row.effect_ci.values
    assert str(ds.lever.values[0]) == "capability_restraint"
    _says(f"changes P(catastrophe) by {_signed(float(row.effect))} (90% interval "
          f"{_signed(lo)} to {_signed(hi)}) and ranks first in {float(row.p_top):.0%} of draws")
    effects = {str(lever): float(ds.effect.sel(lever=lever)) for lever in ds.lever.values}
    _says(f"deferring at the minimum instead of late {_signed(effects['deference_timing'])}, a "
          f"research breakthrough {_signed(effects['alignment_research'])}, enforced standards "
          f"{_signed(effects['standards_monitoring'])}, strong infosec "
          f"{_signed(effects['infosec_strong'])}")
    gs = load_network("crux_network", "gs_deference")
    hl = load_network("crux_network", "human_labor_first")
    sh = worldview_shapley(gs, hl, "catastrophe", seed=0)
    first, second = (str(n) for n in sh.node.values[:2])
    _says(f"Between `gs_deference` ({sh.attrs['p_a']:.3f}) and `human_labor_first` "
          f"({sh.attrs['p_b']:.3f}), {float(sh.share.sel(node=first)):.0%} of the log-odds gap "
          f"comes from `{first}` and {float(sh.share.sel(node=second)):.0%} from `{second}`")


def test_model_section_figures() -> None:
    gs = load_network("crux_network", "gs_deference")
    ps = [posterior(gs, "catastrophe", Evidence(hard={"lead_time": b}))["yes"]
          for b in gs.spec.node("lead_time").states]
    _says(f"by {round(100 * (ps[0] - ps[-1]))} points under gs_deference")
    import dataclasses

    from cruxnet.inference.batched import posterior_draws

    loose = dataclasses.replace(gs, prior=dataclasses.replace(gs.prior, ordered_draws=False))
    (m1, (l1, h1)), (m2, (l2, h2)) = (
        (s.mean["yes"], s.interval["yes"]) for s in
        (posterior_draws(n, "catastrophe", draws=20_000, seed=1).summary(0.9) for n in (gs, loose)))
    _says(f"`gs_deference` over 20,000 draws with seed 1, mean {m1:.3f} and 90% interval "
          f"{l1:.3f}-{h1:.3f} coupled, {m2:.3f} and {l2:.3f}-{h2:.3f} independent (the point "
          f"value is {posterior(gs, 'catastrophe')['yes']:.3f};")


def test_three_meanings_table() -> None:
    import numpy as np

    from cruxnet.inference.marginals import with_stated_marginals

    net = load_network("crux_network", "gs_deference")
    stated = posterior(with_stated_marginals(net, {"scheming": [0.92, 0.08]}), "catastrophe")
    fixed = Evidence(fixed={"scheming": (0.92, 0.08)})
    flat = np.zeros_like(np.asarray(net.cpts["scheming"]))
    flat[..., 0], flat[..., 1] = 0.92, 0.08
    replaced = posterior(net.with_cpt("scheming", flat), "catastrophe")
    _says(f"Under `gs_deference` (P(scheming) {posterior(net, 'scheming')['yes']:.3f}, "
          f"P(catastrophe) {posterior(net, 'catastrophe')['yes']:.3f})")
    _says(f"`with_stated_marginals(net, {{\"scheming\": [0.92, 0.08]}})` | "
          f"{stated['yes']:.3f} |")
    cli = with_stated_marginals(net, {"scheming": {"yes": 0.08}})  # --marginal scheming=yes:0.08
    assert posterior(cli, "catastrophe")["yes"] == pytest.approx(stated["yes"], abs=1e-12)
    _says(f"| `--fixed scheming=no:0.92,yes:0.08` | "
          f"{posterior(net, 'catastrophe', fixed)['yes']:.3f} |")
    _says(f"every row 0.08 | {replaced['yes']:.3f} |")
    hard = posterior(net, "alignment_difficulty")["hard"]
    _says(f"P(alignment_difficulty = hard) stays {hard:.3f}")
    _says(f"(hard falls to {posterior(net, 'alignment_difficulty', fixed)['hard']:.3f})")


def test_interview_transcript() -> None:
    """The README's interview session: each "P(catastrophe=yes) a -> b" is the engine's answer
    for the stated marginals so far (the answers as the interview reads them)."""
    from cruxnet.inference.marginals import with_stated_marginals
    from cruxnet.model.elicit import beta_from_interval

    net = load_network("crux_network", "gs_deference")
    fit = beta_from_interval(0.2, 0.6, 0.8)
    steps = [{"lead_time": [0.35, 0.4, 0.15, 0.07, 0.03]},
             {"scheming": {"yes": 0.08}},
             {"elicitation_success": {"yes": {"mean": fit.mean, "ess": fit.ess}}}]
    given: dict = {}
    before = posterior(net, "catastrophe")["yes"]
    for step in steps:
        given.update(step)
        after = posterior(with_stated_marginals(net, given), "catastrophe")["yes"]
        _says(f"P(catastrophe=yes) {before:.3f} -> {after:.3f}")
        before = after
    _says(f"P(catastrophe=yes): 0.325 under gs_deference -> {before:.3f} under your view")


def test_the_readme_ledger_reads_and_its_counts_move_something(tmp_path) -> None:
    """The README's example ledger is a valid ledger for the bundled model, its data entry moves
    the node it updates (an example whose counts equal the prior shows nothing), and its
    honeypot line is one for the model it names."""
    from cruxnet.updating.ledger import read_ledger
    from cruxnet.updating.replay import apply_entries

    start = README.index("**The ledger.**")
    block = README[README.index("```json\n", start) + 8:README.index("```\n", start + 20)]
    path = tmp_path / "ledger.jsonl"
    path.write_text(block)
    net = load_network("crux_network", "gs_deference")
    entries = read_ledger(path, net.spec)
    assert [e.kind for e in entries] == ["hard", "data"]
    updated, _ = apply_entries(net, entries[1:])
    before = posterior(net, "infosec_strong")["yes"]
    assert abs(posterior(updated, "infosec_strong")["yes"] - before) > 0.05
    # the honeypot line, on the model it names
    start = README.index("On the bundled `honeypot_tests` model")
    line = README[README.index("```json\n", start) + 8:README.index("```\n", start + 20)]
    path.write_text(line.strip() + "\n")
    honeypots = load_network("honeypot_tests")
    (entry,) = read_ledger(path, honeypots.spec)
    assert entry.kind == "data" and entry.node == "honeypot_caught"
