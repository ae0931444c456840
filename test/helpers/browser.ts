/**
 * The headless Chromium the browser tests drive. A system one is preferred (CHROMIUM_PATH, or
 * `chromium`/`chromium-browser` on PATH: no unpacking, the distribution's build); otherwise the
 * one that `npm install` brings (@sparticuz/chromium, a brotli-packed binary inside the package),
 * so `npm test` passes on a fresh machine with no browser installed. No download either way.
 */
import { accessSync, constants, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

export interface BrowserChoice {
  source: 'CHROMIUM_PATH' | 'system' | 'bundled';
  /** Unset for 'bundled' until it is unpacked (unpackBundled). */
  executablePath?: string;
}

const execFileAsync = promisify(execFile);
const SYSTEM_NAMES = ['chromium', 'chromium-browser'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Which browser to use, from the environment alone (no unpacking). */
export function chooseBrowser(env: NodeJS.ProcessEnv = process.env): BrowserChoice {
  // An explicit path that is wrong is an error, not a reason to quietly use another browser.
  if (env.CHROMIUM_PATH) return { source: 'CHROMIUM_PATH', executablePath: env.CHROMIUM_PATH };
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of SYSTEM_NAMES) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return { source: 'system', executablePath: candidate };
    }
  }
  return { source: 'bundled' };
}

/**
 * Unpacks the bundled Chromium once per package version into its own folder under the system
 * temp dir. The package unpacks into os.tmpdir() itself: its root, shared with anything else
 * there, and it reuses whatever `chromium` it finds (another version, or a half-written one after
 * an interrupted run). So a child process unpacks with TMPDIR set to a fresh folder (Jest's
 * process.env is a copy: setting it here would not reach os.tmpdir()), renamed into place after.
 */
export async function unpackBundled(): Promise<string> {
  const entry = require.resolve('@sparticuz/chromium');
  // The package's exports do not include its package.json: read it beside its entry point.
  const packageJson = join(dirname(entry), '..', '..', 'package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const dir = join(tmpdir(), `storefront-chromium-${version}`);
  const binary = join(dir, 'chromium');
  if (isExecutable(binary)) return binary;

  const staging = mkdtempSync(`${dir}.partial-`);
  try {
    const script = `require(${JSON.stringify(entry)}).executablePath().then((p) => console.log(p))`;
    const { stdout } = await execFileAsync(process.execPath, ['-e', script], {
      env: { ...process.env, TMPDIR: staging },
    });
    if (stdout.trim() !== join(staging, 'chromium')) {
      throw new Error(`@sparticuz/chromium unpacked to ${stdout.trim()}, expected ${staging}`);
    }
    renameSync(staging, dir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another run may have put it in place meanwhile: then use that one.
    if (!isExecutable(binary)) throw error;
  }
  return binary;
}

/**
 * Launch flags, for either browser. Not @sparticuz/chromium's own `args`: those are for AWS
 * Lambda (--single-process, software WebGL) and made the Swagger UI test twice as slow here.
 */
export const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
