import * as pulumi from "@pulumi/pulumi";
import { ECS_FAMILY, nameForAws } from "../../lib/awsNames";

/** What the tier's one-off and scheduled tasks share: Fargate on Graviton, awsvpc, a family named for the stack. */
export function fargateTaskShape(name: string, size: { cpu: number; memory: number }) {
    return {
        family: `${name}-${nameForAws(pulumi.getStack(), ECS_FAMILY)}`,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
        cpu: String(size.cpu),
        memory: String(size.memory),
    };
}
