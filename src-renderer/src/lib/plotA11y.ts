/**
 * Observable Plot names its mark groups with aria-label, which ARIA allows only on elements
 * with a role (axe: aria-prohibited-attr): give them role="group" so the names stay meaningful.
 */
export function labelPlotGroups(root: Element): void {
  for (const g of root.querySelectorAll('g[aria-label]:not([role])')) g.setAttribute('role', 'group');
}
