-- 1 when the chief allows this officer to send `/alert all` (a message to every resident of
-- the ward); the chief always may.
alter table officers add column may_alert_all integer not null default 0;
