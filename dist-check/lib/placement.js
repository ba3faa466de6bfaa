"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.chooseZone = chooseZone;
// Which availability zone the host, its subnet and its data volume live in. An EBS volume never
// leaves its zone, so the zone is chosen when the stack first deploys and kept from then on:
// a later instance type must fit the zone, never the other way round.
const settings_1 = require("./settings");
/** The zone to deploy into, or a SettingsError that says which setting to change. */
function chooseZone(facts) {
    const { instanceType, zonesOfferingType, dataVolumeZone: keptZone, existingSubnet } = facts;
    const offered = [...zonesOfferingType].sort();
    const offeredText = offered.length > 0 ? offered.join(", ") : "no zone of this region";
    if (existingSubnet && keptZone && existingSubnet.zone !== keptZone) {
        throw new settings_1.SettingsError([`subnetId = ${JSON.stringify(existingSubnet.id)}: that subnet is in ${existingSubnet.zone}, but this stack's data volume is in ${keptZone} ` +
                `and a volume cannot change zones; accepted: a subnet in ${keptZone}`]);
    }
    const zone = existingSubnet?.zone ?? keptZone ?? offered[0];
    if (zone === undefined || !offered.includes(zone)) {
        const where = existingSubnet ? `${existingSubnet.zone}, the zone of subnetId ${existingSubnet.id}`
            : keptZone ? `${keptZone}, where this stack's data volume is` : "any zone of this region";
        throw new settings_1.SettingsError([`instanceType = ${JSON.stringify(instanceType)}: not offered in ${where}; ` +
                `accepted: an instance type offered there (it is offered in: ${offeredText})`]);
    }
    return zone;
}
//# sourceMappingURL=placement.js.map