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
exports.lookUpZone = lookUpZone;
const aws = __importStar(require("@pulumi/aws"));
const placement_1 = require("../../lib/placement");
const tags_1 = require("../shared/tags");
/**
 * Looks up what decides the zone before any resource is declared: where the instance type is
 * offered, the given subnet's zone, and the zone of the data volume this stack already has
 * (found by its stack and Name tags), so that a zone problem stops the run as a settings error.
 */
async function lookUpZone(settings, dataVolumeName) {
    const offerings = await aws.ec2.getInstanceTypeOfferings({
        locationType: "availability-zone",
        filters: [{ name: "instance-type", values: [settings.instanceType] }],
    });
    const existingSubnet = settings.subnetId
        ? { id: settings.subnetId, zone: (await aws.ec2.getSubnet({ id: settings.subnetId })).availabilityZone }
        : undefined;
    const volumes = await aws.ebs.getEbsVolumes({
        filters: [
            { name: `tag:${tags_1.STACK_TAG}`, values: [(0, tags_1.stackTagValue)()] },
            { name: "tag:Name", values: [dataVolumeName] },
        ],
    });
    const dataVolumeZone = volumes.ids.length === 0 ? undefined
        : (await aws.ebs.getVolume({ filters: [{ name: "volume-id", values: volumes.ids }], mostRecent: true })).availabilityZone;
    return (0, placement_1.chooseZone)({ instanceType: settings.instanceType, zonesOfferingType: offerings.locations, dataVolumeZone, existingSubnet });
}
//# sourceMappingURL=placement.js.map