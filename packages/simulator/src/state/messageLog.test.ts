import { describe, expect, it } from 'vitest';
import { makeMessage, makeUser } from './factories.js';
import { MessageLog, type MessageQuery } from './messageLog.js';

// Ids 10..19 (same length, so string order is numeric order).
const log = new MessageLog();
const author = makeUser('1', 'a');
for (let i = 10; i < 20; i++)
  log.add({
    message: makeMessage({ id: String(i), channelId: '1', author, content: '', timestamp: '' }),
    guildId: undefined,
    attachments: new Map(),
  });

const rows: [string, MessageQuery, string[]][] = [
  ['newest first by default', { limit: 3 }, ['19', '18', '17']],
  ['before excludes the id', { before: '15', limit: 3 }, ['14', '13', '12']],
  ['before the first gives nothing', { before: '10', limit: 3 }, []],
  ['after takes the oldest after the id', { after: '12', limit: 3 }, ['15', '14', '13']],
  ['after an id older than every message', { after: '5', limit: 2 }, ['11', '10']],
  ['after the last gives nothing', { after: '19', limit: 5 }, []],
  ['around includes the id, half before', { around: '15', limit: 4 }, ['16', '15', '14', '13']],
  ['around near the start fills the limit with newer ones', { around: '10', limit: 3 }, ['12', '11', '10']],
  ['a limit beyond the log', { limit: 50 }, ['19', '18', '17', '16', '15', '14', '13', '12', '11', '10']],
];

describe('MessageLog.query', () => {
  it.each(rows)('%s', (_name, query, ids) => {
    expect(log.query(query).map((r) => r.message.id)).toEqual(ids);
  });

  it('deletes and keeps order', () => {
    const copy = new MessageLog();
    for (const record of log.all()) copy.add(record);
    copy.delete('15');
    expect(copy.query({ around: '15', limit: 2 }).map((r) => r.message.id)).toEqual(['16', '14']);
    expect(copy.get('15')).toBeUndefined();
    expect(copy.size).toBe(9);
  });
});
