"""The seeds' quantitative anchors (design draft §3) and the checks of the v0.2 revisions
(design §8, R1-R6) as executable checks of worldviews.

Each :class:`Anchor` states a claim from a seed, the worldviews it applies to, and a check that
computes the relevant number(s) on a network and says whether the claim holds. Anchors marked
``author`` rest on a number or bound the seed's author gave; the rest encode qualitative claims
in the modelers' reading.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from cruxnet.inference.evidence import Evidence
from cruxnet.inference.exact import posterior
from cruxnet.model.network import BayesNet

__all__ = ["ANCHORS", "PLAYS_BOTTOM", "UNORDERED_LEVERS", "Anchor", "AnchorResult",
           "check_anchor", "research_unlock"]

ALL = ("gs_deference", "karnofsky_playbook", "carlsmith_ai4ais", "human_labor_first")


@dataclass(frozen=True)
class AnchorResult:
    """Outcome of one anchor on one network: the value(s) computed and whether the claim holds."""

    anchor: str
    worldview: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Anchor:
    """A seed's claim, the worldviews it constrains, and how to check it."""

    id: str
    claim: str
    source: str
    worldviews: tuple[str, ...]
    check: Callable[[BayesNet], tuple[bool, str]]
    author: bool = False


def _p(net: BayesNet, target: str, state: str, **kw: Any) -> float:
    return posterior(net, target, Evidence(**kw))[state]


def _a1(net: BayesNet) -> tuple[bool, str]:
    p = _p(net, "catastrophe", "no", hard={"good_initialization": "yes", "lead_time": "about_1mo"})
    return p >= 0.90, (f"P(no catastrophe | good initialization, lead about 1 month) = {p:.3f} "
                       "(>= .90)")


def _a2(net: BayesNet) -> tuple[bool, str]:
    post = posterior(net, "ai_speed_multiplier")
    p = post["to_50x"] + post["over_50x"]
    return p >= 0.80, f"P(speed >= 30x) = {p:.3f} (>= .80)"


def _stochastically_increasing(rows: np.ndarray) -> bool:
    cdf = np.cumsum(rows, axis=-1)[..., :-1]
    return bool(np.all(np.diff(cdf, axis=0) <= 1e-12))


def _a3(net: BayesNet) -> tuple[bool, str]:
    node = net.spec.node("deference_goodness_tax")
    axis = node.parents.index("alignment_difficulty")
    cpt = np.moveaxis(np.asarray(net.cpts[node.id]), axis, 0)
    ok = all(_stochastically_increasing(cpt[(slice(None), *ctx)])
             for ctx in np.ndindex(*cpt.shape[1:-1]))
    return ok, "tax rows stochastically increase with difficulty in every context: " + str(ok)


def _a4(net: BayesNet) -> tuple[bool, str]:
    node = net.spec.node("scheming")
    axis = node.parents.index("deference_timing")
    cpt = np.moveaxis(np.asarray(net.cpts["scheming"])[..., 1], axis, 0)  # too_early, at_min, late
    gap = np.diff(cpt, axis=0)
    return bool(np.all(gap > 0)), ("min over contexts of the rise in P(scheming) from one "
                                   f"deference timing to the next = {float(gap.min()):.3f} (> 0)")


LEVERS_BOTTOM = {"alignment_research": "status_quo", "behavioral_testing_investment":
                 "status_quo", "control_countermeasures": "weak", "infosec_strong": "no",
                 "careful_lab_leads": "no", "standards_monitoring": "none",
                 "safety_investment": "inadequate", "capability_restraint": "weak",
                 "deference_timing": "late"}
#: The bundled model's levers whose best state is in the middle (the model names their
#: ``lever_states``; checks read that, this lists them for readers and tests).
UNORDERED_LEVERS = ("deference_timing",)


def _a5(net: BayesNet) -> tuple[bool, str]:
    p = _p(net, "catastrophe", "no", do=LEVERS_BOTTOM)
    return p >= 0.10, f"P(no catastrophe | do(every lever at bottom)) = {p:.3f} (>= .10)"


def _a6(net: BayesNet) -> tuple[bool, str]:
    # The bound is on AIs quickly outgrowing their supervisors (before aligned human-level AI
    # exists): in this model, deferring only once the AIs are well above the minimum.
    p = _p(net, "deference_timing", "late")
    return p <= 0.5, f"P(deference timing late) = {p:.3f} (<= .5)"


def _a7(net: BayesNet) -> tuple[bool, str]:
    s, o = _p(net, "scheming", "yes"), _p(net, "offense_dominance", "yes")
    return s < 0.5 and o < 0.5, f"P(scheming) = {s:.3f}, P(offense dominance) = {o:.3f} (< .5)"


def _a8(net: BayesNet) -> tuple[bool, str]:
    base = _p(net, "catastrophe", "yes")
    # Levers whose best state is in the middle name the states they compare (lever_states):
    # "every higher state lowers risk" is about the ordered ones.
    levers = [n for n in net.spec.nodes if n.role == "lever" and n.lever_states is None]
    monotone = True
    for lever in levers:
        ps = [_p(net, "catastrophe", "yes", do={lever.id: s}) for s in lever.states]
        monotone &= all(b < a for a, b in itertools.pairwise(ps))
    drop = {k: base - _p(net, "catastrophe", "yes", do={k: v}) for k, v in
            (("alignment_research", "breakthrough"), ("standards_monitoring", "enforced"),
             ("infosec_strong", "yes"))}
    big = min(drop["alignment_research"], drop["standards_monitoring"])
    ok = monotone and big > drop["infosec_strong"] > 0
    return ok, (f"every higher lever state lowers P(cat): {monotone}; drops: research "
                f"breakthrough {drop['alignment_research']:.3f}, standards enforced "
                f"{drop['standards_monitoring']:.3f}, infosec {drop['infosec_strong']:.3f}")


def _lead_mean(net: BayesNet, restraint: str) -> tuple[float, float]:
    post = posterior(net, "lead_time", Evidence(do={"capability_restraint": restraint}))
    return float(np.dot(np.arange(len(post.states)), post.probs)), post["over_2y"]


def _a9(net: BayesNet) -> tuple[bool, str]:
    weak, over2y = _lead_mean(net, "weak")
    hold, _ = _lead_mean(net, "hold")
    shift = hold - weak
    ok = 0.4 <= shift <= 1.5 and over2y <= 0.15
    return ok, (f"do(hold) moves mean lead bin by {shift:.2f} (0.4-1.5); "
                f"P(lead > 2y | do(weak)) = {over2y:.3f} (<= .15)")


def _a10(net: BayesNet) -> tuple[bool, str]:
    hi = _p(net, "safety_time_sufficient", "yes",
            hard={"careful_lab_leads": "yes", "lead_time": "to_6mo"})
    lo = _p(net, "safety_time_sufficient", "yes",
            hard={"careful_lab_leads": "no", "lead_time": "under_2wk"})
    sec = _p(net, "lead_time", "under_2wk", do={"infosec_strong": "yes"})
    nosec = _p(net, "lead_time", "under_2wk", do={"infosec_strong": "no"})
    ok = hi > lo and sec < nosec
    return ok, (f"P(time sufficient | careful, 2-6mo) = {hi:.3f} > {lo:.3f} (not careful, "
                f"<2wk); P(lead < 2wk | do(infosec)) = {sec:.3f} < {nosec:.3f}")


def _a11(net: BayesNet) -> tuple[bool, str]:
    p = _p(net, "misaligned_takeover", "yes", hard={
        "elicitation_success": "no", "capability_restraint": "weak",
        "alignment_difficulty": "hard"})
    return p > 0.5, f"P(takeover | no elicitation, weak restraint, hard) = {p:.3f} (> .5)"


def _a12(net: BayesNet) -> tuple[bool, str]:
    spec = net.spec
    needed = [("uneven_capability_arrival", "in_sweet_spot"), ("rogue_options", "in_sweet_spot"),
              ("takeoff_speed", "deference_timing"), ("deference_timing", "rogue_options"),
              ("elicitation_success", "safety_loop_outpaces"),
              ("capability_restraint", "safety_loop_outpaces")]
    missing = [f"{a}->{b}" for a, b in needed if a not in spec.node(b).parents]
    # Route C restrains the frontier but adds no AI-driven safety progress.
    leaks = [c for c in ("elicitation_success", "good_initialization")
             if "capability_restraint" in spec.node(c).parents]
    ok = not missing and not leaks
    return ok, f"missing edges: {missing or 'none'}; restraint feeding AI labour directly: " \
        f"{leaks or 'none'}"


# ------------------------------------------------------------------ v0.2 revisions (design §8)
def _r1(net: BayesNet) -> tuple[bool, str]:
    def takeover(control: str) -> float:
        return _p(net, "misaligned_takeover", "yes", hard={"scheming": "yes"},
                  do={"control_countermeasures": control, "deference_timing": "at_minimum"})

    strong, weak = takeover("strong"), takeover("weak")
    return strong <= 0.5 * weak, (f"P(takeover | scheming, do(control strong, timing at "
                                  f"minimum)) = {strong:.3f} <= half of {weak:.3f} (weak)")


def _lead_curve(net: BayesNet) -> list[float]:
    return [_p(net, "catastrophe", "yes", hard={"lead_time": b})
            for b in net.spec.node("lead_time").states]


def _r2(net: BayesNet) -> tuple[bool, str]:
    ps = _lead_curve(net)
    falls = all(b < a for a, b in itertools.pairwise(ps))
    return falls, "P(catastrophe | lead bin): " + ", ".join(f"{p:.3f}" for p in ps) + \
        f" (falls with every longer bin: {falls})"


def _r2_swing(net: BayesNet) -> tuple[bool, str]:
    ps = _lead_curve(net)
    return ps[0] - ps[-1] >= 0.10, (f"P(catastrophe) from the shortest to the longest lead: "
                                    f"{ps[0]:.3f} -> {ps[-1]:.3f} (drop >= .10)")


def _r3(net: BayesNet) -> tuple[bool, str]:
    ps = {s: _p(net, "catastrophe", "yes", do={"deference_timing": s})
          for s in ("too_early", "at_minimum", "late")}
    ok = ps["at_minimum"] < min(ps["too_early"], ps["late"])
    return ok, ", ".join(f"do({s}) {p:.3f}" for s, p in ps.items()) + " (at_minimum lowest)"


PLAYS_BOTTOM = {"alignment_research": "status_quo", "standards_monitoring": "none",
                "careful_lab_leads": "no", "infosec_strong": "no"}


def _r6(net: BayesNet) -> tuple[bool, str]:
    base = _p(net, "catastrophe", "yes", do=PLAYS_BOTTOM)
    drop = {k: base - _p(net, "catastrophe", "yes", do={**PLAYS_BOTTOM, k: v}) for k, v in
            (("alignment_research", "breakthrough"), ("standards_monitoring", "enforced"),
             ("careful_lab_leads", "yes"), ("infosec_strong", "yes"))}
    ok = (drop["alignment_research"] >= 0.08 and drop["standards_monitoring"] >= 0.08
          and drop["careful_lab_leads"] >= 0.04
          and drop["infosec_strong"] < min(drop["alignment_research"],
                                           drop["standards_monitoring"]))
    return ok, ("with the other plays at bottom, drops: " +
                ", ".join(f"{k} {v:.3f}" for k, v in drop.items()) +
                " (research, standards >= .08; careful >= .04; infosec below both)")


def research_unlock(net: BayesNet, node: str) -> float:
    """How much do(alignment_research = breakthrough) raises P(node = yes) over status_quo."""
    return (_p(net, node, "yes", do={"alignment_research": "breakthrough"})
            - _p(net, node, "yes", do={"alignment_research": "status_quo"}))


ANCHORS: tuple[Anchor, ...] = (
    Anchor("A1", "Given a good start and about a month of lead, deferred AIs very likely manage "
           "the risks", "S0 'Lead Time Critical'", ("gs_deference",), _a1, author=True),
    Anchor("A2", "AIs slightly above minimum capability run 30-50x faster than people",
           "S0 'Speed Over Smarts'", ("gs_deference",), _a2, author=True),
    Anchor("A3", "The tax ranges from negligible to far above 100% and grows with difficulty",
           "S0 'Deference-Goodness Tax'", ALL, _a3, author=True),
    Anchor("A4", "More capable AIs are more likely to scheme, so deferring later means more "
           "scheming", "S0 'Defer to Weaker AIs'", ALL, _a4, author=True),
    Anchor("A5", "A nontrivial chance of avoiding takeover even with minimal dignity",
           "S1 introduction", ("karnofsky_playbook",), _a5, author=True),
    Anchor("A6", "AIs outgrowing their supervisors quickly: plausible, not above 50% (read as "
           "deferring late)", "S1 Alignment research (concerns)", ("karnofsky_playbook",), _a6,
           author=True),
    Anchor("A7", "Ambitious misaligned aims and offense dominance: plausible, not the default",
           "S1 Alignment research (concerns)", ("karnofsky_playbook",), _a7, author=True),
    Anchor("A8", "Some success at a play helps a little, big success a lot; infosec has no big "
           "win", "S1 four plays", ("karnofsky_playbook",), _a8, author=True),
    Anchor("A9", "Regulation may buy months of lead; a lagging actor catches up within 1-2 years",
           "S1 Standards and monitoring (fn 9)", ALL, _a9, author=True),
    Anchor("A10", "A lead of several months enables much automated alignment research; security "
           "makes theft take months", "S1 careful lab, Information security", ALL, _a10),
    Anchor("A11", "If safety cannot use AI labour, disaster is likely on hard profiles absent "
           "heavy restraint", "S2 §1, §3", ("carlsmith_ai4ais",), _a11, author=True),
    Anchor("A12", "The sweet spot can be absent, too narrow or not elicitable; restraint alone "
           "adds no AI-driven progress", "S2 §4.2, fn 16", ALL, _a12),
    Anchor("R1", "Strong control protects against a scheming AI: at the minimum capability it "
           "at least halves P(takeover | scheming)", "S2 §4, §5.1; S0 comparison with control",
           ALL, _r1),
    Anchor("R2", "P(catastrophe) falls with every longer lead", "S0 'Lead Time Critical', "
           "'Exogenous Risk Management'", ALL, _r2),
    Anchor("R2b", "Lead time matters: at least 10 points from the shortest to the longest lead",
           "S0 'Lead Time Critical'", ("gs_deference",), _r2_swing),
    Anchor("R3", "Defer at the minimum: not too early, not too late", "S0 'Not Too Early', "
           "'Not Too Late'", ("gs_deference",), _r3, author=True),
    Anchor("R6", "A big success at one play helps a lot even if the others go poorly; infosec "
           "has no comparable big win", "S1 introduction and four plays",
           ("karnofsky_playbook",), _r6, author=True),
)


def check_anchor(anchor: Anchor, net: BayesNet) -> AnchorResult:
    """Run one anchor's check on a network (of the crux model)."""
    ok, detail = anchor.check(net)
    return AnchorResult(anchor.id, net.worldview, bool(ok), detail)
