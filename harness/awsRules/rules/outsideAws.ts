import { TypeRules } from "../types";

/** Types of the program that AWS never sees: their providers run on the deployer's machine or talk to a Docker engine. */
export const OUTSIDE_AWS_RULES: Readonly<Record<string, TypeRules>> = {
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
