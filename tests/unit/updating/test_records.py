"""Elicitation records: pooled against closed forms, compiled to a worldview that saves and loads
like any other, and every bad record named by file and record."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import yaml
from numpy.testing import assert_allclose
from scipy import stats
from support.models import PANEL

from cruxnet import load_network, posterior
from cruxnet.base.errors import SpecError
from cruxnet.catalog import network_from_worldview
from cruxnet.files.worldview import load_worldview
from cruxnet.model.elicit import (
    FIT_WARNING,
    beta_from_interval,
    beta_from_quantiles,
    log_pool_betas,
)
from cruxnet.updating.pooling import compile_elicitation
from cruxnet.updating.records import load_elicitation


def _write(tmp_path, records, **top):
    doc = {"elicitation": "mine", "model": "crux_network", "extends": "gs_deference",
           **top, "records": records}
    path = tmp_path / "mine.elicit.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


REC = {"who": "ana", "when": "2026-10-01", "source": "interview"}


def test_compiled_worldview_holds_the_pooled_rows_and_saves(tmp_path, spec):
    recs = load_elicitation(PANEL, spec)
    comp = compile_elicitation(recs)
    wv = comp.worldview
    # bgd_exists | hard: the weighted log pool of the three experts' fitted Betas.
    cur = recs.current()
    target = next(t for t in cur if t.node == "bgd_exists")
    betas = [(r.distribution.alpha[1], r.distribution.alpha[0]) for r in cur[target].values()]
    weights = [recs.weights[e] for e in cur[target]]
    a, b = log_pool_betas(betas, weights)
    means, ess = wv.cpts["bgd_exists"].rows[("hard",)]
    assert_allclose([means[1], ess], [a / (a + b), a + b], rtol=1e-9)
    # Rows nobody was asked about are the base worldview's.
    base = recs.base
    (m_new, e_new), (m_old, e_old) = (wv.cpts["bgd_exists"].rows[("easy",)],
                                      base.cpts["bgd_exists"].rows[("easy",)])
    assert_allclose(m_new, m_old, atol=1e-12) and e_new == e_old
    assert_allclose(wv.cpts["lead_time"].point_cpt(spec), base.cpts["lead_time"].point_cpt(spec))
    # A param record changes that parameter only: scheming's hard base rate.
    params = dict(wv.cpts["scheming"].params(spec))
    base_params = dict(base.cpts["scheming"].params(spec))
    hard = next(n for n in params if n.startswith("base[") and n.endswith("=hard]"))
    assert params[hard].value != base_params[hard].value
    assert all(params[n] == base_params[n] for n in params
               if n != hard and "deference_timing" not in n)
    # Saved, it loads like any other worldview and answers the same.
    path = comp.save(tmp_path / "panel_2026.yaml")
    again = load_worldview(path, spec)
    assert again.name == "panel_2026"
    for node in spec.node_ids:
        assert_allclose(again.cpts[node].point_cpt(spec), wv.cpts[node].point_cpt(spec),
                        atol=1e-11)
    net = load_network("crux_network", path)
    assert_allclose(posterior(net, "catastrophe")["yes"],
                    posterior(network_from_worldview(spec, wv), "catastrophe")["yes"], rtol=1e-9)


def test_elicited_record_reproduces_its_quantiles(tmp_path, spec):
    path = _write(tmp_path, [{**REC, "node": "bgd_exists", "given": {"alignment_difficulty":
                                                                      "moderate"},
                              "quantiles": {0.1: 0.6, 0.5: 0.8, 0.9: 0.92}}])
    rec = load_elicitation(path, spec).records[0]
    a_no, a_yes = rec.distribution.alpha
    q = stats.beta(a_yes, a_no).ppf([0.1, 0.5, 0.9])
    # fit_error is each quantile's miss relative to its distance from the nearer bound.
    said = np.array([0.6, 0.8, 0.92])
    rel = np.abs(q - said) / np.minimum(said, 1 - said)
    assert_allclose(rec.fit_error, rel.max(), rtol=1e-6)
    assert rec.fit_error < FIT_WARNING
    fit = beta_from_quantiles({0.1: 0.6, 0.5: 0.8, 0.9: 0.92})
    assert_allclose((a_yes, a_no), (fit.a, fit.b), rtol=1e-9)


def test_one_state_of_a_multistate_row_keeps_the_others_in_proportion(tmp_path, spec):
    path = _write(tmp_path, [{**REC, "node": "alignment_difficulty", "state": "hard",
                              "interval": {"low": 0.2, "high": 0.5, "prob": 0.8}}])
    rec = load_elicitation(path, spec).records[0]
    fit = beta_from_interval(0.2, 0.5, 0.8)
    alpha = np.asarray(rec.distribution.alpha)
    assert_allclose(alpha[2], fit.a, rtol=1e-9)  # the hard state's marginal is the Beta
    assert_allclose(alpha[:2].sum(), fit.b, rtol=1e-9)
    assert_allclose(alpha[0] / alpha[1], 0.30 / 0.45, rtol=1e-9)  # gs_deference: .30/.45


def test_a_later_record_supersedes_an_earlier_one(tmp_path, spec):
    path = _write(tmp_path, [
        {**REC, "node": "infosec_strong", "mean": 0.2, "concentration": 10},
        {**REC, "when": "2026-11-01", "node": "infosec_strong", "mean": 0.6,
         "concentration": 10}])
    comp = compile_elicitation(load_elicitation(path, spec))
    means, ess = comp.worldview.cpts["infosec_strong"].rows[()]
    assert_allclose([means[1], ess], [0.6, 10.0])


def test_ratio_records_fit_a_lognormal(tmp_path, spec):
    path = _write(tmp_path, [{**REC, "node": "scheming",
                              "param": "odds_ratios.deference_timing.late", "kind": "ratio",
                              "quantiles": {0.05: 1.5, 0.95: 6.0}}])
    comp = compile_elicitation(load_elicitation(path, spec))
    entry = comp.mapping["cpts"]["scheming"]["odds_ratios"]["deference_timing"]["late"]
    assert_allclose(entry["median"], 3.0, rtol=1e-9)  # sqrt(1.5 * 6)
    assert_allclose(entry["sd_log"], np.log(4) / (2 * stats.norm.ppf(0.95)), rtol=1e-9)


@pytest.mark.parametrize("records,top,match", [
    ([{**REC, "node": "bgd_exist", "mean": 0.5, "concentration": 4}], {},
     r"records\[0\]: unknown node 'bgd_exist'.*bgd_exists"),
    ([{**REC, "node": "bgd_exists", "given": {"alignment_difficulty": "hard"},
       "quantiles": {0.1: 0.5, 0.9: 0.3}}], {}, "quantiles must increase"),
    ([{**REC, "node": "bgd_exists", "given": {"alignment_difficulty": "hard"},
       "quantiles": {0.1: 0.5, 0.9: 1.3}}], {}, "outside"),
    ([{**REC, "node": "bgd_exists", "quantiles": {0.1: 0.2, 0.9: 0.4}}], {},
     "must name exactly those parents"),
    ([{**REC, "node": "bgd_exists", "given": {"alignment_difficulty": "medium"},
       "mean": 0.5, "concentration": 4}], {}, "unknown state 'medium'"),
    ([{**REC, "node": "scheming", "mean": 0.5, "concentration": 4}], {},
     r"form logit_additive, not table: name what the record is about with 'param:' "
     r"\(paths of scheming in gs_deference: base.values.easy"),
    ([{**REC, "node": "scheming", "param": "base.values.impossible",
       "quantiles": {0.1: 0.2, 0.9: 0.4}}], {},
     r"'base.values.impossible' is not a parameter of scheming \(paths of scheming in "
     r"gs_deference: base.values.easy, base.values.moderate"),
    ([{**REC, "node": "infosec_strong", "mean": 0.5, "concentration": 4}],
     {"experts": {"ana": {"weight": 0}}}, "weight of 'ana' must be a number > 0"),
    ([{**REC, "who": "zed", "node": "infosec_strong", "mean": 0.5, "concentration": 4}],
     {"experts": {"ana": {"weight": 1}}}, "'zed' is not one of the experts"),
    ([{**REC, "node": "infosec_strong", "mean": 0.5, "concentration": 4},
      {**REC, "node": "infosec_strong", "mean": 0.4, "concentration": 4}], {},
     "twice on 2026-10-01"),
    ([{**REC, "node": "infosec_strong", "mean": 0.5}], {}, "needs a 'concentration'"),
    ([{**REC, "node": "infosec_strong", "mean": 0.5, "concentration": 4,
       "quantiles": {0.1: 0.2, 0.9: 0.4}}], {}, "exactly one of"),
    ([{**REC, "node": "infosec_strong", "when": "yesterday", "mean": 0.5,
       "concentration": 4}], {}, "when must be a date"),
    ([{"node": "infosec_strong", "mean": 0.5, "concentration": 4}], {},
     "needs a non-empty 'who'"),
    ([{**REC, "node": "infosec_strong", "mean": 0.5, "concentration": 4}],
     {"pool": "median"}, "pool must be one of"),
    ([{**REC, "node": "scheming", "param": "odds_ratios.deference_timing.late",
       "mean": 2, "concentration": 4, "kind": "ratio"}], {}, "a ratio takes quantiles"),
])
def test_bad_records_are_named(tmp_path, spec, records, top, match):
    path = _write(tmp_path, records, **top)
    with pytest.raises(SpecError, match=match) as info:
        load_elicitation(path, spec)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_a_poor_fit_warns(tmp_path, spec):
    path = _write(tmp_path, [{**REC, "node": "infosec_strong",
                              "quantiles": {0.1: 0.05, 0.5: 0.06, 0.9: 0.9}}])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rec = load_elicitation(path, spec).records[0]
    assert rec.fit_error > 0.01
    assert any("records[0]" in str(w.message) and "misses one" in str(w.message)
               for w in caught)


# --- Records reach every node and every form (issue 15, item 5).

def test_a_record_on_a_marginal_compiles_to_a_stated_marginal(tmp_path, spec):
    """One expert's interval on P(lead_time = under_2wk) becomes the node's stated marginal:
    the network implies the Beta's mean exactly, the other states keep the base marginal's
    proportions, and the draws' 5% and 95% quantiles are the stated interval."""
    from cruxnet.catalog import load_network as load
    from cruxnet.inference.batched import posterior_draws

    path = _write(tmp_path, [{**REC, "node": "lead_time", "param": "marginal",
                              "state": "under_2wk",
                              "interval": {"low": 0.2, "high": 0.5, "prob": 0.9}}])
    compiled = compile_elicitation(load_elicitation(path, spec))
    saved = compiled.save(tmp_path / "mine.yaml")
    net = load("crux_network", saved)
    fit = beta_from_interval(0.2, 0.5, 0.9)
    post = posterior(net, "lead_time").probs
    assert post[0] == pytest.approx(fit.mean, abs=1e-12)
    base = posterior(load("crux_network", "gs_deference"), "lead_time").probs
    assert_allclose(post[1:] / post[1:].sum(), base[1:] / base[1:].sum(), atol=1e-12)
    d = posterior_draws(net, "lead_time", draws=20_000, seed=4).probs[:, 0]
    assert_allclose(np.quantile(d, [0.05, 0.95]), [0.2, 0.5], atol=0.006)
    # Two experts pooled linearly: the mixture's mean is what the network implies.
    path = _write(tmp_path, [
        {**REC, "node": "scheming", "param": "marginal", "mean": 0.1, "concentration": 20},
        {**REC, "who": "ben", "node": "scheming", "param": "marginal", "mean": 0.3,
         "concentration": 20}], experts={"ana": {"weight": 3}, "ben": {"weight": 1}})
    two = network_from_worldview(spec, compile_elicitation(load_elicitation(path, spec)).worldview)
    assert posterior(two, "scheming")["yes"] == pytest.approx(0.75 * 0.1 + 0.25 * 0.3, abs=1e-12)


def test_records_on_rows_by_path(tmp_path, spec):
    """A row named by its path: a shifted form's base row, and a table row (the same as naming
    it with 'given')."""
    row = {"under_2wk": 0.1, "about_1mo": 0.2, "to_6mo": 0.3, "to_2y": 0.3, "over_2y": 0.1}
    path = _write(tmp_path, [{**REC, "node": "lead_time", "param": "base.rows.moderate",
                              "mean": row, "concentration": 30}])
    wv = compile_elicitation(load_elicitation(path, spec)).worldview
    form = wv.cpts["lead_time"]
    assert_allclose(form.base.rows[("moderate",)][0], list(row.values()), atol=1e-12)
    assert form.base.rows[("moderate",)][1] == pytest.approx(30)
    by_path = _write(tmp_path, [{**REC, "node": "bgd_exists", "param": "rows.hard",
                                 "interval": {"low": 0.2, "high": 0.6, "prob": 0.8}}])
    a = compile_elicitation(load_elicitation(by_path, spec)).worldview
    by_given = _write(tmp_path, [{**REC, "node": "bgd_exists",
                                  "given": {"alignment_difficulty": "hard"},
                                  "interval": {"low": 0.2, "high": 0.6, "prob": 0.8}}])
    b = compile_elicitation(load_elicitation(by_given, spec)).worldview
    assert a.cpts["bgd_exists"].rows == b.cpts["bgd_exists"].rows


def test_a_wrong_path_lists_the_paths_that_exist(tmp_path, spec):
    path = _write(tmp_path, [{**REC, "node": "lead_time", "param": "base.rows.calm",
                              "mean": [0.2] * 5, "concentration": 5}])
    with pytest.raises(SpecError) as info:
        load_elicitation(path, spec)
    msg = str(info.value)
    for expected in ("base.rows.moderate", "base.rows.intense", "shifts.0.p", "or marginal"):
        assert expected in msg, msg
