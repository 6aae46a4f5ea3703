// Test harness: serves the built UI on loopback under the app's CSP, starts
// Debian's Chromium through playwright-core, installs a mock of Tauri's IPC
// before the app's script runs, and offers checks shared by the tests.

import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { after, before } from "node:test";

import { chromium } from "playwright-core";

const e2eDir = dirname(fileURLToPath(import.meta.url));
const uiRoot = resolve(e2eDir, "..");
const distDir = join(uiRoot, "dist");

/**
 * The Content-Security-Policy the desktop shell sets, read from the
 * repository's tauri.conf.json (`app.security.csp`) so the tests run under
 * the same rules. Without that file or key it is `default-src 'self'`.
 */
export const CSP = readShellCsp();

function readShellCsp() {
  let config;
  try {
    config = JSON.parse(readFileSync(join(uiRoot, "..", "tauri.conf.json"), "utf8"));
  } catch {
    return "default-src 'self'";
  }
  const csp = config?.app?.security?.csp;
  if (typeof csp === "string") {
    return csp;
  }
  if (csp && typeof csp === "object") {
    return Object.entries(csp)
      .map(([directive, sources]) => `${directive} ${Array.isArray(sources) ? sources.join(" ") : sources}`)
      .join("; ");
  }
  return "default-src 'self'";
}

/** Where screenshots go: `$ARTIFACTS_DIR/ui`, by default `../ci-artifacts/ui` from ui/. */
export const SCREENSHOT_DIR = join(resolve(uiRoot, process.env.ARTIFACTS_DIR ?? "../ci-artifacts"), "ui");

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
};

/** Serves ui/dist on 127.0.0.1 at a free port. */
export async function startServer() {
  try {
    statSync(join(distDir, "index.html"));
  } catch {
    throw new Error(`${distDir}/index.html is missing: run "npm run build" first`);
  }
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const relative = url.pathname === "/" ? "index.html" : decodeURIComponent(url.pathname).slice(1);
    const file = normalize(join(distDir, relative));
    if (!file.startsWith(distDir + sep)) {
      response.writeHead(403).end();
      return;
    }
    let body;
    try {
      body = readFileSync(file);
    } catch {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      "Content-Type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "Content-Security-Policy": CSP,
      "Cache-Control": "no-store",
    });
    response.end(body);
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((done) => server.close(done)),
  };
}

/** Launches Chromium with a fresh profile directory, removed on close. */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "matter-signer-ui-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 900, height: 900 },
    reducedMotion: "reduce",
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the server and the browser before the file's tests and stops them
 * after. The returned object contains both once `before` has run.
 */
export function useBrowserAndServer() {
  const shared = { server: undefined, browser: undefined };
  before(async () => {
    shared.server = await startServer();
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.close();
  });
  return shared;
}

/**
 * Installs a stand-in for Tauri's IPC. It records every command with its
 * arguments, returns the result from `responses`, keeps event listeners so
 * tests can emit events, and records clipboard writes and CSP violations.
 * Runs in the page before any of the app's scripts.
 */
function installMock(responses) {
  const calls = [];
  const callbacks = new Map();
  const listeners = new Map();
  let nextId = 1;
  window.__mock = {
    calls,
    responses,
    clipboard: [],
    cspViolations: [],
    emit(event, payload) {
      for (const id of listeners.get(event) ?? []) {
        const callback = callbacks.get(id);
        if (callback) {
          callback({ event, id, payload });
        }
      }
    },
    listening(event) {
      return (listeners.get(event) ?? []).length;
    },
  };
  window.__TAURI_INTERNALS__ = {
    metadata: {
      currentWindow: { label: "main" },
      currentWebview: { windowLabel: "main", label: "main" },
    },
    transformCallback(callback) {
      const id = nextId;
      nextId += 1;
      callbacks.set(id, callback);
      return id;
    },
    unregisterCallback(id) {
      callbacks.delete(id);
    },
    async invoke(cmd, args) {
      if (cmd === "plugin:event|listen") {
        const list = listeners.get(args.event) ?? [];
        list.push(args.handler);
        listeners.set(args.event, list);
        return args.handler;
      }
      if (cmd === "plugin:event|unlisten") {
        return null;
      }
      calls.push({ cmd, args: JSON.parse(JSON.stringify(args ?? {})) });
      const answer = window.__mock.responses[cmd];
      if (answer === undefined) {
        throw { code: "not_mocked", message: `The test has no answer for ${cmd}.` };
      }
      if ("pending" in answer) {
        return new Promise(() => {});
      }
      if ("err" in answer) {
        throw answer.err;
      }
      return JSON.parse(JSON.stringify(answer.ok));
    },
  };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener() {} };
  Object.defineProperty(navigator, "clipboard", {
    configurable: true,
    value: {
      writeText: async (text) => {
        window.__mock.clipboard.push(text);
      },
    },
  });
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__mock.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
  });
  // tauri.conf.json sets `freezePrototype`, so Tauri freezes Object.prototype
  // before the app runs; do the same so code that relies on changing it fails here.
  Object.freeze(Object.prototype);
}

/** Opens the app in a new page with the given command results. */
export async function openApp(browser, server, responses, { width = 900, height = 900 } = {}) {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.addInitScript(installMock, responses);
  await page.goto(server.url);
  await page.waitForFunction(() => window.__mock.listening("flow://error") > 0);
  await page.waitForFunction(() => document.getElementById("app")?.dataset.screen !== undefined);
  page.pageErrors = errors;
  return page;
}

export async function emit(page, event, payload) {
  await page.evaluate(([name, value]) => window.__mock.emit(name, value), [event, payload]);
}

export async function calls(page, cmd) {
  const all = await page.evaluate(() => window.__mock.calls);
  return cmd === undefined ? all : all.filter((call) => call.cmd === cmd);
}

export async function waitForScreen(page, name) {
  await page.waitForFunction((expected) => document.getElementById("app")?.dataset.screen === expected, name);
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // The mode banner is sticky, so scroll to the top for it to sit there in a
  // full-page capture.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(join(uiRoot, "node_modules", "axe-core", "axe.min.js"), "utf8");

/** Runs axe-core on the page at WCAG 2.0, 2.1 and 2.2 levels A and AA. */
export async function checkAccessibility(page, label) {
  // evaluate() runs through the DevTools protocol, which the page's CSP does
  // not govern, so axe needs no inline script tag.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      help: violation.help,
      nodes: violation.nodes.map((node) => node.target.join(" ")),
    }));
  });
  assert.deepEqual(violations, [], `${label}: axe found WCAG A/AA violations`);
}

const STRING = (value) => typeof value === "string";

/** The argument shapes the IPC contract allows, per command. */
const CONTRACT = {
  app_state: (args) => keys(args, []),
  parse_link: (args) => keys(args, ["link"]) && STRING(args.link),
  start_signing: (args) => keys(args, ["link"]) && STRING(args.link),
  submit_decision: (args) =>
    keys(args, ["decision"]) &&
    ((args.decision.kind === "sign" && keys(args.decision, ["kind", "typed_name"]) && STRING(args.decision.typed_name)) ||
      (args.decision.kind === "cancel" && keys(args.decision, ["kind"]))),
  submit_esra: (args) =>
    keys(args, ["answer"]) &&
    ((args.answer.kind === "affirm" &&
      keys(args.answer, ["kind", "paper_copy_request_method"]) &&
      ["email", "postal_mail"].includes(args.answer.paper_copy_request_method)) ||
      (args.answer.kind === "decline" && keys(args.answer, ["kind"]))),
  cancel_flow: (args) => keys(args, []),
  sign_in: (args) => keys(args, []),
  sign_out: (args) => keys(args, []),
  list_receipts: (args) =>
    keys(args, ["query"]) &&
    Object.keys(args.query).every((key) => ["text", "entity_id", "stakeholder_id", "from", "to"].includes(key)) &&
    Object.values(args.query).every(STRING),
  verify_receipt: (args) => keys(args, ["receipt_id"]) && STRING(args.receipt_id),
  open_receipt: (args) =>
    keys(args, ["receipt_id", "form"]) && STRING(args.receipt_id) && ["html", "pdf", "json"].includes(args.form),
  reveal_receipt: (args) => keys(args, ["receipt_id"]) && STRING(args.receipt_id),
  export_receipt: (args) => keys(args, ["receipt_id"]) && STRING(args.receipt_id),
  save_unsaved_receipt: (args) => keys(args, ["receipt_id"]) && STRING(args.receipt_id),
  export_unsaved_receipt: (args) => keys(args, ["receipt_id"]) && STRING(args.receipt_id),
  confirm_close: (args) => keys(args, []),
};

function keys(object, expected) {
  return (
    typeof object === "object" &&
    object !== null &&
    JSON.stringify(Object.keys(object).sort()) === JSON.stringify([...expected].sort())
  );
}

/**
 * Checks that every command the page sent is in the contract with exactly the
 * contract's fields, that the page raised no script error and broke no CSP rule.
 */
export async function checkPageHealth(page) {
  for (const call of await calls(page)) {
    const check = CONTRACT[call.cmd];
    assert.ok(check, `command ${call.cmd} is not in the IPC contract`);
    assert.ok(check(call.args), `${call.cmd} sent fields outside the contract: ${JSON.stringify(call.args)}`);
  }
  const violations = await page.evaluate(() => window.__mock.cspViolations);
  assert.deepEqual(violations, [], "the page broke its Content-Security-Policy");
  assert.deepEqual(page.pageErrors, [], "the page raised script errors");
}
