// Real Chromium (Debian's, headless) on the page, two people at once. Started by DispatchEndToEndIT
// against a launcher whose internal service stays quiet, so the 5-entry feed only holds what we send.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { HTTP_URL, holds } from "./client.js";

const CHROME = process.env.CHROME_PATH || "/usr/bin/chromium";
const SHOTS = process.env.SCREENSHOT_DIR || "../../../target";
// The house flags; Playwright adds --headless and a fresh temporary --user-data-dir itself.
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

let browser;
const people = {};

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROME, headless: true, args: FLAGS });
});

after(async () => {
  if (browser) await browser.close();
});

async function open(label) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  const dialogs = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss();
  });
  page.on("pageerror", (error) => console.error(`[${label}] page error: ${error.message}`));
  await page.goto(HTTP_URL);
  const myName = page.getByTestId("my-name");
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="my-name"]');
    return el && el.textContent !== "…";
  });
  const person = { label, context, page, dialogs, name: await myName.textContent() };
  people[label] = person;
  return person;
}

const rosterOf = (page) => page.locator('[data-testid="roster"] li').evaluateAll((items) => items.map((li) => li.dataset.hero));
const feedOf = (page) =>
  page.locator('[data-testid="notification-body"]').evaluateAll((items) => items.map((p) => p.textContent));

test("two pages show each other's hero", async () => {
  const a = await open("A");
  const b = await open("B");
  assert.notEqual(a.name, b.name);

  await a.page.locator(`[data-testid="roster"] li[data-hero="${b.name}"]`).waitFor({ timeout: 10000 });
  await b.page.locator(`[data-testid="roster"] li[data-hero="${a.name}"]`).waitFor({ timeout: 10000 });
  assert.equal(await a.page.getByTestId("connection").textContent(), "connected");
});

test("a notification sent from one page appears in the other, as text", async () => {
  const { A: a, B: b } = people;
  const body = "<img src=x onerror=alert(1)> villain downtown";

  await a.page.getByTestId("body").fill(body);
  await a.page.getByTestId("body").press("Enter"); // the keyboard path: Enter sends to everyone

  const item = b.page.locator('[data-testid="notification-body"]', { hasText: "villain downtown" });
  await item.waitFor({ timeout: 10000 });
  assert.equal(await item.textContent(), body, "the body shows literally");
  assert.equal(await b.page.locator('[data-testid="notifications"] img').count(), 0, "no element was injected");
  assert.equal(
    await b.page.locator("li", { has: item }).getByTestId("notification-from").textContent(),
    a.name,
  );
  // The sender's reply may come a moment after the broadcast reached B.
  await a.page.waitForFunction(
    () => /Sent/.test(document.querySelector('[data-testid="send-status"]').textContent),
    null,
    { timeout: 10000 },
  );
  assert.deepEqual([...a.dialogs, ...b.dialogs], [], "no script ran");
});

test("an error reply is shown on the page", async () => {
  const { A: a } = people;
  await a.page.getByTestId("body").fill("");
  await a.page.getByTestId("notify-others").click();

  const status = a.page.getByTestId("send-status");
  await a.page.waitForFunction(
    () => document.querySelector('[data-testid="send-status"]').dataset.reason === "invalid_body",
  );
  assert.equal(await status.textContent(), "Write a message first.");
});

test("a direct message appears only in its recipient's page", async () => {
  const { A: a, B: b } = people;
  const c = await open("C");
  await a.page.locator(`[data-testid="recipient"] option[value="${b.name}"]`).waitFor({ state: "attached" });

  await a.page.getByTestId("body").fill("for B only");
  await a.page.getByTestId("recipient").selectOption(b.name);
  await a.page.getByTestId("notify-direct").click();

  await b.page.locator('[data-testid="notification-body"]', { hasText: "for B only" }).waitFor({ timeout: 10000 });
  // A later broadcast that everyone has received shows nothing else is on its way.
  await a.page.getByTestId("body").fill("after the direct one");
  await a.page.getByTestId("notify-all").click();
  for (const person of [a, b, c]) {
    await person.page
      .locator('[data-testid="notification-body"]', { hasText: "after the direct one" })
      .waitFor({ timeout: 10000 });
  }
  assert.ok(!(await feedOf(a.page)).includes("for B only"));
  assert.ok(!(await feedOf(c.page)).includes("for B only"));
  assert.equal((await feedOf(b.page)).filter((text) => text === "for B only").length, 1);

  await a.page.screenshot({ path: join(SHOTS, "browser-hero-A.png"), fullPage: true });
  await b.page.screenshot({ path: join(SHOTS, "browser-hero-B.png"), fullPage: true });
  await c.context.close();
});

test("a page that reloads comes back as the same hero, showing the same notifications once", async () => {
  const { A: a, B: b } = people;
  const before = await feedOf(a.page);
  assert.ok(before.length > 0, "the feed has something to show again");
  await a.page.reload();

  await a.page.waitForFunction(
    (name) => document.querySelector('[data-testid="my-name"]').textContent === name,
    a.name,
    { timeout: 10000 },
  );
  await b.page.locator(`[data-testid="roster"] li[data-hero="${a.name}"]`).waitFor({ timeout: 10000 });
  // The fresh page asked for history: the same last notifications, in the same order, each once.
  await a.page.waitForFunction(
    (count) => document.querySelectorAll('[data-testid="notification-body"]').length >= count,
    before.length,
    { timeout: 10000 },
  );
  // and nothing more comes
  await holds(async () => JSON.stringify(await feedOf(a.page)) === JSON.stringify(before), "the feed as before", 300);
});

const statusIn = (page, hero) =>
  page.locator(`[data-testid="roster"] li[data-hero="${hero}"] [data-testid="hero-status"]`);

test("page A reports an incident, page B accepts the offer: both boards show it assigned to B", async () => {
  const { A: a, B: b } = people;
  // A is off duty, so the only available hero is B.
  await a.page.getByTestId("status-off_duty").click();
  await b.page.waitForFunction(
    (name) =>
      document.querySelector(`[data-testid="roster"] li[data-hero="${CSS.escape(name)}"] [data-testid="hero-status"]`)
        ?.textContent === "Off duty",
    a.name,
    { timeout: 10000 },
  );

  await a.page.getByTestId("incident").fill("Giant robot on the bridge");
  await a.page.getByTestId("report").click();

  const offer = b.page.getByTestId("offer");
  await offer.waitFor({ timeout: 10000 });
  assert.equal(await b.page.getByTestId("offer-body").textContent(), "Giant robot on the bridge");
  assert.match(await b.page.getByTestId("offer-countdown").textContent(), /^\d+s left to accept$/);
  await a.page.locator('[data-testid="board"] tr[data-state="offered"]').waitFor({ timeout: 10000 });
  await b.page.screenshot({ path: join(SHOTS, "browser-dispatch-offer-B.png"), fullPage: true });

  await b.page.getByTestId("accept").click();

  for (const person of [a, b]) {
    const row = person.page.locator('[data-testid="board"] tr', { hasText: "Giant robot on the bridge" });
    await person.page.locator('[data-testid="board"] tr[data-state="assigned"]').waitFor({ timeout: 10000 });
    assert.equal(await row.getByTestId("board-state").textContent(), "assigned");
    assert.equal(await row.getByTestId("board-hero").textContent(), b.name);
  }
  await offer.waitFor({ state: "detached", timeout: 10000 });
  assert.equal(await b.page.getByTestId("assignment-body").textContent(), "Giant robot on the bridge");
  await a.page.waitForFunction(
    (name) =>
      document.querySelector(`[data-testid="roster"] li[data-hero="${CSS.escape(name)}"] [data-testid="hero-status"]`)
        ?.textContent === "Busy",
    b.name,
    { timeout: 10000 },
  );
  assert.equal(await statusIn(b.page, b.name).textContent(), "Busy");
  await a.page.screenshot({ path: join(SHOTS, "browser-dispatch-A.png"), fullPage: true });
  await b.page.screenshot({ path: join(SHOTS, "browser-dispatch-B.png"), fullPage: true });

  await b.page.getByTestId("resolve").click();
  await a.page.locator('[data-testid="board"] tr[data-state="resolved"]').waitFor({ timeout: 10000 });
  await a.page.waitForFunction(
    (name) =>
      document.querySelector(`[data-testid="roster"] li[data-hero="${CSS.escape(name)}"] [data-testid="hero-status"]`)
        ?.textContent === "Available",
    b.name,
    { timeout: 10000 },
  );
  await b.page.getByTestId("assignment").waitFor({ state: "detached", timeout: 10000 });
});

test("closing a page removes its hero from the other page", async () => {
  const { A: a, B: b } = people;
  await b.context.close();

  await a.page.waitForFunction(
    (gone) => !document.querySelector(`[data-testid="roster"] li[data-hero="${CSS.escape(gone)}"]`),
    b.name,
    { timeout: 10000 },
  );
  await a.page.waitForFunction(() => document.querySelectorAll('[data-testid="roster"] li').length === 1, null, {
    timeout: 10000,
  });
  assert.deepEqual(await rosterOf(a.page), [a.name]);
  await a.page.screenshot({ path: join(SHOTS, "browser-hero-A-alone.png"), fullPage: true });
});
