"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.STORES_RULES = void 0;
// ---------------------------------------------------------------------------------------------
// Shared constraints
// ---------------------------------------------------------------------------------------------
const RDS_TAG_KEY = [
    { min: 1, max: 128, source: "botocore rds model, documentation of Tag.Key: 'The string value can be from 1 to 128 Unicode characters in length'" },
    { pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, source: "botocore rds model, documentation of Tag.Key: 'The string can only contain only the set of Unicode letters, digits, white-space, '_', '.', ':', '/', '=', '+', '-', '@' (Java regex: \"^([\\\\p{L}\\\\p{Z}\\\\p{N}_.:/=+\\\\-@]*)$\")'" },
    { pattern: /^(?!aws:|rds:)/, source: "botocore rds model, documentation of Tag.Key: 'can't be prefixed with aws: or rds:'" },
];
const RDS_TAG_VALUE = [
    { max: 256, source: "botocore rds model, documentation of Tag.Value: 'The string value can be from 1 to 256 Unicode characters in length'" },
    { pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, source: "botocore rds model, documentation of Tag.Value: 'The string can only contain only the set of Unicode letters, digits, white-space, '_', '.', ':', '/', '=', '+', '-', '@' (Java regex: \"^([\\\\p{L}\\\\p{Z}\\\\p{N}_.:/=+\\\\-@]*)$\")'" },
    { pattern: /^(?!aws:|rds:)/, source: "botocore rds model, documentation of Tag.Value: 'can't be prefixed with aws: or rds:'" },
];
/** terraform-provider-aws internal/service/rds/validate.go, validIdentifier (used by aws_db_instance.identifier). */
const VALID_IDENTIFIER = [
    { pattern: /^[0-9a-z-]+$/, source: "terraform-provider-aws internal/service/rds/validate.go validIdentifier: regexache.MustCompile(`^[0-9a-z-]+$`) \"only lowercase alphanumeric characters and hyphens allowed\"" },
    { pattern: /^[a-z]/, source: "terraform-provider-aws internal/service/rds/validate.go validIdentifier: regexache.MustCompile(`^[a-z]`) \"first character ... must be a letter\"" },
    { pattern: /^(?![\s\S]*--)/, source: "terraform-provider-aws internal/service/rds/validate.go validIdentifier: regexache.MustCompile(`--`).MatchString(value) -> \"cannot contain two consecutive hyphens\"" },
    { pattern: /^(?![\s\S]*-$)/, source: "terraform-provider-aws internal/service/rds/validate.go validIdentifier: regexache.MustCompile(`-$`).MatchString(value) -> \"cannot end with a hyphen\"" },
    { min: 1, max: 63, source: "botocore rds model, documentation of CreateDBInstanceMessage.DBInstanceIdentifier: 'Must contain from 1 to 63 letters, numbers, or hyphens. First character must be a letter. Can't end with a hyphen or contain two consecutive hyphens.'" },
];
/** terraform-provider-aws internal/service/rds/validate.go, validSubnetGroupName (aws_db_subnet_group.name). */
const VALID_SUBNET_GROUP_NAME = [
    { pattern: /^[0-9a-z_ .-]+$/, source: "terraform-provider-aws internal/service/rds/validate.go validSubnetGroupName: regexache.MustCompile(`^[0-9a-z_ .-]+$`) \"only lowercase alphanumeric characters, hyphens, underscores, periods, and spaces allowed\"" },
    { max: 255, source: "terraform-provider-aws internal/service/rds/validate.go validSubnetGroupName: len(value) > 255 -> \"cannot be longer than 255 characters\"" },
    { pattern: /^(?!default$)/i, source: "terraform-provider-aws internal/service/rds/validate.go validSubnetGroupName: regexache.MustCompile(`(?i)^default$`) -> \"Default\" is not allowed" },
    { pattern: /^[A-Za-z]/, source: "botocore rds model, documentation of CreateDBSubnetGroupMessage.DBSubnetGroupName: 'Must contain no more than 255 letters, numbers, periods, underscores, spaces, or hyphens. Must not be default. First character must be a letter.'" },
];
/** terraform-provider-aws internal/service/rds/validate.go, validParamGroupName (aws_db_parameter_group.name). */
const VALID_PARAM_GROUP_NAME = [
    { pattern: /^[0-9a-z.-]+$/, source: "terraform-provider-aws internal/service/rds/validate.go validParamGroupName: regexache.MustCompile(`^[0-9a-z.-]+$`) \"only lowercase alphanumeric characters, periods, and hyphens allowed in parameter group\"" },
    { pattern: /^[a-z]/, source: "terraform-provider-aws internal/service/rds/validate.go validParamGroupName: regexache.MustCompile(`^[a-z]`) \"first character of parameter group ... must be a letter\"" },
    { pattern: /^(?![\s\S]*--)/, source: "terraform-provider-aws internal/service/rds/validate.go validParamGroupName: regexache.MustCompile(`--`) -> \"cannot contain two consecutive hyphens\"" },
    { pattern: /^(?![\s\S]*-$)/, source: "terraform-provider-aws internal/service/rds/validate.go validParamGroupName: regexache.MustCompile(`-$`) -> \"cannot end with a hyphen\"" },
    { max: 255, source: "terraform-provider-aws internal/service/rds/validate.go validParamGroupName: len(value) > 255 -> \"cannot be greater than 255 characters\"; botocore rds model, CreateDBParameterGroupMessage.DBParameterGroupName: 'Must be 1 to 255 letters, numbers, or hyphens'" },
];
/** S3 general purpose bucket naming rules (the provider checks length only). */
const S3_BUCKET_NAME = [
    { max: 63, source: "terraform-provider-aws internal/service/s3/bucket.go, bucket: validation.StringLenBetween(0, 63)" },
    { min: 3, max: 63, source: "AWS docs, Amazon S3 User Guide, General purpose bucket naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): 'Bucket names must be between 3 (min) and 63 (max) characters long.'" },
    { pattern: /^[a-z0-9.-]+$/, source: "AWS docs, Amazon S3 User Guide, General purpose bucket naming rules: 'Bucket names can consist only of lowercase letters, numbers, dots (.), and hyphens (-).'" },
    { pattern: /^[a-z0-9]([\s\S]*[a-z0-9])?$/, source: "AWS docs, Amazon S3 User Guide, General purpose bucket naming rules: 'Bucket names must begin and end with a letter or number.'" },
    { pattern: /^(?![\s\S]*\.\.)/, source: "AWS docs, Amazon S3 User Guide, General purpose bucket naming rules: 'Bucket names must not contain two adjacent periods.'" },
    { pattern: /^(?!\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$)/, source: "AWS docs, Amazon S3 User Guide, General purpose bucket naming rules: 'Bucket names must not be formatted as an IP address (for example, 192.168.5.4).'" },
    { pattern: /^(?!xn--|sthree-|amzn-s3-demo-)/, source: "AWS docs, Amazon S3 User Guide, General purpose bucket naming rules: 'must not start with the prefix xn--', '... sthree-', '... amzn-s3-demo-'" },
    { pattern: /^(?![\s\S]*(-s3alias|--ol-s3|\.mrap)$)/, source: "AWS docs, Amazon S3 User Guide, General purpose bucket naming rules: 'must not end with the suffix -s3alias', '... --ol-s3', '... .mrap'" },
];
/** terraform-provider-aws internal/service/lambda/validate.go, validFunctionName(). */
const VALID_FUNCTION_NAME = [
    { pattern: /^(arn:[\w-]+:lambda:)?([a-z]{2}-(?:[a-z]+-){1,2}\d{1}:)?(\d{12}:)?(function:)?([0-9A-Za-z_-]+)(:(\$LATEST|[0-9A-Za-z_-]+))?$/, source: "terraform-provider-aws internal/service/lambda/validate.go validFunctionName(): validation.StringMatch(regexache.MustCompile(`^(arn:[\\w-]+:lambda:)?([a-z]{2}-(?:[a-z]+-){1,2}\\d{1}:)?(\\d{12}:)?(function:)?([0-9A-Za-z_-]+)(:(\\$LATEST|[0-9A-Za-z_-]+))?$`), \"must be valid function name or function ARN\")" },
    { min: 1, max: 140, source: "terraform-provider-aws internal/service/lambda/validate.go validFunctionName(): validation.StringLenBetween(1, 140)" },
    { max: 64, source: "terraform-provider-aws internal/service/lambda/validate.go validFunctionName(): if len(functionName) > 64 -> \"expected length of the Lambda function name to be less than or equal to 64\" (the name part of a name or ARN); botocore lambda model, CreateFunctionRequest.FunctionName: 'If you specify only the function name, it is limited to 64 characters in length.'" },
];
const BACKUP_WINDOW_SOURCE = "terraform-provider-aws internal/service/rds/instance.go backup_window: ValidateFunc: verify.ValidOnceADayWindowFormat -> internal/types/timestamp/timestamp.go ValidateOnceADayWindowFormat: validTimeFormat := \"([0-1][0-9]|2[0-3]):([0-5][0-9])\"; \"^(\" + validTimeFormat + \"-\" + validTimeFormat + \"|)$\"";
const MAINTENANCE_WINDOW_SOURCE = "terraform-provider-aws internal/service/rds/instance.go maintenance_window: ValidateFunc: verify.ValidOnceAWeekWindowFormat -> internal/types/timestamp/timestamp.go ValidateOnceAWeekWindowFormat: validTimeFormat := \"(sun|mon|tue|wed|thu|fri|sat):([0-1][0-9]|2[0-3]):([0-5][0-9])\"; \"^(\" + validTimeFormat + \"-\" + validTimeFormat + \"|)$\" matched against strings.ToLower(value)";
exports.STORES_RULES = {
    // -----------------------------------------------------------------------------------------
    // RDS
    // -----------------------------------------------------------------------------------------
    "aws:rds/subnetGroup:SubnetGroup": {
        creates: "rds:CreateDBSubnetGroup",
        autoname: {
            // pulumi-aws provider/resources.go: aws_db_subnet_group sets no name field, so setAutonaming
            // gives it tfbridge.AutoName("name", 255, "-") (no lowercasing).
            property: "name",
            rule: { api: "rds:CreateDBSubnetGroup.DBSubnetGroupName", also: VALID_SUBNET_GROUP_NAME },
        },
        arguments: {
            description: { api: "rds:CreateDBSubnetGroup.DBSubnetGroupDescription" },
            "subnetIds[]": { reference: "aws:ec2/subnet:Subnet.id", api: "rds:CreateDBSubnetGroup.SubnetIds[]" },
            "tags{key}": { api: "rds:CreateDBSubnetGroup.Tags[].Key", also: RDS_TAG_KEY },
            "tags{}": { api: "rds:CreateDBSubnetGroup.Tags[].Value", also: RDS_TAG_VALUE },
        },
    },
    "aws:rds/parameterGroup:ParameterGroup": {
        creates: "rds:CreateDBParameterGroup",
        autoname: {
            // pulumi-aws provider/resources.go: aws_db_parameter_group sets only description/parameter
            // fields; its name gets the generic tfbridge.AutoName("name", 255, "-") (no lowercasing).
            property: "name",
            rule: { api: "rds:CreateDBParameterGroup.DBParameterGroupName", also: VALID_PARAM_GROUP_NAME },
        },
        arguments: {
            family: { api: "rds:CreateDBParameterGroup.DBParameterGroupFamily" },
            description: { api: "rds:CreateDBParameterGroup.Description" },
            // The provider creates the group, then sends the parameters with ModifyDBParameterGroup
            // (internal/service/rds/parameter_group.go resourceParameterGroupUpdate).
            "parameters[].name": { api: "rds:ModifyDBParameterGroup.Parameters[].ParameterName" },
            "parameters[].value": { api: "rds:ModifyDBParameterGroup.Parameters[].ParameterValue" },
            "parameters[].applyMethod": {
                api: "rds:ModifyDBParameterGroup.Parameters[].ApplyMethod",
                also: [{ enum: ["immediate", "pending-reboot"], source: "terraform-provider-aws internal/service/rds/parameter_group.go apply_method: ValidateDiagFunc: enum.ValidateIgnoreCase[types.ApplyMethod]() (types.ApplyMethod: immediate | pending-reboot; the provider accepts any case)" }],
            },
            "tags{key}": { api: "rds:CreateDBParameterGroup.Tags[].Key", also: RDS_TAG_KEY },
            "tags{}": { api: "rds:CreateDBParameterGroup.Tags[].Value", also: RDS_TAG_VALUE },
        },
    },
    "aws:rds/instance:Instance": {
        creates: "rds:CreateDBInstance",
        autoname: {
            // pulumi-aws provider/resources.go aws_db_instance: identifier Default From:
            // resource.NewUniqueHex(name, 7, 255) (3 and 15 for sqlserver engines): the logical name
            // followed directly by 7 hex characters, no "-" separator, not lowercased.
            property: "identifier",
            rule: { api: "rds:CreateDBInstance.DBInstanceIdentifier", also: VALID_IDENTIFIER },
        },
        arguments: {
            engine: {
                api: "rds:CreateDBInstance.Engine",
                also: [{
                        enum: ["aurora-mysql", "aurora-postgresql", "custom-oracle-ee", "custom-oracle-ee-cdb", "custom-oracle-se2", "custom-oracle-se2-cdb",
                            "custom-sqlserver-ee", "custom-sqlserver-se", "custom-sqlserver-web", "custom-sqlserver-dev", "db2-ae", "db2-ce", "db2-se", "mariadb", "mysql",
                            "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb", "postgres", "sqlserver-dev-ee", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web"],
                        source: "botocore rds model, documentation of CreateDBInstanceMessage.Engine: 'Valid Values: aurora-mysql ... postgres ... sqlserver-web'",
                    }],
            },
            engineVersion: { api: "rds:CreateDBInstance.EngineVersion" },
            engineLifecycleSupport: {
                api: "rds:CreateDBInstance.EngineLifecycleSupport",
                also: [{
                        enum: ["open-source-rds-extended-support", "open-source-rds-extended-support-disabled"],
                        source: "botocore rds model, documentation of CreateDBInstanceMessage.EngineLifecycleSupport: 'Valid Values: open-source-rds-extended-support | open-source-rds-extended-support-disabled'; terraform-provider-aws internal/service/rds/consts.go engineLifecycleSupport_Values() (same two values)",
                    }],
            },
            instanceClass: { api: "rds:CreateDBInstance.DBInstanceClass" },
            allocatedStorage: {
                api: "rds:CreateDBInstance.AllocatedStorage",
                also: [{ min: 20, max: 65536, source: "botocore rds model, documentation of CreateDBInstanceMessage.AllocatedStorage, RDS for PostgreSQL: 'General Purpose (SSD) storage (gp2, gp3): Must be an integer from 20 to 65536.' (this program: engine postgres, storageType gp3)" }],
            },
            storageType: {
                api: "rds:CreateDBInstance.StorageType",
                also: [
                    { enum: ["gp2", "gp3", "io1", "io2", "standard"], source: "botocore rds model, documentation of CreateDBInstanceMessage.StorageType: 'Valid Values: gp2 | gp3 | io1 | io2 | standard'" },
                    { enum: ["standard", "gp2", "gp3", "io1", "io2", "aurora-iopt1"], source: "terraform-provider-aws internal/service/rds/instance.go storage_type: ValidateFunc: validation.StringInSlice(StorageType_Values(), false); internal/service/rds/consts.go StorageType_Values() = standard, gp2, gp3, io1, io2, aurora-iopt1 (v5 consts.go)" },
                ],
            },
            dbName: {
                api: "rds:CreateDBInstance.DBName",
                also: [
                    { min: 1, max: 63, source: "botocore rds model, documentation of CreateDBInstanceMessage.DBName, RDS for PostgreSQL: 'Must contain 1 to 63 letters, numbers, or underscores.'" },
                    { pattern: /^[A-Za-z][A-Za-z0-9_]*$/, source: "botocore rds model, documentation of CreateDBInstanceMessage.DBName, RDS for PostgreSQL: 'Must begin with a letter. Subsequent characters can be letters, underscores, or digits (0-9).'" },
                ],
            },
            username: {
                api: "rds:CreateDBInstance.MasterUsername",
                also: [
                    { min: 1, max: 16, source: "botocore rds model, documentation of CreateDBInstanceMessage.MasterUsername: 'Must be 1 to 16 letters, numbers, or underscores.'" },
                    { pattern: /^[A-Za-z][A-Za-z0-9_]*$/, source: "botocore rds model, documentation of CreateDBInstanceMessage.MasterUsername: 'Must be 1 to 16 letters, numbers, or underscores. First character must be a letter.'" },
                ],
            },
            port: {
                api: "rds:CreateDBInstance.Port",
                also: [{ min: 1150, max: 65535, source: "botocore rds model, documentation of CreateDBInstanceMessage.Port: 'Valid Values: 1150-65535'" }],
            },
            dbSubnetGroupName: { reference: "aws:rds/subnetGroup:SubnetGroup.name", api: "rds:CreateDBInstance.DBSubnetGroupName" },
            "vpcSecurityGroupIds[]": { reference: "aws:ec2/securityGroup:SecurityGroup.id", api: "rds:CreateDBInstance.VpcSecurityGroupIds[]" },
            parameterGroupName: { reference: "aws:rds/parameterGroup:ParameterGroup.name", api: "rds:CreateDBInstance.DBParameterGroupName" },
            caCertIdentifier: { api: "rds:CreateDBInstance.CACertificateIdentifier" },
            // Host tier only (components/ec2/mlflowOnAws.ts): the zone of the host's own subnet.
            availabilityZone: { reference: "aws:ec2/subnet:Subnet.availabilityZone", api: "rds:CreateDBInstance.AvailabilityZone" },
            backupRetentionPeriod: {
                api: "rds:CreateDBInstance.BackupRetentionPeriod",
                also: [
                    { min: 0, max: 35, source: "botocore rds model, documentation of CreateDBInstanceMessage.BackupRetentionPeriod: 'Constraints: Must be a value from 0 to 35.'" },
                    { min: 0, max: 35, source: "terraform-provider-aws internal/service/rds/instance_migrate.go resourceInstanceResourceV1 (the aws_db_instance schema): backup_retention_period ValidateFunc: validation.IntBetween(0, 35)" },
                ],
            },
            backupWindow: {
                api: "rds:CreateDBInstance.PreferredBackupWindow",
                also: [
                    { pattern: /^(([0-1][0-9]|2[0-3]):([0-5][0-9])-([0-1][0-9]|2[0-3]):([0-5][0-9])|)$/, source: BACKUP_WINDOW_SOURCE },
                ],
            },
            maintenanceWindow: {
                api: "rds:CreateDBInstance.PreferredMaintenanceWindow",
                also: [
                    { pattern: /^((sun|mon|tue|wed|thu|fri|sat):([0-1][0-9]|2[0-3]):([0-5][0-9])-(sun|mon|tue|wed|thu|fri|sat):([0-1][0-9]|2[0-3]):([0-5][0-9])|)$/i, source: MAINTENANCE_WINDOW_SOURCE },
                ],
            },
            // Sent when the instance is deleted (protectData only): DeleteDBInstance.FinalDBSnapshotIdentifier.
            finalSnapshotIdentifier: {
                api: "rds:DeleteDBInstance.FinalDBSnapshotIdentifier",
                also: [
                    { pattern: /^[A-Za-z]/, source: "terraform-provider-aws internal/service/rds/instance.go final_snapshot_identifier: validation.StringMatch(regexache.MustCompile(`^[A-Za-z]`), \"must begin with alphabetic character\")" },
                    { pattern: /^[0-9A-Za-z-]+$/, source: "terraform-provider-aws internal/service/rds/instance.go final_snapshot_identifier: validation.StringMatch(regexache.MustCompile(`^[0-9A-Za-z-]+$`), \"must only contain alphanumeric characters and hyphens\")" },
                    { pattern: /^(?![\s\S]*--)/, source: "terraform-provider-aws internal/service/rds/instance.go final_snapshot_identifier: validation.StringDoesNotMatch(regexache.MustCompile(`--`), \"cannot contain two consecutive hyphens\")" },
                    { pattern: /^(?![\s\S]*-$)/, source: "terraform-provider-aws internal/service/rds/instance.go final_snapshot_identifier: validation.StringDoesNotMatch(regexache.MustCompile(`-$`), \"cannot end in a hyphen\")" },
                    { min: 1, max: 255, source: "botocore rds model, documentation of DeleteDBInstanceMessage.FinalDBSnapshotIdentifier: 'Must be 1 to 255 letters or numbers. First character must be a letter. Can't end with a hyphen or contain two consecutive hyphens.'" },
                ],
            },
            "tags{key}": { api: "rds:CreateDBInstance.Tags[].Key", also: RDS_TAG_KEY },
            "tags{}": { api: "rds:CreateDBInstance.Tags[].Value", also: RDS_TAG_VALUE },
        },
    },
    // -----------------------------------------------------------------------------------------
    // S3
    // -----------------------------------------------------------------------------------------
    "aws:s3/bucket:Bucket": {
        creates: "s3:CreateBucket",
        autoname: {
            // pulumi-aws provider/resources.go aws_s3_bucket: "bucket": tfbridge.AutoNameTransform("bucket", 63,
            // func(name string) string { return strings.ToLower(name) }).
            property: "bucket",
            rule: { api: "s3:CreateBucket.Bucket", also: S3_BUCKET_NAME },
            lowercase: true,
        },
        arguments: {
            // forceDestroy is a boolean the provider consumes on delete (no rule needed).
            // Tags: internal/service/s3/bucket.go resourceBucketCreate -> bucketCreateTags -> bucketUpdateTags (PutBucketTagging).
            "tags{key}": { api: "s3:PutBucketTagging.Tagging.TagSet[].Key" },
            "tags{}": { api: "s3:PutBucketTagging.Tagging.TagSet[].Value" },
        },
    },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
        creates: "s3:PutPublicAccessBlock",
        arguments: {
            bucket: { reference: "aws:s3/bucket:Bucket.id", api: "s3:PutPublicAccessBlock.Bucket" },
            // blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets: booleans.
        },
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
        creates: "s3:PutBucketOwnershipControls",
        arguments: {
            bucket: { reference: "aws:s3/bucket:Bucket.id", api: "s3:PutBucketOwnershipControls.Bucket" },
            "rule.objectOwnership": {
                api: "s3:PutBucketOwnershipControls.OwnershipControls.Rules[].ObjectOwnership",
                also: [{ enum: ["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"], source: "terraform-provider-aws internal/service/s3/bucket_ownership_controls.go object_ownership: ValidateDiagFunc: enum.Validate[types.ObjectOwnership]() (the SDK enum: BucketOwnerPreferred | ObjectWriter | BucketOwnerEnforced, as in the botocore s3 model)" }],
            },
        },
    },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        creates: "s3:PutBucketEncryption",
        arguments: {
            bucket: { reference: "aws:s3/bucket:Bucket.id", api: "s3:PutBucketEncryption.Bucket" },
            "rules[].applyServerSideEncryptionByDefault.sseAlgorithm": {
                api: "s3:PutBucketEncryption.ServerSideEncryptionConfiguration.Rules[].ApplyServerSideEncryptionByDefault.SSEAlgorithm",
            },
            // internal/service/s3/bucket_server_side_encryption_configuration.go: blocked_encryption_types
            // (ValidateDiagFunc: enum.Validate[awstypes.EncryptionType]()) -> expandBlockedEncryptionTypes ->
            // BlockedEncryptionTypes{EncryptionType: [...]}. botocore 1.44.8 knows it: EncryptionType enum NONE | SSE-C.
            "rules[].blockedEncryptionTypes[]": {
                api: "s3:PutBucketEncryption.ServerSideEncryptionConfiguration.Rules[].BlockedEncryptionTypes.EncryptionType[]",
            },
        },
    },
    "aws:s3/bucketVersioning:BucketVersioning": {
        creates: "s3:PutBucketVersioning",
        arguments: {
            bucket: { reference: "aws:s3/bucket:Bucket.id", api: "s3:PutBucketVersioning.Bucket" },
            "versioningConfiguration.status": {
                api: "s3:PutBucketVersioning.VersioningConfiguration.Status",
                also: [{ enum: ["Enabled", "Suspended", "Disabled"], source: "terraform-provider-aws internal/service/s3/bucket_versioning.go status: ValidateFunc: validation.StringInSlice(bucketVersioningStatus_Values(), false); bucketVersioningStatus_Values() = enum.Values[types.BucketVersioningStatus]() + \"Disabled\" (\"Disabled\" is never sent: the provider skips PutBucketVersioning for it)" }],
            },
        },
    },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
        creates: "s3:PutBucketLifecycleConfiguration",
        arguments: {
            bucket: { reference: "aws:s3/bucket:Bucket.id", api: "s3:PutBucketLifecycleConfiguration.Bucket" },
            "rules[].id": {
                api: "s3:PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules[].ID",
                also: [
                    { min: 1, max: 255, source: "terraform-provider-aws internal/service/s3/bucket_lifecycle_configuration.go rule id: Validators: stringvalidator.LengthBetween(1, 255)" },
                    { max: 255, source: "botocore s3 model, documentation of LifecycleRule.ID: 'The value cannot be longer than 255 characters.'" },
                ],
            },
            "rules[].status": { api: "s3:PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules[].Status" },
            // rules[].filter is an empty object (no leaves); rules[].expiration.expiredObjectDeleteMarker is a boolean.
            "rules[].noncurrentVersionExpiration.noncurrentDays": {
                api: "s3:PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules[].NoncurrentVersionExpiration.NoncurrentDays",
                also: [
                    { min: 1, source: "terraform-provider-aws internal/service/s3/bucket_lifecycle_configuration.go noncurrent_version_expiration.noncurrent_days: Validators: int32validator.AtLeast(1)" },
                    { min: 1, source: "botocore s3 model, documentation of NoncurrentVersionExpiration.NoncurrentDays: 'The value must be a non-zero positive integer.'" },
                ],
            },
            "rules[].abortIncompleteMultipartUpload.daysAfterInitiation": {
                api: "s3:PutBucketLifecycleConfiguration.LifecycleConfiguration.Rules[].AbortIncompleteMultipartUpload.DaysAfterInitiation",
            },
        },
    },
    "aws:s3/bucketPolicy:BucketPolicy": {
        creates: "s3:PutBucketPolicy",
        arguments: {
            bucket: { reference: "aws:s3/bucket:Bucket.id", api: "s3:PutBucketPolicy.Bucket" },
            // A JSON policy document sent as a string (the provider validates it as JSON and normalizes it).
            policy: {
                api: "s3:PutBucketPolicy.Policy",
                also: [{ max: 20480, source: "AWS docs, Amazon S3 User Guide, Bucket policies and user policies (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html): 'Bucket policies are limited to 20 KB in size.'" }],
            },
        },
    },
    // -----------------------------------------------------------------------------------------
    // Lambda
    // -----------------------------------------------------------------------------------------
    "aws:lambda/function:Function": {
        creates: "lambda:CreateFunction",
        autoname: {
            // pulumi-aws provider/resources.go aws_lambda_function: "function_name": tfbridge.AutoName("name", 64, "-").
            property: "name",
            rule: { api: "lambda:CreateFunction.FunctionName", also: VALID_FUNCTION_NAME },
        },
        arguments: {
            runtime: { api: "lambda:CreateFunction.Runtime" },
            "architectures[]": { api: "lambda:CreateFunction.Architectures[]" },
            handler: {
                api: "lambda:CreateFunction.Handler",
                also: [{ min: 1, max: 128, source: "terraform-provider-aws internal/service/lambda/function.go handler: ValidateFunc: validation.StringLenBetween(1, 128)" }],
            },
            // An asset archive: pulumi-aws zips it and the provider sends its bytes as Code.ZipFile
            // (at most 50 MB zipped, Lambda quotas). Under the mocks its content is a promise the
            // check never sees; what it holds is lambdaSource() (lib/schemaUpgrade.ts), a few KB.
            code: { provider: [], why: "the provider zips the archive and sends it as lambda:CreateFunction.Code.ZipFile" },
            role: { reference: "aws:iam/role:Role.arn", api: "lambda:CreateFunction.Role" },
            timeout: {
                api: "lambda:CreateFunction.Timeout",
                also: [{ min: 1, max: 900, source: "terraform-provider-aws internal/service/lambda/function.go timeout: ValidateFunc: validation.IntBetween(1, 900)" }],
            },
            memorySize: {
                api: "lambda:CreateFunction.MemorySize",
                also: [{ min: 128, max: 10240, source: "terraform-provider-aws internal/service/lambda/function.go memory_size: ValidateFunc: validation.IntBetween(128, 10240)" }],
            },
            "loggingConfig.logFormat": { api: "lambda:CreateFunction.LoggingConfig.LogFormat" },
            "loggingConfig.logGroup": { reference: "aws:cloudwatch/logGroup:LogGroup.name", api: "lambda:CreateFunction.LoggingConfig.LogGroup" },
            "tags{key}": { api: "lambda:CreateFunction.Tags{key}" },
            "tags{}": { api: "lambda:CreateFunction.Tags{}" },
        },
    },
    "aws:lambda/invocation:Invocation": {
        creates: "lambda:Invoke",
        arguments: {
            functionName: { reference: "aws:lambda/function:Function.name", api: "lambda:Invoke.FunctionName" },
            // A JSON string (internal/service/lambda/invocation.go input: ValidateFunc: validation.StringIsJSON),
            // sent as the Invoke payload with InvocationType RequestResponse (synchronous).
            input: {
                api: "lambda:Invoke.Payload",
                also: [{ max: 6291456, source: "botocore lambda model, documentation of InvocationRequest.Payload: 'The maximum payload size is 6 MB for synchronous invocations' (terraform-provider-aws internal/service/lambda/invocation.go invokes with awstypes.InvocationTypeRequestResponse)" }],
            },
        },
    },
};
//# sourceMappingURL=stores.js.map