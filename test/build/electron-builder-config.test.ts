/**
 * The installer configuration, checked statically: electron-builder itself cannot run here (it
 * downloads Electron and the target tools), so this loads build/electron-builder.yml through
 * electron-builder's own loader and validates it against electron-builder's own JSON schema,
 * then asserts what the product needs (targets, asar rules, files, icons, associations).
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
// app-builder-lib is electron-builder's core (a dependency of our devDependency electron-builder).
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');

async function loadConfig() {
  const config = await getConfig(root, join(root, 'build', 'electron-builder.yml'), null);
  await validateConfiguration(config, { isEnabled: false, add: () => {} });
  return config;
}

describe('build/electron-builder.yml', () => {
  it("passes electron-builder's schema validation", async () => {
    await expect(loadConfig()).resolves.toBeTruthy();
  });

  it('a misspelt option would fail the same validation (the check can fail)', async () => {
    const config = await getConfig(root, join(root, 'build', 'electron-builder.yml'), null);
    const quiet = { isEnabled: false, add: () => {} };
    await expect(validateConfiguration({ ...config, mac: { ...config.mac, hardenedRuntme: true } }, quiet)).rejects.toThrow(/does not match the API schema/);
    await expect(validateConfiguration({ ...config, nsis: { ...config.nsis, perMachine: 'yes' } }, quiet)).rejects.toThrow(/does not match the API schema/);
  });

  it('builds AppImage + deb, NSIS and a hardened-runtime dmg with entitlements', async () => {
    const c = await loadConfig();
    expect(c.linux.target).toEqual(['AppImage', 'deb']);
    expect(c.win.target).toEqual(['nsis']);
    expect(c.mac.target).toEqual(['dmg']);
    expect(c.mac.hardenedRuntime).toBe(true);
    const entitlements = readFileSync(join(root, c.mac.entitlements), 'utf8');
    for (const key of ['com.apple.security.cs.allow-jit', 'com.apple.security.cs.disable-library-validation']) expect(entitlements).toContain(key);
    expect(c.mac.entitlementsInherit).toBe(c.mac.entitlements);
  });

  it('ships the built main, preload and renderer, the resources, and no sources or source maps', async () => {
    const c = await loadConfig();
    // The loader normalises `files` to one pattern set.
    const files: string[] = c.files.flatMap((f: string | { filter: string[] }) => (typeof f === 'string' ? [f] : f.filter));
    expect(files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json', '!**/*.map']));
    expect(files.some((f) => /src-|test\//.test(f) && !f.startsWith('!'))).toBe(false);
    expect(c.extraResources).toEqual([{ from: 'resources', to: 'resources', filter: ['**/*'] }]);
    expect(existsSync(join(root, 'resources', 'molecules', 'alanine-dipeptide', 'ala2.prmtop'))).toBe(true);
  });

  it('unpacks the native and wasm tfjs binaries from the asar archive', async () => {
    const c = await loadConfig();
    expect(c.asar).toBe(true);
    expect(c.asarUnpack).toEqual(
      expect.arrayContaining(['**/node_modules/@tensorflow/tfjs-node-gpu/**', '**/node_modules/@tensorflow/tfjs-node/**', '**/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm']),
    );
    // The native backends stay optional: the app must install and run without them.
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.optionalDependencies)).toContain('@tensorflow/tfjs-node-gpu');
    expect(pkg.dependencies['@tensorflow/tfjs-node-gpu']).toBeUndefined();
  });

  it('has icons for every platform and associates .liftwell project folders', async () => {
    const c = await loadConfig();
    for (const icon of [c.linux.icon, c.mac.icon, c.win.icon]) expect(existsSync(join(root, icon))).toBe(true);
    const png = readFileSync(join(root, 'build', 'icon.png'));
    // PNG width/height at bytes 16..23: macOS needs at least 512 x 512.
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
    expect(readFileSync(join(root, 'build', 'icon.ico')).readUInt16BE(0)).toBe(0); // ICONDIR reserved word
    expect(c.fileAssociations).toEqual([expect.objectContaining({ ext: 'liftwell', isPackage: true, role: 'Editor' })]);
    // NSIS registers file associations only for per-machine installs.
    expect(c.nsis.perMachine).toBe(true);
    // The desktop binary must not shadow the `liftwell` CLI.
    expect(c.executableName).not.toBe('liftwell');
  });
});
