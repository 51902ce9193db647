-- One-time codes the chief gives to a new officer (`/officer invite`): the officer sends the
-- code to the OA and is registered under the Zalo id of that message. Only a keyed hash of the
-- code is kept; a code works once and until it expires.
create table officer_invites (
    code_hash text primary key,
    handle text not null,                 -- the handle the officer will get
    name text not null,
    role text not null,                   -- chief | officer
    created_by text not null,             -- keyed hash of the inviting chief
    created_at bigint not null,
    expires_at bigint not null,
    used_at bigint,
    used_by text                          -- keyed hash of the officer who used it
);
