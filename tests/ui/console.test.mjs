// The web console in a real browser (Debian's chromium, driven by playwright-core) against the
// real reghook binary and the real docker-registry, with skopeo pushing an image.
// Run from tests/ui after the build: node console.test.mjs
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const binary = path.join(root, 'build/reghook');
const dir = mkdtempSync(path.join(os.tmpdir(), 'reghook-ui-'));
const children = [];

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}
function start(cmd, args, log) {
  const out = openSync(path.join(dir, log), 'a');
  const child = spawn(cmd, args, { stdio: ['ignore', out, out] });
  children.push(child);
  return child;
}
async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(url)).status < 500) return; } catch (e) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up; logs in ${dir}`);
}

// A receiver that records deliveries.
const received = [];
const receiver = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    received.push({ headers: req.headers, body });
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('thanks');
  });
});

let browser;
let failed = false;
async function step(name, fn) {
  process.stdout.write(`- ${name} ... `);
  try {
    await fn();
    console.log('ok');
  } catch (e) {
    console.log('FAILED');
    throw e;
  }
}

try {
  const [reghookPort, registryPort, receiverPort] = [await freePort(), await freePort(), await freePort()];
  await new Promise((r) => receiver.listen(receiverPort, '127.0.0.1', r));
  writeFileSync(path.join(dir, 'reghook.json'), JSON.stringify({
    listen: `127.0.0.1:${reghookPort}`, dataDir: path.join(dir, 'data'), adminToken: 'ui-admin-token',
    registries: [{ name: 'myregistry', token: 'ui-sink-token' }, { name: 'second', token: 'x' }],
  }));
  start(binary, ['serve', '--config', path.join(dir, 'reghook.json')], 'reghook.log');
  await waitFor(`http://127.0.0.1:${reghookPort}/readyz`);
  writeFileSync(path.join(dir, 'registry.yml'), [
    'version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${dir}/registry-data`,
    '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${registryPort}`, 'notifications:', '  endpoints:',
    '    - name: reghook', `      url: http://127.0.0.1:${reghookPort}/v1/registries/myregistry/notifications`,
    '      headers:', '        Authorization: [Bearer ui-sink-token]', '      timeout: 1s', '      threshold: 5', '      backoff: 1s',
    '      ignoredmediatypes: [application/octet-stream]', ''].join('\n'));
  start('docker-registry', ['serve', path.join(dir, 'registry.yml')], 'registry.log');
  await waitFor(`http://127.0.0.1:${registryPort}/v2/`);

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const base = `http://127.0.0.1:${reghookPort}/`;

  await step('sign-in refuses a wrong token with a message, accepts the right one', async () => {
    await page.goto(base);
    await page.getByLabel('Admin token').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Your admin token was not accepted').waitFor();
    await page.getByLabel('Admin token').fill('ui-admin-token');
    await page.keyboard.press('Enter');
    await page.getByText('No webhooks in myregistry yet').waitFor();
    assert.equal(await page.getByLabel('Registry').inputValue(), 'myregistry');
  });

  await step('the create form shows the API validation message next to the field', async () => {
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByLabel('Webhook name').fill('bad-name');
    await page.getByLabel('Service URI').fill(`http://127.0.0.1:${receiverPort}/hook`);
    await page.getByLabel('Custom headers').fill('X-Team: platform\nAuthorization: Bearer s3cret');
    await page.getByLabel('delete', { exact: true }).check();
    await page.getByLabel('Scope').fill('ui/app:*');
    await page.getByRole('button', { name: 'Create' }).click();
    const error = page.locator('#name-error');
    await error.getByText('5 to 50 letters and digits').waitFor();
    assert.equal(await page.locator('#name').getAttribute('class'), 'invalid');
    await page.getByLabel('Webhook name').fill('uihook1');
    await page.getByLabel('Scope').fill('UI:Bad');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('#scope-error').getByText('repository:tag').waitFor();
    await page.getByLabel('Scope').fill('ui/app:*');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'uihook1' }).waitFor();
  });

  await step('ping shows the receiver status at once and logs the delivery', async () => {
    await page.getByRole('button', { name: 'Ping' }).click();
    await page.locator('#ping-result').getByText('Ping: 200 OK').waitFor();
    assert.equal(received.length, 1);
    assert.equal(received[0].headers['x-team'], 'platform');
    await page.locator('#events').getByText('ping').waitFor();
  });

  await step('a pushed image appears with its request and response', async () => {
    execFileSync('python3', [path.join(root, 'scripts/make-oci-image.py'), path.join(dir, 'img'), '--tag', 'v1']);
    execFileSync('skopeo', ['copy', '--dest-tls-verify=false', `oci:${dir}/img:v1`, `docker://127.0.0.1:${registryPort}/ui/app:v1`]);
    for (let i = 0; i < 100 && !received.some((r) => r.body.includes('"action":"push"')); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('#events').getByText('ui/app:v1').waitFor();
    await page.locator('#events tr', { hasText: 'ui/app:v1' }).getByRole('button').click();
    const detail = page.locator('#event-detail');
    await detail.locator('.response-status').getByText('200 OK').waitFor();
    const body = await detail.locator('.request-body').textContent();
    assert.match(body, /"action": "push"/);
    assert.match(body, /"repository": "ui\/app"/);
    assert.match(await detail.textContent(), /Authorization: \*\*\*\*\*\*/);  // secret header masked
    assert.doesNotMatch(await detail.textContent(), /s3cret/);
    await page.screenshot({ path: path.join(dir, 'event.png'), fullPage: true });
  });

  await step('redeliver sends the same event again', async () => {
    const before = received.length;
    const id = JSON.parse(received.find((r) => r.body.includes('"action":"push"')).body).id;
    await page.locator('#event-detail').getByRole('button', { name: 'Redeliver' }).click();
    await page.getByText('queued for redelivery').waitFor();
    for (let i = 0; i < 100 && received.length === before; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(received.length, before + 1);
    assert.equal(received.at(-1).headers['webhook-id'], id);
  });

  await step('secrets only through "Show callback config"', async () => {
    assert.doesNotMatch(await page.locator('main').textContent(), /s3cret/);
    await page.getByRole('button', { name: 'Show callback config' }).click();
    await page.locator('#callback-config').getByText('Bearer s3cret').waitFor();
  });

  await step('disable, then edit keeps the form filled', async () => {
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('Webhook uihook1 disabled.').waitFor();
    await page.getByRole('button', { name: 'Edit' }).click();
    assert.equal(await page.getByLabel('Service URI').inputValue(), `http://127.0.0.1:${receiverPort}/hook`);
    assert.equal(await page.getByLabel('Status').inputValue(), 'disabled');
    await page.getByLabel('Timeout (seconds)').fill('70');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#timeoutSeconds-error').getByText('1 to 60').waitFor();
    await page.getByLabel('Timeout (seconds)').fill('9');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('9 s').waitFor();
  });

  await step('a narrow window still shows the list and the page', async () => {
    await page.setViewportSize({ width: 380, height: 760 });
    await page.getByRole('button', { name: 'Ping' }).waitFor();
    await page.screenshot({ path: path.join(dir, 'narrow.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  await step('delete asks for confirmation, then the list is empty', async () => {
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'uihook1' }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No webhooks in myregistry yet').waitFor();
  });

  await step('a server that went away gives a readable message', async () => {
    children[0].kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    await page.getByLabel('Registry').selectOption('second');
    await page.getByText('Cannot reach reghook').waitFor();
  });

  await step('no uncaught errors in the page', async () => {
    assert.deepEqual(pageErrors, []);
  });
} catch (e) {
  failed = true;
  console.error(e);
  console.error(`logs: ${dir}`);
} finally {
  if (browser) await browser.close();
  for (const c of children) c.kill('SIGKILL');
  receiver.close();
}
if (failed) process.exit(1);
console.log('console tests passed');
