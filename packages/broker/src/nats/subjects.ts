/**
 * Where shardwire lives in NATS (pure, table-tested): one interest-retention stream for events and
 * replays, one for dead letters, subjects `<prefix>.ev.<partition>.<routingKey>`, and the
 * translation of AMQP topic patterns to JetStream filter subjects.
 */
import { hashKey } from '../partition.js';
import { validatePattern } from '../topic.js';

export interface NatsNames {
  readonly stream: string;
  readonly deadLetterStream: string;
  readonly eventSubjects: string;
  readonly replaySubjects: string;
  eventSubject(partition: number, routingKey: string): string;
  /** Filter subjects for a pattern, for one partition or all (`*`). */
  eventFilters(pattern: string, partition: number | '*'): string[];
  replaySubject(group: string, routingKey: string): string;
  replayFilter(group: string): string;
  deadLetterSubject(group: string): string;
  deadLetterSubjects: string;
  rpcSubject(subject: string): string;
  broadcastSubject(subject: string): string;
  /** Durable consumer name for one filter of a group. */
  consumerName(group: string, filter: string): string;
  /** The routing key a subject carries (an event or a replay), if it is one of ours. */
  routingKeyOf(subject: string): string | undefined;
}

// Group names are dot-separated words; `~` cannot appear in them, so it stands in for the dots
// where NATS forbids dots (consumer names) or a group must be one subject token.
const token = (group: string) => group.replaceAll('.', '~');

export function natsNames(prefix: string): NatsNames {
  const ev = `${prefix}.ev`;
  const rp = `${prefix}.rp`;
  return {
    stream: `${prefix}_events`,
    deadLetterStream: `${prefix}_dead_letters`,
    eventSubjects: `${ev}.>`,
    replaySubjects: `${rp}.>`,
    eventSubject: (partition, routingKey) => `${ev}.${partition}.${routingKey}`,
    eventFilters: (pattern, partition) => translatePattern(pattern).map((f) => `${ev}.${partition}.${f}`),
    replaySubject: (group, routingKey) => `${rp}.${token(group)}.${routingKey}`,
    replayFilter: (group) => `${rp}.${token(group)}.>`,
    deadLetterSubject: (group) => `${prefix}.dlq.${token(group)}`,
    deadLetterSubjects: `${prefix}.dlq.>`,
    rpcSubject: (subject) => `${prefix}.rpc.${subject}`,
    broadcastSubject: (subject) => `${prefix}.bc.${subject}`,
    consumerName: (group, filter) => `${token(group)}~${hashKey(filter).toString(36)}`,
    routingKeyOf(subject) {
      if (subject.startsWith(`${ev}.`)) return afterWords(subject, ev.split('.').length + 1);
      if (subject.startsWith(`${rp}.`)) return afterWords(subject, rp.split('.').length + 1);
      return undefined;
    },
  };
}

function afterWords(subject: string, count: number): string | undefined {
  const words = subject.split('.');
  return words.length > count ? words.slice(count).join('.') : undefined;
}

/**
 * AMQP topic pattern → JetStream filter subjects that together cover at least what it matches
 * (`*` is `*`; `#` becomes `>`, which needs one word or more, so a trailing `#` also gets the
 * pattern without it). What a filter lets through beyond the pattern is checked by the consumer.
 */
export function translatePattern(pattern: string): string[] {
  const words = validatePattern(pattern);
  const first = words.indexOf('#');
  if (first < 0) return [words.join('.')];
  if (first === 0) return ['>'];
  const head = words.slice(0, first).join('.');
  const isLast = first === words.length - 1;
  return isLast ? [`${head}.>`, head] : [`${head}.>`];
}

/** NATS subject matching: `*` one token, `>` one or more trailing tokens. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}
