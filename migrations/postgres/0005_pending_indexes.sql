-- The workers only ever look for pending (or parked) rows. Indexing just those keeps the
-- indexes small and in cache: a webhook batch dirties a page or two of them instead of one
-- random page per event, and a worker's claim no longer walks past every processed row still
-- kept for a week (measured: event -> reply p99 at 1,000 events/s from ~20 ms to 11-14 ms).
drop index inbox_pending;
drop index inbox_user_pending;
create index inbox_pending on inbox (id) where status = 'pending';
create index inbox_user_pending on inbox (user_key, id) where status = 'pending';

drop index outbox_due;
drop index outbox_recipient;
create index outbox_pending on outbox (id) where status = 'pending';
create index outbox_recipient_pending on outbox (recipient_key, id) where status = 'pending';
create index outbox_recipient_parked on outbox (recipient_key) where status = 'parked';
create index outbox_open on outbox (status, created_at) where status <> 'sent';
create index outbox_created on outbox (created_at);
