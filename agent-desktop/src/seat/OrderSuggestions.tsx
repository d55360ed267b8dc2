// 推荐: the server's best catalog items for what was typed, the district it recognised, and where the order
// would be dispatched.
import { Button, Flex, Tag, Typography } from 'antd';
import type { CatalogSuggestResponse } from '../../../contracts/work-orders.js';
import { useT } from '../i18n/i18n';
import { toOption, type ItemOption } from './useCatalogChoice';

interface Props {
  suggest: CatalogSuggestResponse | null;
  itemCode: string | undefined;
  district: string | undefined;
  dispatchPreview: CatalogSuggestResponse['dispatch'] | null;
  onItem: (option: ItemOption) => void;
  onDistrict: (district: string) => void;
}

export function OrderSuggestions({ suggest, itemCode, district, dispatchPreview, onItem, onDistrict }: Props) {
  const t = useT();
  const top = suggest?.items ?? [];
  const suggestedDistrict = suggest?.district ?? null;
  if (top.length === 0 && !suggestedDistrict) return null;
  return (
    <Flex gap={4} wrap align="center" style={{ marginTop: -8, marginBottom: 8 }} data-testid="order-suggestions">
      <Typography.Text type="secondary">{t('order.suggested')}</Typography.Text>
      {top.slice(0, 3).map((s) => (
        <Button
          key={s.itemCode}
          size="small"
          type={s.itemCode === itemCode ? 'primary' : 'dashed'}
          onClick={() => onItem(toOption({ code: s.itemCode, name: s.name, timeLimit: s.timeLimit }))}
          data-testid={`suggest-item-${s.itemCode}`}
          aria-label={t('order.useSuggestion', { item: `${s.itemCode} ${s.name}` })}
        >
          {s.itemCode} {s.name}
        </Button>
      ))}
      {suggestedDistrict && suggestedDistrict.name !== district && (
        <Button size="small" type="dashed" data-testid="suggest-district" onClick={() => onDistrict(suggestedDistrict.name)}>
          {t('order.useDistrict', { district: suggestedDistrict.name })}
        </Button>
      )}
      {dispatchPreview && (
        <Tag color={dispatchPreview.kind === 'auto' ? 'blue' : 'orange'} data-testid="dispatch-preview">
          {dispatchPreview.kind === 'auto' ? t('order.previewAuto', { department: dispatchPreview.departmentName }) : t('order.previewManual')}
        </Tag>
      )}
    </Flex>
  );
}
