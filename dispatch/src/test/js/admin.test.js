// The operator dashboard in real Chromium (Debian's, headless) against two launcher nodes on one
// Redis. Started by AdminDashboardIT: ADMIN_URL_A / ADMIN_URL_B are the nodes, NODE_A / NODE_B
// their names, API_KEY the key both were started with. The dashboard is opened on node A; the hero
// joins through node B, so its counts reach the page only through the cluster.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { closeAll, hero } from "./client.js";

const CHROME = process.env.CHROME_PATH || "/usr/bin/chromium";
const SHOTS = process.env.SCREENSHOT_DIR || "../../../target";
const URL_A = process.env.ADMIN_URL_A;
const URL_B = process.env.ADMIN_URL_B;
const NODE_A = process.env.NODE_A;
const NODE_B = process.env.NODE_B;
const KEY = process.env.API_KEY;
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
const LOBBY = "notifications:lobby";

let browser;
let page;

before(async () => {
  for (const [name, value] of Object.entries({ URL_A, URL_B, NODE_A, NODE_B, KEY })) {
    assert.ok(value, `${name} is set by AdminDashboardIT`);
  }
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROME, headless: true, args: FLAGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on("pageerror", (error) => console.error(`[admin] page error: ${error.message}`));
});

after(async () => {
  await closeAll();
  if (browser) await browser.close();
});

const number = async (testId) => Number(await page.getByTestId(testId).textContent());
const lobbyCount = () =>
  page.evaluate((topic) => {
    const row = document.querySelector(`[data-testid="topics"] tr[data-topic="${CSS.escape(topic)}"] [data-testid="topic-count"]`);
    return row ? Number(row.textContent) : 0;
  }, LOBBY);

test("before signing in, /admin shows only the sign-in form", async () => {
  const response = await page.goto(`${URL_A}/admin`);
  assert.equal(response.status(), 200);
  await page.getByTestId("api-key").waitFor();
  assert.equal(await page.getByTestId("nodes").count(), 0);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
});

test("a wrong key is refused with an error, and the form stays", async () => {
  await page.getByTestId("api-key").fill("not-the-key-0123456789");
  await page.getByTestId("sign-in").click();
  const error = page.getByTestId("sign-in-error");
  await error.waitFor({ timeout: 10000 });
  assert.equal(await error.getAttribute("data-reason"), "unauthorized");
  assert.equal(await error.textContent(), "That API key was not accepted.");
  assert.equal(await page.getByTestId("nodes").count(), 0);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("rollcall.adminKey")), null);
});

test("signed in with the key, both nodes are listed up, with their figures", async () => {
  await page.getByTestId("api-key").fill(KEY);
  await page.getByTestId("sign-in").click();
  for (const node of [NODE_A, NODE_B]) {
    await page.locator(`[data-testid="nodes"] tr[data-node="${node}"][data-up="true"]`).waitFor({ timeout: 10000 });
  }
  assert.equal(await page.getByTestId("via-node").textContent(), NODE_A);
  assert.equal(await page.getByTestId("connection").textContent(), "connected");
  // Figures from node B arrive over Redis: its row fills in within a few samples.
  await page.waitForFunction(
    (node) => document.querySelector(`tr[data-node="${node}"] [data-testid="node-connections"]`)?.textContent !== "—",
    NODE_B,
    { timeout: 10000 },
  );
  assert.equal(await page.getByTestId("redis").textContent(), "up");
  assert.equal(await page.getByTestId("nodes-up").textContent(), "2 / 2");
  assert.equal(await page.locator('[data-testid="board"] dd').count(), 4);
});

test("a hero joining on the other node raises the counts the dashboard shows, and its incident the board", async () => {
  // This dashboard's own socket is one of node A's connections: wait until it is counted.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="total-connections"]')?.textContent) >= 1, null, {
    timeout: 10000,
  });
  const connections = await number("total-connections");
  const present = await lobbyCount();

  const h = await hero("dashboard-hero", { url: URL_B });
  assert.equal(h.joinReply[0], "ok");

  await page.waitForFunction(
    (before) => Number(document.querySelector('[data-testid="total-connections"]').textContent) > before,
    connections,
    { timeout: 10000 },
  );
  await page.waitForFunction(
    ([topic, before]) => {
      const cell = document.querySelector(`[data-testid="topics"] tr[data-topic="${CSS.escape(topic)}"] [data-testid="topic-count"]`);
      return cell && Number(cell.textContent) > before;
    },
    [LOBBY, present],
    { timeout: 10000 },
  );
  await page.waitForFunction(
    (node) => Number(document.querySelector(`tr[data-node="${node}"] [data-testid="node-connections"]`)?.textContent) >= 1,
    NODE_B,
    { timeout: 10000 },
  );
  // An incident reported by the hero lands on the dispatch board, whatever state it is in by now.
  const boardTotal = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="board"] dd')].reduce((sum, dd) => sum + Number(dd.textContent), 0),
    );
  const dispatches = await boardTotal();
  const [status] = await h.push("report_incident", { body: "Cat on the dashboard" });
  assert.equal(status, "ok");
  await page.waitForFunction(
    (before) =>
      [...document.querySelectorAll('[data-testid="board"] dd')].reduce((sum, dd) => sum + Number(dd.textContent), 0) > before,
    dispatches,
    { timeout: 10000 },
  );
  // The chart has the history the server kept before the page opened, and grows with each sample.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart"]').dataset.samples) >= 3, null, {
    timeout: 10000,
  });
  await page.screenshot({ path: join(SHOTS, "admin-dashboard.png"), fullPage: true });
});

test("a reload stays signed in (the key is in this tab's sessionStorage)", async () => {
  await page.reload();
  await page.locator(`[data-testid="nodes"] tr[data-node="${NODE_B}"]`).waitFor({ timeout: 10000 });
  await page.getByTestId("sign-out").click();
  await page.getByTestId("api-key").waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem("rollcall.adminKey")), null);
});
