// Real Chromium: one page forced onto long-poll (/?transport=longpoll), one on WebSocket; they see
// each other and exchange notifications. Started by DispatchEndToEndIT with browser.test.js.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { HTTP_URL } from "./client.js";

const CHROME = process.env.CHROME_PATH || "/usr/bin/chromium";
const SHOTS = process.env.SCREENSHOT_DIR || "../../../target";
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

let browser;
before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROME, headless: true, args: FLAGS });
});
after(async () => {
  if (browser) await browser.close();
});

async function open(label, path) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  const seen = { longpoll: 0, websockets: 0 };
  page.on("request", (request) => {
    if (request.url().includes("/socket/longpoll")) seen.longpoll++;
  });
  page.on("websocket", () => seen.websockets++);
  page.on("pageerror", (error) => console.error(`[${label}] page error: ${error.message}`));
  await page.goto(HTTP_URL + path);
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="my-name"]');
    return el && el.textContent !== "…";
  });
  return { label, context, page, seen, name: await page.getByTestId("my-name").textContent() };
}

test("a long-poll page and a WebSocket page see each other and exchange notifications", async () => {
  const polled = await open("long-poll", "/?transport=longpoll");
  const socketed = await open("websocket", "/");
  await polled.page.locator(`[data-testid="roster"] li[data-hero="${socketed.name}"]`).waitFor({ timeout: 10000 });
  await socketed.page.locator(`[data-testid="roster"] li[data-hero="${polled.name}"]`).waitFor({ timeout: 10000 });
  assert.equal(await polled.page.getByTestId("connection").textContent(), "connected");

  await polled.page.getByTestId("body").fill("sent by long-poll");
  await polled.page.getByTestId("notify-all").click();
  await socketed.page.locator('[data-testid="notification-body"]', { hasText: "sent by long-poll" }).waitFor({ timeout: 10000 });

  await socketed.page.locator(`[data-testid="recipient"] option[value="${polled.name}"]`).waitFor({ state: "attached" });
  await socketed.page.getByTestId("body").fill("for the long-poll page");
  await socketed.page.getByTestId("recipient").selectOption(polled.name);
  await socketed.page.getByTestId("notify-direct").click();
  await polled.page.locator('[data-testid="notification-body"]', { hasText: "for the long-poll page" }).waitFor({ timeout: 10000 });

  assert.ok(polled.seen.longpoll > 0, "the forced page polls");
  assert.equal(polled.seen.websockets, 0, "the forced page opens no WebSocket");
  assert.ok(socketed.seen.websockets > 0, "the normal page uses a WebSocket");
  assert.equal(socketed.seen.longpoll, 0, "the normal page does not fall back");

  await polled.page.screenshot({ path: join(SHOTS, "browser-longpoll-hero.png"), fullPage: true });
  await socketed.page.screenshot({ path: join(SHOTS, "browser-websocket-hero.png"), fullPage: true });
  await polled.context.close();
  await socketed.page.waitForFunction(
    (gone) => !document.querySelector(`[data-testid="roster"] li[data-hero="${CSS.escape(gone)}"]`),
    polled.name,
    { timeout: 20000 },
  );
  await socketed.context.close();
});
