-- Each khu phố's Zalo security group (an OA-owned GMF group): linked by the chief with
-- `/group link`. `state` is `active` until Zalo says the group is gone (deleted, or its asset
-- expired: -237, -403), then `gone`; the chief is told once (`chief_told_at`). A group id
-- in settings (`[[station.areas]] group_id`) is used until a row exists.
create table area_groups (
    area text primary key,               -- the khu phố's configured name
    group_id text not null unique,
    join_link text,                      -- https://zalo.me/g/…, when known
    state text not null,                 -- active | gone
    linked_by text not null,             -- keyed hash of the officer who linked it
    created_at bigint not null,
    updated_at bigint not null,
    chief_told_at bigint
);
