"""A guided interview: a person's own view of the cruxes, without writing YAML.

``cruxnet elicit --interview`` asks who is answering, then walks through the model's headline
cruxes (and, if they want, every crux and lever), each as a plain question with the base
worldview's current value. Answers are read the way people type them (:func:`parse_answer`):
``8%``, ``0.08``, ``5-15%``, ``between 20% and 60%, 80% sure``, ``same`` (keep the base's
value), ``skip``, ``?`` (what the node means); for a node with more than two states, one
probability per state (``30, 30, 20, 10, 10``) or one state's (``under_2wk: 10-30%``, the others
keeping the base's proportions). After each answer it shows how P(target) moved.

Each answer is a *stated marginal* (:mod:`cruxnet.inference.marginals`): the node's own table
moves by the smallest change that makes the network imply it, its causes untouched. At the end
two files are written, both at once and only then (Ctrl-D or Ctrl-C leaves nothing
half-written): ``NAME.elicit.yaml``, the elicitation records (who, when, source; one record per
answer on the node's ``marginal``), and ``NAME.yaml``, the person's worldview (``extends:`` the
base, ``marginals:`` from the same records), which ``cruxnet query`` and ``cruxnet report``
take. Running the interview again on the same NAME starts from the earlier answers, so the
person can revise them (Enter keeps an answer).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cruxnet.base.errors import EvidenceError, InterviewStopped, SpecError, one_line
from cruxnet.base.writer import write_many
from cruxnet.catalog import ModelEntry, network_for, worldview_names
from cruxnet.files.worldview import text_sha256
from cruxnet.inference.exact import posterior
from cruxnet.inference.marginals import with_stated_marginals
from cruxnet.model.elicit import ElicitationError, beta_from_interval
from cruxnet.model.network import BayesNet

__all__ = ["Answer", "Interview", "InterviewStopped", "parse_answer"]

#: An interval without "N% sure" is read as 90% sure (and the echo says so).
DEFAULT_SURE = 0.9


@dataclass(frozen=True)
class Answer:
    """One parsed answer: ``kind`` is ``point``, ``interval``, ``vector``, ``same``, ``skip``,
    ``help`` or ``keep``; ``state`` the state it is about (None: the question's)."""

    kind: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    sure: float | None = None
    vector: tuple[float, ...] | None = None
    state: str | None = None

    def words(self) -> str:
        """How the answer was read, e.g. ``"between 5% and 15%, 90% sure"``."""
        where = f"{self.state}: " if self.state else ""
        if self.kind == "point" and self.value is not None:
            return f"{where}{_pct(self.value)}"
        if self.kind == "interval" and self.low is not None and self.high is not None:
            return (f"{where}between {_pct(self.low)} and {_pct(self.high)}, "
                    f"{_pct(self.sure or DEFAULT_SURE)} sure")
        if self.kind == "vector" and self.vector is not None:
            return ", ".join(_pct(v) for v in self.vector)
        return self.kind


def _pct(p: float) -> str:
    return f"{100 * p:.3g}%"


_NUM = r"(\d+(?:\.\d*)?|\.\d+)\s*(%?)"


def _prob(number: str, percent: str, *, ranged_percent: bool = False) -> float:
    """A number as typed: ``8%`` and ``8`` (above 1) are percent, ``0.08`` a probability."""
    x = float(number)
    if percent or ranged_percent or x > 1:
        x /= 100
    return x


def _check_open(x: float, what: str) -> None:
    if not 0 < x < 1:
        raise ValueError(f"{what} must be strictly between 0% and 100% (certainty leaves no "
                         "room to learn; for what you know for sure use evidence, -e NODE=STATE)")


def parse_answer(text: str, states: tuple[str, ...]) -> Answer:
    """Read one typed answer (see the module docstring); ValueError with the reason if it
    cannot be read.

    >>> s = ("no", "yes")
    >>> parse_answer("8%", s).value, parse_answer("0.08", s).value, parse_answer("8", s).value
    (0.08, 0.08, 0.08)
    >>> parse_answer("between 20% and 60%, 80% sure", s).words()
    'between 20% and 60%, 80% sure'
    >>> parse_answer("5–15%", s).words()
    'between 5% and 15%, 90% sure'
    >>> parse_answer("30, 30, 20, 10, 10", ("a", "b", "c", "d", "e")).vector
    (0.3, 0.3, 0.2, 0.1, 0.1)
    """
    t = " ".join(text.strip().lower().replace("–", "-").replace("—", "-").split())
    if t in ("same", "s", "same as base"):
        return Answer("same")
    if t in ("skip", "pass", "-", "n/a"):
        return Answer("skip")
    if t in ("?", "help", "h"):
        return Answer("help")
    if t == "":
        return Answer("keep")
    state = None
    m = re.match(r"^([a-z_][a-z0-9_]*)\s*[:=]\s*(.+)$", t)
    if m and m.group(1) in states:
        state, t = m.group(1), m.group(2)
    elif m and len(states) > 2:
        raise ValueError(f"{m.group(1)!r} is not a state (states: {', '.join(states)})")
    sure = None
    m = re.search(r",?\s*(\d+(?:\.\d*)?)\s*%?\s*(sure|confident|certain)\s*$", t)
    if m:
        sure = float(m.group(1))
        sure = sure / 100 if sure > 1 else sure
        if not 0 < sure < 1:
            raise ValueError("how sure you are must be between 0% and 100%, e.g. 80% sure")
        t = t[:m.start()].strip().rstrip(",").strip()
    m = (re.fullmatch(rf"(?:between\s+)?{_NUM}\s*(?:-|to|and)\s*{_NUM}", t))
    if m:
        pct = bool(m.group(4)) and not m.group(2)  # "5-15%": the % covers both
        lo = _prob(m.group(1), m.group(2), ranged_percent=pct)
        hi = _prob(m.group(3), m.group(4))
        for x, what in ((lo, "the low end"), (hi, "the high end")):
            _check_open(x, what)
        if not lo < hi:
            raise ValueError(f"the low end ({_pct(lo)}) must be below the high end "
                             f"({_pct(hi)})")
        return Answer("interval", low=lo, high=hi, sure=sure or DEFAULT_SURE, state=state)
    if sure is not None:
        raise ValueError("'sure' goes with a range, e.g. 'between 20% and 60%, 80% sure'")
    m = re.fullmatch(_NUM, t)
    if m:
        x = _prob(m.group(1), m.group(2))
        _check_open(x, "a probability")
        return Answer("point", value=x, state=state)
    parts = [p for p in re.split(r"[,\s;/]+", t) if p]
    if len(parts) > 1 and state is None:
        vals = []
        for p in parts:
            mm = re.fullmatch(_NUM, p)
            if not mm:
                if len(states) > 2:
                    raise ValueError(f"cannot read that; give one number per state "
                                     f"({', '.join(states)}) summing to 100, or one state's, "
                                     f"e.g. {states[0]}: 20%")
                raise ValueError(f"cannot read {p!r} as a probability; answer like 8%, 0.08, "
                                 "5-15% or 'between 20% and 60%, 80% sure'")
            vals.append(float(mm.group(1)))
        if len(vals) != len(states):
            raise ValueError(f"give {len(states)} numbers, one per state "
                             f"({', '.join(states)}), or one state's, e.g. {states[0]}: 20%")
        total = math.fsum(vals)
        if abs(total - 100) <= 0.5 or (total > 1.5 and abs(total - 100) <= 1.5):
            vals = [v / total for v in vals]
        elif abs(total - 1) <= 0.005:
            vals = [v / total for v in vals]
        else:
            raise ValueError(f"the numbers sum to {total:g}; they should sum to 100 (percent) "
                             "or 1")
        return Answer("vector", vector=tuple(vals))
    raise ValueError("cannot read that; answer like 8%, 0.08, 5-15%, 'between 20% and 60%, "
                     "80% sure', same, skip, or ? for what this means")


@dataclass
class _Node:
    node: str
    answer: Answer


class Interview:
    """One interview session (see the module docstring); ``ask`` reads a line (``input``),
    ``say`` prints one."""

    def __init__(self, entry: ModelEntry, *, base: str | None, out: str | None,
                 ask: Callable[[str], str] = input, say: Callable[[str], None] = print,
                 today: _dt.date | None = None, target: str | None = None):
        self.entry, self.spec = entry, entry.spec
        self.ask_line, self.say = ask, say
        self.today = today or _dt.date.today()
        self.base_name = base
        self.out = out
        self.target = target or self.spec.default_target()
        self.state = self.spec.node(self.target).state_of_interest

    # -- input --------------------------------------------------------------------------------
    def _ask(self, prompt: str) -> str:
        try:
            return self.ask_line(prompt)
        except (EOFError, KeyboardInterrupt):
            self.say("")
            raise InterviewStopped("interview stopped; nothing was written") from None

    def _choose(self, prompt: str, default: str, options: list[str]) -> str:
        while True:
            got = self._ask(f"{prompt} [{default}]: ").strip() or default
            if got in options:
                return got
            self.say(f"  please answer one of: {', '.join(options)}")

    # -- the session ----------------------------------------------------------------------------
    def run(self) -> tuple[Path, Path]:
        """Ask everything, write the two files, return their paths. Ctrl-C stops it even
        where the process was started with interrupts ignored (a background job)."""
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return self._run()
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            return self._run()
        finally:
            signal.signal(signal.SIGINT, previous)

    def _run(self) -> tuple[Path, Path]:
        spec = self.spec
        self.say(f"cruxnet interview: your own view of {spec.title or spec.name}")
        self.say("Answer each question with a probability (8%, 0.08), a range (5-15%, "
                 "'between 20% and 60%, 80% sure'), 'same' to keep the base's value, 'skip', "
                 "or ? for what it means. Ctrl-D stops without writing anything.")
        if self.base_name is not None:  # a wrong --base is said before any question
            self.base = self._network(self.base_name)
        earlier = self._earlier()
        who_default = earlier.get("who", "")
        while True:
            who = self._ask("Who is answering? (your name)"
                            + (f" [{who_default}]" if who_default else "") + ": ").strip()
            who = who or who_default
            if who:
                break
            self.say("  a name is needed: the records say whose numbers these are")
        names = worldview_names(self.entry)
        base = self.base_name or earlier.get("base")
        if base is None:
            base = self._choose("Start from which worldview? (" + ", ".join(names) + ")",
                                spec.default_worldview or names[0], names)
        self.base = self._network(base)
        source = earlier.get("source") or "cruxnet interview"
        got = self._ask(f"Where do your numbers come from? [{source}]: ").strip()
        source = got or source
        name = self.out or earlier.get("name") or _slug(who) + "_view"
        answers: dict[str, Answer] = dict(earlier.get("answers", {}))
        p0 = posterior(self.base, self.target)[self.state]
        self.say(f"Under {self.base.worldview}, P({self.target}={self.state}) = {p0:.3f}.")
        # The headline cruxes (or, in a model that marks none, its cruxes); then, if wanted,
        # the other cruxes and levers; then the other nodes that are not outcomes.
        first = [n.id for n in spec.nodes if n.headline] or [
            n.id for n in spec.nodes if n.role == "crux"]
        rest = [n for n in spec.nodes if n.id not in first and n.role != "outcome"]
        passes = [(first, ""),
                  ([n.id for n in rest if n.role in ("crux", "lever")], "cruxes and levers"),
                  ([n.id for n in rest if n.role == "mechanism"], "nodes (mechanisms)")]
        for nodes, what in passes:
            if not nodes:
                continue
            if what:
                more = self._choose(f"Go on to the other {len(nodes)} {what}? (y/n)", "n",
                                    ["y", "n", "yes", "no"])
                if not more.startswith("y"):
                    break
            for node in nodes:
                self._question(node, answers)
        if not answers:
            self.say("No answers that differ from the base: nothing written.")
            raise InterviewStopped("interview ended with no answers; nothing was written")
        return self._write(name, who, source, base, answers)

    def _network(self, base: str) -> BayesNet:
        try:
            return network_for(self.entry, base)
        except SpecError as exc:
            raise SpecError(f"--base: {exc}") from None

    def _current(self, answers: Mapping[str, Answer]) -> BayesNet:
        return with_stated_marginals(self.base, {n: _marginal(a, self.base, n)
                                                 for n, a in answers.items()})

    def _question(self, node: str, answers: dict[str, Answer]) -> None:
        spec = self.spec.node(node)
        states = spec.states
        here = posterior(self.base, node)
        label = spec.label or node
        if len(states) == 2:
            q = f"{label}: how likely is '{states[1]}'?"
            now = f"{self.base.worldview} says {_pct(here[states[1]])}"
        else:
            q = f"{label}: how likely is each of {', '.join(states)}?"
            now = f"{self.base.worldview} says " + ", ".join(
                f"{s} {_pct(here[s])}" for s in states)
        self.say("")
        self.say(q)
        self.say(f"  ({now})")
        prior = answers.get(node)
        while True:
            hint = f" [Enter keeps {prior.words()}]" if prior else ""
            text = self._ask(f"  your answer{hint}: ")
            try:
                ans = parse_answer(text, states)
            except ValueError as exc:
                self.say(f"  {exc}")
                continue
            if ans.kind == "help":
                self.say(f"  {label}: {' '.join(spec.definition.split())}")
                if spec.parents:
                    self.say(f"  It depends on: {', '.join(spec.parents)}.")
                continue
            if ans.kind == "keep":
                if prior is None:
                    self.say("  please answer (or 'same' to keep the base's value, 'skip')")
                    continue
                ans = prior
            if ans.kind in ("same", "skip"):
                answers.pop(node, None)
                self.say(f"  kept {self.base.worldview}'s value" if ans.kind == "same"
                         else "  skipped")
                return
            if len(states) > 2 and ans.kind in ("point", "interval") and ans.state is None:
                self.say(f"  give one number per state ({', '.join(states)}), or name the "
                         f"state, e.g. {states[0]}: 20%")
                continue
            if ans.state is not None and len(states) == 2 and ans.state != states[1]:
                ans = _flip(ans, states)
            trial = {**answers, node: ans}
            try:
                before = posterior(self._current(answers), self.target)[self.state]
                after = posterior(self._current(trial), self.target)[self.state]
            except (EvidenceError, ElicitationError, SpecError) as exc:
                self.say(f"  {one_line(exc)}")
                continue
            answers[node] = ans
            self.say(f"  read as {ans.words()}: P({self.target}={self.state}) "
                     f"{before:.3f} -> {after:.3f}")
            return

    # -- files -------------------------------------------------------------------------------
    def _paths(self, name: str) -> tuple[Path, Path]:
        stem = name.removesuffix(".yaml").removesuffix(".elicit")
        return Path(f"{stem}.yaml"), Path(f"{stem}.elicit.yaml")

    def _earlier(self) -> dict[str, Any]:
        """Answers from an earlier run on the same files, for the person to revise."""
        if self.out is None:
            return {}
        view, records = self._paths(self.out)
        if not records.exists():
            return {}
        try:
            data = yaml.safe_load(records.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise SpecError(f"cannot read the earlier answers ({exc})", file=str(records)
                            ) from None
        answers: dict[str, Answer] = {}
        for rec in data.get("records") or []:
            said = rec.get("said")
            node = rec.get("node")
            if isinstance(said, str) and node in self.spec:
                try:
                    answers[node] = parse_answer(said, self.spec.node(node).states)
                except ValueError:
                    pass
        who = next(iter(data.get("experts") or {}), "")
        source = next((r.get("source") for r in data.get("records") or []), None)
        self.say(f"(revising {records}: {len(answers)} earlier answers; Enter keeps each)")
        return {"who": who, "base": data.get("extends"), "answers": answers,
                "name": str(view), "source": source}

    def _write(self, name: str, who: str, source: str, base: str,
               answers: Mapping[str, Answer]) -> tuple[Path, Path]:
        view_path, rec_path = self._paths(name)
        wv_name = _slug(view_path.stem)
        when = self.today.isoformat()
        records = []
        marginals: dict[str, Any] = {}
        for node in self.spec.node_ids:
            if node not in answers:
                continue
            ans = answers[node]
            records.append({"node": node, "param": "marginal", **_record_value(
                ans, self.base, node), "who": who, "when": when, "source": source,
                "said": ans.words()})
            marginals[node] = _marginal(ans, self.base, node)
        elicit = {"elicitation": wv_name, "model": self.spec.name, "extends": base,
                  "title": f"{who}'s answers ({when})", "pool": "linear",
                  "experts": {who: {"weight": 1}}, "records": records}
        view = {"worldview": wv_name, "model": self.spec.name, "extends": base,
                "title": f"{who}'s view",
                "attribution": f"{who}'s own answers ({when}, {source}); everything else is "
                               f"{base}'s",
                "marginals": marginals}
        # Both staged and synced before either is renamed; the worldview names the answers it
        # was made from (their sha256), so a pair torn by a kill between the renames is told on
        # the next read instead of silently giving the old view.
        records_text = yaml.safe_dump(elicit, sort_keys=False, allow_unicode=True)
        view["answers"] = {"file": rec_path.name, "sha256": text_sha256(records_text)}
        write_many([(rec_path, records_text),
                    (view_path, yaml.safe_dump(view, sort_keys=False, allow_unicode=True))])
        mine = self._current(answers)
        p0 = posterior(self.base, self.target)[self.state]
        p1 = posterior(mine, self.target)[self.state]
        self.say("")
        self.say(f"{len(answers)} answers. P({self.target}={self.state}): {p0:.3f} under "
                 f"{base} -> {p1:.3f} under your view.")
        self.say(f"wrote {rec_path} (your answers, with who, when and source) and {view_path} "
                 "(your worldview)")
        self.say(f"query it:  cruxnet query {self.target} -m {self.spec.name} -w {view_path} "
                 "--draws 10000")
        self.say(f"report:    cruxnet report -m {self.spec.name} -w {view_path} -w {base} "
                 "--out report")
        return view_path, rec_path


def _flip(ans: Answer, states: tuple[str, ...]) -> Answer:
    """An answer about a two-state node's first state, as one about its second."""
    if ans.kind == "point" and ans.value is not None:
        return Answer("point", value=1 - ans.value, state=states[1])
    if ans.kind == "interval" and ans.low is not None and ans.high is not None:
        return Answer("interval", low=1 - ans.high, high=1 - ans.low, sure=ans.sure,
                      state=states[1])
    return ans


def _record_value(ans: Answer, base: BayesNet, node: str) -> dict[str, Any]:
    """What an answer says, as an elicitation record's fields (a marginal record)."""
    states = base.spec.node(node).states
    state = ans.state or states[-1]
    if ans.kind == "interval":
        return {"state": state, "interval": {"low": ans.low, "high": ans.high,
                                             "prob": ans.sure}}
    ess = _ess(base)
    if ans.kind == "vector" and ans.vector is not None:
        return {"mean": _rounded(states, ans.vector), "concentration": ess}
    return {"mean": _rounded(states, _vector(ans, base, node)), "concentration": ess}


def _ess(base: BayesNet) -> float:
    prior = base.prior
    return float(prior.default_ess) if prior is not None and prior.default_ess else 5.0


def _vector(ans: Answer, base: BayesNet, node: str) -> tuple[float, ...]:
    """A point answer as the node's whole marginal: the other states keep the base's
    proportions."""
    states = base.spec.node(node).states
    if ans.vector is not None:
        return ans.vector
    state = ans.state or states[-1]
    i = states.index(state)
    here = posterior(base, node).probs
    rest = float(here.sum() - here[i])
    x = float(ans.value if ans.value is not None else here[i])
    return tuple(x if j == i else (1 - x) * (float(here[j]) / rest if rest > 0 else
                                             1 / (len(states) - 1))
                 for j in range(len(states)))


def _marginal(ans: Answer, base: BayesNet, node: str) -> dict[str, Any]:
    """The stated marginal an answer means (the same Dirichlet its record compiles to): a
    range is the Beta with that interval, its mean the state's value and a + b the ess."""
    if ans.kind == "interval" and ans.low is not None and ans.high is not None:
        fit = beta_from_interval(ans.low, ans.high, ans.sure or DEFAULT_SURE)
        point = Answer("point", value=fit.mean, state=ans.state)
        return {"p": _rounded(base.spec.node(node).states, _vector(point, base, node)),
                "ess": round(fit.ess, 10)}
    return {"p": _rounded(base.spec.node(node).states, _vector(ans, base, node)),
            "ess": _ess(base)}


def _rounded(states: tuple[str, ...], vec: Any) -> dict[str, float]:
    """A marginal for a file: 12 decimals (the files' tolerance is 1e-9)."""
    return {s: round(float(v), 12) for s, v in zip(states, vec, strict=True)}


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")
    return s or "my"


