"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.IDENTITY_RULES = void 0;
const TFAWS = "terraform-provider-aws";
// ---- IAM ----------------------------------------------------------------------------------------
/** internal/service/iam/validate.go: validResourceName(max) = All(StringLenBetween(1, max), StringMatch(`^[\w+=,.@-]*$`)). */
const iamResourceName = (max, where) => [
    { pattern: /^[\w+=,.@-]*$/, source: `${TFAWS} internal/service/iam/validate.go: validResourceName(${where}): validation.StringMatch(regexache.MustCompile(\`^[\\w+=,.@-]*$\`), "must match [\\\\w+=,.@-]")` },
    { min: 1, max, source: `${TFAWS} internal/service/iam/validate.go: validResourceName(${where}): validation.StringLenBetween(1, max)` },
];
/** internal/verify/validate.go: ValidIAMPolicyJSON refuses an empty value and anything not starting with "{" (also leading white space); the rest (valid JSON, no duplicate keys) is not a pattern. */
const iamPolicyJson = (file) => ({
    pattern: /^\{/,
    source: `${TFAWS} ${file}: ValidateFunc: verify.ValidIAMPolicyJSON (internal/verify/validate.go: the value must start with "{", be valid JSON (structure.NormalizeJsonString) and have no duplicate keys (basevalidation.JSONNoDuplicateKeys))`,
});
/**
 * internal/verify/validate.go: ValidARN = ValidARNCheck(): arn.Parse, partition `^aws(-[a-z]+)*$`,
 * region empty or `^[a-z]{2}(-[a-z]+)+-\d$`, account empty or `^(aws|aws-managed|third-party|\d{12}|cw.{10})$`,
 * resource not empty. Written as one expression over the six ":"-separated sections.
 */
const ARN_EXPRESSION = String.raw `arn:aws(?:-[a-z]+)*:[^:]*:(?:[a-z]{2}(?:-[a-z]+)+-\d)?:(?:aws|aws-managed|third-party|\d{12}|cw[^:]{10})?:[\s\S]+`;
const validArn = (file) => ({
    pattern: new RegExp(`^${ARN_EXPRESSION}$`),
    source: `${TFAWS} ${file}: ValidateFunc: verify.ValidARN (internal/verify/validate.go: ValidARNCheck: arn.Parse; partitionRegexp \`^aws(-[a-z]+)*$\`; regionRegexp \`^[a-z]{2}(-[a-z]+)+-\\d$\` or empty; accountIDRegexp \`^(aws|aws-managed|third-party|\\d{12}|cw.{10})$\` or empty; non-empty resource)`,
});
/** A field of the trust policy document: pulumi-aws serialises the PolicyDocument object to the JSON string it sends. */
const TRUST_POLICY_API = "iam:CreateRole.AssumeRolePolicyDocument";
// ---- CloudWatch ---------------------------------------------------------------------------------
/** internal/service/cloudwatch/metric_alarm.go alarm_actions / ok_actions: validation.Any(verify.ValidARN, validEC2AutomateARN). */
const alarmAction = {
    pattern: new RegExp(`^(?:${ARN_EXPRESSION}|arn:[\\w-]+:automate:[\\w-]+:ec2:(?:reboot|recover|stop|terminate))$`),
    source: `${TFAWS} internal/service/cloudwatch/metric_alarm.go: Elem ValidateFunc: validation.Any(verify.ValidARN, validEC2AutomateARN) (internal/service/cloudwatch/validate.go: validEC2AutomateARN pattern \`^arn:[\\w-]+:automate:[\\w-]+:ec2:(reboot|recover|stop|terminate)$\`)`,
};
// ---- Route 53 -----------------------------------------------------------------------------------
/** Route 53 Developer Guide, DNS Domain Name Format (awsdocs/amazon-route53-docs doc_source/DomainNameFormat.md). */
const DNS_NAME_FORMAT = "Route 53 Developer Guide, DNS Domain Name Format (awsdocs/amazon-route53-docs doc_source/DomainNameFormat.md)";
const dnsName = [
    { max: 255, source: `${DNS_NAME_FORMAT}: "The total length of a domain name cannot exceed 255 bytes, including the dots."` },
    { pattern: /^(?:[^.]{1,63}\.)*[^.]{1,63}\.?$/, source: `${DNS_NAME_FORMAT}: "Each label can be up to 63 bytes long."` },
    { pattern: /^[\x21-\x7E]+$/, source: `${DNS_NAME_FORMAT}: "For hosted zones and records, the domain name can include any of the following printable ASCII characters (excluding spaces)"; other characters only as \\ooo escape codes` },
];
// ---- ACM ----------------------------------------------------------------------------------------
const ACM_IMPORT_DOC = "botocore acm model, documentation of operation ImportCertificate";
const pem = (label, what) => ({
    pattern: new RegExp(`^\\s*-----BEGIN ${label}-----[\\s\\S]*-----END ${label}-----\\s*$`),
    source: `${ACM_IMPORT_DOC}: "The certificate, private key, and certificate chain must be PEM-encoded." (${what})`,
});
// ---- Tags ---------------------------------------------------------------------------------------
const tagRules = (keyApi, valueApi) => ({
    "tags{key}": { api: keyApi },
    "tags{}": { api: valueApi },
});
exports.IDENTITY_RULES = {
    // ---------------------------------------------------------------------------------------------
    // IAM
    // ---------------------------------------------------------------------------------------------
    "aws:iam/role:Role": {
        creates: "iam:CreateRole",
        arguments: {
            // The program passes aws.iam.assumeRolePolicyForPrincipal(...), a PolicyDocument object:
            // pulumi-aws (provider/resource_overrides.go "aws_iam_role": assume_role_policy
            // Transform: tfbridge.TransformJSONDocument) sends it as a JSON string. Under the mocks
            // the object arrives as is, so its fields have rules of their own below.
            assumeRolePolicy: {
                api: TRUST_POLICY_API,
                also: [
                    iamPolicyJson("internal/service/iam/role.go assume_role_policy"),
                    { max: 2048, source: "IAM User Guide, IAM and AWS STS quotas (awsdocs/iam-user-guide doc_source/reference_iam-quotas.md): \"Role trust policy length | 2048 characters\" (default quota, adjustable to 4096; IAM counts non-white-space characters, GetAccountSummary AssumeRolePolicySizeQuota)" },
                ],
            },
            "assumeRolePolicy.Version": {
                api: TRUST_POLICY_API,
                also: [{ enum: ["2012-10-17", "2008-10-17"], source: "IAM User Guide, IAM JSON policy elements: Version (awsdocs/iam-user-guide doc_source/reference_policies_elements_version.md): \"IAM supports the following Version element values: 2012-10-17 ... 2008-10-17\"" }],
            },
            "assumeRolePolicy.Statement[].Sid": {
                api: TRUST_POLICY_API,
                also: [{ pattern: /^[A-Za-z0-9]*$/, source: "IAM User Guide, IAM JSON policy elements: Sid (awsdocs/iam-user-guide doc_source/reference_policies_elements_sid.md): \"The Sid element supports ASCII uppercase letters (A-Z), lowercase letters (a-z), and numbers (0-9).\"" }],
            },
            "assumeRolePolicy.Statement[].Effect": {
                api: TRUST_POLICY_API,
                also: [{ enum: ["Allow", "Deny"], source: "IAM User Guide, IAM JSON policy elements: Effect (awsdocs/iam-user-guide doc_source/reference_policies_elements_effect.md): \"Valid values for Effect are Allow and Deny.\"" }],
            },
            "assumeRolePolicy.Statement[].Principal.Service": { api: TRUST_POLICY_API },
            "assumeRolePolicy.Statement[].Action": { api: TRUST_POLICY_API },
            ...tagRules("iam:CreateRole.Tags[].Key", "iam:CreateRole.Tags[].Value"),
        },
        // pulumi-aws provider/resource_overrides.go "aws_iam_role": "name": tfbridge.AutoName("name", 64, "-").
        autoname: {
            property: "name",
            rule: { api: "iam:CreateRole.RoleName", also: iamResourceName(64, "roleNameMaxLen = 64; internal/service/iam/role.go name") },
        },
    },
    "aws:iam/rolePolicy:RolePolicy": {
        creates: "iam:PutRolePolicy",
        arguments: {
            role: { reference: "aws:iam/role:Role.name", api: "iam:PutRolePolicy.RoleName" },
            policy: {
                api: "iam:PutRolePolicy.PolicyDocument",
                also: [
                    iamPolicyJson("internal/service/iam/role_policy.go policy"),
                    // The quota is on the sum of all inline policies of a role; one document over it can never be put.
                    {
                        max: 10240,
                        source: "IAM User Guide, IAM and AWS STS quotas, character quotas, \"For inline policies\": \"the total aggregate policy size (the sum size of all inline policies) per entity cannot exceed\" the role quota of 10,240 characters (IAM does not count white space) (awsdocs/iam-user-guide doc_source/reference_iam-quotas.md names the quota; its figure, rendered only on docs.aws.amazon.com, as quoted from that page: \"Role policy size cannot exceed 10,240 characters\"); a bound on each document, the sum over a role's RolePolicies is not checked",
                    },
                ],
            },
        },
        // No override in pulumi-aws provider/resource_overrides.go: provider/autonaming.go setAutonaming
        // gives every resource with an input `name` tfbridge.AutoName("name", 255, "-").
        autoname: {
            property: "name",
            rule: { api: "iam:PutRolePolicy.PolicyName", also: iamResourceName(128, "rolePolicyNameMaxLen = 128; internal/service/iam/role_policy.go name: validRolePolicyName") },
        },
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        creates: "iam:AttachRolePolicy",
        arguments: {
            role: { reference: "aws:iam/role:Role.name", api: "iam:AttachRolePolicy.RoleName" },
            // AWS managed policies, written by the program (arn:aws:iam::aws:policy/...).
            policyArn: { api: "iam:AttachRolePolicy.PolicyArn", also: [validArn("internal/service/iam/role_policy_attachment.go policy_arn")] },
        },
    },
    "aws:iam/instanceProfile:InstanceProfile": {
        creates: "iam:CreateInstanceProfile",
        arguments: {
            // The provider adds the role with a separate call after creating the profile.
            role: { reference: "aws:iam/role:Role.name", api: "iam:AddRoleToInstanceProfile.RoleName" },
            ...tagRules("iam:CreateInstanceProfile.Tags[].Key", "iam:CreateInstanceProfile.Tags[].Value"),
        },
        // No override in pulumi-aws: provider/autonaming.go tfbridge.AutoName("name", 255, "-").
        autoname: {
            property: "name",
            rule: { api: "iam:CreateInstanceProfile.InstanceProfileName", also: iamResourceName(128, "instanceProfileNameMaxLen = 128; internal/service/iam/instance_profile.go name") },
        },
    },
    // ---------------------------------------------------------------------------------------------
    // SSM Parameter Store
    // ---------------------------------------------------------------------------------------------
    "aws:ssm/parameter:Parameter": {
        creates: "ssm:PutParameter",
        arguments: {
            name: {
                api: "ssm:PutParameter.Name",
                also: [
                    { min: 1, max: 2048, source: `${TFAWS} internal/service/ssm/parameter.go name: ValidateFunc: validation.StringLenBetween(1, 2048)` },
                    { pattern: /^[a-zA-Z0-9_.\-/]+$/, source: "botocore ssm model, documentation of PutParameterRequest.Name: \"Parameter names can include only the following symbols and letters: a-zA-Z0-9_.-\"; \"the slash character ( / ) is used to delineate hierarchies\"; \"Parameter names can't contain spaces.\"" },
                    { pattern: /^(?!aws|ssm)/i, source: "botocore ssm model, documentation of PutParameterRequest.Name: \"A parameter name can't be prefixed with \\\"aws\\\" or \\\"ssm\\\" (case-insensitive).\"" },
                    { pattern: /^\/?[^/]+(?:\/[^/]+){0,14}$/, source: "botocore ssm model, documentation of PutParameterRequest.Name: \"Parameter hierarchies are limited to a maximum depth of fifteen levels.\"" },
                    { max: 1011, source: "botocore ssm model, documentation of PutParameterRequest.Name: \"The maximum length for a parameter name that you specify is 1011 characters. This count of 1011 characters includes the characters in the ARN that precede the name you specify\" (e.g. 45 for arn:aws:ssm:us-east-2:111122223333:parameter/; the ARN prefix is not counted here)" },
                ],
            },
            type: { api: "ssm:PutParameter.Type" },
            value: {
                api: "ssm:PutParameter.Value",
                also: [
                    { max: 4096, source: "botocore ssm model, documentation of PutParameterRequest.Value: \"Standard parameters have a value limit of 4 KB. Advanced parameters have a value limit of 8 KB.\" (the program sets no tier: PutParameterRequest.Tier documentation, \"The default tier when you begin using Parameter Store is the standard-parameter tier\")" },
                    { pattern: /^(?![\s\S]*\{\{[\s\S]*\}\})/, source: "botocore ssm model, documentation of PutParameterRequest.Value: \"You can't include values wrapped in double brackets {{}} or {{ssm:parameter-name}} in a parameter value.\"" },
                ],
            },
            description: {
                api: "ssm:PutParameter.Description",
                also: [{ min: 0, max: 1024, source: `${TFAWS} internal/service/ssm/parameter.go description: ValidateFunc: validation.StringLenBetween(0, 1024)` }],
            },
            // On create the provider sends the tags in PutParameter (Overwrite is false then).
            ...tagRules("ssm:PutParameter.Tags[].Key", "ssm:PutParameter.Tags[].Value"),
        },
    },
    // ---------------------------------------------------------------------------------------------
    // SNS
    // ---------------------------------------------------------------------------------------------
    "aws:sns/topic:Topic": {
        creates: "sns:CreateTopic",
        arguments: {
            ...tagRules("sns:CreateTopic.Tags[].Key", "sns:CreateTopic.Tags[].Value"),
        },
        // pulumi-aws provider/resource_overrides.go "aws_sns_topic": "name": AutoNameWithCustomOptions
        // {Separator: "-", Maxlen: 80, Randlen: 7} (".fifo" appended for FIFO topics only).
        autoname: {
            property: "name",
            rule: {
                api: "sns:CreateTopic.Name",
                also: [{
                        pattern: /^[0-9A-Za-z_-]{1,256}$/,
                        source: `${TFAWS} internal/service/sns/topic.go resourceTopicCustomizeDiff: regexache.MustCompile(\`^[0-9A-Za-z_-]{1,256}$\`) ("invalid topic name"); botocore sns model, documentation of CreateTopicInput.Name: "Topic names must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."`,
                    }],
            },
        },
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        creates: "sns:Subscribe",
        arguments: {
            topic: { reference: "aws:sns/topic:Topic.arn", api: "sns:Subscribe.TopicArn" },
            protocol: {
                api: "sns:Subscribe.Protocol",
                also: [{
                        enum: ["application", "email", "email-json", "firehose", "http", "https", "lambda", "sms", "sqs"],
                        source: `${TFAWS} internal/service/sns/topic_subscription.go protocol: ValidateFunc: validation.StringInSlice(subscriptionProtocol_Values(), false) (internal/service/sns/consts.go)`,
                    }],
            },
            // An e-mail address (protocol email): botocore SubscribeInput.Endpoint documentation states no further form.
            endpoint: { api: "sns:Subscribe.Endpoint" },
        },
    },
    // ---------------------------------------------------------------------------------------------
    // CloudWatch
    // ---------------------------------------------------------------------------------------------
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        creates: "cloudwatch:PutMetricAlarm",
        arguments: {
            alarmDescription: {
                api: "cloudwatch:PutMetricAlarm.AlarmDescription",
                also: [{ min: 0, max: 1024, source: `${TFAWS} internal/service/cloudwatch/metric_alarm.go alarm_description: ValidateFunc: validation.StringLenBetween(0, 1024)` }],
            },
            namespace: { api: "cloudwatch:PutMetricAlarm.Namespace" },
            metricName: { api: "cloudwatch:PutMetricAlarm.MetricName" },
            // The provider turns the map into Dimensions[] {Name, Value}.
            "dimensions{key}": {
                api: "cloudwatch:PutMetricAlarm.Dimensions[].Name",
                also: [{ pattern: /^(?!:)(?=[\s\S]*\S)[\x20-\x7E]+$/, source: "botocore cloudwatch model, documentation of Dimension.Name: \"Dimension names must contain only ASCII characters, must include at least one non-whitespace character, and cannot start with a colon (:). ASCII control characters are not supported as part of dimension names.\"" }],
            },
            "dimensions{}": {
                api: "cloudwatch:PutMetricAlarm.Dimensions[].Value",
                also: [{ pattern: /^(?=[\s\S]*\S)[\x20-\x7E]+$/, source: "botocore cloudwatch model, documentation of Dimension.Value: \"Dimension values must contain only ASCII characters and must include at least one non-whitespace character. ASCII control characters are not supported as part of dimension values.\"" }],
            },
            statistic: { api: "cloudwatch:PutMetricAlarm.Statistic" },
            period: {
                api: "cloudwatch:PutMetricAlarm.Period",
                also: [
                    // validation.IntDivisibleBy(60) has no form in a Constraint; its bounds do.
                    { min: 10, source: `${TFAWS} internal/service/cloudwatch/metric_alarm.go period: ValidateFunc: validation.Any(validation.IntInSlice([]int{10, 20, 30}), validation.IntDivisibleBy(60)); botocore cloudwatch model, documentation of PutMetricAlarmInput.Period: "Valid values are 10, 20, 30, and any multiple of 60." (only the lower bound is checked here)` },
                    { max: 604800, source: "botocore cloudwatch model, documentation of PutMetricAlarmInput.Period: \"Period multiplied by EvaluationPeriods can't be more than 604,800 seconds. For alarms with a period of less than one hour (3,600 seconds), the total evaluation period can't be longer than one day (86,400 seconds).\" (the product is not checked here)" },
                ],
            },
            evaluationPeriods: { api: "cloudwatch:PutMetricAlarm.EvaluationPeriods" },
            threshold: { api: "cloudwatch:PutMetricAlarm.Threshold" },
            comparisonOperator: { api: "cloudwatch:PutMetricAlarm.ComparisonOperator" },
            // An EC2 action (arn:aws:automate:<region>:ec2:recover, built from getRegion) or the topic's ARN.
            "alarmActions[]": { api: "cloudwatch:PutMetricAlarm.AlarmActions[]", also: [alarmAction] },
            "okActions[]": { api: "cloudwatch:PutMetricAlarm.OKActions[]", also: [alarmAction] },
            treatMissingData: {
                api: "cloudwatch:PutMetricAlarm.TreatMissingData",
                also: [{
                        pattern: /^(?:breaching|ignore|missing|notBreaching)$/i,
                        source: `${TFAWS} internal/service/cloudwatch/metric_alarm.go treat_missing_data: ValidateFunc: validation.StringInSlice(missingData_Values(), true) (internal/service/cloudwatch/consts.go: breaching, ignore, missing, notBreaching; case-insensitive)`,
                    }],
            },
            ...tagRules("cloudwatch:PutMetricAlarm.Tags[].Key", "cloudwatch:PutMetricAlarm.Tags[].Value"),
        },
        // pulumi-aws provider/resource_overrides.go "aws_cloudwatch_metric_alarm": "alarm_name": tfbridge.AutoName("name", 255, "-").
        autoname: {
            property: "name",
            rule: {
                api: "cloudwatch:PutMetricAlarm.AlarmName",
                also: [
                    { min: 1, max: 255, source: `${TFAWS} internal/service/cloudwatch/metric_alarm.go alarm_name: ValidateFunc: validation.StringLenBetween(1, 255)` },
                    { pattern: /^[^\x00-\x1F\x7F]*$/, source: "botocore cloudwatch model, documentation of PutMetricAlarmInput.AlarmName: \"The name must contain only UTF-8 characters, and can't contain ASCII control characters\"" },
                ],
            },
        },
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        creates: "logs:CreateLogGroup",
        arguments: {
            // Sent by a second call after CreateLogGroup (only when not 0).
            retentionInDays: {
                api: "logs:PutRetentionPolicy.retentionInDays",
                also: [{
                        enum: ["0", "1", "3", "5", "7", "14", "30", "60", "90", "120", "150", "180", "365", "400", "545", "731", "1096", "1827", "2192", "2557", "2922", "3288", "3653"],
                        source: `${TFAWS} internal/service/logs/group.go retention_in_days: ValidateFunc: validation.IntInSlice([]int{0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}) (0: never expire, no PutRetentionPolicy call); botocore logs model, documentation of PutRetentionPolicyRequest.retentionInDays lists the same values without 0`,
                    }],
            },
            ...tagRules("logs:CreateLogGroup.tags{key}", "logs:CreateLogGroup.tags{}"),
        },
        // No override in pulumi-aws (only IDFields): provider/autonaming.go tfbridge.AutoName("name", 255, "-").
        autoname: {
            property: "name",
            rule: {
                api: "logs:CreateLogGroup.logGroupName",
                also: [
                    { pattern: /^[0-9A-Za-z_./#-]+$/, source: `${TFAWS} internal/service/logs/validate.go validLogGroupName: pattern := \`^[0-9A-Za-z_./#-]+$\`` },
                    { max: 512, source: `${TFAWS} internal/service/logs/validate.go validLogGroupName: len(value) > 512 refused` },
                    { pattern: /^(?!aws\/)/, source: "botocore logs model, documentation of operation CreateLogGroup: \"Log group names can't start with the string aws/\"" },
                ],
            },
        },
    },
    // ---------------------------------------------------------------------------------------------
    // Route 53
    // ---------------------------------------------------------------------------------------------
    // Never autonamed: pulumi-aws provider/resource_overrides.go "aws_route53_record": "name": {Name: "name"}
    // ("Do not autoname Route53 records").
    "aws:route53/record:Record": {
        creates: "route53:ChangeResourceRecordSets",
        arguments: {
            // From the stack's settings (route53ZoneId), not from a resource of the program.
            zoneId: {
                api: "route53:ChangeResourceRecordSets.HostedZoneId",
                also: [{ min: 1, source: `${TFAWS} internal/service/route53/record.go zone_id: ValidateFunc: validation.NoZeroValues` }],
            },
            // The domain (settings) or the certificate's validation record name (with a trailing dot,
            // which the provider trims); the provider lower-cases it and sends no validation of its own.
            name: { api: "route53:ChangeResourceRecordSets.ChangeBatch.Changes[].ResourceRecordSet.Name", also: dnsName },
            // "A", or the certificate's resource record type ("CNAME").
            type: { api: "route53:ChangeResourceRecordSets.ChangeBatch.Changes[].ResourceRecordSet.Type" },
            ttl: { api: "route53:ChangeResourceRecordSets.ChangeBatch.Changes[].ResourceRecordSet.TTL" },
            // The Elastic IP's address, or the certificate's validation record value.
            "records[]": { api: "route53:ChangeResourceRecordSets.ChangeBatch.Changes[].ResourceRecordSet.ResourceRecords[].Value" },
            "aliases[].name": {
                reference: "aws:lb/loadBalancer:LoadBalancer.dnsName",
                api: "route53:ChangeResourceRecordSets.ChangeBatch.Changes[].ResourceRecordSet.AliasTarget.DNSName",
            },
            "aliases[].zoneId": {
                reference: "aws:lb/loadBalancer:LoadBalancer.zoneId",
                api: "route53:ChangeResourceRecordSets.ChangeBatch.Changes[].ResourceRecordSet.AliasTarget.HostedZoneId",
            },
        },
    },
    // ---------------------------------------------------------------------------------------------
    // ACM
    // ---------------------------------------------------------------------------------------------
    // Two forms: domainName + validationMethod + keyAlgorithm -> RequestCertificate (a domain and a
    // zone), privateKey + certificateBody + certificateChain -> ImportCertificate (the private CA's
    // certificate for the load balancer's own name). Tags go to the call of the form; both calls
    // have the same tag shapes (TagKey, TagValue).
    "aws:acm/certificate:Certificate": {
        creates: "acm:RequestCertificate",
        arguments: {
            domainName: {
                api: "acm:RequestCertificate.DomainName",
                also: [
                    { max: 64, source: "botocore acm model, documentation of RequestCertificateRequest.DomainName: \"In compliance with RFC 5280, the length of the domain name (technically, the Common Name) that you provide cannot exceed 64 octets (characters), including periods. To add a longer domain name, specify it in the Subject Alternative Name field, which supports names up to 253 octets in length.\"" },
                    { pattern: /(?:^|[^.])$/, source: `${TFAWS} internal/service/acm/certificate.go domain_name: ValidateFunc: validation.StringDoesNotMatch(regexache.MustCompile(\`\\.$\`), "cannot end with a period")` },
                ],
            },
            validationMethod: { api: "acm:RequestCertificate.ValidationMethod" },
            keyAlgorithm: {
                api: "acm:RequestCertificate.KeyAlgorithm",
                also: [{ enum: ["RSA_2048", "EC_prime256v1", "EC_secp384r1"], source: "botocore acm model, documentation of RequestCertificateRequest.KeyAlgorithm: \"Algorithms supported for an ACM certificate request include: RSA_2048, EC_prime256v1, EC_secp384r1. Other listed algorithms are for imported certificates only.\"" }],
            },
            privateKey: {
                api: "acm:ImportCertificate.PrivateKey",
                also: [
                    { max: 5120, source: `${ACM_IMPORT_DOC}: "The private key must be no larger than 5 KB (5,120 bytes)."` },
                    { pattern: /^\s*-----BEGIN (?!ENCRYPTED )(?:[A-Z]+ )?PRIVATE KEY-----[\s\S]*-----END (?:[A-Z]+ )?PRIVATE KEY-----\s*$/, source: `${ACM_IMPORT_DOC}: "The private key must be unencrypted. You cannot import a private key that is protected by a password or a passphrase." and "... must be PEM-encoded."` },
                ],
            },
            certificateBody: { api: "acm:ImportCertificate.Certificate", also: [pem("CERTIFICATE", "the certificate")] },
            certificateChain: { api: "acm:ImportCertificate.CertificateChain", also: [pem("CERTIFICATE", "the chain: PEM certificates")] },
            ...tagRules("acm:RequestCertificate.Tags[].Key", "acm:RequestCertificate.Tags[].Value"),
        },
    },
    // No create call: the provider waits (DescribeCertificate) until the certificate is issued.
    "aws:acm/certificateValidation:CertificateValidation": {
        creates: "acm:DescribeCertificate",
        arguments: {
            certificateArn: { reference: "aws:acm/certificate:Certificate.arn", api: "acm:DescribeCertificate.CertificateArn" },
            "validationRecordFqdns[]": {
                provider: [],
                why: `${TFAWS} internal/service/acm/certificate_validation.go: validation_record_fqdns (no ValidateFunc) is only compared with the certificate's DNS validation record names; never sent (the values are aws:route53/record:Record.fqdn)`,
            },
        },
    },
    // ---------------------------------------------------------------------------------------------
    // Secrets Manager
    // ---------------------------------------------------------------------------------------------
    // rotationEnabled: false turns off the rotation RDS enables on its managed secret: the call
    // that does so is CancelRotateSecret (with rotation on, the provider calls RotateSecret with the
    // same SecretIdType). secret_id has no ValidateFunc in internal/service/secretsmanager/secret_rotation.go.
    "aws:secretsmanager/secretRotation:SecretRotation": {
        creates: "secretsmanager:CancelRotateSecret",
        arguments: {
            secretId: { reference: "aws:rds/instance:Instance.masterUserSecrets[].secretArn", api: "secretsmanager:CancelRotateSecret.SecretId" },
        },
    },
    // ---------------------------------------------------------------------------------------------
    // Data sources
    // ---------------------------------------------------------------------------------------------
    // The public parameter of Debian's newest AMI (/aws/service/debian/release/13/latest/<arch>);
    // internal/service/ssm/parameter_data_source.go: name has no ValidateFunc.
    "aws:ssm/getParameter:getParameter": {
        creates: "ssm:GetParameter",
        arguments: {
            name: { api: "ssm:GetParameter.Name" },
        },
    },
    // internal/service/meta/region_data_source.go answers from the SDK's endpoint metadata (the
    // provider's configured region) and calls no AWS API; DescribeRegions is the API of the same facts.
    // The program passes no argument.
    "aws:index/getRegion:getRegion": {
        creates: "ec2:DescribeRegions",
        arguments: {},
    },
    "aws:index/getCallerIdentity:getCallerIdentity": {
        creates: "sts:GetCallerIdentity",
        arguments: {},
    },
    // internal/service/meta/partition_data_source.go: no arguments; the partition, DNS suffix and
    // reverse DNS prefix come from the provider's configuration (d.Meta().Partition(ctx)), with no
    // AWS call. DescribeRegions names the nearest API (regions belong to partitions).
    "aws:index/getPartition:getPartition": {
        creates: "ec2:DescribeRegions",
        arguments: {},
    },
};
//# sourceMappingURL=identity.js.map