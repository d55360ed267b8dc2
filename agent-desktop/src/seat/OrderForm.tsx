// The work order of one call, filled while talking: type, catalog item (search by words or code, suggestions
// from what was typed), place, citizen, content and summary, 紧急; then 派单 (the server auto-dispatches or sends it
// to the dispatch desk) or 直办办结 with a knowledge-base answer. Every change is kept as a draft in the browser;
// the server's field messages land under their inputs. Ctrl+S saves.
import { SaveOutlined, SearchOutlined, StopOutlined } from '@ant-design/icons';
import {
  Alert,
  AutoComplete,
  Button,
  Checkbox,
  Col,
  Flex,
  Form,
  Input,
  List,
  Modal,
  Radio,
  Row,
  Select,
  Switch,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { NamePath } from 'antd/es/form/interface';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type {
  CatalogItem,
  CatalogSuggestResponse,
  District,
  KnowledgeArticle,
  OrderType,
  TimeLimitClass,
} from '../../../contracts/work-orders.js';
import type { FieldIssue } from '../../../contracts/errors.js';
import { describeError } from '../api/describe-error';
import type { WorkOrderApi } from '../api/work-orders';
import { useT } from '../i18n/i18n';
import { TIME_LIMIT_KEYS, TYPE_KEYS } from '../workorders/labels';
import { loadCatalog } from './catalog-cache';
import { drafts, useDrafts, type OrderFormValues, type StoredDraft } from './drafts';
import { submitOrder, type SubmitResult } from './submit-order';
import { NO_ORDER_REASONS, type CallContext, type CallOutcome, type NoOrderReason } from './useCallContext';
import { useCallSpeech } from '../transcript/speech-store';

const ORDER_TYPES: readonly OrderType[] = ['consultation', 'help', 'complaint', 'report', 'suggestion'];
const TIME_LIMITS: readonly TimeLimitClass[] = ['urgent_dispatch', 'life_property', 'utility', 'general', 'complex'];
const DRAFT_DEBOUNCE_MS = 300;
const SEARCH_DEBOUNCE_MS = 250;
const SUGGEST_DEBOUNCE_MS = 700;

/** Server field paths (contracts/work-orders.ts, dotted) that have an input here. */
const FORM_FIELDS = new Set([
  'type',
  'catalogItemCode',
  'timeLimitClass',
  'content',
  'summary',
  'answer',
  'place.district',
  'place.street',
  'place.address',
  'citizen.phone',
  'citizen.name',
  'citizen.confidential',
]);

function formName(field: string): NamePath | null {
  if (field === 'urgency') return ['urgent'];
  if (field === 'answerOnSpot') return ['answer'];
  return FORM_FIELDS.has(field) ? field.split('.') : null;
}

/** A mobile number as the order wants it: +86 / 0086 dropped. */
export function citizenPhoneOf(callerNumber: string | null): string {
  const digits = (callerNumber ?? '').replace(/[^\d+]/g, '');
  return digits.replace(/^(\+86|0086)(?=1\d{10}$)/, '');
}

interface ItemOption {
  value: string;
  label: string;
  title: string;
  timeLimit: TimeLimitClass;
}

const toOption = (i: Pick<CatalogItem, 'code' | 'name' | 'timeLimit'>): ItemOption => ({
  value: i.code,
  label: `${i.code} ${i.name}`,
  title: `${i.code} ${i.name}`,
  timeLimit: i.timeLimit,
});

interface Props {
  api: WorkOrderApi;
  agentId: string;
  context: CallContext;
  /** A retry of this draft by useDraftSync ended with the server refusing it. */
  syncRefusal: { message: string; fields: FieldIssue[] } | null;
  onOutcome: (key: string, outcome: CallOutcome) => void;
}

export function OrderForm({ api, agentId, context, syncRefusal, onOutcome }: Props) {
  const t = useT();
  const [form] = Form.useForm<OrderFormValues>();
  const ctx = useRef(context);
  ctx.current = context;
  // What was stored when this call's form opened (a reload, or a draft resumed).
  const [stored] = useState(() => drafts.get(agentId, context.key));
  const current = useDrafts(agentId).find((d) => d.key === context.key) ?? null;
  const [itemLabel, setItemLabel] = useState<string | null>(stored?.itemLabel ?? null);
  const [itemOptions, setItemOptions] = useState<ItemOption[]>(() =>
    stored?.values.catalogItemCode
      ? [{ value: stored.values.catalogItemCode, label: stored.itemLabel ?? stored.values.catalogItemCode, title: stored.itemLabel ?? '', timeLimit: stored.values.timeLimitClass ?? 'general' }]
      : [],
  );
  const [searching, setSearching] = useState(false);
  const [districts, setDistricts] = useState<District[]>([]);
  const [suggest, setSuggest] = useState<CatalogSuggestResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string[] | null>(null);
  const [noOrderOpen, setNoOrderOpen] = useState(false);
  const [noOrderReason, setNoOrderReason] = useState<NoOrderReason>('wrong_number');
  const done = useRef(false);

  // The form owns the values after the first render.
  const [initialValues] = useState<OrderFormValues>(
    () =>
      stored?.values ?? {
        citizen: { phone: citizenPhoneOf(context.callerNumber), confidential: false },
        urgent: false,
        disposition: 'dispatch',
      },
  );

  // ---- draft persistence ---------------------------------------------------------------------------------------
  const itemLabelRef = useRef(itemLabel);
  itemLabelRef.current = itemLabel;
  const persist = useCallback(
    (patch: Partial<StoredDraft> = {}) => {
      if (done.current) return;
      const c = ctx.current;
      const before = drafts.get(agentId, c.key);
      drafts.put({
        v: 1,
        agentId,
        key: c.key,
        callId: c.callId,
        callerNumber: c.callerNumber,
        startedAt: c.startedAt,
        updatedAt: Date.now(),
        talked: c.talked || (before?.talked ?? false),
        values: form.getFieldsValue(true) as OrderFormValues,
        itemLabel: itemLabelRef.current,
        pendingSubmit: before?.pendingSubmit ?? null,
        ...patch,
      });
    },
    [agentId, form],
  );
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const flush = useCallback(() => {
    if (timer.current === null) return;
    clearTimeout(timer.current);
    timer.current = null;
    persist();
  }, [persist]);
  const schedulePersist = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      persist();
    }, DRAFT_DEBOUNCE_MS);
  }, [persist]);
  useEffect(() => {
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [flush]);
  // An answered call always has a draft: the wrap-up policy counts it until it is saved.
  useEffect(() => {
    if (context.talked && !done.current) persist({ talked: true });
  }, [context.talked, persist]);
  // An emergency word heard on this call (keyword spotting) pre-ticks 紧急 once; the agent may untick it.
  const heardEmergency = useCallSpeech(context.callId).emergency?.keyword ?? null;
  const urgedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!heardEmergency || !context.callId || urgedFor.current === context.callId || done.current) return;
    urgedFor.current = context.callId;
    form.setFieldsValue({ urgent: true });
    persist();
  }, [heardEmergency, context.callId, form, persist]);

  // ---- reference data, search and suggestions -------------------------------------------------------------------
  useEffect(() => {
    let alive = true;
    loadCatalog(api).then(
      (c) => alive && setDistricts(c.districts),
      () => {},
    );
    return () => {
      alive = false;
    };
  }, [api]);

  const searchSeq = useRef(0);
  const searchTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onItemSearch = (text: string) => {
    if (searchTimer.current) clearTimeout(searchTimer.current);
    const q = text.trim();
    if (!q) return;
    searchTimer.current = setTimeout(() => {
      const id = ++searchSeq.current;
      setSearching(true);
      api.searchCatalog(q).then(
        (c) => {
          if (id !== searchSeq.current) return;
          setItemOptions(c.items.slice(0, 30).map(toOption));
          setSearching(false);
        },
        () => id === searchSeq.current && setSearching(false),
      );
    }, SEARCH_DEBOUNCE_MS);
  };

  const chooseItem = (option: ItemOption) => {
    setItemLabel(option.label);
    setItemOptions((opts) => (opts.some((o) => o.value === option.value) ? opts : [option, ...opts]));
    const urgent = option.timeLimit === 'urgent_dispatch' ? true : form.getFieldValue('urgent');
    form.setFieldsValue({ catalogItemCode: option.value, timeLimitClass: option.timeLimit, urgent });
    form.setFields([{ name: 'catalogItemCode', errors: [] }, { name: 'timeLimitClass', errors: [] }]);
    schedulePersist();
  };

  const summary = Form.useWatch('summary', form);
  const content = Form.useWatch('content', form);
  const district = Form.useWatch(['place', 'district'], form);
  const street = Form.useWatch(['place', 'street'], form);
  const address = Form.useWatch(['place', 'address'], form);
  const disposition = Form.useWatch('disposition', form) ?? initialValues.disposition ?? 'dispatch';
  const itemCode = Form.useWatch('catalogItemCode', form);
  useEffect(() => {
    const text = [summary, content].filter((s) => s && s.trim()).join('。');
    if (text.trim().length < 4) {
      setSuggest(null);
      return;
    }
    const where = [district, street, address].filter(Boolean).join(' ');
    let alive = true;
    const handle = setTimeout(() => {
      api.suggestCatalog(text, where || undefined).then(
        (r) => alive && setSuggest(r),
        () => {},
      );
    }, SUGGEST_DEBOUNCE_MS);
    return () => {
      alive = false;
      clearTimeout(handle);
    };
  }, [api, summary, content, district, street, address]);

  const streetOptions = useMemo(() => {
    const d = districts.find((x) => x.name === district);
    const typed = (street ?? '').trim();
    return (d?.places ?? []).filter((p) => !typed || p.includes(typed)).slice(0, 20).map((p) => ({ value: p }));
  }, [districts, district, street]);

  // ---- knowledge base (直办) --------------------------------------------------------------------------------------
  const [articles, setArticles] = useState<KnowledgeArticle[] | null>(null);
  const [kbError, setKbError] = useState<string | null>(null);
  const searchKnowledge = useCallback(
    (q: string) => {
      setKbError(null);
      api.knowledge(q.trim()).then(
        (r) => setArticles(r.items),
        (err: unknown) => setKbError(describeError(err, t)),
      );
    },
    [api, t],
  );
  useEffect(() => {
    if (disposition === 'answer' && articles === null) searchKnowledge(itemLabel?.split(' ').slice(1).join(' ') ?? '');
  }, [disposition, articles, itemLabel, searchKnowledge]);
  const insertArticle = (a: KnowledgeArticle) => {
    const before = (form.getFieldValue('answer') as string | undefined)?.trim();
    form.setFieldsValue({ answer: before ? `${before}\n${a.body}` : a.body });
    form.setFields([{ name: 'answer', errors: [] }]);
    schedulePersist();
  };

  // ---- saving -----------------------------------------------------------------------------------------------------
  const showRefusal = useCallback(
    (message: string, fields: FieldIssue[]) => {
      const placed: { name: NamePath; errors: string[] }[] = [];
      const rest: string[] = [];
      for (const issue of fields) {
        const name = formName(issue.field);
        if (name) {
          const known = placed.find((p) => JSON.stringify(p.name) === JSON.stringify(name));
          if (known) known.errors.push(issue.message);
          else placed.push({ name, errors: [issue.message] });
        } else rest.push(issue.message);
      }
      if (placed.length > 0) form.setFields(placed);
      if (rest.length > 0) setFailure(rest);
      else if (placed.length === 0) setFailure([message]);
    },
    [form],
  );
  useEffect(() => {
    if (syncRefusal) showRefusal(syncRefusal.message, syncRefusal.fields);
  }, [syncRefusal, showRefusal]);

  const handle = (result: SubmitResult) => {
    const key = ctx.current.key;
    switch (result.kind) {
      case 'saved':
        done.current = true;
        drafts.remove(agentId, key);
        onOutcome(key, { kind: 'saved', order: result.order, at: Date.now() });
        return;
      case 'offline':
        persist({ pendingSubmit: { since: Date.now(), attempts: 1 } });
        return;
      case 'invalid':
        showRefusal(result.message, result.fields);
        return;
      case 'error':
        setFailure([t('order.saveFailed', { message: describeError(result.error, t) })]);
    }
  };

  const busyRef = useRef(false);
  const save = async () => {
    if (busyRef.current || done.current || current?.pendingSubmit) return;
    setFailure(null);
    try {
      await form.validateFields();
    } catch {
      return;
    }
    busyRef.current = true;
    setBusy(true);
    if (timer.current !== null) flush();
    else persist();
    const result = await submitOrder(api, { values: form.getFieldsValue(true) as OrderFormValues, callId: ctx.current.callId });
    busyRef.current = false;
    setBusy(false);
    handle(result);
  };
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        if (!event.repeat) void saveRef.current();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const confirmNoOrder = () => {
    done.current = true;
    if (timer.current !== null) clearTimeout(timer.current);
    drafts.remove(agentId, ctx.current.key);
    setNoOrderOpen(false);
    onOutcome(ctx.current.key, { kind: 'not_needed', reason: noOrderReason, at: Date.now() });
  };

  const required = (key: Parameters<typeof t>[0]) => [{ required: true, whitespace: true, message: t('order.required', { field: t(key) }) }];
  const pending = current?.pendingSubmit ?? null;
  const top = suggest?.items ?? [];
  const dispatchPreview = suggest?.dispatch && top[0]?.itemCode === itemCode && disposition === 'dispatch' ? suggest.dispatch : null;

  return (
    <>
      <Form<OrderFormValues>
        form={form}
        name="order"
        layout="vertical"
        size="small"
        initialValues={initialValues}
        onValuesChange={schedulePersist}
        onFinish={() => void save()}
        disabled={busy || pending !== null}
        data-testid="order-form"
      >
        <Row gutter={8}>
          <Col xs={24} md={14}>
            <Form.Item name="type" label={t('order.type')} rules={[{ required: true, message: t('order.required', { field: t('order.type') }) }]}>
              <Radio.Group optionType="button" buttonStyle="solid" aria-label={t('order.type')}>
                {ORDER_TYPES.map((type) => (
                  <Radio.Button key={type} value={type} data-testid={`order-type-${type}`}>
                    {t(TYPE_KEYS[type])}
                  </Radio.Button>
                ))}
              </Radio.Group>
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item name="urgent" label={t('order.urgent')} valuePropName="checked">
              <Switch data-testid="order-urgent" aria-label={t('order.urgent')} checkedChildren={t('wo.urgency.urgent')} unCheckedChildren={t('wo.urgency.normal')} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name={['citizen', 'confidential']} label={t('order.confidentialLabel')} valuePropName="checked">
              <Checkbox data-testid="order-confidential">{t('order.confidential')}</Checkbox>
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={8}>
          <Col xs={24} md={16}>
            <Form.Item name="catalogItemCode" label={t('order.item')} rules={required('order.item')}>
              <Select<string, ItemOption>
                showSearch
                filterOption={false}
                onSearch={onItemSearch}
                onChange={(_, option) => {
                  if (option && !Array.isArray(option)) chooseItem(option);
                }}
                options={itemOptions}
                loading={searching}
                placeholder={t('order.itemPlaceholder')}
                notFoundContent={t('order.itemNotFound')}
                aria-label={t('order.item')}
                data-testid="order-item"
                suffixIcon={<SearchOutlined />}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="timeLimitClass" label={t('order.timeLimit')} rules={[{ required: true, message: t('order.required', { field: t('order.timeLimit') }) }]}>
              <Select<TimeLimitClass>
                options={TIME_LIMITS.map((value) => ({ value, label: t(TIME_LIMIT_KEYS[value]) }))}
                aria-label={t('order.timeLimit')}
                data-testid="order-time-limit"
              />
            </Form.Item>
          </Col>
        </Row>
        {(top.length > 0 || suggest?.district) && (
          <Flex gap={4} wrap align="center" style={{ marginTop: -8, marginBottom: 8 }} data-testid="order-suggestions">
            <Typography.Text type="secondary">{t('order.suggested')}</Typography.Text>
            {top.slice(0, 3).map((s) => (
              <Button
                key={s.itemCode}
                size="small"
                type={s.itemCode === itemCode ? 'primary' : 'dashed'}
                onClick={() => chooseItem(toOption({ code: s.itemCode, name: s.name, timeLimit: s.timeLimit }))}
                data-testid={`suggest-item-${s.itemCode}`}
                aria-label={t('order.useSuggestion', { item: `${s.itemCode} ${s.name}` })}
              >
                {s.itemCode} {s.name}
              </Button>
            ))}
            {suggest?.district && suggest.district.name !== district && (
              <Button
                size="small"
                type="dashed"
                data-testid="suggest-district"
                onClick={() => {
                  form.setFieldsValue({ place: { ...form.getFieldValue('place'), district: suggest.district!.name } });
                  schedulePersist();
                }}
              >
                {t('order.useDistrict', { district: suggest.district.name })}
              </Button>
            )}
            {dispatchPreview && (
              <Tag color={dispatchPreview.kind === 'auto' ? 'blue' : 'orange'} data-testid="dispatch-preview">
                {dispatchPreview.kind === 'auto'
                  ? t('order.previewAuto', { department: dispatchPreview.departmentName })
                  : t('order.previewManual')}
              </Tag>
            )}
          </Flex>
        )}
        <Row gutter={8}>
          <Col xs={24} md={6}>
            <Form.Item name={['place', 'district']} label={t('order.district')} rules={required('order.district')}>
              <Select<string>
                showSearch
                options={districts.map((d) => ({ value: d.name, label: d.name }))}
                aria-label={t('order.district')}
                data-testid="order-district"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name={['place', 'street']} label={t('order.street')}>
              <AutoComplete options={streetOptions} aria-label={t('order.street')} data-testid="order-street" maxLength={50} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name={['place', 'address']} label={t('order.address')}>
              <Input maxLength={200} aria-label={t('order.address')} data-testid="order-address" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={8}>
          <Col xs={24} md={12}>
            <Form.Item name={['citizen', 'phone']} label={t('order.phone')} rules={required('order.phone')}>
              <Input inputMode="tel" maxLength={20} aria-label={t('order.phone')} data-testid="order-phone" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name={['citizen', 'name']} label={t('order.name')}>
              <Input maxLength={50} aria-label={t('order.name')} data-testid="order-name" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="summary" label={t('order.summary')} rules={required('order.summary')}>
          <Input maxLength={200} showCount aria-label={t('order.summary')} data-testid="order-summary" />
        </Form.Item>
        <Form.Item name="content" label={t('order.content')} rules={required('order.content')}>
          <Input.TextArea rows={4} maxLength={5000} showCount aria-label={t('order.content')} data-testid="order-content" />
        </Form.Item>
        <Form.Item name="disposition" label={t('order.disposition')}>
          <Radio.Group aria-label={t('order.disposition')}>
            <Radio value="dispatch" data-testid="disposition-dispatch">
              {t('order.dispositionDispatch')}
            </Radio>
            <Radio value="answer" data-testid="disposition-answer">
              {t('order.dispositionAnswer')}
            </Radio>
          </Radio.Group>
        </Form.Item>
        {disposition === 'answer' && (
          <>
            <Form.Item name="answer" label={t('order.answer')} rules={required('order.answer')}>
              <Input.TextArea rows={4} maxLength={5000} showCount aria-label={t('order.answer')} data-testid="order-answer" />
            </Form.Item>
            <div style={{ marginBottom: 12 }} data-testid="kb-panel">
              <Input.Search
                placeholder={t('kb.placeholder')}
                enterButton={t('kb.search')}
                onSearch={searchKnowledge}
                aria-label={t('kb.placeholder')}
                data-testid="kb-search"
                disabled={false}
              />
              {kbError && <Alert type="warning" showIcon message={kbError} style={{ marginTop: 4 }} />}
              {articles !== null && (
                <List<KnowledgeArticle>
                  size="small"
                  dataSource={articles}
                  locale={{ emptyText: t('kb.empty') }}
                  renderItem={(a) => (
                    <List.Item
                      key={a.id}
                      data-testid={`kb-article-${a.id}`}
                      actions={[
                        <Button
                          key="insert"
                          size="small"
                          onClick={() => insertArticle(a)}
                          data-testid={`kb-insert-${a.id}`}
                          aria-label={t('kb.insertNamed', { title: a.title })}
                          disabled={false}
                        >
                          {t('kb.insert')}
                        </Button>,
                      ]}
                    >
                      <List.Item.Meta
                        title={a.title}
                        description={<Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0 }}>{a.body}</Typography.Paragraph>}
                      />
                    </List.Item>
                  )}
                />
              )}
            </div>
          </>
        )}
        {pending && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 8 }}
            data-testid="order-pending"
            message={t('order.pendingTitle')}
            description={t('order.pendingText', { attempts: pending.attempts })}
          />
        )}
        {failure && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 8 }}
            data-testid="order-error"
            message={
              failure.length === 1 ? (
                failure[0]
              ) : (
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {failure.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              )
            }
          />
        )}
        <Flex gap={8} wrap>
          <Tooltip title={t('order.saveHint')}>
            <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={busy} data-testid="btn-save-order" aria-keyshortcuts="Control+S">
              {disposition === 'answer' ? t('order.saveAnswer') : t('order.saveDispatch')}
            </Button>
          </Tooltip>
          <Button icon={<StopOutlined />} onClick={() => setNoOrderOpen(true)} data-testid="btn-no-order" disabled={busy}>
            {t('order.noOrder')}
          </Button>
        </Flex>
      </Form>
      <Modal
        open={noOrderOpen}
        title={t('order.noOrderTitle')}
        onCancel={() => setNoOrderOpen(false)}
        onOk={confirmNoOrder}
        okText={t('order.noOrderConfirm')}
        cancelText={t('action.cancel')}
        okButtonProps={{ 'data-testid': 'no-order-confirm' } as Record<`data-${string}`, string>}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('order.noOrderText')}</Typography.Paragraph>
        <Radio.Group value={noOrderReason} onChange={(e) => setNoOrderReason(e.target.value as NoOrderReason)} aria-label={t('order.noOrderReason')}>
          <Flex vertical gap={4}>
            {NO_ORDER_REASONS.map((r) => (
              <Radio key={r} value={r} data-testid={`no-order-${r}`}>
                {t(`order.noOrder.${r}`)}
              </Radio>
            ))}
          </Flex>
        </Radio.Group>
      </Modal>
    </>
  );
}
