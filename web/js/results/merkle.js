// The ballot log's Merkle tree (RFC 9162 section 2.1), recomputed in the browser so a
// voter need not trust the server's word that a ballot is in the log:
//   leaf = SHA-256(0x00 || ballot line), node = SHA-256(0x01 || left || right).
// Pure functions over Uint8Array, using only globalThis.crypto.subtle (browsers and
// node 20 alike). Also the receipt code: the leaf's first 50 bits in Crockford base32.

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// '0a1b...' -> Uint8Array; throws on anything but an even number of hex digits.
export function hexToBytes(hex) {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error('not a hex string');
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// True when a and b hold the same bytes.
export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function sha256(bytes) {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
}

// The hash of one entry of the log (the bytes of a ballot line, without its newline).
export function leafHash(bytes) {
  return sha256(concat(Uint8Array.of(0), bytes));
}

export function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

// The root of the tree over `leaves` (leaf hashes, in log order): RFC 9162's MTH.
export async function treeRoot(leaves) {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(await treeRoot(leaves.slice(0, k)), await treeRoot(leaves.slice(k)));
}

// The root that the inclusion proof `path` (sibling hashes, bottom up) leads to from
// the leaf hash `leaf` at `index` in a tree of `size` leaves (RFC 9162 2.1.3.2), or
// null when the path cannot be a proof for that index and size.
export async function rootFromInclusionProof(leaf, index, size, path) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

// True when the proof leads from `leaf` to exactly `root`.
export async function verifyInclusion(leaf, index, size, path, root) {
  const r = await rootFromInclusionProof(leaf, index, size, path);
  return r !== null && equalBytes(r, root);
}

// The receipt code of a leaf hash: its first 50 bits in Crockford base32, 'XXXXX-XXXXX'.
export function receiptCode(leaf) {
  let code = '';
  for (let s = 0; s < 10; s += 1) {
    let v = 0;
    for (let b = 0; b < 5; b += 1) {
      const bit = s * 5 + b;
      v = (v << 1) | ((leaf[bit >> 3] >> (7 - (bit % 8))) & 1);
    }
    code += CROCKFORD[v];
  }
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

// What a person typed as a receipt code, read the forgiving Crockford way (any case,
// spaces and dashes ignored, I and L as 1, O as 0): 'XXXXX-XXXXX', or null.
export function normalizeReceiptCode(typed) {
  const plain = String(typed).toUpperCase().replace(/[\s.-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (plain.length !== 10 || [...plain].some((c) => !CROCKFORD.includes(c))) return null;
  return `${plain.slice(0, 5)}-${plain.slice(5)}`;
}
