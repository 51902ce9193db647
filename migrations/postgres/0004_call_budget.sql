-- Zalo's OA API quota (4000 calls a minute) is per app, not per process: every `serve` process
-- on one database reserves its calls here, one row per 10-second window.
create table api_call_budget (
    window_start bigint primary key,      -- epoch ms, a multiple of 10 000
    used bigint not null
);
