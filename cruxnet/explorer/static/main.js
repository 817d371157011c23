/* cruxnet explorer: the page's entry module (no dependencies; MIT, part of cruxnet).
 *
 * Reads the JSON in <script id="cruxnet-data">, builds the numbers (model/index.js, on
 * engine/ and forms/; no DOM), publishes window.cruxnet (page/api.js) and starts the page
 * (page/start.js), which runs the model on every action and updates the SVG network drawn by
 * cruxnet.views.netview in place. All text from model and worldview files reaches the page
 * through textContent or escaped attributes, never as HTML.
 *
 * Every file under static/ is an ES module with one job. cruxnet.explorer.page bundles them,
 * from this entry, into the page's one inline <script> (each module in its own scope, after
 * the modules it imports), so the page needs no network and opens from file://; Node.js
 * imports the modules directly (tests/js/).
 *
 * page: the context the page/ modules share: {DATA (the payload, M.DATA), M (the model), svgRoot, state (the page's
 * state, page/state.js), mode (what a click does), history (states to undo to), current (the
 * view shown)}.
 */
import {create} from "./model/index.js";
import {scriptingApi} from "./page/api.js";
import {start} from "./page/start.js";
import {emptyState} from "./page/state.js";

// The model keeps the payload with every object in a map without a prototype (M.DATA): its
// maps are keyed by node names, and a node may be called "constructor" (engine/names.js).
const M = create(JSON.parse(document.getElementById("cruxnet-data").textContent));
const page = {
  DATA: M.DATA, M, svgRoot: document.querySelector("#network svg"),
  state: emptyState(), mode: "observe", history: [], current: null,
};
window.cruxnet = scriptingApi(page);
start(page);
