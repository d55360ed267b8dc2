// 知识库 under the 直办 answer: search, and insert an article into the answer.
import { Alert, Button, Input, List, Typography } from 'antd';
import type { KnowledgeArticle } from '../../../contracts/work-orders.js';
import { useT } from '../i18n/i18n';
import type { KnowledgeSearch } from './useKnowledgeSearch';

export function KnowledgePanel({ kb }: { kb: KnowledgeSearch }) {
  const t = useT();
  return (
    <div style={{ marginBottom: 12 }} data-testid="kb-panel">
      {/* disabled={false}: searching stays possible while the form is disabled (a save in flight) */}
      <Input.Search
        placeholder={t('kb.placeholder')}
        enterButton={t('kb.search')}
        onSearch={kb.search}
        aria-label={t('kb.placeholder')}
        data-testid="kb-search"
        disabled={false}
      />
      {kb.error && <Alert type="warning" showIcon message={kb.error} style={{ marginTop: 4 }} />}
      {kb.articles !== null && (
        <List<KnowledgeArticle>
          size="small"
          dataSource={kb.articles}
          locale={{ emptyText: t('kb.empty') }}
          renderItem={(a) => (
            <List.Item
              key={a.id}
              data-testid={`kb-article-${a.id}`}
              actions={[
                <Button
                  key="insert"
                  size="small"
                  onClick={() => kb.insert(a)}
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
                description={
                  <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
                    {a.body}
                  </Typography.Paragraph>
                }
              />
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
