/* cruxnet explorer, page/dom.js: the two DOM helpers the page modules share (MIT, part of
 * cruxnet).
 */

export const $ = (sel) => document.querySelector(sel);

/** Set an attribute only when its value changes (null: remove it): a click rewrites only
 *  what moved, so the browser restyles and repaints less. */
const written = new WeakMap();
export function set(el, name, value) {
  let seen = written.get(el);
  if (!seen) { seen = Object.create(null); written.set(el, seen); }
  if (seen[name] === value) return;
  seen[name] = value;
  if (value === null) el.removeAttribute(name);
  else el.setAttribute(name, value);
}
