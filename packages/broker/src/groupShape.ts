/** A group as this process knows it: every pattern bound so far and its latest settings. */
import type { GroupOptions } from './Broker.js';

export interface GroupShape {
  patterns: Set<string>;
  options: GroupOptions;
}

/** Adds patterns and settings to a group's shape (a setting not given keeps its value). */
export function mergeGroup(
  groups: Map<string, GroupShape>,
  group: string,
  patterns: readonly string[],
  options: GroupOptions,
): GroupShape {
  const shape = groups.get(group) ?? { patterns: new Set<string>(), options: {} };
  for (const p of patterns) shape.patterns.add(p);
  shape.options = {
    maxLength: options.maxLength ?? shape.options.maxLength,
    maxAgeMs: options.maxAgeMs ?? shape.options.maxAgeMs,
    ordered: options.ordered ?? shape.options.ordered,
  };
  groups.set(group, shape);
  return shape;
}
