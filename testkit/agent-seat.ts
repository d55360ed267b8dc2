// Drives the real agent desktop in Chromium the way an agent does: log in, wait for the softphone to register,
// go available, answer, hang up. Reads the page's own audio meters (window.hotline) for media checks.
import type { Page } from 'playwright-core';
import type { IssuedCredential } from '../platform/auth/demo-users.js';

export interface PageAudio {
  rxRms: number;
  rxPackets: number;
  txPackets: number;
  rxEnergy: number;
}

export async function logInAgent(page: Page, baseUrl: string, cred: IssuedCredential): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.getByTestId('login-username').fill(cred.username);
  await page.getByTestId('login-password').fill(cred.password);
  await page.getByTestId('login-submit').click();
  await page.locator('[data-testid="sip-status"][data-state="registered"]').waitFor({ timeout: 20_000 });
}

export async function goAvailable(page: Page): Promise<void> {
  await page.getByTestId('btn-available').click();
  await page.locator('[data-testid="agent-state"][data-state="available"]').waitFor({ timeout: 10_000 });
}

export async function agentState(page: Page): Promise<string | null> {
  return page.getByTestId('agent-state').getAttribute('data-state');
}

export async function pageAudio(page: Page): Promise<PageAudio> {
  return page.evaluate(() => {
    const a = (window as unknown as { hotline?: { audio?: PageAudio } }).hotline?.audio;
    return { rxRms: a?.rxRms ?? 0, rxPackets: a?.rxPackets ?? 0, txPackets: a?.txPackets ?? 0, rxEnergy: a?.rxEnergy ?? 0 };
  });
}
