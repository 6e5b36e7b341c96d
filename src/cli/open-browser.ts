import { spawn } from "node:child_process";

/**
 * Opens `url` in the desktop's browser (`--open`): xdg-open on Linux, open on macOS, start on
 * Windows. Best effort: a machine without one prints nothing and serving goes on.
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  const [command, args] =
    platform === "darwin"
      ? ["open", [url]]
      : platform === "win32"
        ? ["cmd", ["/c", "start", '""', url.replace(/&/g, "^&")]]
        : ["xdg-open", [url]];
  try {
    const child = spawn(command, args, { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // No browser launcher: the URL is in the ready line.
  }
}
