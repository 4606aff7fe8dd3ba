import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { RuleError, type RuleValue } from "../runtime/values.ts";
import { arity } from "./args.ts";

/** The CRC-32C (Castagnoli) table, reflected polynomial 0x82F63B78. */
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC32C_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function be32(n: number): Uint8Array {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n >>> 0);
  return new Uint8Array(out);
}

/** The `hashing` namespace: crc32, crc32c, md5, sha256 of a string (UTF-8) or bytes, as bytes. */
export function hashingNamespace(name: string, args: readonly RuleValue[]): RuleValue {
  arity(name, args, 1);
  const input = args[0];
  let data: Uint8Array;
  if (typeof input === "string") data = new TextEncoder().encode(input);
  else if (input instanceof Uint8Array) data = input;
  else throw new RuleError(`hashing.${name}() needs a string or bytes.`);
  switch (name) {
    case "crc32":
      return be32(crc32(data));
    case "crc32c":
      return be32(crc32c(data));
    case "md5":
      return new Uint8Array(createHash("md5").update(data).digest());
    case "sha256":
      return new Uint8Array(createHash("sha256").update(data).digest());
  }
  throw new RuleError(`Function not found error: Name: [hashing.${name}].`);
}
