import * as pulumi from "@pulumi/pulumi";
import { Database } from "./database";

/**
 * What `pulumi destroy` does to the database and the artifact bucket, with the commands that go
 * with it, as a phrase after "pulumi destroy" (the scaled tier) or "It" (a stateless host): both
 * AWS tiers with these stores say it in the same words.
 */
export function storesRetention(region: pulumi.Input<string>, database: Database, bucketName: pulumi.Input<string>, protectData: boolean): pulumi.Output<string> {
    const snapshots = pulumi.interpolate`aws rds describe-db-snapshots --region ${region} --db-instance-identifier ${database.identifier} --snapshot-type manual`;
    const stores = protectData
        ? pulumi.interpolate`keeps the artifact bucket ${bucketName} (protectData) and stops at the database ${database.identifier}, which has deletion protection. To delete the database: aws rds modify-db-instance --region ${region} --db-instance-identifier ${database.identifier} --no-deletion-protection --apply-immediately, then pulumi destroy again (it takes a final snapshot, ${database.finalSnapshotIdentifier}).`
        : pulumi.interpolate`deletes the database ${database.identifier} with its automated backups, and the artifact bucket ${bucketName} with every artifact.`;
    return pulumi.interpolate`${stores} Snapshots taken before schema upgrades stay until you delete them; list them with: ${snapshots}`;
}
