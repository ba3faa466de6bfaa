"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.HashSink = void 0;
exports.basicAuth = basicAuth;
exports.freshSourceAddress = freshSourceAddress;
exports.request = request;
exports.attempt = attempt;
exports.writeRandomFile = writeRandomFile;
exports.sha256File = sha256File;
// A small HTTP(S) client for the proxy tests: one fresh connection per request, a chosen source
// address, the private CA as the only trust anchor, and full access to status, raw headers and
// the peer certificate. Large bodies stream from and to files; nothing big is held in memory.
const crypto_1 = require("crypto");
const fs_1 = require("fs");
const http = __importStar(require("http"));
const https = __importStar(require("https"));
const stream_1 = require("stream");
const events_1 = require("events");
function basicAuth(user, password) {
    return `${user}:${password}`;
}
let sourceCounter = 0;
/** A new source address for each call (127.10.0.1, 127.10.0.2, ...): each looks like a different client to nginx. */
function freshSourceAddress() {
    sourceCounter++;
    return `127.10.${Math.floor(sourceCounter / 250) % 250}.${(sourceCounter % 250) + 1}`;
}
function request(options) {
    return new Promise((resolve, reject) => {
        const headers = { Host: options.host ?? options.address, ...(options.headers ?? {}) };
        if (options.auth !== undefined)
            headers.Authorization = `Basic ${Buffer.from(options.auth).toString("base64")}`;
        if (options.declaredLength !== undefined)
            headers["Content-Length"] = String(options.declaredLength);
        const common = {
            host: options.address,
            port: options.port,
            method: options.method ?? "GET",
            path: options.path,
            headers,
            localAddress: options.localAddress,
            agent: false,
        };
        let peerCertificate;
        const req = options.tls
            ? https.request({ ...common, servername: options.servername ?? "", ca: options.ca, rejectUnauthorized: true })
            : http.request(common);
        let settled = false;
        const fail = (error) => {
            if (settled)
                return;
            settled = true;
            req.destroy();
            reject(error);
        };
        req.setTimeout(options.timeoutMs ?? 30_000, () => fail(new Error(`timeout: ${common.method} ${options.path}`)));
        req.on("error", fail);
        req.on("socket", socket => {
            if (options.tls)
                socket.once("secureConnect", () => { peerCertificate = socket.getPeerCertificate(); });
        });
        req.on("response", res => {
            void (async () => {
                const chunks = [];
                if (options.sink) {
                    const sink = options.sink();
                    res.pipe(sink);
                    await Promise.race([(0, events_1.once)(sink, "finish"), (0, events_1.once)(res, "error").then(([e]) => { throw e; })]);
                    if (!res.complete)
                        throw new Error(`response body of ${options.path} was cut short`);
                }
                else {
                    let size = 0;
                    for await (const chunk of res) {
                        size += chunk.length;
                        if (size <= (options.maxBody ?? 16 * 1024 * 1024))
                            chunks.push(chunk);
                    }
                    if (!res.complete)
                        throw new Error(`response body of ${options.path} was cut short`);
                }
                const body = Buffer.concat(chunks);
                const raw = res.rawHeaders;
                settled = true;
                if (options.declaredLength !== undefined)
                    req.destroy();
                resolve({
                    status: res.statusCode ?? 0,
                    headers: res.headers,
                    rawHeaders: raw,
                    body,
                    text: body.toString("utf8"),
                    peerCertificate,
                    all: (name) => headerValues(raw, name),
                });
            })().catch(fail);
        });
        if (options.declaredLength !== undefined) {
            req.flushHeaders();
        }
        else if (typeof options.body === "function") {
            const source = options.body();
            source.on("error", fail);
            source.pipe(req);
        }
        else {
            req.end(options.body);
        }
    });
}
function headerValues(raw, name) {
    const values = [];
    for (let i = 0; i + 1 < raw.length; i += 2)
        if (raw[i].toLowerCase() === name.toLowerCase())
            values.push(raw[i + 1]);
    return values;
}
/** Like request(), but a failed connection or request is returned as `error` instead of thrown. */
async function attempt(options) {
    try {
        return { response: await request(options) };
    }
    catch (error) {
        return { error: error };
    }
}
/** A Writable that hashes and counts what it receives; optionally stalls once, like a slow client. */
class HashSink extends stream_1.Writable {
    stall;
    hash = (0, crypto_1.createHash)("sha256");
    bytes = 0;
    digest = "";
    /** Settles when the stall begins. */
    stalled;
    markStalled;
    hasStalled = false;
    constructor(stall) {
        super({ highWaterMark: 1024 * 1024 });
        this.stall = stall;
        this.stalled = new Promise(resolve => { this.markStalled = resolve; });
    }
    _write(chunk, _encoding, callback) {
        this.hash.update(chunk);
        this.bytes += chunk.length;
        if (this.stall && !this.hasStalled && this.bytes >= this.stall.afterBytes) {
            this.hasStalled = true;
            this.markStalled();
            const waits = [];
            if (this.stall.ms !== undefined)
                waits.push(new Promise(resolve => setTimeout(resolve, this.stall.ms)));
            if (this.stall.until)
                waits.push(this.stall.until);
            Promise.all(waits).then(() => callback(), error => callback(error));
        }
        else {
            callback();
        }
    }
    _final(callback) {
        this.digest = this.hash.digest("hex");
        callback();
    }
}
exports.HashSink = HashSink;
/** Writes `size` bytes of random data to `file` in 1 MiB chunks; returns its sha256. */
async function writeRandomFile(file, size) {
    const hash = (0, crypto_1.createHash)("sha256");
    const out = (0, fs_1.createWriteStream)(file, { highWaterMark: 4 * 1024 * 1024 });
    const chunkSize = 1024 * 1024;
    for (let written = 0; written < size;) {
        const length = Math.min(chunkSize, size - written);
        const piece = (0, crypto_1.randomFillSync)(Buffer.allocUnsafe(length));
        hash.update(piece);
        if (!out.write(piece))
            await (0, events_1.once)(out, "drain");
        written += length;
    }
    out.end();
    await (0, events_1.once)(out, "finish");
    return hash.digest("hex");
}
async function sha256File(file) {
    const hash = (0, crypto_1.createHash)("sha256");
    for await (const chunk of (0, fs_1.createReadStream)(file, { highWaterMark: 4 * 1024 * 1024 }))
        hash.update(chunk);
    return hash.digest("hex");
}
//# sourceMappingURL=httpClient.js.map