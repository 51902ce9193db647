//! Dates and times as residents and officers in Vietnam read them: UTC+7 all year (no daylight
//! saving), so plain arithmetic is exact and no time-zone database is needed.

/// `dd/mm/yyyy` in Vietnam's time zone (UTC+7, no daylight saving).
pub fn vn_date(epoch_ms: i64) -> String {
    let (y, m, d, _, _) = civil(epoch_ms);
    format!("{d:02}/{m:02}/{y}")
}

/// `HH:MM dd/mm` in Vietnam's time zone.
pub fn vn_time(epoch_ms: i64) -> String {
    let (_, m, d, hh, mm) = civil(epoch_ms);
    format!("{hh:02}:{mm:02} {d:02}/{m:02}")
}

fn civil(epoch_ms: i64) -> (i64, i64, i64, i64, i64) {
    let secs = epoch_ms.div_euclid(1000) + 7 * 3600;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, rem / 3600, rem % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_in_vietnam_time() {
        // 2026-11-28T17:30:00Z is 00:30 on 29/11 in Hà Nội.
        let ms = 1_795_887_000_000;
        assert_eq!(vn_date(ms), "29/11/2026");
        assert_eq!(vn_time(ms), "00:30 29/11");
        assert_eq!(vn_date(0), "01/01/1970");
    }

    #[test]
    fn leap_days_and_month_ends() {
        // 2024-02-29T16:59:59Z is 23:59:59 in Hà Nội; one second later it is 1 March there.
        assert_eq!(vn_date(1_709_225_999_000), "29/02/2024");
        assert_eq!(vn_date(1_709_226_000_000), "01/03/2024");
    }
}
