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
exports.LoadBalancer = exports.IDLE_TIMEOUT_SECONDS = exports.TLS_POLICY = void 0;
const aws = __importStar(require("@pulumi/aws"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const taskContainers_1 = require("../../lib/render/taskContainers");
const privateCa_1 = require("../shared/privateCa");
/**
 * TLS 1.3 and 1.2 with forward-secret AEAD ciphers only ("Res"), and post-quantum key exchange
 * for clients that offer it: the console's default since 2025-09, against the API's 2016-08
 * default, which still allows TLS 1.0.
 */
exports.TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";
/**
 * The idle timeout bounds the silence on a connection, not a transfer: 600 s, the pause nginx
 * and MLflow allow inside a long artifact transfer (proxyToMlflow's timeouts), so the balancer
 * is never the first to give up on a slow multi-GB upload or download.
 */
exports.IDLE_TIMEOUT_SECONDS = 600;
/**
 * The Application Load Balancer in front of the tasks: HTTPS with a certificate from ACM
 * (public with a domain, otherwise the private CA's for the balancer's own DNS name, imported),
 * HTTP only to redirect, malformed headers dropped, and one target group of task addresses.
 */
class LoadBalancer extends pulumi.ComponentResource {
    dnsName;
    targetGroupArn;
    /** CloudWatch's dimensions of the balancer and the target group. */
    arnSuffix;
    targetGroupArnSuffix;
    /** The name clients use: the domain, or the balancer's DNS name. */
    serverName;
    /** The private CA's certificate without a domain; empty with one (ACM's certificate is publicly trusted). */
    caCertPem;
    /** The HTTPS listener: the service waits for it, so that targets register behind a working front. */
    httpsListener;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:LoadBalancer", name, {}, opts);
        const { vpcId, subnetIds, securityGroupId, domain, route53ZoneId, tags } = { tags: {}, ...args };
        if (domain && !route53ZoneId)
            throw new Error("LoadBalancer: a domain needs route53ZoneId for the certificate's DNS validation");
        const parent = { parent: this };
        const lb = new aws.lb.LoadBalancer(name, {
            loadBalancerType: "application",
            internal: false,
            subnets: subnetIds,
            securityGroups: [securityGroupId],
            dropInvalidHeaderFields: true,
            idleTimeout: exports.IDLE_TIMEOUT_SECONDS,
            desyncMitigationMode: "strictest",
            // nginx takes the client's address from the last X-Forwarded-For entry, the one appended here.
            xffHeaderProcessingMode: "append",
            enableHttp2: true,
            tags,
        }, parent);
        const targets = new aws.lb.TargetGroup(name, {
            vpcId,
            targetType: "ip",
            protocol: "HTTP",
            port: taskContainers_1.TASK_LISTEN_PORT,
            // /health through nginx to MLflow: a task is in service when both containers answer.
            healthCheck: { path: "/health", matcher: "200", interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
            // A leaving task (deployment, scale-in) gets two minutes to finish transfers in flight.
            deregistrationDelay: 120,
            tags,
        }, parent);
        let certificateArn;
        if (domain && route53ZoneId) {
            const certificate = new aws.acm.Certificate(name, { domainName: domain, validationMethod: "DNS", keyAlgorithm: "EC_prime256v1", tags }, parent);
            const option = certificate.domainValidationOptions.apply(options => options[0]);
            const record = new aws.route53.Record(`${name}-validation`, {
                zoneId: route53ZoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 300,
                allowOverwrite: true,
            }, parent);
            certificateArn = new aws.acm.CertificateValidation(name, { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] }, parent).certificateArn;
            new aws.route53.Record(name, {
                zoneId: route53ZoneId,
                name: domain,
                type: "A",
                aliases: [{ name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: true }],
            }, parent);
            this.caCertPem = pulumi.output("");
            this.serverName = pulumi.output(domain);
        }
        else {
            const ca = new privateCa_1.PrivateCa(name, { serverNames: lb.dnsName.apply(dnsName => [dnsName]) }, parent);
            certificateArn = new aws.acm.Certificate(`${name}-private-ca`, {
                privateKey: ca.serverKeyPem,
                certificateBody: ca.serverCertPem,
                certificateChain: ca.caCertPem,
                tags,
            }, parent).arn;
            this.caCertPem = ca.caCertPem;
            this.serverName = lb.dnsName;
        }
        this.httpsListener = new aws.lb.Listener(`${name}-https`, {
            loadBalancerArn: lb.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: exports.TLS_POLICY,
            certificateArn,
            defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
            tags,
        }, parent);
        // Plain HTTP never reaches a task: no password is ever asked for without TLS.
        new aws.lb.Listener(`${name}-http`, {
            loadBalancerArn: lb.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
            tags,
        }, parent);
        this.dnsName = lb.dnsName;
        this.targetGroupArn = targets.arn;
        this.arnSuffix = lb.arnSuffix;
        this.targetGroupArnSuffix = targets.arnSuffix;
        this.registerOutputs({
            dnsName: this.dnsName,
            targetGroupArn: this.targetGroupArn,
            arnSuffix: this.arnSuffix,
            targetGroupArnSuffix: this.targetGroupArnSuffix,
            serverName: this.serverName,
            caCertPem: this.caCertPem,
        });
    }
}
exports.LoadBalancer = LoadBalancer;
//# sourceMappingURL=loadBalancer.js.map