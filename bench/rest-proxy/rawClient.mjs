// The benchmark's load generator: keep-alive HTTP/1.1 connections that send prebuilt requests and
// read answers with a minimal parser (content-length or chunked), one request in flight per
// connection, no pipelining. It costs a fraction of an undici client per request, so the core it
// shares with the upstream is not what caps the proxy under test (the same client for every contender).
import { connect } from 'node:net';

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

class Connection {
  #socket;
  #buffer = Buffer.alloc(0);
  #pending;

  constructor(host, port) {
    this.host = host;
    this.port = port;
  }

  #open() {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    socket.on('data', (chunk) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#parse();
    });
    const fail = (error) => {
      if (this.#socket === socket) this.#socket = undefined;
      this.#buffer = Buffer.alloc(0);
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.reject(error ?? new Error('connection closed'));
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
    this.#socket = socket;
    return socket;
  }

  /** Sends one whole request (a Buffer); resolves to the answer's status once its body is read. */
  send(request) {
    if (this.#pending) return Promise.reject(new Error('one request at a time per connection'));
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
      (this.#socket ?? this.#open()).write(request);
    });
  }

  #parse() {
    const buffer = this.#buffer;
    const headerEnd = buffer.indexOf(HEADER_END);
    if (headerEnd === -1) return;
    const head = buffer.toString('latin1', 0, headerEnd).toLowerCase();
    const status = Number(head.slice(9, 12));
    let end;
    const length = /\r\ncontent-length: *(\d+)/.exec(head);
    if (length) {
      end = headerEnd + 4 + Number(length[1]);
      if (buffer.length < end) return;
    } else if (/\r\ntransfer-encoding: *chunked/.test(head)) {
      end = chunkedEnd(buffer, headerEnd + 4);
      if (end === -1) return;
    } else {
      throw new Error('an answer without content-length or chunked body');
    }
    this.#buffer = buffer.subarray(end);
    const pending = this.#pending;
    this.#pending = undefined;
    if (/\r\nconnection: *close/.test(head)) {
      this.#socket?.destroy();
      this.#socket = undefined;
    }
    pending?.resolve(status);
  }

  close() {
    this.#socket?.destroy();
  }
}

/** Where a chunked body starting at `at` ends (after its last chunk and empty trailer), or -1. */
function chunkedEnd(buffer, at) {
  for (;;) {
    const lineEnd = buffer.indexOf(CRLF, at);
    if (lineEnd === -1) return -1;
    const size = Number.parseInt(buffer.toString('latin1', at, lineEnd), 16);
    if (size === 0) {
      const trailerEnd = buffer.indexOf(HEADER_END, lineEnd);
      return trailerEnd === -1 ? -1 : trailerEnd + 4;
    }
    at = lineEnd + 2 + size + 2;
    if (buffer.length < at) return -1;
  }
}

/** `connections` keep-alive connections to `url` (http://host:port); lane `i` uses connection `i`. */
export class RawClient {
  constructor(url, connections) {
    const { hostname, port } = new URL(url);
    this.hostHeader = `${hostname}:${port}`;
    this.connections = Array.from({ length: connections }, () => new Connection(hostname, Number(port)));
  }

  /** A whole POST request as one buffer. */
  post(path, headers, body) {
    const lines = [`POST ${path} HTTP/1.1`, `host: ${this.hostHeader}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    lines.push(`content-length: ${Buffer.byteLength(body)}`, '', body);
    return Buffer.from(lines.join('\r\n'));
  }

  close() {
    for (const connection of this.connections) connection.close();
  }
}
