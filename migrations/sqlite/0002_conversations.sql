-- Resident conversations: dialogue state, cases (reports), their timeline, news and warnings.

create table dialogues (
    user_key text primary key,
    state blob not null,                  -- sealed JSON of the dialogue (may hold report text)
    updated_at bigint not null
);

create table cases (
    id integer primary key autoincrement,
    code text not null unique,            -- PA-XXXXXX, random Crockford base32
    reporter_key text not null,           -- keyed hash of the reporter's Zalo id
    pseudonym text not null,              -- what officers see instead of the reporter
    category text not null,
    urgent bigint not null default 0,
    status text not null default 'received',
    khu_pho text,
    details blob not null,                -- sealed JSON: description, time, place, attachments, contact consent
    assigned_to text,                     -- keyed hash of the assigned officer
    created_at bigint not null,
    updated_at bigint not null,
    first_response_at bigint,
    resolved_at bigint
);
create index cases_reporter on cases (reporter_key, id);
create index cases_status on cases (status, id);

create table case_events (
    id integer primary key autoincrement,
    case_id bigint not null references cases (id),
    at bigint not null,
    kind text not null,                   -- created | status | note | reply | resident_message | assigned
    actor text not null,                  -- 'resident', 'system' or an officer's keyed hash
    body blob                             -- sealed text, if any
);
create index case_events_case on case_events (case_id, id);

create table news (
    id integer primary key autoincrement,
    kind text not null,                   -- news | warning
    title text not null,
    body text not null,
    link text,
    published_at bigint not null,
    created_by text not null,             -- 'seed' or an officer's keyed hash
    created_at bigint not null
);
create index news_published on news (published_at);
