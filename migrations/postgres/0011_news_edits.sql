-- The chief edits and withdraws news and warnings from the web console: when an item was last
-- edited, and when it was taken down (residents no longer see it; the row stays for the record).
alter table news add column updated_at bigint;
alter table news add column expired_at bigint;
