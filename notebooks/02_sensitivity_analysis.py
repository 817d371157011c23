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
# # Sensitivity analysis of the crux network
#
# Which crux moves P(catastrophe) most? Which parameter matters? Which lever has the largest
# causal effect, and how sure are we of the ranking? Why do two worldviews disagree, and what
# would change our minds? Every answer here is exact at the worldview's point values and comes
# with an interval over draws of its uncertain parameters. (Run as a script, or open in Jupyter
# as the `.ipynb` beside this file, outputs included; each plot is a matplotlib Figure
# that shows itself in Jupyter.)

# %%
import numpy as np

from cruxnet import Evidence, load_network, posterior
from cruxnet.sensitivity import (
    Question,
    decisive_observations,
    lever_effects,
    lint_worldview,
    node_swings,
    plot_levers,
    plot_shapley,
    plot_sobol,
    plot_tornado,
    sensitivity_functions,
    smallest_belief_change,
    sobol_indices,
    to_text,
    value_of_information,
    worldview_shapley,
)

gs = load_network("crux_network", "gs_deference")
q = Question(gs, "catastrophe", draws=500, seed=1)
print(f"{q.label} under gs_deference = {q.point():.3f}")

# %% [markdown]
# ## One-way: the tornado
# For each node, P(catastrophe) if we learned it is in its most and least worrying state. The
# interval is that swing across parameter draws: a wide one means the worldview is unsure how
# much the node matters. (The design draft's sketch: alignment_difficulty spans .18-.66 and
# scheming .24-.82 under gs_deference.)

# %% tags=["figure"]
tornado = node_swings(q)
print(to_text(tornado, "tornado", top=8))
fig_tornado = plot_tornado(tornado)
fig_tornado  # noqa: B018  (displayed in Jupyter)

# %% [markdown]
# ## What should we observe next?
# The expected reduction in the variance of our answer (and the mutual information, in nats)
# from observing each node. Nodes we can actually observe soon (a deception demonstration, a
# lead measurement) are the ones to compare.

# %%
voi = value_of_information(q, ["deception_demonstrated", "lead_time", "behavioral_tests_valid",
                                "elicitation_success", "scheming", "uneven_capability_arrival"])
print(to_text(voi, "voi"))

# %% [markdown]
# ## Which parameter matters: exact sensitivity functions
# With the rest of its row scaled to keep it a distribution, P(catastrophe) is a ratio of two
# linear functions of any single CPT entry. Two contractions give the function exactly; its
# swing is taken over the entry's credible range under the worldview.

# %%
functions = sensitivity_functions(q)
print(to_text(functions, "functions", top=6))
row = functions.isel(parameter=0)
theta = 0.5 * float(row.theta_low + row.theta_high)
f = float((row.a * theta + row.b) / (row.c * theta + row.d))
print(f"f({theta:.3f}) = {f:.4f} for {row.parameter.values!s}")

# %% [markdown]
# ## Global: Sobol indices
# Whose uncertainty drives the uncertainty of the answer, all parameters varying at once.
# S1 is a node's share on its own, ST its share including interactions.

# %% tags=["figure"]
sobol = sobol_indices(q, samples=256)
print(to_text(sobol, "sobol", top=8))
fig_sobol = plot_sobol(sobol)
fig_sobol  # noqa: B018

# %% [markdown]
# ## Levers: doing versus observing
# P(catastrophe | do(lever at top)) - P(catastrophe | do(lever at bottom)), with intervals, and
# the same move merely observed. They differ for levers with parents (back-door paths through
# common causes); for root levers they coincide. The rank stability says how often a lever keeps
# its rank across draws. (Sketch, karnofsky_playbook: pause >> research breakthrough > enforced
# standards > infosec.)

# %% tags=["figure"]
kp = load_network("crux_network", "karnofsky_playbook")
levers = lever_effects(Question(kp, "catastrophe", draws=500, seed=1))
print(to_text(levers, "levers"))
fig_levers = plot_levers(levers)
fig_levers  # noqa: B018

# %% [markdown]
# ## Why do two worldviews disagree?
# A Shapley split of the difference in log-odds of P(catastrophe) between gs_deference and
# human_labor_first over swapping each node's CPT. The contributions add up to the whole
# difference exactly.

# %% tags=["figure"]
hl = load_network("crux_network", "human_labor_first")
shap = worldview_shapley(gs, hl, "catastrophe", seed=1)
print(f"P(catastrophe): gs_deference {shap.attrs['p_a']:.3f}, "
      f"human_labor_first {shap.attrs['p_b']:.3f}; log-odds difference {shap.attrs['total']:.3f}")
print(to_text(shap, "compare", top=6))
assert abs(float(shap.contribution.sum()) - shap.attrs["total"]) < 1e-9
fig_shap = plot_shapley(shap)
fig_shap  # noqa: B018

# %% [markdown]
# ## The crux finder
# Suppose a grant maker acts if P(catastrophe) exceeds 30%. Which single belief, shifted least,
# would bring gs_deference below that line? And which observation is most likely to carry the
# answer across it?

# %%
change = smallest_belief_change(q, 0.30)
print(to_text(change, "belief-change", top=5))
top = change.isel(node=0)
node, state, lam = str(top.node.values), str(top.state.values), float(top["shift"])
cpt = np.asarray(gs.cpts[node])
moved = gs.with_cpt(node, (1 - lam) * cpt + lam * np.eye(cpt.shape[-1])[
    gs.spec.node(node).states.index(state)])
print(f"after the shift: P(catastrophe) = {posterior(moved, 'catastrophe')['yes']:.4f}")
print(to_text(decisive_observations(q, 0.30), "observations", top=5))

# %% [markdown]
# ## Coherence lint
# Does each worldview respect what the model declares (structural zeros, orders such as "more
# capable AIs scheme more") and what it states? Draws that break a declared order are reported
# too: independent rows can reorder even when the point values do not.

# %%
for w in ["gs_deference", "karnofsky_playbook", "carlsmith_ai4ais", "human_labor_first"]:
    print(lint_worldview(load_network("crux_network", w), draws=300).text())
print(lint_worldview(load_network("carlsmith_2021", "superforecasters_2023"), draws=0).text())
print(f"P(catastrophe | scheming=yes) = "
      f"{posterior(gs, 'catastrophe', Evidence(hard={'scheming': 'yes'}))['yes']:.3f}")
