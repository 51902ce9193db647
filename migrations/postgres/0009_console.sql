-- The station's web console: single-use login links sent on /web, and browser sessions. Only
-- SHA-256 hashes of the links' tokens and of the session ids are stored, so a copy of the
-- database opens no session.
create table console_login_tokens (
    token_hash text primary key,
    officer_key text not null,            -- keyed hash of the officer's Zalo id
    created_at bigint not null,
    expires_at bigint not null,
    used_at bigint                        -- set once: a link opens one session
);

create table console_sessions (
    session_hash text primary key,
    officer_key text not null,
    created_at bigint not null,
    expires_at bigint not null
);
create index console_sessions_officer on console_sessions (officer_key);
