/** A message body from JSON or from multipart (`payload_json` + `files[n]`), validated as Discord does. */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { StoredFile } from '../state/records.js';
import type { NewAttachment } from '../world/messages.js';
import { Errors, fieldError, parseBody } from './errors.js';

const embed = z.record(z.string(), z.unknown());

const attachmentRef = z.object({
  id: z.union([z.string(), z.number()]),
  filename: z.string().max(1024).nullish(),
  description: z.string().max(1024).nullish(),
});

export const messageCreateSchema = z.object({
  content: z.string().max(2000).optional(),
  embeds: z.array(embed).max(10).optional(),
  components: z.array(z.unknown()).max(40).optional(),
  tts: z.boolean().optional(),
  nonce: z.union([z.string().max(25), z.number().int()]).optional(),
  message_reference: z
    .object({
      message_id: z.string().optional(),
      channel_id: z.string().optional(),
      guild_id: z.string().optional(),
      fail_if_not_exists: z.boolean().optional(),
      type: z.number().int().optional(),
    })
    .optional(),
  allowed_mentions: z.unknown().optional(),
  attachments: z.array(attachmentRef).max(10).optional(),
  sticker_ids: z.array(z.string()).max(3).optional(),
  flags: z.number().int().optional(),
  enforce_nonce: z.boolean().optional(),
  poll: z.unknown().optional(),
});

export const messageEditSchema = z.object({
  content: z.string().max(2000).nullable().optional(),
  embeds: z.array(embed).max(10).nullable().optional(),
  components: z.array(z.unknown()).max(40).nullable().optional(),
  flags: z.number().int().nullable().optional(),
  allowed_mentions: z.unknown().optional(),
  attachments: z.array(attachmentRef).max(10).nullable().optional(),
});

export const MAX_FILE_BYTES = 25 * 1024 * 1024;

interface Upload {
  filename: string;
  file: StoredFile;
}

/** The JSON part of the body and the uploaded files by index (`files[0]`, `file`, `file1`...). */
export async function readMessageBody(
  request: FastifyRequest,
): Promise<{ json: unknown; uploads: Map<string, Upload> }> {
  const uploads = new Map<string, Upload>();
  if (!request.isMultipart()) return { json: request.body, uploads };
  let json: unknown = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      const match = /^files\[(\d+)\]$/.exec(part.fieldname) ?? /^file(\d*)$/.exec(part.fieldname);
      const index = match ? match[1] || '0' : part.fieldname;
      uploads.set(index, {
        filename: part.filename || `file${index}`,
        file: { contentType: part.mimetype, data },
      });
    } else if (part.fieldname === 'payload_json') {
      try {
        json = JSON.parse(String(part.value));
      } catch {
        throw Errors.invalidJson();
      }
    }
  }
  return { json, uploads };
}

/** Matches uploads to the body's `attachments` entries (by id = upload index); unlisted uploads are attached too. */
export function attachmentsFrom(
  refs: z.output<typeof attachmentRef>[] | undefined,
  uploads: Map<string, Upload>,
): NewAttachment[] {
  const out: NewAttachment[] = [];
  const used = new Set<string>();
  for (const [i, ref] of (refs ?? []).entries()) {
    const upload = uploads.get(String(ref.id));
    if (!upload) continue;
    if (used.has(String(ref.id)))
      throw Errors.invalidFormBody(
        fieldError(['attachments', i, 'id'], 'ATTACHMENT_ID_DUPLICATE', 'Duplicate attachment id.'),
      );
    used.add(String(ref.id));
    out.push({
      filename: ref.filename ?? upload.filename,
      ...(ref.description ? { description: ref.description } : {}),
      file: upload.file,
    });
  }
  for (const [index, upload] of uploads)
    if (!used.has(index)) out.push({ filename: upload.filename, file: upload.file });
  return out;
}

export function parseMessageCreate(json: unknown) {
  return parseBody(messageCreateSchema, json);
}
