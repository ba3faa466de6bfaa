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
exports.trackingEnv = trackingEnv;
exports.clientEnvFromTrackingEnv = clientEnvFromTrackingEnv;
exports.runClient = runClient;
// The real MLflow Python client (a virtual environment of scripts/python-envs.sh) talking to the
// sandbox's nginx with the settings `trackingEnv` gives a user: the same renderer writes the
// shell lines, and bash reads them, as a user's `eval "$(... trackingEnv)"` would.
const child_process_1 = require("child_process");
const fs_1 = require("fs");
const path = __importStar(require("path"));
const clientEnv_1 = require("../../lib/render/clientEnv");
const projectRoot_1 = require("../../lib/projectRoot");
const namespace_1 = require("../../harness/namespace");
const pythonEnv_1 = require("../../harness/pythonEnv");
/** The environment of a client of `user`, with the render's CA in a file of its own. */
function trackingEnv(sandbox, user) {
    return clientEnvFromTrackingEnv((0, clientEnv_1.renderTrackingEnv)({
        url: `https://${sandbox.values.domain ?? sandbox.publicIp}`,
        user,
        password: sandbox.users[user],
        caCertFile: "mlflow-ca.pem",
    }), sandbox.caCert);
}
/**
 * What bash makes of a stack's `trackingEnv` lines, run in a directory that holds the stack's
 * CA certificate under the name they give it (as README tells a user to save it): the MLFLOW_*
 * variables, the CA's path made absolute.
 */
function clientEnvFromTrackingEnv(lines, caPem) {
    const dir = (0, namespace_1.scratchDir)("client");
    const envFile = path.join(dir, "tracking.env");
    (0, fs_1.writeFileSync)(envFile, lines);
    const result = (0, child_process_1.spawnSync)("/bin/bash", ["-c", 'set -eu; source "$1"; env -0', "_", envFile], { encoding: "utf8", env: {}, cwd: dir });
    if (result.status !== 0)
        throw new Error(`bash could not read ${envFile}: ${result.stderr}`);
    const env = Object.fromEntries(result.stdout.split("\0").filter(line => line.startsWith("MLFLOW_"))
        .map(line => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
    if (!env.MLFLOW_TRACKING_URI)
        throw new Error(`${envFile} sets no MLFLOW_TRACKING_URI`);
    if (env.MLFLOW_TRACKING_SERVER_CERT_PATH) {
        env.MLFLOW_TRACKING_SERVER_CERT_PATH = path.resolve(dir, env.MLFLOW_TRACKING_SERVER_CERT_PATH);
        (0, fs_1.writeFileSync)(env.MLFLOW_TRACKING_SERVER_CERT_PATH, caPem);
    }
    return env;
}
/**
 * Runs a script of test/client/ with the given virtual environment's Python. The machine's own settings
 * are left out (HOME, TMPDIR in the scratch directory); inside the namespace nothing but `lo`
 * is reachable, so MLflow's telemetry is switched off rather than left to fail on every call.
 */
function runClient(pythonEnv, script, args, env, timeoutMs = 180_000) {
    const home = (0, namespace_1.scratchDir)("client-home");
    return (0, namespace_1.run)((0, pythonEnv_1.pythonEnvBin)(pythonEnv), [path.join((0, projectRoot_1.projectRoot)(), "test", "client", script), ...args], {
        timeoutMs,
        // Never the project: a client without a tracking URI would create mlflow.db in its cwd.
        cwd: home,
        env: { PATH: "/usr/bin:/bin", HOME: home, TMPDIR: home, LANG: "C.UTF-8", MLFLOW_DISABLE_TELEMETRY: "true", ...env },
    });
}
//# sourceMappingURL=tracking.js.map