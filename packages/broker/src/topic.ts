/** AMQP topic patterns: words split on `.`, `*` matches exactly one word, `#` zero or more. */

export type TopicMatcher = (routingKey: string) => boolean;

/** Compiles one pattern to a matcher; throws on an empty pattern or an empty word. */
export function compileTopic(pattern: string): TopicMatcher {
  const words = validatePattern(pattern);
  if (!words.includes('#') && !words.includes('*')) return (key) => key === pattern;
  return (key) => matchWords(words, 0, key.split('.'), 0);
}

export function topicMatches(pattern: string, routingKey: string): boolean {
  return compileTopic(pattern)(routingKey);
}

/** Matches a routing key against any of several patterns. */
export function compileTopics(patterns: readonly string[]): TopicMatcher {
  const matchers = patterns.map(compileTopic);
  return (key) => matchers.some((m) => m(key));
}

export function validatePattern(pattern: string): string[] {
  if (typeof pattern !== 'string' || pattern.length === 0)
    throw new TypeError('topic pattern must be a non-empty string');
  const words = pattern.split('.');
  if (words.some((w) => w.length === 0)) throw new TypeError(`topic pattern "${pattern}" has an empty word`);
  return words;
}

// Keys already found valid: a service publishes under a handful of keys, millions of times.
const validKeys = new Set<string>();

/** Routing keys are words separated by dots, with no wildcard. */
export function validateRoutingKey(key: string): void {
  if (validKeys.has(key)) return;
  if (typeof key !== 'string' || key.length === 0)
    throw new TypeError('routing key must be a non-empty string');
  const words = key.split('.');
  if (words.some((w) => w.length === 0 || w === '*' || w === '#'))
    throw new TypeError(`routing key "${key}" must be dot-separated words without wildcards`);
  if (validKeys.size < 10_000) validKeys.add(key);
}

function matchWords(pattern: string[], p: number, key: string[], k: number): boolean {
  while (p < pattern.length) {
    const word = pattern[p]!;
    if (word === '#') {
      // `#` swallows zero or more words: try every split.
      if (p === pattern.length - 1) return true;
      for (let skip = k; skip <= key.length; skip++) if (matchWords(pattern, p + 1, key, skip)) return true;
      return false;
    }
    if (k >= key.length) return false;
    if (word !== '*' && word !== key[k]) return false;
    p++;
    k++;
  }
  return k === key.length;
}

export function asPatterns(patterns: string | readonly string[]): string[] {
  const list = typeof patterns === 'string' ? [patterns] : [...patterns];
  if (list.length === 0) throw new TypeError('at least one topic pattern is needed');
  for (const p of list) validatePattern(p);
  return list;
}
