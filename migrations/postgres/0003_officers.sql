-- Officers, the append-only audit log, residents' khu phố, and case service levels.

create table officers (
    user_key text primary key,            -- keyed hash of the officer's Zalo id
    zalo_id_sealed bytea not null,
    handle text not null unique,          -- short name used in commands, e.g. "an"
    name text not null,
    role text not null,                   -- chief | officer
    areas text not null default '',       -- khu phố names, '|'-separated
    on_call bigint not null default 0,
    active bigint not null default 1,
    created_at bigint not null,
    updated_at bigint not null
);

-- Every officer action, refusals included. Nothing in the code updates or deletes these rows.
create table audit_log (
    id bigserial primary key,
    at bigint not null,
    actor_key text not null,
    actor_handle text,
    action text not null,
    target text,
    outcome text not null,                -- ok | refused | error
    detail bytea                           -- sealed free text (reasons, notes)
);
create index audit_log_at on audit_log (at);

alter table residents add column khu_pho text;
alter table residents add column area_asked bigint not null default 0;

alter table cases add column reminded_at bigint;
alter table cases add column escalated_at bigint;
