import * as pulumi from "@pulumi/pulumi";
import { ECS_FAMILY, nameForAws } from "../../lib/awsNames";

/** What every task of the tier shares (the service's, the one-off and the scheduled ones): Fargate on Graviton, awsvpc, a family named for the stack. */
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
