-- How many members each khu phố group has, as Zalo's `getgroup` last said (`total_member`),
-- and when: the group sync (src/pipeline/group_sync.rs) refreshes both, `/group` shows them.
-- Groups named in settings (`[[station.areas]] group_id`) get a row at start-up, with
-- `linked_by = 'config'`, so that they too can be marked gone and counted.
alter table area_groups add column member_count bigint;
alter table area_groups add column counted_at bigint;
