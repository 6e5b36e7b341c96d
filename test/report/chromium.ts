import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";

/** Debian's chromium (installed by .ci/run when missing); CHROMIUM overrides the path. */
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);

/** Headless, offline, quiet Chromium with its own throw-away profile and a fixed window. */
export function chromiumFlags(profile: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    `--user-data-dir=${profile}`,
    "--window-size=1400,900",
  ];
}

/** Runs headless Chromium on a URL with the given extra flags; resolves with stdout. */
export function chromium(url: string, flags: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), "cgsim-chromium-"));
  const args = [...chromiumFlags(profile), ...flags, url];
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      rmSync(profile, { recursive: true, force: true });
      if (error) reject(new Error(`chromium failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Width, height and a measure of how much the pixels vary (a blank page has almost none). */
export function pngInfo(png: Buffer): { width: number; height: number; distinctRows: number } {
  if (png.toString("latin1", 1, 4) !== "PNG") throw new Error("not a PNG");
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  // Count distinct scanlines: text and coloured cells make many, an empty page a handful.
  const raw = inflateSync(Buffer.concat(idat));
  const stride = raw.length / height;
  const rows = new Set<string>();
  for (let y = 0; y < height; y++) rows.add(raw.subarray(y * stride, (y + 1) * stride).toString("base64"));
  return { width, height, distinctRows: rows.size };
}
