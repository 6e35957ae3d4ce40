// The checks the audit page runs on a receipt's inclusion proof, in the browser and
// trusting nothing the server says without checking it: the proof leads from the
// ballot's leaf hash to the checkpoint's Merkle root, the checkpoint carries a valid
// signature of the election's key, names this election and manifest, and is one of
// the published checkpoints; a typed receipt code is the start of the leaf hash.
// Each check is {id, pass, vars} for the page to put into words.
import { bytesToHex, equalBytes, hexToBytes, receiptCode, rootFromInclusionProof } from './merkle.js';
import { verifySignature } from './signature.js';

const short = (hex) => (typeof hex === 'string' && hex.length > 16 ? `${hex.slice(0, 8)}…${hex.slice(-8)}` : String(hex));

async function recomputedRoot(leafHex, proof) {
  try {
    const root = await rootFromInclusionProof(hexToBytes(leafHex), proof.leaf_index, proof.tree_size, proof.path.map(hexToBytes));
    return root ? bytesToHex(root) : null;
  } catch (e) {
    return null;
  }
}

function sameRoot(a, b) {
  try {
    return a !== null && equalBytes(hexToBytes(a), hexToBytes(b));
  } catch (e) {
    return false;
  }
}

// election: GET /elections/{id}; leafHex: the ballot asked about; code: the receipt
// code typed (or null); proof: the receipt's inclusion proof; published: the ballot
// log's checkpoints (GET /checkpoints?log=ballots).
export async function receiptChecks({ election, leafHex, code, proof, published }) {
  const cp = proof.checkpoint || {};
  const root = await recomputedRoot(leafHex, proof);
  const checks = [
    { id: 'in_log', pass: true, vars: { position: proof.leaf_index + 1, size: proof.tree_size } },
    { id: 'proof_leaf', pass: proof.leaf === leafHex, vars: {} },
    { id: 'root', pass: sameRoot(root, cp.root) && proof.tree_size === cp.size, vars: { root: short(cp.root), size: cp.size } },
    { id: 'signature', pass: await verifySignature(cp, election.manifest.keys.signing), vars: { key: short(election.manifest.keys.signing) } },
    {
      id: 'binding',
      pass: cp.allot === 'checkpoint/1' && cp.election === election.id && cp.log === 'ballots' && cp.manifest === election.manifest_hash,
      vars: {},
    },
    {
      id: 'published',
      pass: published.some((p) => p.size === cp.size && p.root === cp.root && p.signature === cp.signature),
      vars: {},
    },
  ];
  if (code) checks.push({ id: 'code', pass: receiptCode(hexToBytes(leafHex)) === code, vars: { code } });
  return checks;
}

// The signature check of every checkpoint of a log: [{checkpoint, signed}].
export async function checkpointSignatures(checkpoints, publicKeyHex) {
  return Promise.all(checkpoints.map(async (checkpoint) => ({ checkpoint, signed: await verifySignature(checkpoint, publicKeyHex) })));
}
