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
exports.Network = void 0;
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const settings_1 = require("../../lib/settings");
const database_1 = require("../shared/database");
/** Zones a database subnet group spans. */
const DATABASE_ZONE_COUNT = 2;
/**
 * Where the host lives and who reaches it: a VPC with one public subnet (no dependency on the
 * account's default VPC), or an existing subnet, and a security group open on 80 and 443 only.
 */
class Network extends pulumi.ComponentResource {
    vpcId;
    subnetId;
    availabilityZone;
    securityGroupId;
    /** With `database`: the isolated subnets and the database's security group. */
    databaseSubnetIds;
    databaseSecurityGroupId;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:Network", name, {}, opts);
        const { allowedCidrs, subnetId, availabilityZone, vpcCidr, database, tags } = { vpcCidr: "10.80.0.0/16", tags: {}, ...args };
        const parent = { parent: this };
        if (database && subnetId)
            throw new Error("Network: a database needs the stack's own VPC, not subnetId (lib/settings.ts enforces it)");
        const subnetCidr = (third) => vpcCidr.replace(/\.\d+\.\d+\/\d+$/, `.${third}.0/24`);
        if (subnetId) {
            const subnet = aws.ec2.getSubnetOutput({ id: subnetId }, parent);
            this.vpcId = subnet.vpcId;
            this.subnetId = pulumi.output(subnetId);
            this.availabilityZone = subnet.availabilityZone;
        }
        else {
            const vpc = new aws.ec2.Vpc(name, {
                cidrBlock: vpcCidr,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: { ...tags, Name: name },
            }, parent);
            const gateway = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: { ...tags, Name: name } }, parent);
            const subnet = new aws.ec2.Subnet(`${name}-public`, {
                vpcId: vpc.id,
                cidrBlock: vpc.cidrBlock.apply(block => block.replace(/\.\d+\.\d+\/\d+$/, ".1.0/24")),
                availabilityZone,
                mapPublicIpOnLaunch: false,
                tags: { ...tags, Name: `${name}-public` },
            }, {
                ...parent,
                // The data volume lives in this zone; a subnet elsewhere would take the host away from it.
                ignoreChanges: ["availabilityZone"],
            });
            const routes = new aws.ec2.RouteTable(`${name}-public`, {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }],
                tags: { ...tags, Name: `${name}-public` },
            }, parent);
            new aws.ec2.RouteTableAssociation(`${name}-public`, { subnetId: subnet.id, routeTableId: routes.id }, parent);
            this.vpcId = vpc.id;
            this.subnetId = subnet.id;
            this.availabilityZone = subnet.availabilityZone;
            if (database) {
                // No routes besides the VPC's own: the database has no way to or from the internet.
                const isolatedRoutes = new aws.ec2.RouteTable(`${name}-isolated`, { vpcId: vpc.id, tags: { ...tags, Name: `${name}-isolated` } }, parent);
                const zones = aws.getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, parent).names
                    .apply(names => {
                    const others = names.filter(zone => zone !== availabilityZone);
                    if (others.length < DATABASE_ZONE_COUNT - 1)
                        throw new Error(`the region offers no availability zone besides ${availabilityZone}; RDS needs subnets in ${DATABASE_ZONE_COUNT}`);
                    return [availabilityZone, ...others].slice(0, DATABASE_ZONE_COUNT);
                });
                this.databaseSubnetIds = [];
                for (let index = 0; index < DATABASE_ZONE_COUNT; index++) {
                    const isolated = new aws.ec2.Subnet(`${name}-isolated-${index}`, {
                        vpcId: vpc.id,
                        // The same blocks as the scaled tier's isolated subnets.
                        cidrBlock: subnetCidr(11 + index),
                        availabilityZone: zones[index],
                        mapPublicIpOnLaunch: false,
                        tags: { ...tags, Name: `${name}-isolated-${index}` },
                    }, { ...parent, ignoreChanges: ["availabilityZone"] });
                    new aws.ec2.RouteTableAssociation(`${name}-isolated-${index}`, { subnetId: isolated.id, routeTableId: isolatedRoutes.id }, parent);
                    this.databaseSubnetIds.push(isolated.id);
                }
            }
        }
        const group = new aws.ec2.SecurityGroup(name, {
            vpcId: this.vpcId,
            description: "MLflow server: HTTP and HTTPS in, anything out",
            tags: { ...tags, Name: name },
        }, parent);
        allowedCidrs.forEach((cidr, index) => {
            for (const port of settings_1.PUBLIC_PORTS) {
                new aws.vpc.SecurityGroupIngressRule(`${name}-in-${port}-${index}`, {
                    securityGroupId: group.id,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: cidr,
                    description: `port ${port} from ${cidr}`,
                    tags,
                }, parent);
            }
        });
        // Out: Debian's archive, the container registries, SSM, CloudWatch, Let's Encrypt. IPv4
        // only: the network has no IPv6 route.
        new aws.vpc.SecurityGroupEgressRule(`${name}-out-ipv4`, {
            securityGroupId: group.id,
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
            description: "all outbound",
            tags,
        }, parent);
        this.securityGroupId = group.id;
        if (database) {
            const databaseGroup = new aws.ec2.SecurityGroup(`${name}-database`, {
                vpcId: this.vpcId,
                description: "MLflow database: PostgreSQL from the MLflow host only",
                tags: { ...tags, Name: `${name}-database` },
            }, parent);
            new aws.vpc.SecurityGroupIngressRule(`${name}-database-in-host`, {
                securityGroupId: databaseGroup.id,
                ipProtocol: "tcp",
                fromPort: database_1.DATABASE_PORT,
                toPort: database_1.DATABASE_PORT,
                referencedSecurityGroupId: group.id,
                description: "PostgreSQL from the MLflow host",
                tags,
            }, parent);
            this.databaseSecurityGroupId = databaseGroup.id;
        }
        this.registerOutputs({
            vpcId: this.vpcId,
            subnetId: this.subnetId,
            availabilityZone: this.availabilityZone,
            securityGroupId: this.securityGroupId,
            databaseSubnetIds: this.databaseSubnetIds,
            databaseSecurityGroupId: this.databaseSecurityGroupId,
        });
    }
}
exports.Network = Network;
//# sourceMappingURL=network.js.map