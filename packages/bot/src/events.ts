/** Discord's dispatch events, typed by name: `'MESSAGE_CREATE'` → its `d` payload (discord-api-types). */
import type { GatewayDispatchPayload } from 'discord-api-types/v10';

/** Every dispatch Discord sends, by its `t`, to the type of its raw `d`. */
export type DispatchPayloads = { [P in GatewayDispatchPayload as `${P['t']}`]: P['d'] };

/** A dispatch event name such as `'MESSAGE_CREATE'` (plain strings and `GatewayDispatchEvents` both fit). */
export type EventName = keyof DispatchPayloads;

export type EventPayload<E extends EventName> = DispatchPayloads[E];
