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
exports.FargateNetwork = exports.ZONE_COUNT = void 0;
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const taskContainers_1 = require("../../lib/render/taskContainers");
const settings_1 = require("../../lib/settings");
const database_1 = require("../shared/database");
/** Zones the tier spans: the load balancer and the database subnet group need two. */
exports.ZONE_COUNT = 2;
/**
 * The scaled tier's network and who may talk to whom, in one place:
 *
 *   allowedCidrs --80/443--> load balancer --80--> tasks --5432--> database
 *                                      schema upgrade --5432--> database
 *
 * Two public subnets (one per zone) hold the load balancer and the tasks; two isolated subnets
 * without any route out hold the database. The tasks sit in the public subnets with a public
 * address of their own ($3.65 a month each) for their way out: the images come from ghcr.io and
 * Docker Hub, outside AWS, so private subnets would need a NAT gateway (about $33 a month per
 * zone plus $0.045 per GB, a pull of the -full image being about a GB), more than the tasks
 * themselves cost. What keeps the tasks unreachable is their security group, which admits
 * nothing but the load balancer's group on the nginx port; a public address without an inbound
 * rule receives nothing.
 */
class FargateNetwork extends pulumi.ComponentResource {
    vpcId;
    publicSubnetIds;
    /** Address blocks of the public subnets: where the load balancer's nodes are (nginx trusts their forwarded headers). */
    publicSubnetCidrs;
    isolatedSubnetIds;
    loadBalancerSecurityGroupId;
    taskSecurityGroupId;
    schemaUpgradeSecurityGroupId;
    databaseSecurityGroupId;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:FargateNetwork", name, {}, opts);
        const { allowedCidrs, vpcCidr, tags } = { vpcCidr: "10.80.0.0/16", tags: {}, ...args };
        const match = /^(\d+\.\d+)\.0\.0\/16$/.exec(vpcCidr);
        if (!match)
            throw new Error(`FargateNetwork: vpcCidr must be a /16 such as 10.80.0.0/16, not ${vpcCidr}`);
        const subnetCidr = (third) => `${match[1]}.${third}.0/24`;
        const parent = { parent: this };
        const named = (suffix) => ({ ...tags, Name: `${name}-${suffix}` });
        const vpc = new aws.ec2.Vpc(name, { cidrBlock: vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { ...tags, Name: name } }, parent);
        const gateway = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: { ...tags, Name: name } }, parent);
        // Zones that need no opt-in, in AWS's order; the subnets keep theirs once created.
        const zones = aws.getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, parent).names;
        const zone = (index) => zones.apply(names => {
            if (names.length < exports.ZONE_COUNT)
                throw new Error(`the region offers ${names.length} availability zone(s); the scaled tier needs ${exports.ZONE_COUNT}`);
            return names[index];
        });
        const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, {
            vpcId: vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }],
            tags: named("public"),
        }, parent);
        // No routes besides the VPC's own: the database has no way to or from the internet.
        const isolatedRoutes = new aws.ec2.RouteTable(`${name}-isolated`, { vpcId: vpc.id, tags: named("isolated") }, parent);
        this.publicSubnetCidrs = [];
        this.publicSubnetIds = [];
        this.isolatedSubnetIds = [];
        for (let index = 0; index < exports.ZONE_COUNT; index++) {
            const availabilityZone = zone(index);
            const subnetOpts = { ...parent, ignoreChanges: ["availabilityZone"] };
            const publicCidr = subnetCidr(1 + index);
            const publicSubnet = new aws.ec2.Subnet(`${name}-public-${index}`, {
                vpcId: vpc.id, cidrBlock: publicCidr, availabilityZone, mapPublicIpOnLaunch: false, tags: named(`public-${index}`),
            }, subnetOpts);
            new aws.ec2.RouteTableAssociation(`${name}-public-${index}`, { subnetId: publicSubnet.id, routeTableId: publicRoutes.id }, parent);
            const isolatedSubnet = new aws.ec2.Subnet(`${name}-isolated-${index}`, {
                vpcId: vpc.id, cidrBlock: subnetCidr(11 + index), availabilityZone, mapPublicIpOnLaunch: false, tags: named(`isolated-${index}`),
            }, subnetOpts);
            new aws.ec2.RouteTableAssociation(`${name}-isolated-${index}`, { subnetId: isolatedSubnet.id, routeTableId: isolatedRoutes.id }, parent);
            this.publicSubnetCidrs.push(publicCidr);
            this.publicSubnetIds.push(publicSubnet.id);
            this.isolatedSubnetIds.push(isolatedSubnet.id);
        }
        const group = (suffix, description) => new aws.ec2.SecurityGroup(`${name}-${suffix}`, { vpcId: vpc.id, description, tags: named(suffix) }, parent);
        const lb = group("load-balancer", "MLflow load balancer: 80 and 443 from allowedCidrs, out to the tasks only");
        const task = group("task", "MLflow tasks: the nginx port from the load balancer only");
        const upgrade = group("schema-upgrade", "MLflow schema upgrade task: no inbound");
        const db = group("database", "MLflow database: PostgreSQL from the tasks and the schema upgrade only");
        const ingress = (target, id, rule) => new aws.vpc.SecurityGroupIngressRule(id, {
            securityGroupId: target.id, ipProtocol: "tcp", fromPort: rule.port, toPort: rule.port,
            referencedSecurityGroupId: rule.from, cidrIpv4: rule.cidr, description: rule.description, tags,
        }, parent);
        const egress = (source, id, rule) => new aws.vpc.SecurityGroupEgressRule(id, {
            securityGroupId: source.id, ipProtocol: "tcp", fromPort: rule.port, toPort: rule.port,
            referencedSecurityGroupId: rule.from, cidrIpv4: rule.cidr, description: rule.description, tags,
        }, parent);
        allowedCidrs.forEach((cidr, index) => {
            for (const port of settings_1.PUBLIC_PORTS)
                ingress(lb, `${name}-lb-in-${port}-${index}`, { cidr, port, description: `port ${port} from ${cidr}` });
        });
        egress(lb, `${name}-lb-out-tasks`, { from: task.id, port: taskContainers_1.TASK_LISTEN_PORT, description: "to nginx in the tasks" });
        ingress(task, `${name}-task-in-lb`, { from: lb.id, port: taskContainers_1.TASK_LISTEN_PORT, description: "nginx from the load balancer" });
        // AWS's APIs, the container registries: HTTPS only. DNS (the VPC's resolver) is never filtered by security groups.
        for (const [source, suffix] of [[task, "task"], [upgrade, "schema-upgrade"]]) {
            egress(source, `${name}-${suffix}-out-https`, { cidr: "0.0.0.0/0", port: 443, description: "HTTPS to AWS APIs and registries" });
            egress(source, `${name}-${suffix}-out-db`, { from: db.id, port: database_1.DATABASE_PORT, description: "PostgreSQL" });
            ingress(db, `${name}-db-in-${suffix}`, { from: source.id, port: database_1.DATABASE_PORT, description: `PostgreSQL from the ${suffix} group` });
        }
        this.vpcId = vpc.id;
        this.loadBalancerSecurityGroupId = lb.id;
        this.taskSecurityGroupId = task.id;
        this.schemaUpgradeSecurityGroupId = upgrade.id;
        this.databaseSecurityGroupId = db.id;
        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            isolatedSubnetIds: this.isolatedSubnetIds,
            loadBalancerSecurityGroupId: this.loadBalancerSecurityGroupId,
            taskSecurityGroupId: this.taskSecurityGroupId,
            schemaUpgradeSecurityGroupId: this.schemaUpgradeSecurityGroupId,
            databaseSecurityGroupId: this.databaseSecurityGroupId,
        });
    }
}
exports.FargateNetwork = FargateNetwork;
//# sourceMappingURL=network.js.map