/** Deepest nesting of arrays and objects a request body may have; no real form or API body comes near. */
export const MAX_BODY_DEPTH = 32;

/**
 * Whether a parsed body nests containers more than `max` levels deep (the body itself is level 1).
 * Iterative and stops at the first branch too deep, so a 30,000-level body costs 33 steps and no
 * stack — validation and transformation, which recurse, never see it.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
