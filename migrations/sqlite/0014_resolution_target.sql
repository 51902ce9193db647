-- The resolution target (`service_levels.resolution_days`): when the assignee was warned that an
-- open case nears it, and when the chief was told it passed. Each is sent once per case.
alter table cases add column resolution_warned_at bigint;
alter table cases add column resolution_escalated_at bigint;
