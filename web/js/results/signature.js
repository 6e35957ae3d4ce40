// Checking the election's signatures in the browser. A signed document (checkpoint,
// receipt, result) carries "signature": the hex Ed25519 signature of the canonical
// JSON of the same object without that field (docs/record-format.md). The public key
// is the manifest's keys.signing: 32 raw bytes in hex.
import { hexToBytes } from './merkle.js';

const encoder = new TextEncoder();

function compareBytes(a, b) {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

// The canonical JSON text of `value`: keys sorted by their UTF-8 bytes, no spaces,
// integers only. JSON.stringify escapes strings exactly as the canonical form does.
function canonicalJson(value) {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error('canonical JSON holds integers only');
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort(compareBytes);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  throw new Error(`canonical JSON cannot hold a ${typeof value}`);
}

// The bytes a signed document's signature covers.
function signingBytes(doc) {
  const { signature, ...rest } = doc;
  return encoder.encode(canonicalJson(rest));
}

// True when `doc.signature` is a valid Ed25519 signature by `publicKeyHex`; false for
// a wrong or malformed signature, key or document.
export async function verifySignature(doc, publicKeyHex) {
  try {
    const key = await globalThis.crypto.subtle.importKey('raw', hexToBytes(publicKeyHex), { name: 'Ed25519' }, false, ['verify']);
    return await globalThis.crypto.subtle.verify({ name: 'Ed25519' }, key, hexToBytes(doc.signature), signingBytes(doc));
  } catch (e) {
    return false;
  }
}
