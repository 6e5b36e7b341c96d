import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { CHROMIUM, chromiumFlags } from "./chromium.ts";

/**
 * A minimal Chrome DevTools Protocol client over `--remote-debugging-pipe` (fd 3 in, fd 4 out,
 * NUL-separated JSON), so a test can move the mouse and click in a real page without a
 * WebSocket library or a network port.
 */
export class Browser {
  #child: ChildProcess;
  #profile: string;
  #next = 1;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #session?: string;

  private constructor() {
    this.#profile = mkdtempSync(join(tmpdir(), "cgsim-cdp-"));
    this.#child = spawn(
      CHROMIUM,
      [...chromiumFlags(this.#profile), "--remote-debugging-pipe", "about:blank"],
      { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] },
    );
    // A browser that dies answers nothing: fail every waiting command instead of hanging.
    this.#child.once("exit", (code, signal) => {
      for (const waiter of this.#pending.values())
        waiter.reject(new Error(`chromium exited (${code ?? signal}) before answering`));
      this.#pending.clear();
    });
    let buffer = "";
    (this.#child.stdio[4] as Readable).on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      for (let end = buffer.indexOf("\0"); end !== -1; end = buffer.indexOf("\0")) {
        const message = JSON.parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        const waiter = message.id !== undefined ? this.#pending.get(message.id) : undefined;
        if (!waiter) continue;
        this.#pending.delete(message.id);
        if (message.error) waiter.reject(new Error(`CDP: ${message.error.message}`));
        else waiter.resolve(message.result);
      }
    });
  }

  /** Starts Chromium, attaches to its page and loads `url` until the report's script has run. */
  static async open(url: string): Promise<Browser> {
    const browser = new Browser();
    const { targetInfos } = (await browser.send("Target.getTargets")) as {
      targetInfos: { targetId: string; type: string }[];
    };
    const page = targetInfos.find((t) => t.type === "page");
    if (!page) throw new Error("no page target");
    const { sessionId } = (await browser.send("Target.attachToTarget", {
      targetId: page.targetId,
      flatten: true,
    })) as { sessionId: string };
    browser.#session = sessionId;
    await browser.send("Page.navigate", { url });
    // The evaluation may start in the old document; a destroyed context is retried.
    const ready = `new Promise((resolve) => {
      const check = () => location.href === ${JSON.stringify(url)} && document.body?.classList.contains("ready")
        ? resolve(true) : requestAnimationFrame(check);
      check();
    })`;
    for (let attempt = 1; ; attempt++) {
      try {
        await browser.eval(ready);
        return browser;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  }

  send(method: string, params: object = {}): Promise<unknown> {
    const id = this.#next++;
    const message = { id, method, params, ...(this.#session ? { sessionId: this.#session } : {}) };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      (this.#child.stdio[3] as Writable).write(`${JSON.stringify(message)}\0`);
    });
  }

  /** Evaluates an expression in the page (promises awaited) and returns its JSON value. */
  async eval<T>(expression: string): Promise<T> {
    const out = (await this.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    })) as { result: { value: T }; exceptionDetails?: { text: string } };
    if (out.exceptionDetails) throw new Error(`page threw: ${JSON.stringify(out.exceptionDetails)}`);
    return out.result.value;
  }

  /**
   * Waits until `expression` (evaluated in the page every 50 ms) is truthy and returns its value;
   * fails after `timeoutMs` with the expression in the message. Tests wait for what the page
   * shows, never for a fixed time.
   */
  async waitFor<T>(expression: string, timeoutMs = 30_000): Promise<T> {
    return this.eval<T>(`new Promise((resolve, reject) => {
      const started = performance.now();
      const check = () => {
        let value;
        try { value = (${expression}); } catch {}
        if (value) resolve(value);
        else if (performance.now() - started > ${timeoutMs}) reject(new Error("timed out waiting for: " + ${JSON.stringify(expression)}));
        else setTimeout(check, 50);
      };
      check();
    })`);
  }

  /** Clicks the centre of the first element matching `selector` (scrolled into view) with real mouse events. */
  async clickOn(selector: string): Promise<void> {
    const box = await this.waitFor<{ x: number; y: number }>(`(() => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (!el) return undefined;
      el.scrollIntoView({ block: "nearest", inline: "nearest" });
      const b = el.getBoundingClientRect();
      return b.width && b.height ? { x: b.left + b.width / 2, y: b.top + b.height / 2 } : undefined;
    })()`);
    await this.click(box.x, box.y);
  }

  /** Presses one key (`"j"`, `"1"`, `"Enter"`, `"ArrowDown"`, `"Escape"`) as keyboard events. */
  async key(key: string): Promise<void> {
    const codes: Record<string, number> = {
      Enter: 13,
      Escape: 27,
      ArrowLeft: 37,
      ArrowUp: 38,
      ArrowRight: 39,
      ArrowDown: 40,
      Tab: 9,
    };
    const printable = key.length === 1;
    const code = codes[key] ?? key.toUpperCase().charCodeAt(0);
    const base = { key, windowsVirtualKeyCode: code, nativeVirtualKeyCode: code };
    await this.send("Input.dispatchKeyEvent", {
      type: printable ? "keyDown" : "rawKeyDown",
      ...base,
      ...(printable ? { text: key } : {}),
    });
    await this.send("Input.dispatchKeyEvent", { type: "keyUp", ...base });
  }

  async mouse(type: "mouseMoved" | "mousePressed" | "mouseReleased", x: number, y: number): Promise<void> {
    await this.send("Input.dispatchMouseEvent", { type, x, y, button: "left", clickCount: 1 });
  }

  async click(x: number, y: number): Promise<void> {
    await this.mouse("mouseMoved", x, y);
    await this.mouse("mousePressed", x, y);
    await this.mouse("mouseReleased", x, y);
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.#child.once("exit", resolve));
    this.#session = undefined; // Browser.* is a browser-level command
    await this.send("Browser.close").catch(() => undefined);
    await exited;
    rmSync(this.#profile, { recursive: true, force: true });
  }
}
