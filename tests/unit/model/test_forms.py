"""Each CPT form against a hand computation on a small model, drawn or not; a product above
one is an error, not clipped."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from support.errors import error_message
from support.models import TINY_WORLDVIEW as WORLDVIEW
from support.models import write_tiny

from cruxnet import SpecError, load_network
from cruxnet.files.forms import parse_cpt
from cruxnet.files.model import model_spec_from_mapping
from cruxnet.files.params import ParseContext

SPEC = model_spec_from_mapping({
    "model": "m",
    "nodes": [
        {"id": "a", "states": ["no", "yes"]},
        {"id": "b", "states": ["low", "mid", "high"]},
        {"id": "c", "states": ["no", "yes"], "parents": ["a", "b"]},
        {"id": "o", "states": ["s0", "s1", "s2"], "parents": ["a", "b"]},
        {"id": "n", "states": ["small", "medium", "big"], "parents": ["a", "b"]},
    ],
})


def cpt(node: str, raw: dict) -> np.ndarray:  # type: ignore[type-arg]
    return parse_cpt(raw, SPEC, node, ParseContext(file="t.yaml", node=node)).point_cpt(SPEC)


def p_yes(arr: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    np.testing.assert_allclose(arr.sum(-1), 1.0, atol=1e-15)
    return arr[..., 1]


def test_noisy_or_with_leak_and_conjunctive_causes() -> None:
    arr = cpt("c", {"form": "noisy_or", "leak": 0.1, "causes": [
        {"when": {"a": "yes"}, "p": 0.5},
        {"when": {"a": "yes", "b": ["mid", "high"]}, "p": {"by": "b", "values": {"mid": 0.2,
                                                                                   "high": 0.4}}},
    ]})
    for ai, bi in itertools.product(range(2), range(3)):
        stay = 0.9 * (1 - 0.5 * ai) * (1 - ai * [0, 0.2, 0.4][bi])
        assert p_yes(arr)[ai, bi] == pytest.approx(1 - stay, abs=1e-15)


def test_logit_additive_with_sharpness() -> None:
    arr = cpt("c", {"form": "logit_additive", "base": {"by": "a", "values": {"no": 0.2,
                                                                             "yes": 0.6}},
                    "odds_ratios": {"b": {"high": 3}}, "sharpness": 2})
    for ai, bi in itertools.product(range(2), range(3)):
        z = 2 * (math.log([0.2, 0.6][ai] / (1 - [0.2, 0.6][ai])) + math.log([1, 1, 3][bi]))
        assert p_yes(arr)[ai, bi] == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-15)


def test_product_and_linear_and_gate() -> None:
    prod = cpt("c", {"form": "product", "base": 0.8, "factors": {"a": {"yes": 0.5},
                                                                  "b": {"low": 0.25}}})
    np.testing.assert_allclose(p_yes(prod), 0.8 * np.outer([1, 0.5], [0.25, 1, 1]), atol=1e-15)
    lin = cpt("c", {"form": "linear", "base": 0.1, "effects": {"a": {"yes": 0.5},
                                                                "b": {"high": 0.6}},
                    "clip": [0.05, 0.95]})
    np.testing.assert_allclose(p_yes(lin), [[0.1, 0.1, 0.7], [0.6, 0.6, 0.95]], atol=1e-15)
    gate = cpt("c", {"form": "gate", "all": {"a": "yes", "b": ["mid", "high"]}})
    np.testing.assert_array_equal(p_yes(gate), [[0, 0, 0], [0, 1, 1]])
    anyg = cpt("c", {"form": "gate", "any": {"a": "yes", "b": "high"}})
    np.testing.assert_array_equal(p_yes(anyg), [[0, 0, 1], [1, 1, 1]])


def test_table_by_subset_with_structural_zero() -> None:
    arr = cpt("o", {"form": "table", "by": ["b"], "require": {"a": "yes"},
                    "rows": {"low": [0.2, 0.3, 0.5], "mid": [0.1, 0.1, 0.8],
                             "high": [0.0, 0.5, 0.5]}})
    np.testing.assert_array_equal(arr[0], [[1, 0, 0]] * 3)  # a=no: structural zero -> s0
    np.testing.assert_allclose(arr[1], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0, 0.5, 0.5]])


def test_shifted_moves_mass_one_state() -> None:
    arr = cpt("o", {"form": "shifted", "base": {"p": [0.5, 0.3, 0.2]}, "shifts": [
        {"when": {"a": "yes"}, "direction": "up", "p": 0.5},
        {"when": {"b": "high"}, "direction": "down", "p": 1.0, "times": 2},
        {"when": {"b": "mid"}, "direction": "up", "p": 0.4, "from": ["s0"]},
    ]})
    np.testing.assert_allclose(arr[0, 0], [0.5, 0.3, 0.2])
    up = [0.25, 0.25 + 0.15, 0.2 + 0.15]
    np.testing.assert_allclose(arr[1, 0], up, atol=1e-15)
    np.testing.assert_allclose(arr[0, 2], [1, 0, 0], atol=1e-15)
    np.testing.assert_allclose(arr[0, 1], [0.3, 0.5, 0.2], atol=1e-15)


def test_binned_product_matches_a_closed_form_and_monte_carlo(rng: np.random.Generator) -> None:
    spec = model_spec_from_mapping({"model": "m", "nodes": [
        {"id": "x", "states": ["lo", "hi"]}, {"id": "y", "states": ["lo", "hi"]},
        {"id": "z", "states": ["a", "b", "c"], "parents": ["x", "y"]}]})
    raw = {"form": "binned_product", "scale": 0.5, "thresholds": [2, 10],
           "intervals": {"x": {"lo": [1, 4], "hi": [4, 16]}, "y": {"lo": [1, 2], "hi": [2, 8]}}}
    arr = parse_cpt(raw, spec, "z", ParseContext(None, "z")).point_cpt(spec)
    ivx, ivy = [(1, 4), (4, 16)], [(1, 2), (2, 8)]
    n = 1_000_000
    for i, j in itertools.product(range(2), range(2)):
        x = np.exp(rng.uniform(*np.log(ivx[i]), n))
        y = np.exp(rng.uniform(*np.log(ivy[j]), n))
        mc = np.histogram(0.5 * x * y, [0, 2, 10, np.inf])[0] / n
        np.testing.assert_allclose(arr[i, j], mc, atol=3e-3)  # > 5 sigma of MC error
    # One log-uniform factor: P(0.5 x y < 2 | x in [1, 4], y in [1, 2]) by hand (triangle area).
    wx, wy, t = math.log(4), math.log(2), math.log(4)
    area = (t**2 - (t - wy) ** 2) / 2  # t <= wx, t > wy
    assert arr[0, 0, 0] == pytest.approx(area / (wx * wy), abs=1e-12)


def test_a_product_form_above_one_is_an_error_not_clipped(tmp_path: Path) -> None:
    wv = WORLDVIEW.replace("""    form: logit_additive
    base: {by: a, values: {no: 0.2, yes: 0.6}}
    odds_ratios: {b: {mid: 2, high: 4}}""", """    form: product
    base: 0.5
    factors: {b: {high: 3}}""")
    msg = error_message(SpecError, load_network, write_tiny(tmp_path, worldview=wv))
    assert "P(c | a=no, b=high) = [-0.5, 1.5]" in msg


# ----------------------------------------------------------------------- drawn parameters
def _draws(node: str, raw: dict, n: int = 20_000, seed: int = 0) -> np.ndarray:  # type: ignore[type-arg]
    from cruxnet.draws.values import DrawValues

    form = parse_cpt(raw, SPEC, node, ParseContext(file="t.yaml", node=node, default_ess=8))
    arr = np.asarray(form.cpt(SPEC, DrawValues(np.random.default_rng(seed), n, ("t.yaml", node))))
    assert arr.shape == (n, *form.point_cpt(SPEC).shape)
    assert np.all(arr >= 0) and np.all(arr <= 1)
    np.testing.assert_allclose(arr.sum(-1), 1.0, atol=1e-12)
    return arr


def test_drawn_noisy_or_mean_is_the_point_cpt() -> None:
    # P(yes) is linear in each independent Beta parameter, so its mean is the point value.
    raw = {"form": "noisy_or", "leak": {"mean": 0.1, "ess": 20}, "causes": [
        {"when": {"a": "yes"}, "p": {"mean": 0.5, "ess": 4}},
        {"when": {"b": "high"}, "p": 0.3}]}
    arr = _draws("c", raw)
    point = cpt("c", raw)
    np.testing.assert_allclose(arr.mean(axis=0), point, atol=0.01)
    assert arr[:, 0, 0, 1].std() > 0.03  # the leak varies


def test_drawn_structural_zeros_and_fixed_values_hold_in_every_draw() -> None:
    arr = _draws("c", {"form": "product", "require": {"a": "yes"},
                       "base": {"by": "b", "values": {"low": {"value": 0.2}, "mid": 0.4,
                                                      "high": 0.6}}})
    assert np.all(arr[:, 0, :, 1] == 0)          # require a=yes: yes impossible when a=no
    assert np.all(arr[:, 1, 0, 1] == 0.2)        # {value: 0.2} is known: never drawn
    assert arr[:, 1, 1, 1].std() > 0.05          # a bare 0.4 takes default_ess 8


def test_drawn_logit_additive_median_follows_the_lognormal_median() -> None:
    raw = {"form": "logit_additive", "base": {"value": 0.2},
           "odds_ratios": {"a": {"yes": {"median": 3, "sd_log": 0.5}}}}
    arr = _draws("c", raw)
    expected = 1 / (1 + math.exp(-(math.log(0.2 / 0.8) + math.log(3))))
    assert abs(float(np.median(arr[:, 1, 0, 1])) - expected) < 0.01
    assert np.all(arr[:, 0, :, 1] == pytest.approx(0.2))


def test_drawn_shifted_and_table_rows_are_distributions() -> None:
    arr = _draws("o", {"form": "shifted", "base": {"by": "b", "rows": {
        "low": [0.6, 0.3, 0.1], "mid": [0.3, 0.4, 0.3], "high": [0.1, 0.3, 0.6]}},
        "shifts": [{"when": {"a": "yes"}, "direction": "up", "p": {"mean": 0.5, "ess": 10}}]})
    # Shifting up moves mass from s0 to s1 and s1 to s2, never the other way.
    assert np.all(arr[:, 1, :, 0] <= arr[:, 0, :, 0] + 1e-15)
    table = _draws("o", {"form": "table", "by": ["b"], "rows": {
        "low": {"p": [0.5, 0.5, 0.0], "ess": 3}, "mid": [0.2, 0.3, 0.5], "high": [1, 0, 0]}})
    assert np.all(table[:, :, 0, 2] == 0) and np.all(table[:, :, 2, 0] == 1)
    m = np.array([0.2, 0.3, 0.5])  # the "mid" row with default_ess 8: Var = m(1 - m) / 9
    np.testing.assert_allclose(table[:, 0, 1].var(axis=0), m * (1 - m) / 9, rtol=0.1)


def test_drawn_bare_ratio_without_default_is_a_named_error() -> None:
    from cruxnet.base.errors import SpecError
    from cruxnet.draws.values import DrawValues

    form = parse_cpt({"form": "product", "base": {"value": 0.5}, "factors": {"a": {"yes": 1.5}}},
                     SPEC, "c", ParseContext(file="t.yaml", node="c"))
    with pytest.raises(SpecError, match=r"t.yaml: node c: parameter factor\[a=yes\] = 1.5 "
                                        r"states no uncertainty.*sd_log"):
        form.cpt(SPEC, DrawValues(np.random.default_rng(0), 5, ("t.yaml", "c")))
