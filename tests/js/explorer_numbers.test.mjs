// The explorer page's numeric code under Node.js: the ES modules under cruxnet/explorer/static/
// (model/, which uses engine/ and forms/; no DOM), imported as they are (the page inlines them
// bundled by cruxnet.explorer.page.bundle_js), against golden vectors the Python engine wrote
// (tests/oracles/test_explorer_numbers.py writes them and runs `node --test` on this file with
// CRUXNET_GOLDEN naming the folder).
//
// Each golden file holds one page's payload (what cruxnet.explorer.payload puts in the page)
// and cases computed in Python without any of this code: every node's point beliefs
// (cruxnet's exact engine, or pyAgrum), P(target) in every parameter draw on the page's own
// draws (the batched engine), the equal-tailed interval (numpy), the one-way swings
// (node_swings), the tables rebuilt from the forms' parameters, and stated marginals met in
// every draw (StatedMarginalDraws).

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {test} from "node:test";

import {create} from "../../cruxnet/explorer/static/model/index.js";

const GOLDEN = process.env.CRUXNET_GOLDEN;
if (!GOLDEN) throw new Error("CRUXNET_GOLDEN is not set: run tests/oracles/test_explorer_numbers.py");
const files = fs.readdirSync(GOLDEN).filter((f) => f.endsWith(".json")).sort();
if (files.length === 0) throw new Error(`no golden files in ${GOLDEN}`);

function close(got, want, tol, what) {
  if (want === null) {  // NaN in Python (JSON has no NaN)
    assert.ok(Number.isNaN(got), `${what}: expected NaN, got ${got}`);
    return;
  }
  assert.ok(Number.isFinite(got) && Math.abs(got - want) <= tol,
            `${what}: got ${got}, want ${want} (tolerance ${tol})`);
}

function closeAll(got, want, tol, what) {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) close(got[i], want[i], tol, `${what}[${i}]`);
}

for (const file of files) {
  const golden = JSON.parse(fs.readFileSync(path.join(GOLDEN, file), "utf8"));
  const M = create(golden.data);
  const ids = M.ids;

  test(`${golden.name}: point beliefs of every node`, () => {
    let possible = 0;
    for (const c of golden.cases) {
      const res = M.beliefs(c.worldview, c.mine || {}, c.evidence);
      if (c.impossible) {
        assert.ok(!(res.pe > 0), `${JSON.stringify(c.evidence)} should be impossible`);
        continue;
      }
      possible++;
      for (const [node, want] of Object.entries(c.beliefs)) {
        closeAll(Array.from(res.beliefs[M.index[node]]), want, c.tol ?? 1e-12,
                 `${node} | ${JSON.stringify(c.evidence)}`);
      }
    }
    assert.ok(possible >= golden.min_possible, `only ${possible} possible cases`);
  });

  const withDraws = golden.cases.filter((c) => c.target_draws);
  if (withDraws.length) {
    test(`${golden.name}: P(target) in every draw and the interval`, () => {
      for (const c of withDraws) {
        const what = JSON.stringify(c.evidence);
        closeAll(Array.from(M.targetDraws(c.worldview, c.mine || {}, c.evidence)),
                 c.target_draws, c.draws_tol ?? 1e-12, `P(target) per draw | ${what}`);
        const iv = M.interval(c.worldview, c.mine || {}, c.evidence);
        close(iv.lo, c.interval[0], c.draws_tol ?? 1e-12, `interval low | ${what}`);
        close(iv.hi, c.interval[1], c.draws_tol ?? 1e-12, `interval high | ${what}`);
        assert.equal(iv.kept, c.kept, `draws kept | ${what}`);
      }
    });
    test(`${golden.name}: WebAssembly kernels and plain JavaScript give the same bits`, () => {
      if (!M.engine.wasmBytes) return;
      for (const c of withDraws) {
        M.engine.useWasm = true;
        const fast = Array.from(M.targetDraws(c.worldview, c.mine || {}, c.evidence));
        M.engine.useWasm = false;
        const plain = Array.from(M.targetDraws(c.worldview, c.mine || {}, c.evidence));
        M.engine.useWasm = true;
        assert.deepEqual(plain, fast, JSON.stringify(c.evidence));
      }
    });
  }

  const withSwings = golden.cases.filter((c) => c.swings);
  if (withSwings.length) {
    test(`${golden.name}: the crux table is node_swings`, () => {
      for (const c of withSwings) {
        const got = M.swings(c.worldview, c.mine || {}, c.evidence);
        assert.deepEqual(got.slice(0, c.swings.length).map((r) => r.node),
                         c.swings.map((r) => r.node), JSON.stringify(c.evidence));
        for (let k = 0; k < c.swings.length; k++) {
          close(got[k].low, c.swings[k].low, 1e-12, `${c.swings[k].node} low`);
          close(got[k].high, c.swings[k].high, 1e-12, `${c.swings[k].node} high`);
        }
      }
    });
  }

  if (golden.tables) {
    test(`${golden.name}: every table rebuilt from its draws`, () => {
      for (const t of golden.tables) {
        const got = M.tableDraws(t.worldview, t.node, 0, t.page.length);
        for (let d = 0; d < t.page.length; d++) {
          closeAll(got[d], t.page[d], 1e-12, `${t.node} draw ${d} (the page's draws)`);
          closeAll(got[d], t.python[d], 2e-6, `${t.node} draw ${d} (Python's own draws)`);
        }
      }
      assert.ok(golden.tables.some((t) => t.form), "no table travelled as a form");
    });
  }

  test(`${golden.name}: evidence the page must refuse`, () => {
    const node = ids[0];
    assert.throws(() => M.beliefs(0, {}, {hard: {no_such_node: "x"}}), /unknown node/);
    assert.throws(() => M.beliefs(0, {}, {hard: {[node]: "no_such_state"}}), /unknown state/);
    assert.throws(() => M.beliefs(0, {}, {likelihood: {[node]: {}}}), /every state/);
    // Weights as the command line takes them (model/check.js): numbers >= 0, not all 0.
    const states = M.nodes[0].states;
    const weights = (w) => Object.fromEntries(states.map((st, k) => [st, k === 0 ? w : 1]));
    assert.throws(() => M.beliefs(0, {}, {likelihood: {[node]: weights(-1)}}), /-1 is not a number >= 0/);
    assert.throws(() => M.beliefs(0, {}, {likelihood: {[node]: weights("0x0")}}), /"0x0" is not a number/);
    assert.throws(() => M.beliefs(0, {}, {likelihood: {[node]: weights("2")}}), /"2" is not a number/);
    assert.throws(() => M.beliefs(0, {}, {likelihood: {[node]: Object.fromEntries(states.map((st) => [st, 0]))}}), /0 for every state/);
    assert.throws(() => M.swings(0, {}, {likelihood: {[node]: weights(-1)}}), /not a number >= 0/);
    assert.throws(() => M.targetDraws(0, {}, {likelihood: {[node]: weights(-1)}}), /not a number >= 0/);
    // Names of JavaScript built-ins are nodes only where the model has them.
    for (const name of ["constructor", "toString", "hasOwnProperty", "valueOf", "__proto__"]) {
      if (ids.includes(name)) continue;
      assert.throws(() => M.beliefs(0, {}, JSON.parse(`{"hard": {"${name}": "x"}}`)), /unknown node/);
      assert.equal(M.index[name], undefined);
    }
  });
}
