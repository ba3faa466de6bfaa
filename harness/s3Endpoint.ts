// A local S3 endpoint for the scaled tier's tests: moto's server (the "moto" Python environment)
// on one loopback address inside the test's namespace, with the artifact bucket created. MLflow's
// boto3 reaches it through MLFLOW_S3_ENDPOINT_URL, the one setting a task on AWS does not have.
import { ChildProcess } from "child_process";
import { startMoto } from "./motoJson";
import { addLoopbackAddress, assertInNamespace } from "./namespace";

export const S3_PORT = 9000;

/** Dummy credentials and region: moto accepts any, boto3 needs some. */
export const S3_CLIENT_ENV = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_DEFAULT_REGION: "eu-central-1" } as const;

export class S3Endpoint {
    private constructor(private readonly server: ChildProcess, readonly url: string) {}

    /** Starts the endpoint at `address`:9000 and creates `bucket` in the region of S3_CLIENT_ENV. */
    static async start(address: string, bucket: string): Promise<S3Endpoint> {
        assertInNamespace();
        addLoopbackAddress(address);
        const server = await startMoto(S3_PORT, address);
        const endpoint = new S3Endpoint(server, `http://${address}:${S3_PORT}`);
        const region = S3_CLIENT_ENV.AWS_DEFAULT_REGION;
        const response = await fetch(`${endpoint.url}/${bucket}`, {
            method: "PUT",
            headers: { Authorization: `AWS4-HMAC-SHA256 Credential=testing/20261202/${region}/s3/aws4_request, SignedHeaders=host, Signature=0` },
            body: `<CreateBucketConfiguration><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`,
        });
        if (!response.ok) {
            server.kill("SIGKILL");
            throw new Error(`CreateBucket ${bucket} at ${endpoint.url}: HTTP ${response.status} ${await response.text()}`);
        }
        return endpoint;
    }

    /** Every object of `bucket` under `prefix`: key -> size in bytes (ListObjectsV2, page by page). */
    async objects(bucket: string, prefix: string): Promise<Map<string, number>> {
        const found = new Map<string, number>();
        let token = "";
        do {
            const query = new URLSearchParams({ "list-type": "2", prefix, ...(token ? { "continuation-token": token } : {}) });
            const response = await fetch(`${this.url}/${bucket}?${query}`);
            const xml = await response.text();
            if (!response.ok) throw new Error(`ListObjectsV2 ${bucket}: HTTP ${response.status} ${xml}`);
            for (const [, key, size] of xml.matchAll(/<Contents>.*?<Key>(.*?)<\/Key>.*?<Size>(\d+)<\/Size>.*?<\/Contents>/gs)) {
                found.set(key.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"), Number(size));
            }
            token = /<NextContinuationToken>(.*?)<\/NextContinuationToken>/.exec(xml)?.[1] ?? "";
        } while (token);
        return found;
    }

    stop(): void {
        this.server.kill("SIGKILL");
    }
}
