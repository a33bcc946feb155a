/** A `RestRequest`'s body as undici sends it: JSON, or multipart with `payload_json` beside the files. */
import { FormData } from 'undici';
import type { RestRequest } from '../Rest.js';

export interface EncodedBody {
  body: string | FormData | undefined;
  contentType: string | undefined;
}

/** Builds a fresh body (a retry needs its own: a sent FormData is consumed). */
export function encodeBody(request: RestRequest): EncodedBody {
  if (request.files && request.files.length > 0) {
    const form = new FormData();
    if (request.body !== undefined) form.append('payload_json', JSON.stringify(request.body));
    request.files.forEach((file, index) => {
      const blob =
        file.data instanceof Blob
          ? file.data
          : new Blob([file.data as Uint8Array<ArrayBuffer>], {
              type: file.contentType ?? 'application/octet-stream',
            });
      form.append(`files[${index}]`, blob, file.name);
    });
    return { body: form, contentType: undefined }; // undici sets the multipart boundary
  }
  if (request.body === undefined) return { body: undefined, contentType: undefined };
  return { body: JSON.stringify(request.body), contentType: 'application/json' };
}

export function encodeQuery(query: RestRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined) params.append(key, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
