"""The options the commands share, each declared once (evidence, model and worldview, draws,
pictures), their value checks, and turning them into library objects."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn, TypeAlias

EXIT_USAGE = 2
#: What ``register`` functions receive: argparse's sub-command table.
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (no usage dump), like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"cruxnet: error: {message} (see '{self.prog} --help')\n")


def evidence_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("evidence (each may be repeated)")
    g.add_argument("-e", "--evidence", action="append", default=[], metavar="NODE=STATE",
                   help="hard evidence: NODE is observed in STATE")
    g.add_argument("--likelihood", action="append", default=[], metavar="NODE=S1:w1,S2:w2",
                   help="likelihood (virtual) evidence: how likely what you saw is under each "
                        "state of NODE, relative to the others; give every state (0 rules a "
                        "state out)")
    g.add_argument("--fixed", action="append", default=[], metavar="NODE=S1:p1,S2:p2",
                   help="fixed marginal (Jeffrey): set NODE's posterior to this distribution")
    g.add_argument("--do", action="append", default=[], metavar="NODE=STATE",
                   help="intervention do(NODE=STATE) by graph surgery")
    g.add_argument("--marginal", action="append", default=[], metavar="NODE=S1:p1,S2:p2",
                   help="my view: state NODE's marginal; its own table moves by the smallest "
                        "change that makes the network imply it (its causes untouched, unlike "
                        "--fixed); one state left out gets the rest")
    g.add_argument("--marginal-ess", default=None, metavar="ESS|exact",
                   help="the uncertainty of the --marginal values: an effective sample size, "
                        "or 'exact' (the same marginal in every parameter draw, as the "
                        "explorer's my view); default: the worldview's default_ess")


def model_args(p: argparse.ArgumentParser, *, many_worldviews: bool = False) -> None:
    p.add_argument("--model", "-m", default="crux_network", metavar="M",
                   help="bundled model name or path to .yaml/.bif/.xmlbif (default: "
                        "crux_network)")
    if many_worldviews:
        p.add_argument("--worldview", "-w", action="append", default=None, metavar="W",
                       help="worldview name or .yaml path; repeat for several (default: all)")
    else:
        p.add_argument("--worldview", "-w", default=None, metavar="W",
                       help="worldview name or .yaml path (default: the model's default)")
    p.add_argument("--normalize", action="store_true",
                   help="BIF/XMLBIF only: rescale CPT rows that do not sum to 1 (rounded files)")


def picture_args(p: argparse.ArgumentParser, target_help: str, draws: int | None,
                  draws_help: str, out: str, json_help: str) -> None:
    """The arguments ``show`` and ``explore`` share."""
    p.add_argument("--target", default=None, metavar="T",
                   help=f"{target_help} (default: catastrophe, or the model's last outcome)")
    p.add_argument("--draws", "-n", type=draws_arg, default=draws, metavar="N", help=draws_help)
    p.add_argument("--seed", type=seed_arg, default=0, metavar="S", help="random seed")
    p.add_argument("--ess", type=ess_arg, default=None, metavar="ESS",
                   help="effective sample size for CPT rows that state no uncertainty "
                        "(networks read from BIF/XMLBIF files)")
    p.add_argument("--out", "-o", default=out, metavar="FILE",
                   help=f"where to write it (default: {out} in the current folder)")
    p.add_argument("--json", action="store_true", help=json_help)


def draws_arg(text: str) -> int:
    """A number of draws: a whole number from 1 to :data:`cruxnet.base.limits.MAX_DRAWS` (``1e5``
    allowed); above :data:`LONG_DRAWS` the command says that it will take long."""
    import math

    from cruxnet.base.limits import MAX_DRAWS

    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--draws must be a positive integer, got {text!r}"
                                         ) from None
    if not (math.isfinite(x) and x >= 1 and x == int(x)):
        raise argparse.ArgumentTypeError(f"--draws must be a positive integer, got {text!r}")
    if x > MAX_DRAWS:
        raise argparse.ArgumentTypeError(f"--draws {text} is more than the limit of "
                                         f"{MAX_DRAWS:.0e} draws")
    if x > LONG_DRAWS:
        _confirm_long(int(x))
    return int(x)


def _confirm_long(n: int) -> None:
    """Say what ``n`` draws will take; on a terminal, go ahead only if the user says so."""
    minutes = n / 1e6 * SECONDS_PER_MILLION / 60
    gib = (n * 8 * 8 + 2**29) / 2**30  # the answers per draw (a few states), plus one chunk
    print(f"cruxnet: note: {n:,} parameter draws take about {minutes:.0f} min of one core and "
          f"{gib:.1f} GiB of memory on the bundled model (a progress bar shows; Ctrl-C stops)",
          file=sys.stderr)
    if sys.stdin is not None and sys.stdin.isatty() and sys.stderr.isatty():
        try:
            answer = input("Go ahead? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            raise argparse.ArgumentTypeError(f"stopped before drawing {n:,} draws, as asked")


#: Above this many draws the command first says how long the work may take.
LONG_DRAWS = 2_000_000
#: Seconds per million draws on the bundled crux network, one core (benchmarks/report.py).
SECONDS_PER_MILLION = 46


def seed_arg(text: str) -> int:
    try:
        seed = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seed must be a non-negative integer, got {text!r}"
                                         ) from None
    if seed < 0:
        raise argparse.ArgumentTypeError(f"--seed must be a non-negative integer, got {text!r}")
    return seed


def _unit_float(text: str, flag: str, *, upper: float | None) -> float:
    import math

    try:
        x = float(text)
    except ValueError:
        x = math.nan
    if not (math.isfinite(x) and x > 0 and (upper is None or x < upper)):
        bound = f"in (0, {upper:g})" if upper is not None else "> 0"
        raise argparse.ArgumentTypeError(f"{flag} must be a number {bound}, got {text!r}")
    return x


def ci_arg(text: str) -> float:
    return _unit_float(text, "--ci", upper=1.0)


def ess_arg(text: str) -> float:
    """An effective sample size: a number of at least 0.1, as in a worldview file."""
    from cruxnet.files.params import MIN_ESS

    x = _unit_float(text, "--ess", upper=None)
    if x < MIN_ESS:
        raise argparse.ArgumentTypeError(f"--ess {text} is below {MIN_ESS:g}: so little weight "
                                         "makes the drawn probabilities exactly 0 or 1")
    return x


def query_args(p: argparse.ArgumentParser, *, many_worldviews: bool) -> None:
    """Model, evidence, draws and --json: what query and summary share."""
    model_args(p, many_worldviews=many_worldviews)
    evidence_args(p)
    draws_args(p)
    p.add_argument("--json", action="store_true", help="print JSON")


def draws_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "uncertainty (second order)",
        "With --draws, the CPTs are drawn N times from the worldview's stated uncertainty and "
        "the exact posterior is computed in every draw: the output adds its mean, median and a "
        "credible interval.")
    g.add_argument("--draws", "-n", type=draws_arg, default=None, metavar="N",
                   help="number of parameter draws (e.g. 10000 or 1e5)")
    g.add_argument("--seed", type=seed_arg, default=0, metavar="S",
                   help="random seed, a non-negative integer (default 0): the same seed "
                        "gives identical numbers")
    g.add_argument("--ci", type=ci_arg, default=0.9, metavar="P",
                   help="credible interval mass in (0, 1) (default 0.9)")
    g.add_argument("--ci-kind", choices=("eti", "hdi"), default="eti",
                   help="equal-tailed (default) or highest-density (ArviZ) interval")
    g.add_argument("--ess", type=ess_arg, default=None, metavar="E",
                   help="effective sample size for CPT rows that state no uncertainty "
                        "(networks read from BIF/XMLBIF files)")


def threshold_arg(text: str) -> float:
    return _unit_float(text, "--threshold", upper=1.0)


def draws_or_zero_arg(text: str) -> int:
    return 0 if text.strip() in ("0", "0.0") else draws_arg(text)


def evidence(ns: argparse.Namespace, spec: Any) -> Any:
    from cruxnet.base.errors import EvidenceError
    from cruxnet.inference.evidence import Evidence, parse_assignment, parse_distribution

    def once(pairs: list[tuple[str, Any]], kind: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for node, value in pairs:
            if node in out and out[node] != value:
                raise EvidenceError(f"{kind}: {node} is given twice, as {out[node]!r} and "
                                    f"{value!r}")
            out[node] = value
        return out

    hard = once([parse_assignment(t, "evidence") for t in ns.evidence], "evidence")
    do = once([parse_assignment(t, "do") for t in ns.do], "do")
    lik = once([parse_distribution(t, spec, "likelihood") for t in ns.likelihood], "likelihood")
    fixed = once([parse_distribution(t, spec, "fixed") for t in ns.fixed], "fixed")
    return Evidence(hard=hard, likelihood=lik, fixed=fixed, do=do)


def marginals(ns: argparse.Namespace, spec: Any) -> dict[str, Any]:
    """``--marginal NODE=S1:p1,...`` as {node: {state: p}}, or with ``--marginal-ess`` as
    {node: {"p": {state: p}, "ess": ...}} (states left out: see :mod:`cruxnet.model.stated`)."""
    from cruxnet.base.errors import EvidenceError
    from cruxnet.inference.evidence import parse_state_values

    out: dict[str, Any] = {}
    ess = getattr(ns, "marginal_ess", None)
    if ess is not None and ess != "exact":
        try:
            ess = float(ess)
        except ValueError:
            ess = None
        if ess is None or not 0 < ess < float("inf"):
            raise EvidenceError(f"--marginal-ess must be a number > 0 or 'exact', got "
                                f"{ns.marginal_ess!r}")
    for text in getattr(ns, "marginal", []):
        node, values = parse_state_values(text, spec, "marginal")
        if node in out:
            raise EvidenceError(f"marginal: {node} is given twice")
        out[node] = values if ess is None else {"p": values, "ess": ess}
    return out


def my_view(ns: argparse.Namespace, net: Any) -> Any:
    """``net`` with the command line's stated marginals (the same network if none)."""
    given = marginals(ns, net.spec)
    if not given:
        return net
    from cruxnet.inference.marginals import with_stated_marginals

    return with_stated_marginals(net, given, ess=getattr(ns, "ess", None))


def default_first(default: str | None, names: list[str]) -> list[str]:
    """``names`` with the model's default worldview first."""
    return sorted(names, key=lambda n: (n != default, n))


def bar(p: float, width: int = 30) -> str:
    n = round(p * width)
    return "#" * n + "." * (width - n)
