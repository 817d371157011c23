// The explorer's checks of what a link (and window.cruxnet, and the editor) gives the page:
// cruxnet/explorer/static/model/check.js, imported as it is, and the name maps it returns
// (engine/names.js). Each rule the command line applies to its input is refused here with a
// message naming the node, the state and the value; views the page writes itself pass.
// tests/unit/explorer/test_link_check.py runs `node --test` on this file.

import assert from "node:assert/strict";
import {test} from "node:test";

import {get, has, nameMap, nameTree} from "../../cruxnet/explorer/static/engine/names.js";
import {
  checkEvidence, checkLikelihood, checkMarginal, checkView, fsum, SUM_TOL,
} from "../../cruxnet/explorer/static/model/check.js";

// Names that are JavaScript built-ins, as nodes and as states.
const nodes = [
  {id: "constructor", states: ["toString", "valueOf"]},
  {id: "__proto__", states: ["__proto__", "hasOwnProperty", "constructor"]},
  {id: "plain", states: ["no", "yes"]},
];
const model = {nodes, worldviews: 2};
const view = (text) => checkView(JSON.parse(text), model);
const refused = (text, ...needles) => {
  let message = null;
  try { view(text); } catch (err) { message = err.message; }
  assert.ok(message !== null, `accepted ${text}`);
  for (const n of needles) assert.ok(message.includes(n), `${text}: "${message}" does not name ${n}`);
  return message;
};
const protoless = (x) => assert.equal(Object.getPrototypeOf(x), null);

test("views the page writes pass, in maps without a prototype", () => {
  const empty = view("{}");
  assert.deepEqual({...empty, hard: {...empty.hard}, do: {...empty.do}, likelihood: {...empty.likelihood}, mine: {...empty.mine}},
                   {wv: 0, cmp: -1, hard: {}, do: {}, likelihood: {}, mine: {}});
  const text = JSON.stringify({
    wv: 1, cmp: 0, hard: {constructor: "valueOf"}, do: {plain: "yes"},
    likelihood: {__proto__: {__proto__: 0, hasOwnProperty: 2.5, constructor: 1e-300}},
    mine: {plain: [0.3, 0.7]},
  });
  // JSON.stringify of that literal drops __proto__ (it is the literal's prototype): spell it out.
  const withProto = text.replace('"likelihood":{}', '"likelihood":{"__proto__":{"__proto__":0,"hasOwnProperty":2.5,"constructor":1e-300}}');
  const s = view(withProto);
  assert.equal(s.wv, 1);
  assert.equal(s.cmp, 0);
  for (const m of [s.hard, s.do, s.likelihood, s.mine, get(s.likelihood, "__proto__")]) protoless(m);
  assert.equal(get(s.hard, "constructor"), "valueOf");
  assert.ok(has(s.likelihood, "__proto__"));
  assert.deepEqual(Object.entries(get(s.likelihood, "__proto__")), [["__proto__", 0], ["hasOwnProperty", 2.5], ["constructor", 1e-300]]);
  assert.deepEqual(s.mine.plain, [0.3, 0.7]);
  // What the page writes (JSON.stringify of its state) reads back the same.
  assert.equal(JSON.stringify(view(JSON.stringify(s))), JSON.stringify(s));
  // Names that are built-ins but not given are not there.
  for (const name of ["toString", "valueOf", "hasOwnProperty", "__proto__", "constructor"]) {
    assert.equal(get(s.do, name), undefined);
    assert.equal(has(s.mine, name), false);
  }
});

test("unknown nodes are refused, built-in names included", () => {
  refused('{"hard": {"nope": "x"}}', "unknown node", '"nope"');
  for (const name of ["toString", "hasOwnProperty", "valueOf", "prototype", "isPrototypeOf", "__defineGetter__"]) {
    refused(`{"hard": {"${name}": "yes"}}`, "unknown node", `"${name}"`);
    refused(`{"likelihood": {"${name}": {"no": 1}}}`, "unknown node", `"${name}"`);
    refused(`{"mine": {"${name}": [1]}}`, "unknown node", `"${name}"`);
  }
  const other = {nodes: [{id: "a", states: ["x", "y"]}], worldviews: 1};
  assert.throws(() => checkView(JSON.parse('{"do": {"__proto__": "x"}}'), other), /unknown node "__proto__"/);
  assert.throws(() => checkView(JSON.parse('{"do": {"constructor": "x"}}'), other), /unknown node "constructor"/);
});

test("hard and do() states must be states of the node, as strings", () => {
  refused('{"hard": {"constructor": "maybe"}}', "observed", '"constructor"', "unknown state", '"maybe"');
  refused('{"do": {"plain": "toString"}}', "do()", '"plain"', "unknown state", '"toString"');
  refused('{"hard": {"plain": 1}}', '"plain"', "unknown state 1");
  refused('{"hard": {"plain": true}}', '"plain"', "unknown state true");
  refused('{"hard": {"plain": ["yes"]}}', '"plain"', "unknown state");
  refused('{"do": {"__proto__": "valueOf"}}', '"__proto__"', '"valueOf"');
  refused('{"hard": ["plain"]}', '"hard" must be {node: state}');
  assert.equal(get(view('{"do": {"__proto__": "__proto__"}}').do, "__proto__"), "__proto__");
});

test("a likelihood gives a finite number >= 0 for every state, not all 0", () => {
  refused('{"likelihood": {"plain": {"no": -1, "yes": 2}}}', '"plain"', '"no"', "-1", ">= 0");
  refused('{"likelihood": {"plain": {"no": -1e-300, "yes": 2}}}', '"no"', ">= 0");
  refused('{"likelihood": {"plain": {"no": "2", "yes": 2}}}', '"plain"', '"no"', '"2"', "not a number");
  refused('{"likelihood": {"plain": {"no": "0x0", "yes": 2}}}', '"plain"', '"no"', '"0x0"', "not a number");
  refused('{"likelihood": {"plain": {"no": true, "yes": 2}}}', '"no"', "true", "not a number");
  refused('{"likelihood": {"plain": {"no": null, "yes": 2}}}', '"no"', "null", "not a number");
  refused('{"likelihood": {"plain": {"no": [1], "yes": 2}}}', '"no"', "not a number");
  refused('{"likelihood": {"plain": {"no": 0, "yes": 0}}}', '"plain"', "0 for every state");
  refused('{"likelihood": {"plain": {"yes": 2}}}', '"plain"', "leaves out state", '"no"');
  refused('{"likelihood": {"plain": {"no": 1, "yes": 2, "maybe": 3}}}', '"plain"', "unknown state", '"maybe"');
  refused('{"likelihood": {"plain": [1, 2]}}', '"plain"', "{state: weight}");
  refused('{"likelihood": {"__proto__": {"__proto__": 1, "hasOwnProperty": -2, "constructor": 1}}}', '"__proto__"', '"hasOwnProperty"', "-2");
  refused('{"likelihood": {"__proto__": {"hasOwnProperty": 1, "constructor": 1}}}', '"__proto__"', "leaves out state", '"__proto__"');
  // Numbers JSON cannot carry, from window.cruxnet's callers.
  for (const bad of [NaN, Infinity, -Infinity]) {
    assert.throws(() => checkLikelihood(nodes[2], {no: bad, yes: 1}), />= 0/);
  }
  // A weight of 0 rules a state out; large and tiny weights are fine.
  const lik = view('{"likelihood": {"plain": {"yes": 1e300, "no": 0}}}').likelihood;
  assert.deepEqual(Object.entries(lik.plain), [["no", 0], ["yes", 1e300]]);  // in state order
});

test("a stated or fixed marginal is in [0, 1] and sums to 1; one state left out gets the rest", () => {
  refused('{"mine": {"plain": [0.5, 0.6]}}', '"plain"', "sums to 1.1", "not 1");
  refused('{"mine": {"plain": [1.5, -0.5]}}', '"plain"', '"no"', "1.5", "[0, 1]");
  refused('{"mine": {"plain": [0.5, "0.5"]}}', '"plain"', '"yes"', '"0.5"', "not a number");
  refused('{"mine": {"plain": [0.5, false]}}', '"plain"', '"yes"', "false", "not a number");
  refused('{"mine": {"plain": [1]}}', '"plain"', "1 values for its 2 states");
  refused('{"mine": {"plain": 0.5}}', '"plain"', "one probability per state");
  refused('{"mine": {"__proto__": {"__proto__": 0.5}}}', '"__proto__"', "sums to 0.5", "leave out one state only");
  refused('{"mine": {"__proto__": {"__proto__": 0.5, "hasOwnProperty": 0.7}}}', '"__proto__"', "sums to 1.2");
  refused('{"mine": {"plain": {"yes": 1.2}}}', '"plain"', '"yes"', "1.2", "[0, 1]");
  refused('{"mine": {"plain": {"maybe": 0.2}}}', '"plain"', "unknown state", '"maybe"');
  const left = view('{"mine": {"__proto__": {"__proto__": 0.25, "constructor": 0.5}}}').mine;
  assert.deepEqual(get(left, "__proto__"), [0.25, 0.25, 0.5]);
  const both = view('{"mine": {"__proto__": {"hasOwnProperty": 1}}}').mine;  // the others get 0
  assert.deepEqual(get(both, "__proto__"), [0, 1, 0]);
  // Within SUM_TOL: clipped and divided by the sum, as cruxnet.base.validate does.
  const near = checkMarginal(nodes[2], [-SUM_TOL / 2, 1 + SUM_TOL / 2], "my view");
  assert.deepEqual(near, [0, 1]);
  const over = checkMarginal(nodes[2], [0.5 + SUM_TOL / 4, 0.5 + SUM_TOL / 4], "my view");
  assert.deepEqual(over, [0.5, 0.5]);
  assert.throws(() => checkMarginal(nodes[2], [0.5, 0.5 + 2 * SUM_TOL], "fixed marginal"), /fixed marginal of node "plain" sums to/);
  for (const bad of [NaN, Infinity]) assert.throws(() => checkMarginal(nodes[2], [bad, 0], "my view"), /\[0, 1\]/);
});

test("a view has wv, cmp, hard, do, likelihood and mine, nothing else", () => {
  refused('{"fixed": {"plain": [0.5, 0.5]}}', "fixed", "Jeffrey");
  refused('{"evidence": {}}', "unknown part", '"evidence"');
  refused('{"__proto__": {}}', "unknown part", '"__proto__"');
  refused('{"wv": 2}', "worldview 2");
  refused('{"wv": -1}', "worldview -1");
  refused('{"wv": 0.5}', "worldview 0.5");
  refused('{"wv": "1"}', 'worldview "1"');
  refused('{"cmp": 2}', "compared worldview 2");
  refused('{"cmp": -2}', "compared worldview -2");
  refused('{"cmp": null}', "compared worldview null");
  for (const text of ["[]", "null", "3", '"hard"']) refused(text, "a view must be");
  assert.equal(view('{"wv": 1, "cmp": -1}').wv, 1);
  assert.equal(view('{"cmp": 1}').cmp, 1);
});

test("evidence from window.cruxnet's callers: the same checks, other parts left alone", () => {
  const ev = checkEvidence({hard: {plain: "no"}, mine: {}, wv: 0}, nodes);
  assert.equal(get(ev.hard, "plain"), "no");
  protoless(ev.hard);
  assert.deepEqual(Object.keys(ev), ["hard", "do", "likelihood"]);
  assert.throws(() => checkEvidence({fixed: {}}, nodes), /Jeffrey/);
  assert.throws(() => checkEvidence({likelihood: {plain: {no: -1, yes: 1}}}, nodes), /"plain", state "no": -1 is not a number >= 0/);
  assert.equal(Object.keys(checkEvidence(undefined, nodes).hard).length, 0);
});

test("name maps: no prototype, own keys only, __proto__ a key like any other", () => {
  const tree = nameTree(JSON.parse('{"__proto__": {"a": [1, {"constructor": 2}]}, "toString": 3}'));
  protoless(tree);
  protoless(tree.__proto__);
  protoless(tree.__proto__.a[1]);
  assert.deepEqual(Object.keys(tree), ["__proto__", "toString"]);
  assert.equal(get(tree, "toString"), 3);
  assert.equal(get({}, "constructor"), undefined);
  assert.equal(has({}, "toString"), false);
  assert.equal(has(null, "x"), false);
  const m = nameMap([["__proto__", 1], ["valueOf", 2]]);
  protoless(m);
  assert.deepEqual(Object.entries(m), [["__proto__", 1], ["valueOf", 2]]);
});

test("fsum is exactly rounded, as Python's math.fsum", () => {
  assert.equal(fsum(Array(10).fill(0.1)), 1);
  assert.equal(fsum([1e100, 1, -1e100]), 1);
  assert.equal(fsum([0.3, 0.3, 0.4]), 1);
  assert.equal(fsum([]), 0);
  assert.equal(fsum([1, 1e-16, 1e-16]), 1.0000000000000002);
});
