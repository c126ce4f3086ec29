/**
 * Observable Plot names its mark groups (and a few shapes such as the frame) with aria-label,
 * which ARIA allows only on elements with a role (axe: aria-prohibited-attr): groups become
 * role="group" and single shapes role="img", so the names stay meaningful.
 */
export function labelPlotGroups(root: Element): void {
  for (const el of root.querySelectorAll('[aria-label]:not([role]):not(svg)')) {
    if (el.namespaceURI !== 'http://www.w3.org/2000/svg') continue;
    el.setAttribute('role', el.tagName.toLowerCase() === 'g' ? 'group' : 'img');
  }
}
