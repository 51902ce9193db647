-- Delivery order: 0 urgent (an emergency's answer, pages and follow-ups), 1 conversation, 2 bulk
-- (alerts to a khu phố or the whole ward). Urgent rows are claimed first, and bulk rows take at
-- most a set share of each claim, so an /alert all never delays an emergency.
alter table outbox add column priority bigint not null default 1;
