// What an agent reads at the login form when the server refuses: a wrong password, and a throttled or locked
// account (429 with retry-after) told how long to wait rather than "wrong password" again.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { App } from 'antd';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { I18nProvider } from '../i18n/i18n';
import { LoginPage } from './LoginPage';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function answer(status: number, body: unknown) {
  vi.stubGlobal(
    'fetch',
    vi.fn(() => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }))),
  );
}

async function submit(): Promise<string> {
  render(
    <I18nProvider>
      <App>
        <LoginPage onLoggedIn={() => undefined} notice={null} />
      </App>
    </I18nProvider>,
  );
  fireEvent.change(screen.getByTestId('login-username'), { target: { value: 'zhangwei' } });
  fireEvent.change(screen.getByTestId('login-password'), { target: { value: 'guess' } });
  fireEvent.click(screen.getByTestId('login-submit'));
  return (await screen.findByTestId('login-error', {}, { timeout: 3000 })).textContent ?? '';
}

describe('LoginPage refusals', () => {
  it('a wrong password', async () => {
    answer(401, { error: { code: 'invalid_credentials', message: '用户名或密码错误' } });
    expect(await submit()).toBe('用户名或密码错误');
  });

  it('a throttled login says how many seconds to wait', async () => {
    answer(429, { error: { code: 'rate_limited', message: '登录失败次数过多，请 4 秒后再试', retryAfterSeconds: 4 } });
    expect(await submit()).toBe('登录失败次数过多，请 4 秒后再试；忘记密码请联系管理员重置');
  });

  it('a locked account says how many minutes', async () => {
    answer(429, { error: { code: 'rate_limited', message: '…', retryAfterSeconds: 899 } });
    expect(await submit()).toBe('登录失败次数过多，请 15 分钟后再试；忘记密码请联系管理员重置');
  });
});
