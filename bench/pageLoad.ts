// A UI page load: each client opens a NEW TLS connection (full handshake: no session is offered
// for resumption), sends the page's authenticated requests over it one after another (HTTP/1.1
// keep-alive, as the MLflow UI's fetches share a connection), closes it and starts the next page,
// until the measurement time is up. A small hand-written HTTP/1.1 client on raw TLS sockets keeps
// the load generator's own cost per request low and the same for every variant; the first
// request's latency includes TCP connect and the TLS handshake, as a user opening the page sees it.
import { performance } from "perf_hooks";
import * as net from "net";
import * as tls from "tls";

export interface PageLoadOptions {
    address: string;
    port: number;
    /** The private CA (PEM): certificates are verified, as a browser would. */
    ca: string;
    /** Host header. */
    host: string;
    /** Authorization header value, or undefined for none. */
    authorization?: string;
    /** The page: one request per entry, in order. */
    paths: string[];
    clients: number;
    seconds: number;
    /**
     * Source address of client i (each client is its own user, as on the internet). Also keeps
     * each client's closed connections (TIME_WAIT) in a port range of its own: with one source
     * address the ~28k ephemeral ports fill up within a minute of page loads and connect()
     * itself slows down, which is the load generator's cost, not the proxy's.
     */
    sourceAddress: (client: number) => string;
}

export interface PageLoadResult {
    pages: number;
    /** Per request, milliseconds, from writing it (or, for the first, from connecting) to the last byte of the answer. */
    requestMs: number[];
    /** Per page: connect to last byte of the last answer. */
    pageMs: number[];
    /** TCP connect + TLS handshake. */
    handshakeMs: number[];
    /** Answers other than 200, and failed connections: must be 0 for a valid measurement. */
    errors: number;
    firstError?: string;
}

interface Pending { resolve: (status: number) => void; reject: (error: Error) => void }

/** Reads HTTP/1.1 responses (Content-Length or chunked) from a socket, one at a time. */
class ResponseReader {
    private buffer: Buffer = Buffer.alloc(0);
    private pending?: Pending;
    private failure?: Error;

    constructor(socket: tls.TLSSocket) {
        socket.on("data", (chunk: Buffer) => {
            this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
            this.parse();
        });
        const fail = (error: Error) => {
            this.failure ??= error;
            this.pending?.reject(this.failure);
            this.pending = undefined;
        };
        socket.on("error", fail);
        socket.on("close", () => fail(new Error("connection closed")));
    }

    next(): Promise<number> {
        if (this.failure) return Promise.reject(this.failure);
        return new Promise((resolve, reject) => {
            this.pending = { resolve, reject };
            this.parse();
        });
    }

    private parse(): void {
        if (!this.pending) return;
        const headerEnd = this.buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) return;
        const head = this.buffer.toString("latin1", 0, headerEnd);
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        let end: number | undefined;
        if (length) {
            end = headerEnd + 4 + Number(length[1]);
            if (this.buffer.length < end) return;
        } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
            end = this.chunkedEnd(headerEnd + 4);
            if (end === undefined) return;
        } else {
            end = headerEnd + 4; // 204/304 or a body-less error
        }
        this.buffer = this.buffer.subarray(end);
        const pending = this.pending;
        this.pending = undefined;
        pending.resolve(status);
    }

    /** Where a chunked body starting at `pos` ends, or undefined while incomplete. */
    private chunkedEnd(pos: number): number | undefined {
        for (;;) {
            const lineEnd = this.buffer.indexOf("\r\n", pos);
            if (lineEnd < 0) return undefined;
            const size = parseInt(this.buffer.toString("latin1", pos, lineEnd), 16);
            pos = lineEnd + 2;
            if (size === 0) {
                // The last chunk, then trailers (none, usually), then an empty line.
                if (this.buffer.length < pos + 2) return undefined;
                if (this.buffer.toString("latin1", pos, pos + 2) === "\r\n") return pos + 2;
                const trailersEnd = this.buffer.indexOf("\r\n\r\n", pos);
                return trailersEnd < 0 ? undefined : trailersEnd + 4;
            }
            if (this.buffer.length < pos + size + 2) return undefined;
            pos += size + 2;
        }
    }
}

function connect(options: PageLoadOptions, client: number): Promise<tls.TLSSocket> {
    return new Promise((resolve, reject) => {
        // No servername: browsers send no SNI for an IP address; the certificate is checked for the IP.
        const tcp = net.connect({ host: options.address, port: options.port, localAddress: options.sourceAddress(client) });
        const socket = tls.connect({ socket: tcp, host: options.address, ca: options.ca, servername: "", rejectUnauthorized: true });
        socket.setNoDelay(true);
        const timer = setTimeout(() => socket.destroy(new Error("TLS handshake timed out")), 30_000);
        socket.once("secureConnect", () => { clearTimeout(timer); resolve(socket); });
        socket.once("error", error => { clearTimeout(timer); reject(error); });
    });
}

async function onePage(options: PageLoadOptions, client: number, result: PageLoadResult): Promise<void> {
    const started = performance.now();
    const socket = await connect(options, client);
    const connected = performance.now();
    result.handshakeMs.push(connected - started);
    const reader = new ResponseReader(socket);
    const auth = options.authorization ? `Authorization: ${options.authorization}\r\n` : "";
    try {
        let sent = started;
        for (const [i, p] of options.paths.entries()) {
            if (i > 0) sent = performance.now();
            socket.write(`GET ${p} HTTP/1.1\r\nHost: ${options.host}\r\n${auth}Accept: application/json\r\n\r\n`);
            const status = await reader.next();
            result.requestMs.push(performance.now() - sent);
            if (status !== 200) throw new Error(`GET ${p} answered ${status}`);
        }
        result.pageMs.push(performance.now() - started);
        result.pages++;
    } finally {
        socket.destroy();
    }
}

export async function runPageLoad(options: PageLoadOptions): Promise<PageLoadResult> {
    const result: PageLoadResult = { pages: 0, requestMs: [], pageMs: [], handshakeMs: [], errors: 0 };
    const deadline = performance.now() + options.seconds * 1000;
    // Every client loads at least one page; a page started before the deadline is finished.
    const client = async (_: unknown, index: number) => {
        do {
            try {
                await onePage(options, index, result);
            } catch (error) {
                result.errors++;
                result.firstError ??= (error as Error).message;
                if (result.errors > 100) return;
            }
        } while (performance.now() < deadline);
    };
    await Promise.all(Array.from({ length: options.clients }, client));
    return result;
}
