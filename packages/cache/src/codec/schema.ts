/**
 * Entity schemas and the packed encoding: a presence mask, a null mask, then each kept field's
 * value in schema order (ids as 8 bytes, numbers as varints, image hashes as 16 bytes, times as
 * milliseconds). Masks index the full schema, so data written with one field selection decodes
 * under another.
 */
import { ByteReader, ByteWriter } from './bytes.js';

export type FieldKind =
  | 'id' // snowflake → 8 bytes
  | 'ids' // snowflake[]
  | 'str'
  | 'strs' // string[]
  | 'hash' // image hash (`a_` + 32 hex) → 17 bytes, other strings as str
  | 'int'
  | 'big' // bit set sent as a decimal string (permissions)
  | 'bool' // no bytes: present and true bits in the masks
  | 'time' // ISO 8601 timestamp → ms since the epoch (read back as `toISOString()`)
  | 'json' // rare nested objects
  | 'overwrites'; // permission_overwrites

export type Field = readonly [name: string, kind: FieldKind];

export interface Schema {
  readonly entity: string;
  readonly fields: readonly Field[];
  /** Always kept, whatever the selection (ids, and what permissions and lookups need). */
  readonly required: readonly string[];
}

interface Overwrite {
  id: string;
  type: number;
  allow: string;
  deny: string;
}

const HASH = /^(a_)?[0-9a-f]{32}$/;
const writer = new ByteWriter();

/** Encodes and decodes one entity type with a chosen set of kept fields. */
export class Codec {
  readonly keep: readonly boolean[];
  readonly #maskBytes: number;

  constructor(
    readonly schema: Schema,
    /** Field names to keep; undefined keeps them all. */
    readonly fields?: readonly string[],
    /** A field left out because the storage keys the entity by it (its id). */
    readonly keyField?: string,
  ) {
    const names = new Set(schema.fields.map(([name]) => name));
    for (const name of fields ?? []) {
      if (!names.has(name)) {
        throw new Error(`cache: unknown ${schema.entity} field "${name}" (known: ${[...names].join(', ')})`);
      }
    }
    const wanted = fields ? new Set([...fields, ...schema.required]) : undefined;
    this.keep = schema.fields.map(
      ([name]) => name !== keyField && (wanted === undefined || wanted.has(name)),
    );
    this.#maskBytes = Math.ceil(schema.fields.length / 8);
  }

  /** The same selection without `field`, for storage that keys entities by it (the caller adds it back). */
  keyedBy(field: string): Codec {
    return new Codec(this.schema, this.fields, field);
  }

  /** Whether a field is kept. */
  keeps(name: string): boolean {
    const index = this.schema.fields.findIndex(([n]) => n === name);
    return index !== -1 && this.keep[index] === true;
  }

  encode(value: object): string {
    try {
      return this.#encode(writer, value);
    } catch (error) {
      writer.reset();
      throw error;
    }
  }

  #encode(w: ByteWriter, value: object): string {
    const record = value as Record<string, unknown>;
    const { fields } = this.schema;
    const maskAt = w.length;
    const masks = new Array<number>(this.#maskBytes * 2).fill(0);
    for (let i = 0; i < masks.length; i++) w.byte(0);
    for (let i = 0; i < fields.length; i++) {
      if (!this.keep[i]) continue;
      const [name, kind] = fields[i]!;
      const v = record[name];
      if (v === undefined) continue;
      masks[i >> 3]! |= 1 << (i & 7);
      if (kind === 'bool') {
        // A boolean is its mask bits alone: present, and true in the second mask.
        if (v === true) masks[this.#maskBytes + (i >> 3)]! |= 1 << (i & 7);
        continue;
      }
      if (v === null) {
        masks[this.#maskBytes + (i >> 3)]! |= 1 << (i & 7);
        continue;
      }
      writeValue(w, kind, v, name, this.schema.entity);
    }
    for (let i = 0; i < masks.length; i++) w.patch(maskAt + i, masks[i]!);
    return w.finish();
  }

  decode<T = Record<string, unknown>>(packed: string): T {
    const r = new ByteReader(packed);
    const { fields } = this.schema;
    const masks: number[] = [];
    for (let i = 0; i < this.#maskBytes * 2; i++) masks.push(r.byte());
    const out: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) {
      if (!(masks[i >> 3]! & (1 << (i & 7)))) continue;
      const [name, kind] = fields[i]!;
      const second = (masks[this.#maskBytes + (i >> 3)]! & (1 << (i & 7))) !== 0;
      const v = kind === 'bool' ? second : second ? null : readValue(r, kind);
      if (this.keep[i]) out[name] = v;
    }
    return out as T;
  }
}

function writeValue(w: ByteWriter, kind: FieldKind, v: unknown, name: string, entity: string): void {
  const bad = () => new TypeError(`cache: ${entity}.${name} is not a valid ${kind}: ${JSON.stringify(v)}`);
  switch (kind) {
    case 'id':
      if (typeof v !== 'string') throw bad();
      w.id(v);
      return;
    case 'ids':
      if (!Array.isArray(v)) throw bad();
      w.uvarint(v.length);
      for (const id of v) w.id(String(id));
      return;
    case 'str':
      if (typeof v !== 'string') throw bad();
      w.str(v);
      return;
    case 'strs':
      if (!Array.isArray(v)) throw bad();
      w.uvarint(v.length);
      for (const s of v) w.str(String(s));
      return;
    case 'hash':
      if (typeof v !== 'string') throw bad();
      if (HASH.test(v)) {
        const animated = v.startsWith('a_');
        w.byte(animated ? 1 : 0);
        w.raw(Buffer.from(animated ? v.slice(2) : v, 'hex'));
      } else {
        w.byte(2);
        w.str(v);
      }
      return;
    case 'int':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad();
      w.svarint(v);
      return;
    case 'big':
      if (typeof v !== 'string' || !/^\d+$/.test(v)) throw bad();
      w.bigvarint(BigInt(v));
      return;
    case 'bool':
      return; // in the masks
    case 'time': {
      const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
      if (!Number.isFinite(ms)) throw bad();
      w.svarint(ms);
      return;
    }
    case 'json':
      w.str(JSON.stringify(v));
      return;
    case 'overwrites': {
      if (!Array.isArray(v)) throw bad();
      w.uvarint(v.length);
      for (const o of v as Overwrite[]) {
        w.id(o.id);
        w.byte(o.type);
        w.bigvarint(BigInt(o.allow));
        w.bigvarint(BigInt(o.deny));
      }
      return;
    }
  }
}

function readValue(r: ByteReader, kind: FieldKind): unknown {
  switch (kind) {
    case 'id':
      return r.id();
    case 'ids': {
      const n = r.uvarint();
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(r.id());
      return out;
    }
    case 'str':
      return r.str();
    case 'strs': {
      const n = r.uvarint();
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(r.str());
      return out;
    }
    case 'hash': {
      const tag = r.byte();
      if (tag === 2) return r.str();
      const hex = Buffer.from(r.bytes(16), 'latin1').toString('hex');
      return tag === 1 ? `a_${hex}` : hex;
    }
    case 'int':
      return r.svarint();
    case 'big':
      return r.bigvarint().toString();
    case 'bool':
      return false; // in the masks
    case 'time':
      return new Date(r.svarint()).toISOString();
    case 'json':
      return JSON.parse(r.str());
    case 'overwrites': {
      const n = r.uvarint();
      const out: Overwrite[] = [];
      for (let i = 0; i < n; i++) {
        out.push({
          id: r.id(),
          type: r.byte(),
          allow: r.bigvarint().toString(),
          deny: r.bigvarint().toString(),
        });
      }
      return out;
    }
  }
}
