// The form of one lifecycle action. Sends { type, version, ...payload }; the server's field-level messages
// (Simplified Chinese) land under the matching input, anything else in an alert above the buttons. A stale
// version (409) offers a refresh of the order instead.
import { Alert, Button, Card, Flex, Form, Input, Select, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { WorkOrderAction, WorkOrderActionRequest, WorkOrderActionResponse, WorkOrderView } from '../../../contracts/work-orders.js';
import { describeError } from '../api/describe-error';
import { ApiError } from '../api/http';
import type { WorkOrderApi } from '../api/work-orders';
import { useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/zh-CN';
import { chinaDateKey } from './format';
import { BUTTON_KEYS } from './labels';
import type { Reference } from './useReference';

/** contracts/work-orders.ts VERSION_CONFLICT_MESSAGE (not imported: that module carries the zod schemas). */
const VERSION_CONFLICT_MESSAGE = '工单已被他人修改，请刷新后重试';

type Field = 'content' | 'answer' | 'reason' | 'departmentId' | 'requestedDueDate' | 'newDueDate' | 'comment';

/** Actions the desktop has a form for. `rate` belongs to the callback (回访) screen. */
export type FormAction = Exclude<WorkOrderAction, 'rate'>;

const FIELDS: Record<FormAction, readonly Field[]> = {
  answer_on_spot: ['answer'],
  dispatch: ['departmentId', 'comment'],
  sign: ['comment'],
  return: ['reason'],
  start: ['comment'],
  request_extension: ['requestedDueDate', 'reason'],
  approve_extension: ['newDueDate', 'comment'],
  reject_extension: ['reason'],
  reply: ['content'],
  accept_reply: ['comment'],
  reject_reply: ['reason'],
  close_unrated: ['reason'],
  rework: ['comment'],
  close: ['reason'],
  archive: ['comment'],
};

export function isFormAction(a: WorkOrderAction): a is FormAction {
  return a in FIELDS;
}

/** Label of the reason input for the actions that have one. */
const REASON_KEYS: Partial<Record<FormAction, MessageKey>> = {
  return: 'action.reason.return',
  request_extension: 'action.reason.request_extension',
  reject_extension: 'action.reason.reject_extension',
  reject_reply: 'action.reason.reject_reply',
  close_unrated: 'action.reason.close_unrated',
  close: 'action.reason.close',
};

interface Values {
  content?: string;
  answer?: string;
  reason?: string;
  departmentId?: string;
  /** YYYY-MM-DD from a native date input (keyboard-friendly, no picker bundle). */
  requestedDueDate?: string;
  newDueDate?: string;
  comment?: string;
}

const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
const date = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

function buildRequest(type: FormAction, version: number, v: Values): WorkOrderActionRequest {
  const comment = text(v.comment);
  switch (type) {
    case 'answer_on_spot':
      return { type, version, answer: text(v.answer) ?? '' };
    case 'dispatch':
      return { type, version, comment, departmentId: v.departmentId ?? '' };
    case 'return':
    case 'reject_extension':
    case 'reject_reply':
    case 'close_unrated':
      return { type, version, reason: text(v.reason) ?? '' };
    case 'request_extension':
      return { type, version, reason: text(v.reason) ?? '', requestedDueDate: date(v.requestedDueDate) ?? '' };
    case 'approve_extension':
      return { type, version, comment, newDueDate: date(v.newDueDate) };
    case 'reply':
      return { type, version, content: text(v.content) ?? '' };
    case 'close':
      return { type, version, reason: text(v.reason) };
    case 'sign':
    case 'start':
    case 'accept_reply':
    case 'rework':
    case 'archive':
      return { type, version, comment };
  }
}

interface Props {
  api: WorkOrderApi;
  reference: Reference;
  order: WorkOrderView;
  action: FormAction;
  onDone: (response: WorkOrderActionResponse) => void;
  onCancel: () => void;
  /** Reload the order (new version, new legal actions). */
  onRefresh: () => void;
}

type Failure = { kind: 'conflict'; message: string | null } | { kind: 'error'; messages: string[] };

export function ActionForm({ api, reference, order, action, onDone, onCancel, onRefresh }: Props) {
  const t = useT();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);
  const fields = FIELDS[action];
  const actionLabel = t(BUTTON_KEYS[action]);

  // A refreshed order (new version) clears a conflict; the typed text stays.
  useEffect(() => {
    setFailure((f) => (f?.kind === 'conflict' ? null : f));
  }, [order.version]);

  const departments = useMemo(
    () => reference.departments.filter((d) => d.active).map((d) => ({ value: d.code, label: d.name, title: `${d.name} (${d.code})` })),
    [reference.departments],
  );

  const submit = async (values: Values) => {
    setBusy(true);
    setFailure(null);
    try {
      const response = await api.act(order.code, buildRequest(action, order.version, values));
      onDone(response);
    } catch (err) {
      if (!(err instanceof ApiError) || !err.body) {
        setFailure({ kind: 'error', messages: [t('action.failed', { message: describeError(err, t) })] });
        return;
      }
      const { code, message, fields: issues = [] } = err.body.error;
      if (err.status === 409 && code === 'conflict') {
        const stale = message === VERSION_CONFLICT_MESSAGE || issues.some((i) => i.field === 'version');
        setFailure({ kind: 'conflict', message: stale ? null : message });
        return;
      }
      const placed = issues.filter((i) => (fields as readonly string[]).includes(i.field));
      const rest = issues.filter((i) => !placed.includes(i));
      if (placed.length > 0) {
        form.setFields(placed.map((i) => ({ name: i.field as Field, errors: [i.message] })));
      }
      if (rest.length > 0) setFailure({ kind: 'error', messages: rest.map((i) => i.message) });
      else if (placed.length === 0) setFailure({ kind: 'error', messages: [message] });
    } finally {
      setBusy(false);
    }
  };

  const required = (label: string) => [{ required: true, whitespace: true, message: t('action.required', { field: label }) }];
  const tomorrow = chinaDateKey(Date.now() + 24 * 3600_000);

  return (
    <Card size="small" title={actionLabel} data-testid={`action-form-${action}`} style={{ marginBottom: 12 }}>
      <Form<Values> form={form} name={`action-${action}`} layout="vertical" onFinish={(v) => void submit(v)} disabled={busy} requiredMark="optional">
        {action === 'return' && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
            {t('action.returnHint')}
          </Typography.Paragraph>
        )}
        {fields.includes('departmentId') && (
          <Form.Item
            name="departmentId"
            label={t('action.field.department')}
            rules={[{ required: true, message: t('action.required', { field: t('action.field.department') }) }]}
          >
            <Select
              showSearch
              autoFocus
              optionFilterProp="title"
              options={departments}
              placeholder={t('action.departmentPlaceholder')}
              aria-label={t('action.field.department')}
              data-testid="dispatch-department"
            />
          </Form.Item>
        )}
        {fields.includes('requestedDueDate') && (
          <Form.Item
            name="requestedDueDate"
            label={t('action.field.requestedDueDate')}
            rules={[{ required: true, message: t('action.required', { field: t('action.field.requestedDueDate') }) }]}
          >
            <Input type="date" autoFocus min={tomorrow} style={{ width: 180 }} aria-label={t('action.field.requestedDueDate')} data-testid="due-date" />
          </Form.Item>
        )}
        {fields.includes('newDueDate') && (
          <Form.Item name="newDueDate" label={t('action.field.newDueDate')}>
            <Input type="date" autoFocus min={tomorrow} style={{ width: 180 }} aria-label={t('action.field.newDueDate')} data-testid="due-date" />
          </Form.Item>
        )}
        {fields.includes('content') && (
          <Form.Item name="content" label={t('action.field.content')} rules={required(t('action.field.content'))}>
            <Input.TextArea autoFocus rows={5} maxLength={5000} showCount aria-label={t('action.field.content')} data-testid="reply-text" />
          </Form.Item>
        )}
        {fields.includes('answer') && (
          <Form.Item name="answer" label={t('action.field.answer')} rules={required(t('action.field.answer'))}>
            <Input.TextArea autoFocus rows={4} maxLength={5000} showCount aria-label={t('action.field.answer')} data-testid="answer-text" />
          </Form.Item>
        )}
        {fields.includes('reason') && (
          <Form.Item
            name="reason"
            label={t(REASON_KEYS[action] ?? 'action.field.comment')}
            rules={action === 'close' ? [] : required(t(REASON_KEYS[action] ?? 'action.field.comment'))}
          >
            <Input.TextArea
              autoFocus={!fields.includes('requestedDueDate')}
              rows={3}
              maxLength={2000}
              showCount
              aria-label={t(REASON_KEYS[action] ?? 'action.field.comment')}
              data-testid="reason-text"
            />
          </Form.Item>
        )}
        {fields.includes('comment') && (
          <Form.Item name="comment" label={t('action.field.comment')}>
            <Input.TextArea autoFocus={fields.length === 1} rows={2} maxLength={2000} aria-label={t('action.field.comment')} data-testid="comment-text" />
          </Form.Item>
        )}
        {failure?.kind === 'conflict' && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="action-conflict"
            message={failure.message ?? t('action.conflict')}
            action={
              <Button size="small" onClick={onRefresh} data-testid="action-refresh" disabled={false}>
                {t('action.refresh')}
              </Button>
            }
          />
        )}
        {failure?.kind === 'error' && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="action-error"
            message={
              failure.messages.length === 1 ? (
                failure.messages[0]
              ) : (
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {failure.messages.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              )
            }
          />
        )}
        <Flex gap={8}>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="action-submit">
            {t('action.submit')}
          </Button>
          <Button onClick={onCancel} data-testid="action-cancel">
            {t('action.cancel')}
          </Button>
        </Flex>
      </Form>
    </Card>
  );
}
