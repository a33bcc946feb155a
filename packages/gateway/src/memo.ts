/** Values made once per dispatch type, for the per-dispatch path. */

/**
 * `make(t)`, remembered per `t`. Discord has a few dozen dispatch types; the bound only keeps a
 * stream of unknown ones from growing the map (past it, values are made each time).
 */
export function perType<V>(make: (t: string) => V, bound = 1_024): (t: string) => V {
  const made = new Map<string, V>();
  return (t) => {
    let value = made.get(t);
    if (value === undefined) {
      value = make(t);
      if (made.size < bound) made.set(t, value);
    }
    return value;
  };
}
