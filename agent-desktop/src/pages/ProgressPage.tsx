// 工单进度查询: a citizen checks an order with its number and phone, without logging in (path /progress).
import { Alert, Button, Card, Descriptions, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { PHONE_PATTERN } from '../../../contracts/work-order-schemas.js';
import type { PublicProgressResponse } from '../../../contracts/work-orders.js';
import { describeError } from '../api/describe-error';
import { ApiError } from '../api/http';
import { publicProgress } from '../api/work-orders';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useT } from '../i18n/i18n';

interface Values {
  code: string;
  phone: string;
}

const FIELDS = new Set<string>(['code', 'phone']);

export function ProgressPage() {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PublicProgressResponse | null>(null);
  const [error, setError] = useState<{ text: string; kind: 'rate_limited' | 'not_found' | 'error' } | null>(null);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await publicProgress(v.code.trim(), v.phone.trim()));
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        const body = err.body?.error as { message?: string; retryAfterSeconds?: number } | undefined;
        setError({ kind: 'rate_limited', text: body?.message || t('progress.rateLimited', { seconds: body?.retryAfterSeconds ?? 60 }) });
      } else if (err instanceof ApiError && err.status === 404) {
        setError({ kind: 'not_found', text: t('progress.notFound') });
      } else if (err instanceof ApiError && err.status === 400 && err.body?.error.fields?.length) {
        const fields = err.body.error.fields;
        form.setFields(fields.filter((f) => FIELDS.has(f.field)).map((f) => ({ name: f.field as keyof Values, errors: [f.message] })));
        const others = fields.filter((f) => !FIELDS.has(f.field));
        if (others.length) setError({ kind: 'error', text: others.map((f) => f.message).join('；') });
      } else {
        setError({ kind: 'error', text: t('progress.failed', { message: describeError(err, t) }) });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical align="center" style={{ minHeight: '100vh', background: '#f0f2f5', padding: '48px 12px' }}>
      <div style={{ position: 'fixed', top: 8, right: 12 }}>
        <LanguageSwitch />
      </div>
      <main style={{ width: '100%', maxWidth: 440 }}>
        <Card>
          <Typography.Title level={4} style={{ marginTop: 0, textAlign: 'center' }}>
            {t('progress.title')}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('progress.intro')}</Typography.Paragraph>
          <Form<Values> form={form} name="progress" layout="vertical" onFinish={(v) => void submit(v)} disabled={busy} requiredMark={false}>
            <Form.Item name="code" label={t('progress.code')} rules={[{ required: true, whitespace: true, message: t('progress.codeRequired') }]}>
              <Input autoFocus autoComplete="off" placeholder="GD20260512-000001" data-testid="progress-code" />
            </Form.Item>
            <Form.Item
              name="phone"
              label={t('progress.phone')}
              rules={[
                { required: true, whitespace: true, message: t('progress.phoneRequired') },
                { pattern: PHONE_PATTERN, message: t('progress.phoneInvalid') },
              ]}
            >
              <Input inputMode="tel" autoComplete="tel" data-testid="progress-phone" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy} data-testid="progress-submit">
              {t('progress.submit')}
            </Button>
          </Form>
          <div aria-live="polite" style={{ marginTop: 16 }}>
            {error && (
              <Alert type={error.kind === 'error' ? 'error' : 'warning'} showIcon message={error.text} data-testid="progress-error" data-kind={error.kind} />
            )}
            {result && (
              <div data-testid="progress-result" data-state-label={result.stateLabel}>
                <Descriptions
                  bordered
                  size="small"
                  column={1}
                  title={t('progress.result')}
                  items={[
                    { key: 'code', label: t('progress.code'), children: result.code },
                    {
                      key: 'state',
                      label: t('progress.state'),
                      children: (
                        <Typography.Text strong data-testid="progress-state">
                          {result.stateLabel}
                        </Typography.Text>
                      ),
                    },
                    { key: 'received', label: t('progress.receivedDate'), children: result.receivedDate },
                    {
                      key: 'expected',
                      label: t('progress.expectedDate'),
                      children: result.expectedDate ?? t('progress.closed'),
                    },
                  ]}
                />
              </div>
            )}
          </div>
        </Card>
      </main>
    </Flex>
  );
}
