import * as aws from "@pulumi/aws";
import { chooseZone } from "../../lib/placement";
import { Settings } from "../../lib/settings";
import { STACK_TAG, stackTagValue } from "../shared/tags";

/**
 * Looks up what decides the zone before any resource is declared: where the instance type is
 * offered, the given subnet's zone, and the zone of the data volume this stack already has
 * (found by its stack and Name tags), so that a zone problem stops the run as a settings error.
 */
export async function lookUpZone(settings: Settings, dataVolumeName: string): Promise<string> {
    const offerings = await aws.ec2.getInstanceTypeOfferings({
        locationType: "availability-zone",
        filters: [{ name: "instance-type", values: [settings.instanceType] }],
    });
    const existingSubnet = settings.subnetId
        ? { id: settings.subnetId, zone: (await aws.ec2.getSubnet({ id: settings.subnetId })).availabilityZone }
        : undefined;
    const volumes = await aws.ebs.getEbsVolumes({
        filters: [
            { name: `tag:${STACK_TAG}`, values: [stackTagValue()] },
            { name: "tag:Name", values: [dataVolumeName] },
        ],
    });
    const dataVolumeZone = volumes.ids.length === 0 ? undefined
        : (await aws.ebs.getVolume({ filters: [{ name: "volume-id", values: volumes.ids }], mostRecent: true })).availabilityZone;
    return chooseZone({ instanceType: settings.instanceType, zonesOfferingType: offerings.locations, dataVolumeZone, existingSubnet });
}
