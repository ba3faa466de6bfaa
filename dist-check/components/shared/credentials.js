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
exports.Credentials = exports.CA_CERT_FILE = void 0;
const pulumi = __importStar(require("@pulumi/pulumi"));
const random = __importStar(require("@pulumi/random"));
const credentials_1 = require("../../lib/credentials");
const clientEnv_1 = require("../../lib/render/clientEnv");
const htpasswd_1 = require("../../lib/render/htpasswd");
/** Where a client keeps the private CA certificate, as trackingEnv tells it. */
exports.CA_CERT_FILE = "mlflow-ca.pem";
/** One generated password per user, and the htpasswd file nginx checks them against. */
class Credentials extends pulumi.ComponentResource {
    /** User name to password. Secret. */
    passwords;
    /** The htpasswd file ({SSHA} entries). Secret. */
    htpasswd;
    firstUser;
    constructor(name, args, opts) {
        super("mlflow-on-aws:index:Credentials", name, {}, opts);
        this.firstUser = args.users[0];
        const entries = args.users.map(user => {
            const password = new random.RandomPassword(`${name}-${user}`, {
                length: credentials_1.PASSWORD_LENGTH,
                special: false,
                minUpper: 4,
                minLower: 4,
                minNumeric: 4,
            }, { parent: this });
            return pulumi.all([user, password.result]);
        });
        // The engine marks RandomPassword.result secret; saying so here keeps it secret under mocks too.
        this.passwords = pulumi.secret(pulumi.all(entries).apply(pairs => Object.fromEntries(pairs)));
        this.htpasswd = pulumi.secret(this.passwords.apply(htpasswd_1.renderHtpasswd));
        this.registerOutputs({ passwords: this.passwords, htpasswd: this.htpasswd });
    }
    /** The shell lines that connect a client as the first user (the trackingEnv output). Secret. */
    trackingEnv(url, caCertFile) {
        return pulumi.secret(pulumi.all([url, this.passwords]).apply(([serverUrl, passwords]) => (0, clientEnv_1.renderTrackingEnv)({
            url: serverUrl,
            user: this.firstUser,
            password: passwords[this.firstUser],
            caCertFile,
        })));
    }
}
exports.Credentials = Credentials;
//# sourceMappingURL=credentials.js.map