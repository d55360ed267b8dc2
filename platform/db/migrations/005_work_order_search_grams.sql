-- Indexed text search for `q` (GET /api/work-orders), the same on PGlite and PostgreSQL, without an extension.
-- (This replaces the sequential scan described at the end of work_orders in 002_work_orders.sql.)
--
-- A CJK bigram index, like Lucene's CJKAnalyzer: the grams of a text are its overlapping 2-character substrings
-- (characters as PostgreSQL counts them, so a CJK character, a digit or a Latin letter alike; search_text has
-- no whitespace, so codes, phone digits and words are covered by the same rule). If q (2+ characters) occurs in
-- search_text, every gram of q is a gram of search_text; so
--   work_order_search_grams(search_text) @> work_order_search_grams(q)
-- is a necessary condition the GIN index answers, and the substring test the repository keeps next to it
-- decides exactly as before (same rows, same order, same paging). 1-character queries keep the substring test
-- alone (a scan).
--
-- The grams are not stored: the index is on the expression, so the table rows keep their size, every writer
-- (service, bulk loads) is covered without computing anything, and there is nothing to backfill — CREATE INDEX
-- computes the grams of the existing rows (about 30 µs a row on PostgreSQL, plus the GIN build).
--
-- O(n) in the text length: the text split into characters zipped with itself shifted by one (indexing with
-- substr(s, i, 2) would walk the string from the start for every i). IMMUTABLE, as an index expression must be.
CREATE FUNCTION work_order_search_grams(text) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$
    SELECT ARRAY(
      SELECT a || b
      FROM unnest(string_to_array($1, NULL), string_to_array(substr($1, 2), NULL)) AS g(a, b)
      WHERE b IS NOT NULL)
  $$;

CREATE INDEX work_orders_search_grams_idx ON work_orders USING gin (work_order_search_grams(search_text));
