// The work order of one call, filled while talking: type, catalog item (search by words or code, suggestions
// from what was typed), place, citizen, content and summary, 紧急; then 派单 (the server auto-dispatches or sends it
// to the dispatch desk) or 直办办结 with a knowledge-base answer. Every change is kept as a draft in the browser
// (useOrderDraft); the server's field messages land under their inputs (useOrderSubmit). Ctrl+S saves.
import { SaveOutlined, SearchOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, AutoComplete, Button, Checkbox, Col, Flex, Form, Input, Radio, Row, Select, Switch, Tooltip } from 'antd';
import { useMemo, useState } from 'react';
import type { OrderType, TimeLimitClass } from '../../../contracts/work-orders.js';
import type { FieldIssue } from '../../../contracts/errors.js';
import type { WorkOrderApi } from '../api/work-orders';
import { useT } from '../i18n/i18n';
import { TIME_LIMIT_KEYS, TYPE_KEYS } from '../workorders/labels';
import type { OrderFormValues } from './drafts';
import { KnowledgePanel } from './KnowledgePanel';
import { NoOrderModal } from './NoOrderModal';
import { orderFieldsOf } from './order-fields';
import { OrderSuggestions } from './OrderSuggestions';
import { dispatchPreviewOf, useCatalogItem, useOrderSuggestion, usePlaces, type ItemOption } from './useCatalogChoice';
import type { CallContext, CallOutcome } from './useCallContext';
import { useKnowledgeSearch } from './useKnowledgeSearch';
import { useOrderDraft } from './useOrderDraft';
import { useOrderSubmit } from './useOrderSubmit';

type Place = NonNullable<OrderFormValues['place']>;

const ORDER_TYPES: readonly OrderType[] = ['consultation', 'help', 'complaint', 'report', 'suggestion'];
const TIME_LIMITS: readonly TimeLimitClass[] = ['urgent_dispatch', 'life_property', 'utility', 'general', 'complex'];

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
  const fields = useMemo(() => orderFieldsOf(form), [form]);
  const draft = useOrderDraft(agentId, context, fields);
  const { initialValues, schedulePersist } = draft;
  const item = useCatalogItem(api, fields, draft);
  const [noOrderOpen, setNoOrderOpen] = useState(false);

  const summary = Form.useWatch('summary', form);
  const content = Form.useWatch('content', form);
  // antd types nested paths only when every level is required (`place` is optional), so name the value type.
  const district = Form.useWatch<Place['district']>(['place', 'district'], form);
  const street = Form.useWatch<Place['street']>(['place', 'street'], form);
  const address = Form.useWatch<Place['address']>(['place', 'address'], form);
  const disposition = Form.useWatch('disposition', form) ?? initialValues.disposition ?? 'dispatch';
  const itemCode = Form.useWatch('catalogItemCode', form);
  const suggest = useOrderSuggestion(api, { summary, content, district, street, address });
  const { districts, streetOptions } = usePlaces(api, district, street);
  const kb = useKnowledgeSearch(api, fields, disposition, draft.itemLabel, schedulePersist);
  const submit = useOrderSubmit({ api, agentId, fields, draft, syncRefusal, onOutcome });
  const { busy, failure, save } = submit;

  const required = (key: Parameters<typeof t>[0]) => [{ required: true, whitespace: true, message: t('order.required', { field: t(key) }) }];
  const pending = draft.pending;
  const takeDistrict = (name: string) => {
    fields.set({ place: { ...fields.values().place, district: name } });
    schedulePersist();
  };

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
              <Switch
                data-testid="order-urgent"
                aria-label={t('order.urgent')}
                checkedChildren={t('wo.urgency.urgent')}
                unCheckedChildren={t('wo.urgency.normal')}
              />
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
                onSearch={item.search}
                onChange={(_, option) => {
                  if (option && !Array.isArray(option)) item.choose(option);
                }}
                options={item.options}
                loading={item.searching}
                placeholder={t('order.itemPlaceholder')}
                notFoundContent={t('order.itemNotFound')}
                aria-label={t('order.item')}
                data-testid="order-item"
                suffixIcon={<SearchOutlined />}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="timeLimitClass"
              label={t('order.timeLimit')}
              rules={[{ required: true, message: t('order.required', { field: t('order.timeLimit') }) }]}
            >
              <Select<TimeLimitClass>
                options={TIME_LIMITS.map((value) => ({ value, label: t(TIME_LIMIT_KEYS[value]) }))}
                aria-label={t('order.timeLimit')}
                data-testid="order-time-limit"
              />
            </Form.Item>
          </Col>
        </Row>
        <OrderSuggestions
          suggest={suggest}
          itemCode={itemCode}
          district={district}
          dispatchPreview={dispatchPreviewOf(suggest, itemCode, disposition)}
          onItem={item.choose}
          onDistrict={takeDistrict}
        />
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
            <KnowledgePanel kb={kb} />
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
      <NoOrderModal
        open={noOrderOpen}
        onCancel={() => setNoOrderOpen(false)}
        onConfirm={(reason) => {
          setNoOrderOpen(false);
          submit.noOrder(reason);
        }}
      />
    </>
  );
}
