import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import type { LoginRequest, LoginResponse } from '../../../contracts/api.js';
import { describeError } from '../api/describe-error';
import { ApiError, login } from '../api/http';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useT, type Translate } from '../i18n/i18n';

interface Props {
  onLoggedIn: (response: LoginResponse, password: string) => void;
  /** Shown above the form, e.g. after the server expired the session. */
  notice: string | null;
}

const FORM_FIELDS = new Set<string>(['username', 'password']);

/** Server field messages are zod's; map the ones we know, show the rest verbatim. */
function fieldMessage(message: string, t: Translate): string {
  if (message === 'required') return t('field.required');
  if (/too big|too long|<=/i.test(message)) return t('field.tooLong');
  return message;
}

export function LoginPage({ onLoggedIn, notice }: Props) {
  const t = useT();
  const [form] = Form.useForm<LoginRequest>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: LoginRequest) => {
    setBusy(true);
    setError(null);
    try {
      const response = await login({ username: values.username.trim(), password: values.password });
      onLoggedIn(response, values.password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setError(t('login.invalidCredentials'));
      } else if (err instanceof ApiError && err.status === 429) {
        const s = err.body?.error.retryAfterSeconds ?? 60;
        setError(t('login.throttled', { wait: s >= 60 ? t('login.waitMinutes', { n: Math.ceil(s / 60) }) : t('login.waitSeconds', { n: s }) }));
      } else if (err instanceof ApiError && err.status === 400 && err.body?.error.fields?.length) {
        const fields = err.body.error.fields;
        form.setFields(
          fields.filter((f) => FORM_FIELDS.has(f.field)).map((f) => ({ name: f.field as keyof LoginRequest, errors: [fieldMessage(f.message, t)] })),
        );
        const others = fields.filter((f) => !FORM_FIELDS.has(f.field));
        if (others.length) setError(others.map((f) => `${f.field}: ${f.message}`).join('; '));
      } else {
        setError(t('login.failed', { message: describeError(err, t) }));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical align="center" justify="center" style={{ minHeight: '100vh', background: '#f0f2f5' }}>
      <div style={{ position: 'fixed', top: 8, right: 12 }}>
        <LanguageSwitch />
      </div>
      <Card style={{ width: 360 }}>
        <Typography.Title level={4} style={{ textAlign: 'center', marginTop: 0 }}>
          {t('login.title')}
        </Typography.Title>
        {notice && <Alert type="warning" showIcon message={notice} style={{ marginBottom: 12 }} />}
        <Form<LoginRequest> form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark={false} disabled={busy}>
          <Form.Item name="username" label={t('login.username')} rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
            extra={t('login.passwordHint')}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="login-error" />}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </Flex>
  );
}
