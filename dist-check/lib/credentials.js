"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PASSWORD_ALPHABET = exports.PASSWORD_LENGTH = void 0;
/**
 * Generated passwords: 40 characters from 62 letters and digits, about 238 bits. Letters and
 * digits only, so they paste into shells, URLs and .env files without quoting trouble.
 */
exports.PASSWORD_LENGTH = 40;
exports.PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
//# sourceMappingURL=credentials.js.map