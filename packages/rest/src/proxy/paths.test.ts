import { describe, expect, it } from 'vitest';
import { downstreamHeaders, parseApiPath, upstreamHeaders } from './paths.js';

describe('parseApiPath', () => {
  it.each([
    ['/api/v10/channels/1/messages', { version: '/v10', path: '/channels/1/messages', query: '' }],
    ['/api/v9/users/@me?x=1', { version: '/v9', path: '/users/@me', query: '?x=1' }],
    ['/api/oauth2/token', { version: '', path: '/oauth2/token', query: '' }],
    ['/api/v10', { version: '/v10', path: '/', query: '' }],
    ['/api/v10/webhooks/1/tok?wait=true', { version: '/v10', path: '/webhooks/1/tok', query: '?wait=true' }],
    ['/channels/1', undefined],
    ['/api/v10/../../etc/passwd', undefined],
    ['/api/v10/channels/..', undefined],
    ['/metrics', undefined],
  ])('%s', (url, expected) => {
    expect(parseApiPath(url)).toEqual(expected);
  });
});

describe('headers across the proxy', () => {
  it('forwards Authorization and content headers, drops hop-by-hop and the proxy’s own', () => {
    expect(
      upstreamHeaders({
        authorization: 'Bot x',
        'content-type': 'application/json',
        'content-length': '2',
        connection: 'keep-alive',
        host: 'proxy',
        'transfer-encoding': 'chunked',
        'x-shardwire-secret': 's',
        'x-audit-log-reason': 'r',
      }),
    ).toEqual({
      authorization: 'Bot x',
      'content-type': 'application/json',
      'content-length': '2',
      'x-audit-log-reason': 'r',
    });
  });

  it('returns Discord’s headers, rate-limit ones included', () => {
    expect(
      downstreamHeaders({
        'x-ratelimit-bucket': 'abc',
        connection: 'close',
        'set-cookie': ['a', 'b'],
        x: undefined,
      }),
    ).toEqual({ 'x-ratelimit-bucket': 'abc', 'set-cookie': ['a', 'b'] });
  });
});
