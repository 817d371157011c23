/* cruxnet explorer, model/evidence.js: evidence as the page and its callers give it, checked
 * against the model and copied (no DOM; MIT, part of cruxnet).
 */
import {checkEvidence} from "./check.js";

/** {hard, do, likelihood} with every node, state and weight checked (model/check.js: an Error
 *  names the first the model does not take); a copy in maps without a prototype
 *  (engine/names.js), so callers may change theirs and names such as "constructor" or
 *  "__proto__" are plain keys. */
export function normalEvidence(ctx, ev) {
  return checkEvidence(ev, ctx.nodes);
}
