"use strict";
// The shape of the argument rules: for each resource type and data source the program uses,
// which argument becomes which AWS API parameter, and what AWS and the provider accept there.
Object.defineProperty(exports, "__esModule", { value: true });
//# sourceMappingURL=types.js.map