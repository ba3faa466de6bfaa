/**
 * Generated passwords: 40 characters from 62 letters and digits, about 238 bits. Letters and
 * digits only, so they paste into shells, URLs and .env files without quoting trouble.
 */
export const PASSWORD_LENGTH = 40;
export const PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
