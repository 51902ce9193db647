//! Dates as Zalo reports them (`user_last_interaction_date`, "DD/MM/YYYY", docs/PLATFORM.md §6)
//! in Vietnam's time zone, UTC+7 all year (§7 assumes Asia/Ho_Chi_Minh, which has no daylight
//! saving).
//!
//! The simulator keeps its own copy rather than using the bot's `vn_time`: the platform's
//! dates are the platform's, and the simulator stands apart from the bot it tests. It walks
//! whole years and months instead of the bot's closed-form formula, so the two cross-check.

const VN_OFFSET_SECS: i64 = 7 * 3600;

/// `dd/mm/yyyy` of an instant (epoch milliseconds) in Vietnam.
pub(crate) fn vn_date(epoch_ms: i64) -> String {
    let mut days = (epoch_ms.div_euclid(1000) + VN_OFFSET_SECS).div_euclid(86_400);
    let mut year = 1970;
    while days < 0 {
        year -= 1;
        days += year_len(year);
    }
    while days >= year_len(year) {
        days -= year_len(year);
        year += 1;
    }
    let mut month = 1;
    while days >= month_len(year, month) {
        days -= month_len(year, month);
        month += 1;
    }
    format!("{:02}/{month:02}/{year}", days + 1)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn year_len(year: i64) -> i64 {
    if is_leap(year) {
        366
    } else {
        365
    }
}

fn month_len(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
