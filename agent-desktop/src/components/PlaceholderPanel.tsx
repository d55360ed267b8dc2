import { Card, Empty } from 'antd';
import { useT } from '../i18n/i18n';

/** Reserved space for panels later slices fill (work order, live transcript, transfers). */
export function PlaceholderPanel({ title, testId }: { title: string; testId: string }) {
  const t = useT();
  return (
    <Card size="small" title={title} data-testid={testId} style={{ marginBottom: 8 }}>
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('panel.placeholder')} />
    </Card>
  );
}
