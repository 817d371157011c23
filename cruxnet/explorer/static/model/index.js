/* cruxnet explorer, model/index.js: the page's numbers, without the page (no dependencies, no
 * DOM; MIT, part of cruxnet).
 *
 * create(DATA) reads the JSON payload cruxnet.explorer.payload writes (the point tables, the
 * parameter draws as forms' parameters or table columns, the junction tree and the contraction
 * plan) and answers every number the page shows: point beliefs, P(target) per parameter draw
 * and its interval, the one-way swings, each table's draws, with stated marginals ("my view")
 * met. The modules in this folder do one job each on a shared context {DATA, model, nodes, ids,
 * index, target, soi, D, cache, engine, worldviews}. It touches no DOM, so the same code runs in
 * the page (main.js, page/) and under Node.js, where tests/js/ imports it and checks it against
 * golden vectors written by the Python engine. M.DATA is the payload as the model holds it: every
 * object in it a map without a prototype (engine/names.js), so lookups by a name such as
 * "constructor" or "__proto__" find only what the payload holds; M.index maps names to nodes.
 */
import {Engine} from "../engine/index.js";
import {nameMap, nameTree} from "../engine/names.js";
import {beliefs, targetDraws} from "./beliefs.js";
import {bytes, f64} from "./decode.js";
import {drawTables, tableDraws} from "./draw_tables.js";
import {normalEvidence} from "./evidence.js";
import {interval} from "./interval.js";
import {pointTables} from "./mine.js";
import {swings} from "./swings.js";

export function create(data) {
  // Every object of the payload in a map without a prototype: draws, marginals, sources and
  // evidence are keyed by names, and a node may be called "constructor" (engine/names.js).
  const DATA = nameTree(data);
  const model = DATA.model;
  const nodes = model.nodes;
  const ids = nodes.map((n) => n.id);
  const index = nameMap(ids.map((id, i) => [id, i]));
  const target = model.target;
  const soi = model.state;
  const D = DATA.draws;
  const cache = new Map();
  const engine = DATA.limits.no_engine ? null
    : new Engine(model, DATA.junction, DATA.plan, target, DATA.kernels ? bytes(DATA.kernels) : null);
  const worldviews = DATA.worldviews.map((w) => ({...w, point: w.cpts.map(f64), tables: null}));
  const ctx = {DATA, model, nodes, ids, index, target, soi, D, cache, engine, worldviews};

  return {
    DATA, engine, worldviews, ids, index, nodes, target, soi, D, cache,
    normalEvidence: (ev) => normalEvidence(ctx, ev),
    drawTables: (w) => drawTables(ctx, w),
    tableDraws: (wv, node, d0, d1) => tableDraws(ctx, wv, node, d0, d1),
    pointTables: (w, mine) => pointTables(ctx, w, mine),
    beliefs: (wv, mine, ev) => beliefs(ctx, wv, mine, ev),
    targetDraws: (wv, mine, ev) => targetDraws(ctx, wv, mine, ev),
    swings: (wv, mine, ev, known) => swings(ctx, wv, mine, ev, known),
    interval: (wv, mine, ev) => interval(ctx, wv, mine, ev),
  };
}
