// The audit page: a receipt is pending until its batch seals, then every check the
// browser runs on the inclusion proof and the checkpoint's signature passes; a
// checkpoint or proof changed in transit makes a check fail; a short receipt code
// finds its ballot (before and after publication); the checkpoints and the downloads
// are offered. Also the
// Merkle code against the Certificate Transparency test vectors (as
// tests/unit/merkle_test.cpp), in node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  startServer, launchBrowser, newPage, open, checkA11yEveryLanguage, assertClean, screenshot, Officer,
} from './harness.mjs';
import { castBallot, getJson } from './fixtures/results-api.mjs';
import * as merkle from '../../web/js/results/merkle.js';

const PILOTS = 'riverside-pilots-2026';

let server;
let browser;
let cast; // {receipt, code, leaf} of the ballot cast in the first test

before(async () => {
  server = await startServer({ ballots: 0 });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const outcome = (page) => page.getAttribute('.audit-outcome', 'data-outcome');
const checks = (page) => page.$$eval('.audit-check', (els) => els.map((e) => [e.dataset.check, e.dataset.pass]));

async function checkLeaf(page, leaf) {
  await open(page, server.url, `/audit/${PILOTS}?leaf=${leaf}`);
  await page.waitForSelector('.audit-outcome');
}

test('a ballot waiting for its batch is pending; a mistyped receipt is refused with a linked error', async () => {
  const codes = server.demo.elections.find((e) => e.id === PILOTS).codes;
  cast = await castBallot(server.url, PILOTS, codes[0].code, { pilots: { options: ['waste', 'parking'] } });
  // Two more, so that the proof of the first has sibling hashes to change.
  await castBallot(server.url, PILOTS, codes[1].code, { pilots: { options: ['youth'] } });
  await castBallot(server.url, PILOTS, codes[2].code, { pilots: { options: ['care', 'advice'] } });
  const page = await newPage(browser);
  await checkLeaf(page, cast.leaf);
  assert.equal(await outcome(page), 'pending');
  assert.equal(await page.inputValue('#receipt'), cast.leaf);
  assert.match(await page.textContent('.audit-outcome'), /next batch/);
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
  assert.ok(!(await page.$('a[href$="/record"]')), 'no record before publishing');
  await checkA11yEveryLanguage(page, 'audit, pending receipt');
  await screenshot(page, 'audit-pending');

  await page.fill('#receipt', 'not a receipt');
  await page.press('#receipt', 'Enter');
  await page.waitForSelector('#receipt[aria-invalid="true"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'receipt');
  assert.match(await page.getAttribute('#receipt', 'aria-describedby'), /receipt-error/);
  assert.match(await page.textContent('#receipt-error'), /not a receipt code/);
  await checkA11yEveryLanguage(page, 'audit, invalid receipt');

  await page.fill('#receipt', cast.code.toLowerCase());
  await page.click('.audit-form button[type="submit"]');
  await page.waitForSelector('.audit-outcome[data-outcome="pending"]'); // a code works before the results too
  assert.equal(await page.evaluate(() => document.activeElement.id), 'outcome-heading');
  await checkA11yEveryLanguage(page, 'audit, a receipt code while voting is open');
  assertClean(page);
});

test('after the batch seals, every check passes in the browser', async () => {
  const officer = await Officer.signIn(server.url, server.demo.officer);
  await officer.must('POST', `/officer/elections/${PILOTS}/close`);
  const page = await newPage(browser);
  await checkLeaf(page, cast.leaf);
  assert.equal(await outcome(page), 'included');
  assert.deepEqual(await checks(page), [
    ['in_log', 'true'], ['proof_leaf', 'true'], ['root', 'true'], ['signature', 'true'], ['binding', 'true'], ['published', 'true'],
  ]);
  assert.match(await page.textContent('.audit-outcome .notice'), /all 6 checks passed/);
  const logs = await page.$$eval('.audit-log', (els) => els.map((e) => [e.dataset.log, e.querySelector('.notice').className]));
  assert.deepEqual(logs.map(([log, cls]) => [log, cls.includes('notice--success')]), [['ballots', true], ['officer', true]]);
  const sizes = await page.$$eval('[data-log="ballots"] tbody tr td:first-child', (tds) => tds.map((td) => td.textContent));
  const published = (await getJson(`${server.url}/api/v1/elections/${PILOTS}/checkpoints?log=ballots`)).checkpoints;
  assert.deepEqual(sizes, published.map((c) => String(c.size)));
  await checkA11yEveryLanguage(page, 'audit, every check passed');
  await screenshot(page, 'audit-included');
  assertClean(page);
});

// Changes one hex digit of the JSON answer of `route` where `edit` says, and checks
// the page shows `failing` (and only those) as failed.
async function tampered(pattern, edit, failing) {
  const page = await newPage(browser);
  await page.route(pattern, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    edit(body);
    await route.fulfill({ response, json: body });
  });
  await checkLeaf(page, cast.leaf);
  assert.equal(await outcome(page), 'included');
  const failed = (await checks(page)).filter(([, pass]) => pass === 'false').map(([id]) => id);
  assert.deepEqual(failed, failing);
  assert.match(await page.textContent('.audit-outcome .notice'), new RegExp(`${failing.length} of 6 checks failed`));
  return page;
}

const flip = (hex, at = 10) => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);

test('a proof changed in transit fails the root check', async () => {
  const page = await tampered('**/receipts/*', (body) => {
    body.proof.path[0] = flip(body.proof.path[0]);
  }, ['root']);
  assert.match(await page.textContent('[data-check="root"]'), /Failed: .*does not match the signed list of 3 ballots/);
  await checkA11yEveryLanguage(page, 'audit, a failed check');
  await screenshot(page, 'audit-tampered');
  assertClean(page);
});

test('a checkpoint changed in transit fails its signature, and no longer matches', async () => {
  const page = await tampered('**/receipts/*', (body) => {
    body.proof.checkpoint.root = flip(body.proof.checkpoint.root);
  }, ['root', 'signature', 'published']);
  assertClean(page);
  const other = await tampered('**/receipts/*', (body) => {
    body.proof.checkpoint.signature = flip(body.proof.checkpoint.signature, 3);
  }, ['signature', 'published']);
  assertClean(other);
});

test('a published checkpoint list with a bad signature is flagged', async () => {
  const page = await newPage(browser);
  await page.route('**/checkpoints?log=ballots', async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    body.checkpoints[0].signature = flip(body.checkpoints[0].signature);
    await route.fulfill({ response, json: body });
  });
  await checkLeaf(page, cast.leaf);
  assert.ok((await page.getAttribute('[data-log="ballots"] .notice', 'class')).includes('notice--error'));
  assert.match(await page.textContent('[data-log="ballots"] .notice'), /1 of \d+ checkpoints has a signature that is not valid/);
  assertClean(page);
});

test('once published, a receipt code is found, and the exports download', async () => {
  const officer = await Officer.signIn(server.url, server.demo.officer);
  await officer.must('POST', `/officer/elections/${PILOTS}/tally`, { seed: 'audit-test-seed' });
  await officer.must('POST', `/officer/elections/${PILOTS}/publish`);
  const page = await newPage(browser);
  await open(page, server.url, `/audit/${PILOTS}`);
  await page.fill('#receipt', cast.code);
  await page.press('#receipt', 'Enter');
  await page.waitForSelector('.audit-outcome[data-outcome="included"]');
  assert.deepEqual((await checks(page)).map(([id, pass]) => `${id}:${pass}`),
    ['in_log:true', 'proof_leaf:true', 'root:true', 'signature:true', 'binding:true', 'published:true', 'code:true']);
  assert.equal(await page.textContent('.audit-leaf .code-text'), cast.leaf);

  assert.equal(await page.getAttribute(`a[href="/api/v1/elections/${PILOTS}/record"]`, 'download'), `${PILOTS}-record.tar`);
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('button[data-contest="pilots"]')]);
  assert.equal(file.suggestedFilename(), `${PILOTS}-pilots.blt`);
  const downloaded = readFileSync(await file.path(), 'utf8');
  const dir = mkdtempSync(path.join(tmpdir(), 'results-record-'));
  try {
    const tar = path.join(dir, 'record.tar');
    writeFileSync(tar, Buffer.from(await (await fetch(`${server.url}/api/v1/elections/${PILOTS}/record`)).arrayBuffer()));
    assert.equal(downloaded, execFileSync('tar', ['-xOf', tar, `${PILOTS}-record/exports/pilots.blt`], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.match(await page.textContent('.audit-export-status'), /Downloaded/);
  await checkA11yEveryLanguage(page, 'audit, published, found by code');
  await screenshot(page, 'audit-published');
  assertClean(page);
});

test('the audit page fits a 360 px phone', async () => {
  const page = await newPage(browser, { viewport: { width: 360, height: 740 } });
  await checkLeaf(page, cast.leaf);
  await page.click('[data-log="ballots"] summary');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the audit page is ${overflow}px wider than the phone`);
  await checkA11yEveryLanguage(page, 'audit on a phone');
  await screenshot(page, 'audit-phone');
  assertClean(page);
});

// ---- the Merkle code, with the Certificate Transparency vectors --------------------

const hex = (s) => merkle.hexToBytes(s);
const CT_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const CT_INCLUSION = [
  { index: 0, size: 1, path: [] },
  { index: 0, size: 8, path: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { index: 5, size: 8, path: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { index: 1, size: 5, path: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];

test('the Merkle code gives the Certificate Transparency roots and verifies its proofs', async () => {
  assert.equal(merkle.bytesToHex(await merkle.treeRoot([])), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  const leaves = await Promise.all(CT_INPUTS.map((s) => merkle.leafHash(hex(s))));
  for (let n = 1; n <= 8; n += 1) assert.equal(merkle.bytesToHex(await merkle.treeRoot(leaves.slice(0, n))), CT_ROOTS[n - 1], `size ${n}`);
  for (const v of CT_INCLUSION) {
    const root = hex(CT_ROOTS[v.size - 1]);
    const proof = v.path.map(hex);
    const leaf = leaves[v.index];
    const label = `index ${v.index} size ${v.size}`;
    assert.ok(await merkle.verifyInclusion(leaf, v.index, v.size, proof, root), label);
    // The corruptions of the CT suites: index, size, leaf, root, extra or missing hashes.
    if (v.index > 0) assert.ok(!(await merkle.verifyInclusion(leaf, v.index - 1, v.size, proof, root)), label);
    assert.ok(!(await merkle.verifyInclusion(leaf, v.index + 1, v.size, proof, root)), label);
    assert.ok(!(await merkle.verifyInclusion(leaf, v.index ^ 2, v.size, proof, root)), label);
    assert.ok(!(await merkle.verifyInclusion(leaf, v.index, v.size * 2, proof, root)), label);
    assert.ok(!(await merkle.verifyInclusion(leaf, v.index, Math.floor(v.size / 2), proof, root)), label);
    assert.ok(!(await merkle.verifyInclusion(await merkle.leafHash(new TextEncoder().encode('WrongLeaf')), v.index, v.size, proof, root)), label);
    assert.ok(!(await merkle.verifyInclusion(leaf, v.index, v.size, proof, await merkle.treeRoot([]))), label);
    assert.ok(!(await merkle.verifyInclusion(leaf, v.index, v.size, [...proof, root], root)), label);
    assert.ok(!(await merkle.verifyInclusion(leaf, v.index, v.size, [root, ...proof], root)), label);
    if (proof.length) assert.ok(!(await merkle.verifyInclusion(leaf, v.index, v.size, proof.slice(0, -1), root)), label);
  }
  const node = await merkle.nodeHash(leaves[0], leaves[1]);
  assert.equal(merkle.bytesToHex(node), CT_ROOTS[1], 'node = SHA-256(0x01 || left || right)');
});

test('receipt codes: the leaf hash in Crockford base32, typed the forgiving way', () => {
  assert.ok(cast, 'the first test cast a ballot');
  assert.equal(merkle.receiptCode(hex(cast.leaf)), cast.code);
  assert.equal(merkle.normalizeReceiptCode(` ${cast.code.toLowerCase().replace('-', ' ')} `), cast.code);
  assert.equal(merkle.normalizeReceiptCode('OIL00-11111'), '01100-11111');
  assert.equal(merkle.normalizeReceiptCode('ABCDE-FGHJU'), null, 'U is not a Crockford symbol');
  assert.equal(merkle.normalizeReceiptCode('ABCDE'), null);
});
