/**
 * Per-user settings (store/user-settings.ts through getUserSettings / setUserSettings): the tour
 * is unseen for a new user, "seen" survives a restart (a new context on the same user folder), a
 * damaged settings.json is moved aside rather than overwritten, and unknown fields are refused.
 */
import { expect, test } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, callError, makeContext, tempDir } from '../api/helpers';

const dir = tempDir('liftwell-settings-');

test('the tour flag: unseen at first, remembered across restarts', async () => {
  const home = join(dir.path, 'a');
  mkdirSync(home);
  const ctx = makeContext(home);
  expect(await call(ctx, 'getUserSettings', {})).toEqual({ tourSeen: false });
  expect(await call(ctx, 'setUserSettings', { tourSeen: true })).toEqual({ tourSeen: true });
  await ctx.shutdown();
  expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'))).toEqual({ schemaVersion: 1, settings: { tourSeen: true } });
  const again = makeContext(home);
  expect(await call(again, 'getUserSettings', {})).toEqual({ tourSeen: true });
  expect((await callError(again, 'setUserSettings', { tourSeen: 'yes' })).code).toBe('invalid-input');
  await again.shutdown();
});

test('a damaged settings.json is kept aside and the defaults used', async () => {
  const home = join(dir.path, 'b');
  mkdirSync(home);
  writeFileSync(join(home, 'settings.json'), '{ not json');
  const ctx = makeContext(home);
  expect(await call(ctx, 'getUserSettings', {})).toEqual({ tourSeen: false });
  expect(existsSync(join(home, 'settings.json'))).toBe(false);
  expect(readdirSync(home).filter((f) => f.startsWith('settings.json.damaged-'))).toHaveLength(1);
  await ctx.shutdown();
  dir.cleanup();
});
