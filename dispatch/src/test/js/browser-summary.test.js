// Real Chromium on the page in summary mode, with heroes on the official phoenix client. Started by
// DispatchEndToEndIT against a quiet launcher.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, afterEach, before, test } from "node:test";
import { chromium } from "playwright-core";
import { closeAll, hero, HTTP_URL } from "./client.js";

const CHROME = process.env.CHROME_PATH || "/usr/bin/chromium";
const SHOTS = process.env.SCREENSHOT_DIR || "../../../target";
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic"];

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: CHROME, headless: true, args: FLAGS });
});
after(async () => {
  if (browser) await browser.close();
});
afterEach(closeAll);

/** A page at `path`; `joins` collects the params of every lobby phx_join it sends. */
async function open(path, init) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const joins = [];
  page.on("websocket", (ws) =>
    ws.on("framesent", ({ payload }) => {
      const frame = JSON.parse(payload);
      if (frame[2] === "notifications:lobby" && frame[3] === "phx_join") joins.push(frame[4]);
    }),
  );
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${HTTP_URL}${path}`);
  await page.waitForFunction(() => document.querySelector('[data-testid="my-name"]')?.textContent !== "…");
  return { context, page, joins, name: await page.getByTestId("my-name").textContent() };
}

const rosterOf = (page) => page.locator('[data-testid="roster"] li').evaluateAll((items) => items.map((li) => li.dataset.hero));

test("summary mode: counts by status, a roster searched by name and filtered by status", async () => {
  const heroes = [];
  for (let i = 0; i < 3; i++) heroes.push(await hero(`h${i}`));
  const me = await open("/?presence=summary");
  const { page } = me;
  await page.waitForFunction(() => document.querySelector('[data-testid="hero-count"]')?.textContent === "4");
  assert.equal(await page.locator("[data-presence-mode]").getAttribute("data-presence-mode"), "summary");
  assert.ok(me.joins.every((params) => params.presence === "summary"), JSON.stringify(me.joins));
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="roster"] li').length === 4);
  assert.deepEqual((await rosterOf(page)).sort(), [...heroes.map((h) => h.name), me.name].sort());

  assert.deepEqual(await heroes[1].push("set_status", { status: "busy" }), ["ok", {}]);
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="presence-counts"] [data-status="busy"]')?.textContent.endsWith(": 1"),
  );
  await page.getByTestId("roster-status").selectOption("busy");
  await page.waitForFunction(
    (name) => {
      const items = [...document.querySelectorAll('[data-testid="roster"] li')].map((li) => li.dataset.hero);
      return items.length === 1 && items[0] === name;
    },
    heroes[1].name,
  );
  await page.getByTestId("roster-status").selectOption("");
  const prefix = heroes[2].name.slice(0, 3);
  await page.getByTestId("roster-search").fill(prefix);
  await page.waitForFunction(
    ([p, name]) => {
      const items = [...document.querySelectorAll('[data-testid="roster"] li')].map((li) => li.dataset.hero);
      return items.includes(name) && items.every((k) => k.startsWith(p));
    },
    [prefix, heroes[2].name],
  );
  // Its own status, which it holds no roster to read from, follows its status buttons.
  await page.getByTestId("status-off_duty").click();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="presence-counts"] [data-status="off_duty"]')?.textContent.endsWith(": 1"),
  );
  await page.waitForFunction(
    () => document.querySelector('[data-testid="status-off_duty"]')?.getAttribute("aria-checked") === "true",
  );
  await page.screenshot({ path: join(SHOTS, "browser-summary.png"), fullPage: true });
  await me.context.close();
});

test("a page that last saw a big lobby joins in summary mode, then goes back to full in a small one", async () => {
  const other = await hero("other");
  const me = await open("/", () => sessionStorage.setItem("rollcall.lobbySize", "5000"));
  const { page } = me;
  await page.waitForFunction(() => document.querySelector("[data-presence-mode]")?.dataset.presenceMode === "full", null, {
    timeout: 10_000,
  });
  await page.waitForFunction(
    (name) => [...document.querySelectorAll('[data-testid="roster"] li')].some((li) => li.dataset.hero === name),
    other.name,
  );
  assert.equal(me.joins[0].presence, "summary", JSON.stringify(me.joins));
  assert.equal(me.joins.at(-1).presence, undefined, JSON.stringify(me.joins));
  await page.waitForFunction(() => document.querySelector('[data-testid="hero-count"]')?.textContent === "2");
  await me.context.close();
});
