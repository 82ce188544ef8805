"""Full-text search over any area's documents: one interface, two engines.

PostgreSQL (production) keeps a weighted ``tsvector`` with the English configuration; the
embedded SQLite default keeps an FTS5 table with the porter stemmer. An area owns what goes
into its documents and keeps them in step in the same transaction as the rows they describe
(:func:`.fulltext.put`, :func:`.fulltext.remove`), and joins :func:`.fulltext.matches` to its
own query for filters and ordering. See docs/ARCHITECTURE.md.
"""
