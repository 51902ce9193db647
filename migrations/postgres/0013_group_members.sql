-- How many members each khu phố group has, as Zalo's `getgroup` last said (`total_member`),
-- and when: the group sync (src/pipeline/group_sync.rs) refreshes both, `/group` shows them.
-- Groups named in settings (`[[station.areas]] group_id`) get a row at start-up, with
-- `linked_by = 'config'`, so that they too can be marked gone and counted.
alter table area_groups add column member_count bigint;
alter table area_groups add column counted_at bigint;

-- A `/group create` waiting for Zalo's answer, one per khu phố, so that a second one sent
-- meanwhile does not make a second group. Deleted when the answer is recorded; one older than
-- an hour is taken to be lost and may be asked again.
create table group_requests (
    area text primary key,               -- the khu phố's configured name
    requested_by text not null,          -- keyed hash of the officer who asked
    requested_at bigint not null
);
