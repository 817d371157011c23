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
# # Updating beliefs with new evidence
#
# From what people say to what the model believes, and from new evidence to a belief
# trajectory: elicit an expert's numbers, pool several experts, save the pooled worldview,
# record evidence in a ledger (observations, a soft report, an intervention, counts), fit
# counts whose causes nobody observed with PyMC, and plot how P(catastrophe) moved. (Run as a
# script, or open in Jupyter with `jupytext --to notebook`.)

# %%
import tempfile
import warnings
from pathlib import Path

import arviz as az
import numpy as np
import pandas as pd

from cruxnet import load_model, load_network, posterior
from cruxnet.model import ElicitationWarning, beta_from_interval, beta_from_quantiles
from cruxnet.report import plot_trajectory
from cruxnet.updating import (
    compile_elicitation,
    fit_latent_counts,
    load_elicitation,
    read_ledger,
    replay_ledger,
)

work = Path(tempfile.mkdtemp(prefix="cruxnet-updating-"))

# %% [markdown]
# ## 1. Elicit: from "between 20% and 60%, 80% sure" to a Beta
# The Beta with that equal-tailed interval, fitted by least squares, with the error of the fit
# in probability. Numbers that no Beta can match (here a median far off-centre in an
# otherwise wide range) get a warning rather than a silent approximation.

# %%
fit = beta_from_interval(0.2, 0.6, 0.8)
print(f"Beta({fit.a:.2f}, {fit.b:.2f}): mean {fit.mean:.3f}, ess {fit.ess:.1f}, "
      f"fit error {fit.error:.1e}")
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ElicitationWarning)
    poor = beta_from_quantiles({0.1: 0.05, 0.5: 0.06, 0.9: 0.9})
print(f"a hard-to-fit answer: error {poor.error:.3f}; warning: {caught[0].message}")

# %% [markdown]
# ## 2. Pool several experts
# An elicitation file keeps every judgement with who gave it, when and from what source. The
# bundled `panel_2026` (three hypothetical forecasters over gs_deference) asks about the
# basin's existence on hard profiles, the prior on alignment difficulty, scheming's base rate
# and the odds ratio of deferring late. The logarithmic pool (a weighted geometric mean of odds) and
# the linear pool (the mixture) differ most where the experts disagree.

# %%
spec = load_model("crux_network").spec
records = load_elicitation("panel_2026", spec)  # bundled with the model
for rec in records.records[:3]:
    print(f"{rec.who} on {rec.when} ({rec.source}): {rec.said} -> "
          f"P(yes) = {rec.distribution.mean[1]:.3f}")
log_pool = compile_elicitation(records)
print(log_pool.summary()[["expert_value", "pooled_value", "pooled_spread"]]
      .to_dataframe().round(3).dropna().to_string())

# %%
import dataclasses  # noqa: E402

linear = compile_elicitation(dataclasses.replace(records, pool="linear"))
for name, comp in [("log", log_pool), ("linear", linear)]:
    row, ess = comp.worldview.cpts["bgd_exists"].rows[("hard",)]
    print(f"{name:>6} pool: P(bgd_exists | hard) = {row[1]:.3f} (ess {ess:.1f})")

# %% [markdown]
# The hierarchical pool treats each expert's answer as a noisy measurement of a population
# value (logit-normal random effects, fitted with PyMC); its posterior is ArviZ InferenceData
# and every fit is checked (r_hat <= 1.01, bulk ESS >= 400, no divergences).

# %%
hier = compile_elicitation(dataclasses.replace(records, pool="hierarchical"), seed=1)
print(az.summary(hier.idata, var_names=["mu", "tau"], kind="diagnostics").round(2).to_string())
row, ess = hier.worldview.cpts["bgd_exists"].rows[("hard",)]
print(f"hierarchical pool: P(bgd_exists | hard) = {row[1]:.3f} (ess {ess:.1f})")

# %% [markdown]
# ## 3. Save the pooled worldview and query it like any other

# %%
saved = log_pool.save(work / "panel_2026.yaml")
pooled_net = load_network("crux_network", saved)
base_net = load_network("crux_network", "gs_deference")
print(f"P(catastrophe): gs_deference {posterior(base_net, 'catastrophe')['yes']:.4f}, "
      f"pooled panel {posterior(pooled_net, 'catastrophe')['yes']:.4f}")

# %% [markdown]
# ## 4. A ledger of evidence, replayed
# Each line of a JSON Lines ledger is one update with its citation, date and author: an
# observation, a soft report ("70% sure scheming was demonstrated" becomes likelihood weights
# 0.7 : 0.3), an intervention, and counts that update a CPT row (here: 4 of 5 comparable labs
# had strong security). Replay is deterministic; the file is only read.

# %%
ledger = work / "ledger.jsonl"
ledger.write_text("\n".join([
    '{"kind": "hard", "node": "deception_demonstrated", "state": "yes", '
    '"citation": "hypothetical lab report", "date": "2026-03-01", "by": "analyst"}',
    '{"kind": "likelihood", "node": "uneven_capability_arrival", "weights": {"no": 0.3, '
    '"yes": 0.7}, "citation": "hypothetical forecast", "date": "2026-04-01", "by": "analyst"}',
    '{"kind": "data", "node": "infosec_strong", "counts": {"no": 1, "yes": 4}, '
    '"citation": "hypothetical security audit", "date": "2026-05-01", "by": "analyst"}',
    '{"kind": "do", "node": "capability_restraint", "state": "hold", '
    '"citation": "scenario: a six-month hold", "date": "2026-06-01", "by": "analyst"}',
]) + "\n")
trajectory = replay_ledger(pooled_net, read_ledger(ledger, spec), target="catastrophe",
                           cruxes=["scheming", "lead_time"], draws=2000, seed=0,
                           file=str(ledger))


def table(ds):
    """Each step's entry, point value and interval, as a small table."""
    return pd.DataFrame({"entry": ds.entry.values, "P": ds.p.values,
                         "lower": ds.interval.values[:, 0], "upper": ds.interval.values[:, 1]}
                        ).round(3).to_string(index=False)


print(table(trajectory))

# %% tags=["figure"]
fig_trajectory = plot_trajectory(trajectory)
fig_trajectory  # noqa: B018  (displayed in Jupyter)

# %% [markdown]
# ## 5. Counts whose causes nobody observed: honeypots
# In the bundled `honeypot_tests` model a honeypot catches misbehaviour only if the AI schemes
# and does not recognise the test. "0 of 20 honeypots caught anything", all run on the same
# system, is evidence about that system's latent parents and about the detection rates. PyMC
# marginalises the latent parents; the configuration's posterior is also exact in closed form.

# %%
honeypot = load_network("honeypot_tests")
fit20 = fit_latent_counts(honeypot, "honeypot_caught", [20, 0], cases="same", seed=2)
for config, p_prior, p_post in zip(fit20.configs, fit20.prior_pi, fit20.config_posterior,
                                   strict=True):
    print(f"scheming={config[0]:<3} recognised={config[1]:<3}: {p_prior:.3f} -> {p_post:.3f}")
print(f"diagnostics: r_hat {fit20.diagnostics['r_hat']:.3f}, "
      f"bulk ESS {fit20.diagnostics['ess_bulk']:.0f}")
print(az.summary(fit20.idata, var_names=["theta"], kind="stats").round(3).to_string())

# %% [markdown]
# The same counts as a ledger entry (`"cases": "same"`), then the news that the AI does not
# recognise the honeypots: the clean record becomes strong evidence against scheming.

# %% tags=["figure"]
hp_ledger = work / "honeypots.jsonl"
hp_ledger.write_text(
    '{"kind": "data", "node": "honeypot_caught", "counts": {"no": 20, "yes": 0}, '
    '"cases": "same", "citation": "hypothetical eval report", "date": "2026-07-01", '
    '"by": "evals team"}\n'
    '{"kind": "hard", "node": "tests_recognised", "state": "no", '
    '"citation": "hypothetical interpretability probe", "date": "2026-08-01", '
    '"by": "evals team"}\n')
hp_trajectory = replay_ledger(honeypot, read_ledger(hp_ledger, honeypot.spec),
                              target="scheming", draws=2000, seed=0, file=str(hp_ledger))
print(table(hp_trajectory))
print(f"P(scheming): {hp_trajectory.p.values[0]:.3f} -> {hp_trajectory.p.values[-1]:.3f}")
print(f"honeypot trajectory final interval {np.round(hp_trajectory.interval.values[-1], 3)}")
fig_honeypots = plot_trajectory(hp_trajectory)
fig_honeypots  # noqa: B018  (displayed in Jupyter)
