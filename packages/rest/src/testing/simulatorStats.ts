/** Reads what the simulator counted (`GET /_sim/stats`): statuses per route, 429s by scope, invalid requests per IP. */
import { request } from 'undici';

export interface SimulatorCounts {
  /** Answers with this status, summed over every route. */
  status(code: number): number;
  /** Answers with this status on one route pattern (`"POST /webhooks/:webhook_id/:webhook_token"`). */
  routeStatus(route: string, code: number): number;
  /** 429s the simulator's limiter gave, by scope (`user`, `global`, `shared`). */
  limited(scope: 'user' | 'global' | 'shared'): number;
  /** Invalid requests (401, 403, non-shared 429) the simulator counted for all IPs together, ever. */
  invalid: number;
}

interface Stats {
  rest: Record<string, Record<string, number>>;
  rateLimits: {
    byScope: Record<string, number>;
    invalidRequests: Record<string, { invalid: number }>;
  };
}

export async function simulatorCounts(simulatorUrl: string): Promise<SimulatorCounts> {
  const stats = (await (await request(`${simulatorUrl}/_sim/stats`)).body.json()) as Stats;
  return {
    status: (code) =>
      Object.values(stats.rest).reduce((sum, byStatus) => sum + (byStatus[String(code)] ?? 0), 0),
    routeStatus: (route, code) => stats.rest[route]?.[String(code)] ?? 0,
    limited: (scope) => stats.rateLimits.byScope[scope] ?? 0,
    invalid: Object.values(stats.rateLimits.invalidRequests).reduce((sum, ip) => sum + ip.invalid, 0),
  };
}
