"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OUTSIDE_AWS_RULES = void 0;
/** Types of the program that AWS never sees: their providers run on the deployer's machine or talk to a Docker engine. */
exports.OUTSIDE_AWS_RULES = {
    "random:index/randomPassword:RandomPassword": { outsideAws: "the random provider makes the passwords on the deployer's machine" },
    "tls:index/privateKey:PrivateKey": { outsideAws: "the tls provider makes keys on the deployer's machine" },
    "tls:index/selfSignedCert:SelfSignedCert": { outsideAws: "the tls provider signs on the deployer's machine; what ACM imports of it is checked as aws:acm/certificate:Certificate" },
    "tls:index/certRequest:CertRequest": { outsideAws: "the tls provider, on the deployer's machine" },
    "tls:index/locallySignedCert:LocallySignedCert": { outsideAws: "the tls provider signs on the deployer's machine; what ACM imports of it is checked as aws:acm/certificate:Certificate" },
    "docker:index/network:Network": { outsideAws: "the local target's Docker engine" },
    "docker:index/volume:Volume": { outsideAws: "the local target's Docker engine" },
    "docker:index/remoteImage:RemoteImage": { outsideAws: "the local target's Docker engine" },
    "docker:index/container:Container": { outsideAws: "the local target's Docker engine" },
};
//# sourceMappingURL=outsideAws.js.map