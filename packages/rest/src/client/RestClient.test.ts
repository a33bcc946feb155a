import { afterEach, describe, expect, it } from 'vitest';
import { DiscordAPIError } from '../Rest.js';
import { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from '../testing/fakeDiscord.js';
import { RestClient } from './RestClient.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789';
const CHANNEL = '222222222222222222';
let fake: FakeDiscord;
let client: RestClient;

async function setup(options: FakeDiscordOptions = {}) {
  fake = await startFakeDiscord(options);
  client = new RestClient({ token: TOKEN, baseUrl: `${fake.url}/api`, retries: 3 });
}

const unexpected = (): never => {
  throw new Error('expected the request to fail');
};

afterEach(async () => {
  await client?.close();
  await fake?.close();
});

describe('RestClient', () => {
  it('sends JSON with the bot token and returns the parsed answer', async () => {
    await setup();
    const answer = await client.request<{ path: string }>({
      method: 'POST',
      path: `/channels/${CHANNEL}/messages`,
      body: { content: 'hi' },
      query: { wait: true, skip: undefined },
      reason: 'a reason ü',
    });
    expect(answer.path).toBe(`/channels/${CHANNEL}/messages?wait=true`);
    const [seen] = fake.requests;
    expect(seen!.url).toBe(`/api/v10/channels/${CHANNEL}/messages?wait=true`);
    expect(seen!.headers.authorization).toBe(`Bot ${TOKEN}`);
    expect(seen!.headers['content-type']).toBe('application/json');
    expect(seen!.headers['x-audit-log-reason']).toBe('a%20reason%20%C3%BC');
    expect(JSON.parse(seen!.body.toString())).toEqual({ content: 'hi' });
  });

  it('omits the token when auth is false', async () => {
    await setup();
    await client.request({ method: 'GET', path: '/gateway', auth: false });
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('sends 60 messages to one channel at once without one 429 reaching Discord', async () => {
    await setup({ limit: 5, windowMs: 100 });
    const sends = Array.from({ length: 60 }, (_, i) =>
      client.request({ method: 'POST', path: `/channels/${CHANNEL}/messages`, body: { content: String(i) } }),
    );
    await Promise.all(sends);
    expect(fake.requests.length).toBe(60);
    expect(fake.limited).toEqual({ user: 0, global: 0 });
    // Order within the bucket is kept.
    const contents = fake.requests.map((r) => JSON.parse(r.body.toString()).content);
    expect(contents).toEqual(Array.from({ length: 60 }, (_, i) => String(i)));
  });

  it('retries a 429 after retry_after without the caller noticing', async () => {
    let first = true;
    await setup({
      answer: () => {
        if (!first) return undefined;
        first = false;
        return {
          status: 429,
          headers: { 'retry-after': '0', 'x-ratelimit-scope': 'shared' },
          body: { message: 'You are being rate limited.', retry_after: 0, global: false },
        };
      },
    });
    const answer = await client.request<{ method: string }>({
      method: 'POST',
      path: `/channels/${CHANNEL}/typing`,
    });
    expect(answer.method).toBe('POST');
    expect(fake.requests.length).toBe(2);
  });

  it('retries a 5xx for an idempotent request, never for a POST', async () => {
    let failures = 0;
    await setup({
      answer: (request) => {
        if (request.method === 'POST' || failures++ < 1)
          return { status: 502, body: { message: 'Bad Gateway', code: 0 } };
        return undefined;
      },
    });
    await expect(client.request({ method: 'GET', path: `/channels/${CHANNEL}` })).resolves.toBeDefined();
    expect(fake.requests.length).toBe(2);
    const error = await client
      .request({ method: 'POST', path: `/channels/${CHANNEL}/messages`, body: {} })
      .then(unexpected, (e: unknown) => e as DiscordAPIError);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error.status).toBe(502);
    expect(fake.requests.length).toBe(3);
  });

  it("throws Discord's error with code, message and errors, never the token", async () => {
    await setup({
      answer: () => ({
        status: 400,
        body: {
          code: 50035,
          message: 'Invalid Form Body',
          errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } },
        },
      }),
    });
    const error = await client
      .request({ method: 'POST', path: `/channels/${CHANNEL}/messages`, body: {} })
      .then(unexpected, (e: unknown) => e as DiscordAPIError);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({
      status: 400,
      code: 50035,
      method: 'POST',
      path: `/channels/${CHANNEL}/messages`,
    });
    expect(error.errors).toEqual({ content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } });
    expect(String(error.message) + String(error.stack)).not.toContain(TOKEN);
  });

  it('uploads files as multipart with payload_json', async () => {
    await setup();
    const data = new Uint8Array(300_000).fill(7);
    await client.request({
      method: 'POST',
      path: `/channels/${CHANNEL}/messages`,
      body: { content: 'file' },
      files: [{ name: 'a.bin', data }],
    });
    const seen = fake.requests[0]!;
    expect(seen.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const text = seen.body.toString('latin1');
    expect(text).toContain('name="payload_json"');
    expect(text).toContain('{"content":"file"}');
    expect(text).toContain('name="files[0]"; filename="a.bin"');
    expect(seen.bodyBytes).toBeGreaterThan(300_000);
  });

  it('returns undefined for a 204', async () => {
    await setup();
    await expect(
      client.request({ method: 'DELETE', path: `/channels/${CHANNEL}/messages/1` }),
    ).resolves.toBeUndefined();
  });
});
