-- Core pipeline: inbound events, outbound messages, residents' reply windows, OA tokens.
-- Times are epoch milliseconds (bigint) so both dialects share one representation.

create table inbox (
    id integer primary key autoincrement,
    dedupe_key text not null unique,      -- keyed hash of Zalo's msg_id or event subject
    event_name text not null,
    user_key text,                        -- keyed hash of the resident's Zalo id; orders their events
    event_ts bigint not null,
    received_at bigint not null,
    body blob not null,                   -- the raw event, sealed with the identity vault
    status text not null default 'pending',   -- pending | done | failed
    attempts bigint not null default 0,
    locked_by text,
    locked_until bigint,
    last_error text,
    processed_at bigint
);
create index inbox_pending on inbox (status, id);
create index inbox_user_pending on inbox (user_key, status, id);
create index inbox_received on inbox (received_at);

create table outbox (
    id integer primary key autoincrement,
    dedupe_key text not null unique,      -- '<inbox id>:<n>' or another caller-chosen key
    inbox_id bigint,
    recipient_key text not null,
    payload blob not null,                -- sealed {"user_id", "body"} for /v3.0/oa/message/cs
    status text not null default 'pending',   -- pending | parked | sent | failed
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    locked_by text,
    locked_until bigint,
    last_error_code text,
    last_error text,
    zalo_message_id text,
    created_at bigint not null,
    sent_at bigint
);
create index outbox_due on outbox (status, next_attempt_at);
create index outbox_recipient on outbox (recipient_key, status, id);

create table residents (
    user_key text primary key,
    zalo_id_sealed blob not null,
    last_interaction_at bigint not null,
    last_msg_id text,
    created_at bigint not null,
    updated_at bigint not null
);

create table zalo_tokens (
    id bigint primary key,
    access_token blob not null,           -- sealed
    refresh_token blob not null,          -- sealed
    access_expires_at bigint not null,
    generation bigint not null,
    updated_at bigint not null
);

-- A row to lock while refreshing, so that only one process spends the single-use refresh token.
create table zalo_token_lock (id bigint primary key);
insert into zalo_token_lock (id) values (1);
