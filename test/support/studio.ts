import fs from "node:fs";
import type { Page } from "playwright-core";
import { expect } from "vitest";

const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** axe-core in the page (evaluated, as the page's policy allows no injected script): no serious or critical violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate<{ id: string; impact: string; targets: string[] }[]>(
    `axe.run({ resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) })))`,
  );
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious, `${screen}: ${JSON.stringify(serious)}`).toEqual([]);
}

/** Signs in through the Studio's form and waits for the desk. */
export async function signInToStudio(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/studio/`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "Desk" }).waitFor({ timeout: 30_000 });
}
