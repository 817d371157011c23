# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Querying the crux network
#
# The bundled model turns the cruxes of three essays (Greenblatt & Stastny on deferring to AIs,
# Karnofsky's playbook, Carlsmith's "AI for AI safety") into a Bayesian network. Four
# worldviews give its probabilities. This notebook asks it questions with each kind of
# evidence. (The `.ipynb` beside this file is the same notebook with its outputs; `make
# notebooks` rebuilds it.)

# %%
from cruxnet import Evidence, load_network, posterior

WORLDVIEWS = ["gs_deference", "karnofsky_playbook", "carlsmith_ai4ais", "human_labor_first"]
nets = {w: load_network("crux_network", w) for w in WORLDVIEWS}
for w, net in nets.items():
    print(f"{w:20s} P(catastrophe) = {posterior(net, 'catastrophe')['yes']:.3f}")

# %% [markdown]
# ## Four kinds of evidence
# * **hard**: a lab's lead is measured at about 3 months (`lead_time=to_6mo`);
# * **likelihood**: a report three times as likely if the AIs scheme (Pearl's virtual evidence);
# * **fixed marginal**: "70% sure the lead is under a month" (Jeffrey's rule);
# * **do**: "what if there were a global pause?" (graph surgery).

# %%
net = nets["gs_deference"]
cases = {
    "no evidence": Evidence(),
    "lead measured at 2-6 months": Evidence(hard={"lead_time": "to_6mo"}),
    "report 3x likelier if scheming": Evidence(likelihood={"scheming": (1.0, 3.0)}),
    "70% sure lead < 2 months": Evidence(fixed={"lead_time": (0.35, 0.35, 0.1, 0.1, 0.1)}),
    "do(global pause)": Evidence(do={"capability_restraint": "pause"}),
    "pause observed": Evidence(hard={"capability_restraint": "pause"}),
}
for label, ev in cases.items():
    print(f"{label:32s} P(catastrophe) = {posterior(net, 'catastrophe', ev)['yes']:.3f}")

# %% [markdown]
# Observing a pause and causing one differ: an observed pause also says something about what
# led to it (a demonstrated deception, hence harder alignment), which `do()` cuts away.
#
# ## How much is "scheming handled separately" worth?
# Greenblatt & Stastny set scheming aside. Conditioning on `scheming=no` shows how much of the
# risk that assumption removes under each worldview.

# %%
for w, n in nets.items():
    base = posterior(n, "catastrophe")["yes"]
    solved = posterior(n, "catastrophe", Evidence(hard={"scheming": "no"}))["yes"]
    print(f"{w:20s} {base:.3f} -> {solved:.3f} if the AIs relied on do not scheme")

# %% [markdown]
# ## The network with its beliefs
# Every node as a box with one bar per state: here with scheming observed absent and a pause
# set by intervention (its incoming edges cut), and a 90% interval over 500 parameter draws
# on every bar. The grey line under a bar is the belief without the evidence.

# %% tags=["network"]
from cruxnet import show  # noqa: E402

show(net, Evidence(hard={"scheming": "no"}, do={"capability_restraint": "pause"}), draws=500)

# %% [markdown]
# ## How sure is each number? Credible intervals across parameter draws
# Every CPT entry is an elicited guess with a stated uncertainty (Dirichlet rows, Beta and
# log-normal parameters). `posterior_draws` draws the CPTs 20,000 times and computes the exact
# posterior in each draw; the spread is what the elicited numbers do not pin down.

# %% tags=["figure"]
from cruxnet import posterior_draws  # noqa: E402
from cruxnet.base import new_figure  # noqa: E402

fig = new_figure(figsize=(7, 3.5), layout="constrained")
ax = fig.add_subplot()
for w, n in nets.items():
    draws = posterior_draws(n, "catastrophe", draws=20_000, seed=1)
    s = draws.summary(0.9)
    lo, hi = s.interval["yes"]
    print(f"{w:20s} P(catastrophe) mean {s.mean['yes']:.3f}, 90% interval [{lo:.3f}, {hi:.3f}]")
    ax.hist(draws["yes"], bins=60, range=(0, 1), histtype="step", density=True, label=w)
ax.set_xlabel("P(catastrophe) in one parameter draw")
ax.set_ylabel("density")
ax.legend(fontsize=8)
fig  # noqa: B018  (the figure shows itself in Jupyter)

# %% [markdown]
# Impossible evidence is an error, not a silent NaN: a good initialization rules out scheming.

# %%
from cruxnet import ImpossibleEvidenceError  # noqa: E402

try:
    posterior(net, "catastrophe", Evidence(hard={"good_initialization": "yes", "scheming": "yes"}))
except ImpossibleEvidenceError as exc:
    print("ImpossibleEvidenceError:", exc)
