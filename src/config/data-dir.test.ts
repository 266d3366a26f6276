// The data directory: the user's data directory by default, whatever folder modelmux starts from;
// what the operator names, made absolute; an older default folder's ledger kept in use, with a word.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseDataDir, userDataDir } from './data-dir.ts';

test('by default the user\'s data directory, the same from any folder', () => {
  const places = { environment: {}, home: '/home/ana', platform: 'linux' as const };
  assert.deepEqual(chooseDataDir(undefined, { ...places, cwd: '/srv/one' }), { path: '/home/ana/.local/share/modelmux', warning: null });
  assert.deepEqual(chooseDataDir(null, { ...places, cwd: '/srv/two' }), { path: '/home/ana/.local/share/modelmux', warning: null });
  assert.equal(userDataDir({ ...places, environment: { XDG_DATA_HOME: '/data/ana' } }), '/data/ana/modelmux');
  assert.equal(userDataDir({ ...places, environment: { XDG_DATA_HOME: 'relative/data' } }), '/home/ana/.local/share/modelmux', 'a relative XDG_DATA_HOME is ignored');
  assert.equal(userDataDir({ environment: { LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' }, home: 'C:\\Users\\ana', platform: 'win32' }).endsWith('modelmux'), true);
});

test('a directory named by the operator wins, made absolute; none keeps no ledger', () => {
  assert.deepEqual(chooseDataDir('ledger', { cwd: '/srv/one' }), { path: '/srv/one/ledger', warning: null });
  assert.deepEqual(chooseDataDir('/var/lib/modelmux', { cwd: '/srv/one' }), { path: '/var/lib/modelmux', warning: null });
  assert.deepEqual(chooseDataDir('none'), { path: null, warning: null });
});

test('a ledger left in ./.modelmux by an older version stays in use until moved, and says so', (context) => {
  const root = mkdtempSync(join(tmpdir(), 'modelmux-data-dir-'));
  context.after(() => rmSync(root, { recursive: true, force: true }));
  const places = { environment: { XDG_DATA_HOME: join(root, 'xdg') }, cwd: join(root, 'project'), platform: 'linux' as const };
  mkdirSync(join(root, 'project', '.modelmux'), { recursive: true });
  const legacy = chooseDataDir(undefined, places);
  assert.equal(legacy.path, join(root, 'project', '.modelmux'));
  assert.match(legacy.warning ?? '', /move it to .*xdg\/modelmux/);
  mkdirSync(join(root, 'xdg', 'modelmux'), { recursive: true });
  assert.deepEqual(chooseDataDir(undefined, places), { path: join(root, 'xdg', 'modelmux'), warning: null }, 'once the standard place exists, it is used');
});
