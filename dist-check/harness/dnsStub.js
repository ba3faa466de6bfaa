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
exports.DnsStub = void 0;
exports.answer = answer;
// A tiny authoritative DNS responder standing in for Docker's embedded DNS (127.0.0.11:53), so
// that the rendered `resolver 127.0.0.11` + `server mlflow:5000 resolve` find the stand-in MLflow.
// Answers A queries for the configured names, NOERROR without answers for their other types,
// and NXDOMAIN for every other name. Only binds where it is told to (a private namespace).
const dgram = __importStar(require("dgram"));
const TYPE_A = 1;
const RCODE_NOERROR = 0;
const RCODE_FORMERR = 1;
const RCODE_NXDOMAIN = 3;
const MAX_RECORDED = 500;
function parseQuestion(packet) {
    if (packet.length < 12 || packet.readUInt16BE(4) !== 1)
        return undefined;
    const labels = [];
    let offset = 12;
    for (let steps = 0; steps < 128; steps++) {
        if (offset >= packet.length)
            return undefined;
        const length = packet[offset];
        if (length === 0) {
            offset += 1;
            if (offset + 4 > packet.length)
                return undefined;
            return { name: labels.join(".").toLowerCase(), type: packet.readUInt16BE(offset), end: offset + 4 };
        }
        if (length > 63 || offset + 1 + length > packet.length)
            return undefined; // no compression in questions
        labels.push(packet.toString("latin1", offset + 1, offset + 1 + length));
        offset += 1 + length;
    }
    return undefined;
}
function header(query, rcode, answers) {
    const out = Buffer.alloc(12);
    query.copy(out, 0, 0, 2); // id
    const opcodeAndRd = query.length >= 3 ? query[2] & 0x79 : 0; // opcode + RD from the query
    out[2] = 0x80 | 0x04 | opcodeAndRd; // QR, AA
    out[3] = 0x80 | (rcode & 0x0f); // RA
    out.writeUInt16BE(query.length >= 12 ? 1 : 0, 4);
    out.writeUInt16BE(answers, 6);
    return out;
}
/** Builds the answer to one DNS query packet; exported for unit use. */
function answer(query, records, ttl) {
    const question = parseQuestion(query);
    if (!question)
        return { reply: header(query, RCODE_FORMERR, 0) };
    const questionBytes = query.subarray(12, question.end);
    const address = records[question.name.replace(/\.$/, "")];
    if (address === undefined) {
        return {
            reply: Buffer.concat([header(query, RCODE_NXDOMAIN, 0), questionBytes]),
            question: { name: question.name, type: question.type, rcode: RCODE_NXDOMAIN },
        };
    }
    if (question.type !== TYPE_A) {
        return {
            reply: Buffer.concat([header(query, RCODE_NOERROR, 0), questionBytes]),
            question: { name: question.name, type: question.type, rcode: RCODE_NOERROR },
        };
    }
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // pointer to the name in the question
    record.writeUInt16BE(TYPE_A, 2);
    record.writeUInt16BE(1, 4); // class IN
    record.writeUInt32BE(ttl, 6);
    record.writeUInt16BE(4, 10);
    address.split(".").forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
    return {
        reply: Buffer.concat([header(query, RCODE_NOERROR, 1), questionBytes, record]),
        question: { name: question.name, type: question.type, rcode: RCODE_NOERROR },
    };
}
class DnsStub {
    socket;
    address;
    port;
    records;
    /** The most recent queries, oldest first. */
    queries = [];
    constructor(socket, address, port, records) {
        this.socket = socket;
        this.address = address;
        this.port = port;
        this.records = records;
    }
    /** Points `name` at a new address, as Docker's DNS does when a container is recreated. */
    setRecord(name, ip) {
        this.records[name.toLowerCase().replace(/\.$/, "")] = ip;
    }
    static async start(options) {
        const records = Object.fromEntries(Object.entries(options.records).map(([name, ip]) => {
            if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip))
                throw new Error(`dns stub: ${ip} is not an IPv4 address`);
            return [name.toLowerCase().replace(/\.$/, ""), ip];
        }));
        const ttl = options.ttl ?? 10;
        const socket = dgram.createSocket("udp4");
        await new Promise((resolve, reject) => {
            socket.once("error", reject);
            socket.bind(options.port ?? 53, options.address ?? "127.0.0.11", () => {
                socket.off("error", reject);
                resolve();
            });
        });
        const bound = socket.address();
        const stub = new DnsStub(socket, bound.address, bound.port, records);
        socket.on("message", (message, remote) => {
            const { reply, question } = answer(message, stub.records, ttl);
            if (question) {
                stub.queries.push(question);
                if (stub.queries.length > MAX_RECORDED)
                    stub.queries.shift();
            }
            socket.send(reply, remote.port, remote.address);
        });
        socket.on("error", () => { });
        return stub;
    }
    async close() {
        await new Promise(resolve => this.socket.close(() => resolve()));
    }
}
exports.DnsStub = DnsStub;
//# sourceMappingURL=dnsStub.js.map