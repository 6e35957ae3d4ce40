// The published election record (GET /elections/{id}/record, a ustar archive), read in
// the browser to offer each contest's ballots as a .pb or .blt file (the record holds
// them under exports/; the server has no separate route for them). Fetched once per
// election and kept.
import { api } from '../api.js';
import { electionPath } from './data.js';

const records = new Map(); // election id -> Promise<Map<path inside the record, Uint8Array>>
const decoder = new TextDecoder();

function field(block, start, length) {
  const bytes = block.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return decoder.decode(end >= 0 ? bytes.subarray(0, end) : bytes);
}

// The regular files of a ustar archive: Map(path without the top folder -> bytes).
function readTar(bytes) {
  const files = new Map();
  let at = 0;
  while (at + 512 <= bytes.length) {
    const header = bytes.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const path = prefix ? `${prefix}/${name}` : name;
    if (type === '0') files.set(path.slice(path.indexOf('/') + 1), bytes.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function loadRecord(id) {
  if (!records.has(id)) {
    const loading = api('GET', `${electionPath(id)}/record`, { raw: true, headers: { Accept: 'application/x-tar' } })
      .then(async (response) => readTar(new Uint8Array(await response.arrayBuffer())));
    loading.catch(() => records.delete(id));
    records.set(id, loading);
  }
  return records.get(id);
}

// The export file of a contest: {name, text} or null.
export async function contestExport(id, contest) {
  const files = await loadRecord(id);
  for (const ext of ['pb', 'blt']) {
    const name = `exports/${contest}.${ext}`;
    if (files.has(name)) return { name: `${id}-${contest}.${ext}`, text: decoder.decode(files.get(name)) };
  }
  return null;
}
