"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.S3Endpoint = exports.S3_CLIENT_ENV = exports.S3_PORT = void 0;
// A local S3 endpoint for the scaled tier's tests: moto's server (the "moto" Python environment)
// on one loopback address inside the test's namespace, with the artifact bucket created. MLflow's
// boto3 reaches it through MLFLOW_S3_ENDPOINT_URL, the one setting a task on AWS does not have.
const child_process_1 = require("child_process");
const namespace_1 = require("./namespace");
const pythonEnv_1 = require("./pythonEnv");
exports.S3_PORT = 9000;
/** Dummy credentials and region: moto accepts any, boto3 needs some. */
exports.S3_CLIENT_ENV = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_DEFAULT_REGION: "eu-central-1" };
class S3Endpoint {
    server;
    url;
    constructor(server, url) {
        this.server = server;
        this.url = url;
    }
    /** Starts the endpoint at `address`:9000 and creates `bucket` in the region of S3_CLIENT_ENV. */
    static async start(address, bucket) {
        (0, namespace_1.assertInNamespace)();
        (0, namespace_1.addLoopbackAddress)(address);
        const server = (0, child_process_1.spawn)((0, pythonEnv_1.pythonEnvBin)("moto", "moto_server"), ["-H", address, "-p", String(exports.S3_PORT)], { stdio: "ignore" });
        const endpoint = new S3Endpoint(server, `http://${address}:${exports.S3_PORT}`);
        const region = exports.S3_CLIENT_ENV.AWS_DEFAULT_REGION;
        for (let attempt = 0;; attempt++) {
            try {
                const response = await fetch(`${endpoint.url}/${bucket}`, {
                    method: "PUT",
                    headers: { Authorization: `AWS4-HMAC-SHA256 Credential=testing/20261202/${region}/s3/aws4_request, SignedHeaders=host, Signature=0` },
                    body: `<CreateBucketConfiguration><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`,
                });
                if (!response.ok)
                    throw new Error(`CreateBucket ${bucket}: HTTP ${response.status} ${await response.text()}`);
                return endpoint;
            }
            catch (error) {
                if (attempt >= 150 || server.exitCode !== null) {
                    server.kill("SIGKILL");
                    throw new Error(`moto's S3 endpoint at ${endpoint.url} did not answer: ${error}`);
                }
                await (0, namespace_1.sleep)(100);
            }
        }
    }
    /** Every object of `bucket` under `prefix`: key -> size in bytes (ListObjectsV2, page by page). */
    async objects(bucket, prefix) {
        const found = new Map();
        let token = "";
        do {
            const query = new URLSearchParams({ "list-type": "2", prefix, ...(token ? { "continuation-token": token } : {}) });
            const response = await fetch(`${this.url}/${bucket}?${query}`);
            const xml = await response.text();
            if (!response.ok)
                throw new Error(`ListObjectsV2 ${bucket}: HTTP ${response.status} ${xml}`);
            for (const [, key, size] of xml.matchAll(/<Contents>.*?<Key>(.*?)<\/Key>.*?<Size>(\d+)<\/Size>.*?<\/Contents>/gs)) {
                found.set(key.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"), Number(size));
            }
            token = /<NextContinuationToken>(.*?)<\/NextContinuationToken>/.exec(xml)?.[1] ?? "";
        } while (token);
        return found;
    }
    stop() {
        this.server.kill("SIGKILL");
    }
}
exports.S3Endpoint = S3Endpoint;
//# sourceMappingURL=s3Endpoint.js.map