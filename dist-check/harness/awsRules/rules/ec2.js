"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.EC2_RULES = exports.EC2_SECURITY_GROUP_RULES_QUOTA = void 0;
const TF = "terraform-provider-aws";
const BOTOCORE_EC2 = "botocore ec2 model (1.44.8)";
// ---------------------------------------------------------------------------------------------
// Shared constraints
// ---------------------------------------------------------------------------------------------
/** One decimal octet as Go's net.ParseIP reads it (no leading zeros). */
const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const IPV4 = `${OCTET}(?:\\.${OCTET}){3}`;
/**
 * The provider's IPv4 network-address CIDR check, as far as a pattern can say it: the syntax of
 * an IPv4 block. Its other half (no address bits set past the prefix) is not expressible here.
 */
const ipv4CidrNetwork = (where, validator) => ({
    pattern: new RegExp(`^${IPV4}\\/(?:3[0-2]|[12]?[0-9])$`),
    source: `${TF} ${where}: ${validator} (verify.ValidateIPv4CIDRBlock: net.ParseCIDR, ip.To4() != nil, and the block equal to its network address; ` +
        "the pattern covers the IPv4 CIDR syntax, not the network-address half)",
});
/** EC2 tag keys and values (the model's Tag shape is a plain String). */
const EC2_TAG_KEY = [
    { max: 127, source: `${BOTOCORE_EC2}, documentation of Tag.Key: "Tag keys are case-sensitive and accept a maximum of 127 Unicode characters. May not begin with aws:."` },
    { pattern: /^(?!aws:)/, source: `${BOTOCORE_EC2}, documentation of Tag.Key: "May not begin with aws:."` },
];
const EC2_TAG_VALUE = [
    { max: 256, source: `${BOTOCORE_EC2}, documentation of Tag.Value: "Tag values are case-sensitive and accept a maximum of 256 Unicode characters."` },
];
/** Tags a create call carries in its TagSpecifications (getTagSpecificationsIn in the provider). */
const tagSpecifications = (operation) => ({
    "tags{key}": { api: `ec2:${operation}.TagSpecifications[].Tags[].Key`, also: EC2_TAG_KEY },
    "tags{}": { api: `ec2:${operation}.TagSpecifications[].Tags[].Value`, also: EC2_TAG_VALUE },
});
/** Tags the provider adds after the create call (the VPC security group rules: createTags). */
const createTags = {
    "tags{key}": { api: "ec2:CreateTags.Tags[].Key", also: EC2_TAG_KEY },
    "tags{}": { api: "ec2:CreateTags.Tags[].Value", also: EC2_TAG_VALUE },
};
/** Security group name and description characters (EC2 API reference, CreateSecurityGroup). */
const SECURITY_GROUP_TEXT = [
    {
        pattern: /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/,
        source: `${BOTOCORE_EC2}, documentation of CreateSecurityGroupRequest.Description (and .GroupName): "Valid characters: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*"`,
    },
    { max: 255, source: `${BOTOCORE_EC2}, documentation of CreateSecurityGroupRequest.Description: "Constraints: Up to 255 characters in length"` },
];
/**
 * A rule description. The same argument becomes IpRanges[].Description (cidrIpv4; "&" allowed)
 * or UserIdGroupPairs[].Description (referencedSecurityGroupId; no "&"), and the program builds
 * both kinds from the same helpers: the rule is the set both accept.
 */
const RULE_DESCRIPTION = [
    {
        pattern: /^[a-zA-Z0-9 ._\-:/()#,@[\]+=;{}!$*]*$/,
        source: `${BOTOCORE_EC2}, documentation of UserIdGroupPair.Description: "Allowed characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=;{}!$*" ` +
            "(IpRange.Description and Ipv6Range.Description also allow &; the argument goes to UserIdGroupPairs when referencedSecurityGroupId is set)",
    },
    { max: 255, source: `${BOTOCORE_EC2}, documentation of IpRange.Description and UserIdGroupPair.Description: "Constraints: Up to 255 characters in length."` },
];
const RULE_PORT = (file) => [
    { min: -1, max: 65535, source: `${TF} internal/service/ec2/${file}: int64validator.Between(-1, 65535)` },
];
const IP_PROTOCOL = [{
        pattern: /^(?:tcp|udp|icmp|icmpv6|-1|[0-9]{1,3})$/,
        source: `${BOTOCORE_EC2}, documentation of IpPermission.IpProtocol: "The IP protocol name (tcp, udp, icmp, icmpv6) or number ... Use -1 to specify all protocols."`,
    }];
/** gp3 volume sizes (every volume of the program is gp3). */
const GP3_SIZE = (shape) => ({
    min: 1, max: 65536,
    source: `${BOTOCORE_EC2}, documentation of ${shape}: "gp3: 1 - 65,536 GiB" (the program's volumes are all gp3)`,
});
/**
 * The default quota the security group rules count against: it fits no single argument (it is a
 * count of SecurityGroupIngressRule/SecurityGroupEgressRule resources per group and direction).
 */
exports.EC2_SECURITY_GROUP_RULES_QUOTA = {
    max: 60,
    source: "Amazon VPC User Guide, Amazon VPC quotas, Security groups: \"Inbound or outbound rules per security group | 60 | Yes\" " +
        "(\"enforced separately for IPv4 rules and IPv6 rules\"; awsdocs/amazon-vpc-user-guide doc_source/amazon-vpc-limits.md)",
};
// ---------------------------------------------------------------------------------------------
// Security group rules (aws:vpc/securityGroupIngressRule, aws:vpc/securityGroupEgressRule)
// ---------------------------------------------------------------------------------------------
const securityGroupRule = (operation, file) => ({
    creates: `ec2:${operation}`,
    arguments: {
        securityGroupId: { reference: "aws:ec2/securityGroup:SecurityGroup.id", api: `ec2:${operation}.GroupId` },
        ipProtocol: { api: `ec2:${operation}.IpPermissions[].IpProtocol`, also: IP_PROTOCOL },
        fromPort: { api: `ec2:${operation}.IpPermissions[].FromPort`, also: RULE_PORT(file) },
        toPort: { api: `ec2:${operation}.IpPermissions[].ToPort`, also: RULE_PORT(file) },
        cidrIpv4: {
            api: `ec2:${operation}.IpPermissions[].IpRanges[].CidrIp`,
            also: [ipv4CidrNetwork("internal/service/ec2/vpc_security_group_ingress_rule.go (cidr_ipv4)", "fwvalidators.IPv4CIDRNetworkAddress()")],
        },
        referencedSecurityGroupId: { reference: "aws:ec2/securityGroup:SecurityGroup.id", api: `ec2:${operation}.IpPermissions[].UserIdGroupPairs[].GroupId` },
        description: { api: `ec2:${operation}.IpPermissions[].IpRanges[].Description`, also: RULE_DESCRIPTION },
        ...createTags,
    },
});
// ---------------------------------------------------------------------------------------------
// Data-source filters
// ---------------------------------------------------------------------------------------------
const filterNames = (request, names) => ({
    enum: names,
    source: `${BOTOCORE_EC2}, documentation of ${request}.Filters (the filter names it lists)`,
});
const DESCRIBE_VOLUMES_FILTER_NAME = {
    pattern: /^(?:tag:.+|attachment\.attach-time|attachment\.delete-on-termination|attachment\.device|attachment\.instance-id|attachment\.status|availability-zone|availability-zone-id|create-time|encrypted|fast-restored|multi-attach-enabled|operator\.managed|operator\.principal|size|snapshot-id|status|tag-key|volume-id|volume-type)$/,
    source: `${BOTOCORE_EC2}, documentation of DescribeVolumesRequest.Filters (the filter names it lists; "tag:<key>" for a tag)`,
};
// ---------------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------------
exports.EC2_RULES = {
    "aws:ec2/vpc:Vpc": {
        creates: "ec2:CreateVpc",
        arguments: {
            cidrBlock: {
                api: "ec2:CreateVpc.CidrBlock",
                also: [{
                        pattern: new RegExp(`^${IPV4}\\/(?:1[6-9]|2[0-8])$`),
                        source: `${TF} internal/service/ec2/vpc_.go: validation.IsCIDRNetwork(vpcCIDRMinIPv4Netmask, vpcCIDRMaxIPv4Netmask) with 16 and 28 ` +
                            "(net.ParseCIDR, the value equal to ipnet.String(), 16 to 28 significant bits); IPv4 per the model's CreateVpcRequest.CidrBlock " +
                            "(\"The IPv4 network range for the VPC\"); the pattern leaves out the network-address half",
                    }],
            },
            ...tagSpecifications("CreateVpc"),
        },
    },
    "aws:ec2/internetGateway:InternetGateway": {
        creates: "ec2:CreateInternetGateway",
        arguments: {
            // Created first, then attached to the VPC.
            vpcId: { reference: "aws:ec2/vpc:Vpc.id", api: "ec2:AttachInternetGateway.VpcId" },
            ...tagSpecifications("CreateInternetGateway"),
        },
    },
    "aws:ec2/subnet:Subnet": {
        creates: "ec2:CreateSubnet",
        arguments: {
            vpcId: { reference: "aws:ec2/vpc:Vpc.id", api: "ec2:CreateSubnet.VpcId" },
            cidrBlock: {
                api: "ec2:CreateSubnet.CidrBlock",
                also: [ipv4CidrNetwork("internal/service/ec2/vpc_subnet.go (cidr_block)", "ValidateFunc: verify.ValidIPv4CIDRNetworkAddress")],
            },
            // A zone name the program chose from data sources (instance type offerings, the
            // subnet's or volume's zone, getAvailabilityZones): not one AWS made for a resource.
            availabilityZone: { api: "ec2:CreateSubnet.AvailabilityZone" },
            ...tagSpecifications("CreateSubnet"),
        },
    },
    "aws:ec2/routeTable:RouteTable": {
        creates: "ec2:CreateRouteTable",
        arguments: {
            vpcId: { reference: "aws:ec2/vpc:Vpc.id", api: "ec2:CreateRouteTable.VpcId" },
            // Each route is a CreateRoute call after the table exists (routeTableAddRoute).
            "routes[].cidrBlock": {
                api: "ec2:CreateRoute.DestinationCidrBlock",
                also: [ipv4CidrNetwork("internal/service/ec2/vpc_route_table.go (route.cidr_block)", "ValidateFunc: verify.ValidIPv4CIDRNetworkAddress")],
            },
            "routes[].gatewayId": { reference: "aws:ec2/internetGateway:InternetGateway.id", api: "ec2:CreateRoute.GatewayId" },
            ...tagSpecifications("CreateRouteTable"),
        },
    },
    "aws:ec2/routeTableAssociation:RouteTableAssociation": {
        creates: "ec2:AssociateRouteTable",
        arguments: {
            subnetId: { reference: "aws:ec2/subnet:Subnet.id", api: "ec2:AssociateRouteTable.SubnetId" },
            routeTableId: { reference: "aws:ec2/routeTable:RouteTable.id", api: "ec2:AssociateRouteTable.RouteTableId" },
        },
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        creates: "ec2:CreateSecurityGroup",
        arguments: {
            // The stack's VPC, or (settings.subnetId) the VPC that getSubnet reports.
            vpcId: { reference: "aws:ec2/vpc:Vpc.id", api: "ec2:CreateSecurityGroup.VpcId" },
            description: {
                api: "ec2:CreateSecurityGroup.Description",
                also: [
                    ...SECURITY_GROUP_TEXT,
                    { min: 0, max: 255, source: `${TF} internal/service/ec2/vpc_security_group.go (description): validation.StringLenBetween(0, 255)` },
                ],
            },
            ...tagSpecifications("CreateSecurityGroup"),
        },
        autoname: {
            property: "name",
            rule: {
                api: "ec2:CreateSecurityGroup.GroupName",
                also: [
                    ...SECURITY_GROUP_TEXT,
                    { max: 255, source: `${TF} internal/service/ec2/vpc_security_group.go (name): validation.StringLenBetween(0, 255)` },
                    { pattern: /^(?!sg-)/, source: `${TF} internal/service/ec2/vpc_security_group.go (name): validation.StringDoesNotMatch(regexache.MustCompile(\`^sg-\`), "cannot begin with sg-")` },
                ],
            },
        },
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": securityGroupRule("AuthorizeSecurityGroupIngress", "vpc_security_group_ingress_rule.go"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": securityGroupRule("AuthorizeSecurityGroupEgress", "vpc_security_group_ingress_rule.go (the schema both rule resources share)"),
    "aws:ec2/eip:Eip": {
        creates: "ec2:AllocateAddress",
        arguments: {
            domain: { api: "ec2:AllocateAddress.Domain" },
            ...tagSpecifications("AllocateAddress"),
        },
    },
    "aws:ec2/instance:Instance": {
        creates: "ec2:RunInstances",
        arguments: {
            // The SSM public parameter's value, or settings.amiId.
            ami: { api: "ec2:RunInstances.ImageId" },
            instanceType: { api: "ec2:RunInstances.InstanceType" },
            // With associate_public_ip_address and a subnet, the provider builds NetworkInterfaces[0]
            // (buildNetworkInterfaceOpts) and puts the subnet and vpc_security_group_ids there.
            // A Subnet's id, or settings.subnetId as the user wrote it: no reference rule.
            subnetId: { api: "ec2:RunInstances.NetworkInterfaces[].SubnetId" },
            vpcSecurityGroupIds: {
                api: "ec2:RunInstances.NetworkInterfaces[].Groups",
                also: [{ max: 5, source: "Amazon VPC User Guide, Amazon VPC quotas, Security groups: \"Security groups per network interface | 5 | Yes (up to 16)\" (default quota)" }],
            },
            "vpcSecurityGroupIds[]": { reference: "aws:ec2/securityGroup:SecurityGroup.id", api: "ec2:RunInstances.NetworkInterfaces[].Groups[]" },
            iamInstanceProfile: { reference: "aws:iam/instanceProfile:InstanceProfile.name", api: "ec2:RunInstances.IamInstanceProfile.Name" },
            userDataBase64: {
                api: "ec2:RunInstances.UserData",
                also: [{
                        max: 21848,
                        source: "Amazon EC2 User Guide, Work with instance user data: \"User data is limited to 16 KB, in raw form, before it is base64-encoded. " +
                            "The size of a string of length n after base64-encoding is ceil(n/3)*4.\" (ceil(16384/3)*4 = 21848)",
                    }],
            },
            "metadataOptions.httpTokens": { api: "ec2:RunInstances.MetadataOptions.HttpTokens" },
            "metadataOptions.httpEndpoint": { api: "ec2:RunInstances.MetadataOptions.HttpEndpoint" },
            "metadataOptions.httpPutResponseHopLimit": {
                api: "ec2:RunInstances.MetadataOptions.HttpPutResponseHopLimit",
                also: [{ min: 1, max: 64, source: `${TF} internal/service/ec2/ec2_instance.go (metadata_options.http_put_response_hop_limit): validation.IntBetween(1, 64)` }],
            },
            "rootBlockDevice.volumeType": { api: "ec2:RunInstances.BlockDeviceMappings[].Ebs.VolumeType" },
            "rootBlockDevice.volumeSize": { api: "ec2:RunInstances.BlockDeviceMappings[].Ebs.VolumeSize", also: [GP3_SIZE("EbsBlockDevice.VolumeSize")] },
            "maintenanceOptions.autoRecovery": { api: "ec2:RunInstances.MaintenanceOptions.AutoRecovery" },
            ...tagSpecifications("RunInstances"),
        },
    },
    "aws:ec2/volumeAttachment:VolumeAttachment": {
        creates: "ec2:AttachVolume",
        arguments: {
            instanceId: { reference: "aws:ec2/instance:Instance.id", api: "ec2:AttachVolume.InstanceId" },
            volumeId: { reference: "aws:ebs/volume:Volume.id", api: "ec2:AttachVolume.VolumeId" },
            deviceName: { api: "ec2:AttachVolume.Device" },
        },
    },
    "aws:ec2/eipAssociation:EipAssociation": {
        creates: "ec2:AssociateAddress",
        arguments: {
            allocationId: { reference: "aws:ec2/eip:Eip.allocationId", api: "ec2:AssociateAddress.AllocationId" },
            instanceId: { reference: "aws:ec2/instance:Instance.id", api: "ec2:AssociateAddress.InstanceId" },
        },
    },
    "aws:ebs/volume:Volume": {
        creates: "ec2:CreateVolume",
        arguments: {
            // The subnet's zone (echoed by the Subnet or getSubnet): a zone name, not an id AWS made.
            availabilityZone: { api: "ec2:CreateVolume.AvailabilityZone" },
            size: { api: "ec2:CreateVolume.Size", also: [GP3_SIZE("CreateVolumeRequest.Size")] },
            type: { api: "ec2:CreateVolume.VolumeType" },
            // settings.dataSnapshotId as the user wrote it.
            snapshotId: { api: "ec2:CreateVolume.SnapshotId" },
            ...tagSpecifications("CreateVolume"),
        },
    },
    "aws:dlm/lifecyclePolicy:LifecyclePolicy": {
        creates: "dlm:CreateLifecyclePolicy",
        arguments: {
            description: {
                api: "dlm:CreateLifecyclePolicy.Description",
                also: [
                    { pattern: /^[0-9A-Za-z _-]+$/, source: `${TF} internal/service/dlm/lifecycle_policy.go (description): validation.StringMatch(regexache.MustCompile("^[0-9A-Za-z _-]+$"), "see https://docs.aws.amazon.com/cli/latest/reference/dlm/create-lifecycle-policy.html")` },
                    { min: 1, max: 500, source: `${TF} internal/service/dlm/lifecycle_policy.go (description): validation.StringLenBetween(1, 500)` },
                ],
            },
            executionRoleArn: { reference: "aws:iam/role:Role.arn", api: "dlm:CreateLifecyclePolicy.ExecutionRoleArn" },
            state: { api: "dlm:CreateLifecyclePolicy.State" },
            "policyDetails.resourceTypes": { api: "dlm:CreateLifecyclePolicy.PolicyDetails.ResourceTypes" },
            "policyDetails.resourceTypes[]": { api: "dlm:CreateLifecyclePolicy.PolicyDetails.ResourceTypes[]" },
            // A map in Pulumi, a list of Tag structures in DLM (expandTags).
            "policyDetails.targetTags": { api: "dlm:CreateLifecyclePolicy.PolicyDetails.TargetTags" },
            "policyDetails.targetTags{key}": { api: "dlm:CreateLifecyclePolicy.PolicyDetails.TargetTags[].Key" },
            "policyDetails.targetTags{}": { api: "dlm:CreateLifecyclePolicy.PolicyDetails.TargetTags[].Value" },
            "policyDetails.schedules": { api: "dlm:CreateLifecyclePolicy.PolicyDetails.Schedules" },
            "policyDetails.schedules[].name": { api: "dlm:CreateLifecyclePolicy.PolicyDetails.Schedules[].Name" },
            "policyDetails.schedules[].createRule.interval": {
                api: "dlm:CreateLifecyclePolicy.PolicyDetails.Schedules[].CreateRule.Interval",
                also: [{ enum: ["1", "2", "3", "4", "6", "8", "12", "24"], source: `${TF} internal/service/dlm/lifecycle_policy.go (create_rule.interval): validation.IntInSlice([]int{1, 2, 3, 4, 6, 8, 12, 24})` }],
            },
            "policyDetails.schedules[].createRule.intervalUnit": { api: "dlm:CreateLifecyclePolicy.PolicyDetails.Schedules[].CreateRule.IntervalUnit" },
            // A single string in Pulumi (the provider's list of at most one), one element of Times.
            "policyDetails.schedules[].createRule.times": {
                api: "dlm:CreateLifecyclePolicy.PolicyDetails.Schedules[].CreateRule.Times[]",
                also: [{ pattern: /^(0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$/, source: `${TF} internal/service/dlm/lifecycle_policy.go (create_rule.times): validation.StringMatch(regexache.MustCompile("^(0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$"), ...)` }],
            },
            "policyDetails.schedules[].retainRule.count": {
                api: "dlm:CreateLifecyclePolicy.PolicyDetails.Schedules[].RetainRule.Count",
                also: [{ min: 1, max: 1000, source: `${TF} internal/service/dlm/lifecycle_policy.go (retain_rule.count): validation.IntBetween(1, 1000)` }],
            },
            "tags{key}": { api: "dlm:CreateLifecyclePolicy.Tags{key}" },
            "tags{}": { api: "dlm:CreateLifecyclePolicy.Tags{}" },
        },
    },
    // ----------------------------------------------------------------------------- data sources
    "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {
        creates: "ec2:DescribeInstanceTypeOfferings",
        arguments: {
            locationType: { api: "ec2:DescribeInstanceTypeOfferings.LocationType" },
            "filters[].name": {
                api: "ec2:DescribeInstanceTypeOfferings.Filters[].Name",
                also: [filterNames("DescribeInstanceTypeOfferingsRequest", ["instance-type", "location"])],
            },
            "filters[].values[]": { api: "ec2:DescribeInstanceTypeOfferings.Filters[].Values[]" },
        },
    },
    "aws:ec2/getSubnet:getSubnet": {
        creates: "ec2:DescribeSubnets",
        // settings.subnetId as the user wrote it (input.SubnetIds = []string{id}).
        arguments: { id: { api: "ec2:DescribeSubnets.SubnetIds[]" } },
    },
    "aws:ebs/getEbsVolumes:getEbsVolumes": {
        creates: "ec2:DescribeVolumes",
        arguments: {
            "filters[].name": { api: "ec2:DescribeVolumes.Filters[].Name", also: [DESCRIBE_VOLUMES_FILTER_NAME] },
            "filters[].values[]": { api: "ec2:DescribeVolumes.Filters[].Values[]" },
        },
    },
    "aws:ebs/getVolume:getVolume": {
        creates: "ec2:DescribeVolumes",
        arguments: {
            "filters[].name": { api: "ec2:DescribeVolumes.Filters[].Name", also: [DESCRIBE_VOLUMES_FILTER_NAME] },
            // The volume ids getEbsVolumes found (filter volume-id).
            "filters[].values[]": { reference: "aws:ebs/getEbsVolumes:getEbsVolumes.ids", api: "ec2:DescribeVolumes.Filters[].Values[]" },
        },
    },
    "aws:index/getAvailabilityZones:getAvailabilityZones": {
        creates: "ec2:DescribeAvailabilityZones",
        arguments: {
            // Sent as the filter {Name: "state", Values: [state]}.
            state: {
                api: "ec2:DescribeAvailabilityZones.Filters[].Values[]",
                also: [{
                        enum: ["available", "information", "impaired", "unavailable", "constrained"],
                        source: `${TF} internal/service/ec2/ec2_availability_zones_data_source.go (state): enum.Validate[awstypes.AvailabilityZoneState]() ` +
                            `(values of the AvailabilityZoneState enum, ${BOTOCORE_EC2})`,
                    }],
            },
            "filters[].name": {
                api: "ec2:DescribeAvailabilityZones.Filters[].Name",
                also: [filterNames("DescribeAvailabilityZonesRequest", [
                        "group-long-name", "group-name", "message", "opt-in-status", "parent-zone-id", "parent-zone-name",
                        "region-name", "state", "zone-id", "zone-name", "zone-type",
                    ])],
            },
            "filters[].values[]": { api: "ec2:DescribeAvailabilityZones.Filters[].Values[]" },
        },
    },
};
//# sourceMappingURL=ec2.js.map