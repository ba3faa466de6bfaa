// A tiny authoritative DNS responder standing in for Docker's embedded DNS (127.0.0.11:53), so
// that the rendered `resolver 127.0.0.11` + `server mlflow:5000 resolve` find the stand-in MLflow.
// Answers A queries for the configured names (every address of a name, as Docker's DNS answers
// for a service with several replicas), NOERROR without answers for their other types,
// and NXDOMAIN for every other name. Only binds where it is told to (a private namespace).
import * as dgram from "dgram";

export interface DnsQuery {
    name: string;
    /** Numeric query type: 1 = A, 28 = AAAA, ... */
    type: number;
    rcode: number;
}

export interface DnsStubOptions {
    /** Name (case-insensitive, without trailing dot) -> its IPv4 address or addresses. */
    records: Record<string, string | string[]>;
    address?: string;
    port?: number;
    /** TTL of the answers, in seconds. */
    ttl?: number;
}

const TYPE_A = 1;
const RCODE_NOERROR = 0;
const RCODE_FORMERR = 1;
const RCODE_NXDOMAIN = 3;
const MAX_RECORDED = 500;

interface Question {
    name: string;
    type: number;
    /** Offset just past the question section. */
    end: number;
}

function parseQuestion(packet: Buffer): Question | undefined {
    if (packet.length < 12 || packet.readUInt16BE(4) !== 1) return undefined;
    const labels: string[] = [];
    let offset = 12;
    for (let steps = 0; steps < 128; steps++) {
        if (offset >= packet.length) return undefined;
        const length = packet[offset];
        if (length === 0) {
            offset += 1;
            if (offset + 4 > packet.length) return undefined;
            return { name: labels.join(".").toLowerCase(), type: packet.readUInt16BE(offset), end: offset + 4 };
        }
        if (length > 63 || offset + 1 + length > packet.length) return undefined; // no compression in questions
        labels.push(packet.toString("latin1", offset + 1, offset + 1 + length));
        offset += 1 + length;
    }
    return undefined;
}

function header(query: Buffer, rcode: number, answers: number): Buffer {
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
export function answer(query: Buffer, records: Record<string, string[]>, ttl: number): { reply: Buffer; question?: DnsQuery } {
    const question = parseQuestion(query);
    if (!question) return { reply: header(query, RCODE_FORMERR, 0) };
    const questionBytes = query.subarray(12, question.end);
    const addresses = records[question.name.replace(/\.$/, "")];
    if (addresses === undefined) {
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
    const answers = addresses.map(address => {
        const record = Buffer.alloc(16);
        record.writeUInt16BE(0xc00c, 0); // pointer to the name in the question
        record.writeUInt16BE(TYPE_A, 2);
        record.writeUInt16BE(1, 4); // class IN
        record.writeUInt32BE(ttl, 6);
        record.writeUInt16BE(4, 10);
        address.split(".").forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
        return record;
    });
    return {
        reply: Buffer.concat([header(query, RCODE_NOERROR, answers.length), questionBytes, ...answers]),
        question: { name: question.name, type: question.type, rcode: RCODE_NOERROR },
    };
}

function checkedAddresses(ips: string | string[]): string[] {
    const addresses = typeof ips === "string" ? [ips] : [...ips];
    for (const ip of addresses) {
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) throw new Error(`dns stub: ${ip} is not an IPv4 address`);
    }
    return addresses;
}

export class DnsStub {
    /** The most recent queries, oldest first. */
    readonly queries: DnsQuery[] = [];

    private constructor(private readonly socket: dgram.Socket, readonly address: string, readonly port: number,
        private readonly records: Record<string, string[]>) {}

    /** Points `name` at new addresses, as Docker's DNS does when a container is recreated. */
    setRecord(name: string, ips: string | string[]): void {
        this.records[name.toLowerCase().replace(/\.$/, "")] = checkedAddresses(ips);
    }

    static async start(options: DnsStubOptions): Promise<DnsStub> {
        const records = Object.fromEntries(Object.entries(options.records).map(([name, ips]) =>
            [name.toLowerCase().replace(/\.$/, ""), checkedAddresses(ips)]));
        const ttl = options.ttl ?? 10;
        const socket = dgram.createSocket("udp4");
        await new Promise<void>((resolve, reject) => {
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
                if (stub.queries.length > MAX_RECORDED) stub.queries.shift();
            }
            socket.send(reply, remote.port, remote.address);
        });
        socket.on("error", () => { /* a failed send to a vanished client is not our problem */ });
        return stub;
    }

    async close(): Promise<void> {
        await new Promise<void>(resolve => this.socket.close(() => resolve()));
    }
}
