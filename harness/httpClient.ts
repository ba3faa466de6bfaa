// A small HTTP(S) client for the proxy tests: one fresh connection per request, a chosen source
// address, the private CA as the only trust anchor, and full access to status, raw headers and
// the peer certificate. Large bodies stream from and to files; nothing big is held in memory.
import { createHash, randomFillSync } from "crypto";
import { createReadStream, createWriteStream } from "fs";
import * as http from "http";
import * as https from "https";
import { PeerCertificate, TLSSocket } from "tls";
import { Readable, Writable } from "stream";
import { once } from "events";

export interface RequestOptions {
    /** Address to connect to. */
    address: string;
    port: number;
    tls: boolean;
    method?: string;
    path: string;
    /** Host header; default: the address. */
    host?: string;
    /** TLS server name (SNI) to send and to verify the certificate for; default: none, verify the address. */
    servername?: string;
    /** Trust anchors (PEM); certificates are always verified. */
    ca?: string | string[];
    /** Source address of the connection (any 127.x.y.z inside the namespace). */
    localAddress?: string;
    /** Basic auth as user:password. */
    auth?: string;
    headers?: Record<string, string>;
    body?: string | Buffer | (() => Readable);
    /** Send these headers with this Content-Length, but no body; resolve on the response. */
    declaredLength?: number;
    /** Where the response body goes; default: collected (up to maxBody bytes) into `body`. */
    sink?: () => Writable;
    maxBody?: number;
    timeoutMs?: number;
}

export interface ClientResponse {
    status: number;
    headers: http.IncomingHttpHeaders;
    rawHeaders: string[];
    body: Buffer;
    text: string;
    peerCertificate?: PeerCertificate;
    /** All values of one header (case-insensitive), in order. */
    all(name: string): string[];
}

export function basicAuth(user: string, password: string): string {
    return `${user}:${password}`;
}

let sourceCounter = 0;
/** A new source address for each call (127.10.0.1, 127.10.0.2, ...): each looks like a different client to nginx. */
export function freshSourceAddress(): string {
    sourceCounter++;
    return `127.10.${Math.floor(sourceCounter / 250) % 250}.${(sourceCounter % 250) + 1}`;
}

export function request(options: RequestOptions): Promise<ClientResponse> {
    return new Promise((resolve, reject) => {
        const headers: Record<string, string> = { Host: options.host ?? options.address, ...(options.headers ?? {}) };
        if (options.auth !== undefined) headers.Authorization = `Basic ${Buffer.from(options.auth).toString("base64")}`;
        if (options.declaredLength !== undefined) headers["Content-Length"] = String(options.declaredLength);
        const common: http.RequestOptions = {
            host: options.address,
            port: options.port,
            method: options.method ?? "GET",
            path: options.path,
            headers,
            localAddress: options.localAddress,
            agent: false,
        };
        let peerCertificate: PeerCertificate | undefined;
        const req = options.tls
            ? https.request({ ...common, servername: options.servername ?? "", ca: options.ca, rejectUnauthorized: true })
            : http.request(common);
        let settled = false;
        const fail = (error: Error) => {
            if (settled) return;
            settled = true;
            req.destroy();
            reject(error);
        };
        req.setTimeout(options.timeoutMs ?? 30_000, () => fail(new Error(`timeout: ${common.method} ${options.path}`)));
        req.on("error", fail);
        req.on("socket", socket => {
            if (options.tls) socket.once("secureConnect", () => { peerCertificate = (socket as TLSSocket).getPeerCertificate(); });
        });
        req.on("response", res => {
            void (async () => {
                const chunks: Buffer[] = [];
                if (options.sink) {
                    const sink = options.sink();
                    res.pipe(sink);
                    await Promise.race([once(sink, "finish"), once(res, "error").then(([e]) => { throw e; })]);
                    if (!res.complete) throw new Error(`response body of ${options.path} was cut short`);
                } else {
                    let size = 0;
                    for await (const chunk of res) {
                        size += (chunk as Buffer).length;
                        if (size <= (options.maxBody ?? 16 * 1024 * 1024)) chunks.push(chunk as Buffer);
                    }
                    if (!res.complete) throw new Error(`response body of ${options.path} was cut short`);
                }
                const body = Buffer.concat(chunks);
                const raw = res.rawHeaders;
                settled = true;
                if (options.declaredLength !== undefined) req.destroy();
                resolve({
                    status: res.statusCode ?? 0,
                    headers: res.headers,
                    rawHeaders: raw,
                    body,
                    text: body.toString("utf8"),
                    peerCertificate,
                    all: (name: string) => headerValues(raw, name),
                });
            })().catch(fail);
        });
        if (options.declaredLength !== undefined) {
            req.flushHeaders();
        } else if (typeof options.body === "function") {
            const source = options.body();
            source.on("error", fail);
            source.pipe(req);
        } else {
            req.end(options.body);
        }
    });
}

function headerValues(raw: string[], name: string): string[] {
    const values: string[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i].toLowerCase() === name.toLowerCase()) values.push(raw[i + 1]);
    return values;
}

/** Like request(), but a failed connection or request is returned as `error` instead of thrown. */
export async function attempt(options: RequestOptions): Promise<{ response?: ClientResponse; error?: NodeJS.ErrnoException }> {
    try {
        return { response: await request(options) };
    } catch (error) {
        return { error: error as NodeJS.ErrnoException };
    }
}

export interface Stall {
    /** Stall once this many bytes have arrived. */
    afterBytes: number;
    /** For this long ... */
    ms?: number;
    /** ... or until this settles. */
    until?: Promise<unknown>;
}

/** A Writable that hashes and counts what it receives; optionally stalls once, like a slow client. */
export class HashSink extends Writable {
    private readonly hash = createHash("sha256");
    bytes = 0;
    digest = "";
    /** Settles when the stall begins. */
    readonly stalled: Promise<void>;
    private markStalled!: () => void;
    private hasStalled = false;
    constructor(private readonly stall?: Stall) {
        super({ highWaterMark: 1024 * 1024 });
        this.stalled = new Promise(resolve => { this.markStalled = resolve; });
    }
    _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
        this.hash.update(chunk);
        this.bytes += chunk.length;
        if (this.stall && !this.hasStalled && this.bytes >= this.stall.afterBytes) {
            this.hasStalled = true;
            this.markStalled();
            const waits: Promise<unknown>[] = [];
            if (this.stall.ms !== undefined) waits.push(new Promise(resolve => setTimeout(resolve, this.stall!.ms)));
            if (this.stall.until) waits.push(this.stall.until);
            Promise.all(waits).then(() => callback(), error => callback(error as Error));
        } else {
            callback();
        }
    }
    _final(callback: (error?: Error | null) => void): void {
        this.digest = this.hash.digest("hex");
        callback();
    }
}

/** Writes `size` bytes of random data to `file` in 1 MiB chunks; returns its sha256. */
export async function writeRandomFile(file: string, size: number): Promise<string> {
    const hash = createHash("sha256");
    const out = createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 });
    const chunkSize = 1024 * 1024;
    for (let written = 0; written < size;) {
        const length = Math.min(chunkSize, size - written);
        const piece = randomFillSync(Buffer.allocUnsafe(length));
        hash.update(piece);
        if (!out.write(piece)) await once(out, "drain");
        written += length;
    }
    out.end();
    await once(out, "finish");
    return hash.digest("hex");
}

export async function sha256File(file: string): Promise<string> {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
    return hash.digest("hex");
}
