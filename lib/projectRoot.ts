import { existsSync } from "fs";
import * as path from "path";

/** The folder with package.json, whether this runs from the TypeScript sources or from dist/. */
export function projectRoot(): string {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        if (existsSync(path.join(dir, "package.json"))) return dir;
        if (dir === path.dirname(dir)) throw new Error(`no package.json above ${__dirname}`);
    }
}
