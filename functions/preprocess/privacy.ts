import { createHmac } from "node:crypto";

/**
 * Pseudonymisation of direct identifiers (schema fields marked `pii`).
 *
 * Values are hashed after normalisation, so the same person yields the same
 * digest across sources (emails are lower-cased, phones are E.164, names are
 * whitespace-collapsed NFC) and the digest stays joinable across tables.
 * HMAC-SHA256 with a secret key (HASH_SALT) rather than a bare hash: without
 * the key, nobody can confirm a guessed email by hashing it.
 */
export function createIdentifierHasher(key: string): (value: string) => string {
    return (value) => createHmac("sha256", key).update(value, "utf8").digest("hex");
}
