//! Time, one way everywhere: a [`Timestamp`] (milliseconds since the Unix epoch, as the store
//! keeps it and as Zalo stamps its events), a [`Clock`] the workers and the SLA checker are given
//! (so tests move time instead of sleeping), and dates as residents and officers in Vietnam read
//! them, in the `Asia/Ho_Chi_Minh` zone from `jiff`'s bundled time-zone database (so a container
//! without `/usr/share/zoneinfo` shows the same dates).

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// A moment, in milliseconds since the Unix epoch. Stored as that integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, sqlx::Type)]
#[sqlx(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The moment `ms` milliseconds after the epoch.
    pub const fn from_millis(ms: i64) -> Timestamp {
        Timestamp(ms)
    }

    /// Milliseconds since the epoch (what the store binds).
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// The moment now, from the system clock.
    pub fn now() -> Timestamp {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or_default();
        Timestamp(ms)
    }

    /// `span` later.
    pub fn plus(self, span: Duration) -> Timestamp {
        Timestamp(self.0.saturating_add(millis(span)))
    }

    /// `span` earlier.
    pub fn minus(self, span: Duration) -> Timestamp {
        Timestamp(self.0.saturating_sub(millis(span)))
    }

    /// Time from `earlier` to `self`; zero when `earlier` is later.
    pub fn since(self, earlier: Timestamp) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0).max(0) as u64)
    }

    /// `dd/mm/yyyy` in Vietnam.
    pub fn vn_date(self) -> String {
        self.in_vietnam().strftime("%d/%m/%Y").to_string()
    }

    /// `HH:MM dd/mm` in Vietnam.
    pub fn vn_time(self) -> String {
        self.in_vietnam().strftime("%H:%M %d/%m").to_string()
    }

    /// Midnight on the Monday that starts this moment's week in Vietnam (weeks for statistics).
    pub fn vn_week_start(self) -> Timestamp {
        let date = self.in_vietnam().date();
        let back = i64::from(date.weekday().to_monday_zero_offset());
        date.checked_sub(jiff::Span::new().days(back))
            .and_then(|monday| monday.to_zoned(vietnam().clone()))
            .map_or(self, |monday| {
                Timestamp(monday.timestamp().as_millisecond())
            })
    }

    fn in_vietnam(self) -> jiff::Zoned {
        // Out-of-range values (beyond year ±9999) clamp to the epoch rather than fail a reply.
        let moment =
            jiff::Timestamp::from_millisecond(self.0).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        moment.to_zoned(vietnam().clone())
    }
}

impl From<i64> for Timestamp {
    fn from(ms: i64) -> Timestamp {
        Timestamp(ms)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

fn millis(span: Duration) -> i64 {
    i64::try_from(span.as_millis()).unwrap_or(i64::MAX)
}

/// Vietnam's zone. Bundled, so it cannot be missing; UTC+7 with no daylight saving since 1975.
fn vietnam() -> &'static jiff::tz::TimeZone {
    static ZONE: OnceLock<jiff::tz::TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| {
        jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh")
            .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
    })
}

/// Where the workers and the SLA checker read the time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now.
    fn now(&self) -> Timestamp;
}

/// A shared clock.
pub type SharedClock = Arc<dyn Clock>;

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// The system clock, shared.
pub fn system_clock() -> SharedClock {
    Arc::new(SystemClock)
}

/// A clock tests set and move by hand.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    /// A clock showing `at`.
    pub fn at(at: Timestamp) -> ManualClock {
        ManualClock(AtomicI64::new(at.as_millis()))
    }

    /// Moves it forward by `span`.
    pub fn advance(&self, span: Duration) {
        self.0.fetch_add(millis(span), Ordering::SeqCst);
    }

    /// Sets it to `at`.
    pub fn set(&self, at: Timestamp) {
        self.0.store(at.as_millis(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_in_vietnam_time() {
        // 2026-11-28T17:30:00Z is 00:30 on 29/11 in Hà Nội.
        let at = Timestamp::from_millis(1_795_887_000_000);
        assert_eq!(at.vn_date(), "29/11/2026");
        assert_eq!(at.vn_time(), "00:30 29/11");
        assert_eq!(Timestamp::from_millis(0).vn_date(), "01/01/1970");
    }

    #[test]
    fn weeks_start_on_monday_at_midnight_in_vietnam() {
        // 00:30 on Sunday 29/11/2026 in Hà Nội: the week began on Monday 23/11, 00:00 there
        // (17:00 UTC the day before).
        let sunday = Timestamp::from_millis(1_795_887_000_000);
        let monday = sunday.vn_week_start();
        assert_eq!(monday.as_millis(), 1_795_885_200_000 - 6 * 86_400_000);
        assert_eq!(monday.vn_time(), "00:00 23/11");
        assert_eq!(monday.vn_week_start(), monday);
        // One second before is Sunday 22/11, the week before.
        let before = Timestamp::from_millis(monday.as_millis() - 1_000);
        assert_eq!(before.vn_week_start().vn_time(), "00:00 16/11");
    }

    #[test]
    fn leap_days_and_month_ends() {
        // 2024-02-29T16:59:59Z is 23:59:59 in Hà Nội; one second later it is 1 March there.
        assert_eq!(
            Timestamp::from_millis(1_709_225_999_000).vn_date(),
            "29/02/2024"
        );
        assert_eq!(
            Timestamp::from_millis(1_709_226_000_000).vn_date(),
            "01/03/2024"
        );
    }

    #[test]
    fn arithmetic_saturates_and_since_is_never_negative() {
        let at = Timestamp::from_millis(1_000);
        assert_eq!(at.plus(Duration::from_secs(2)).as_millis(), 3_000);
        assert_eq!(at.minus(Duration::from_secs(2)).as_millis(), -1_000);
        assert_eq!(at.since(Timestamp::from_millis(4_000)), Duration::ZERO);
        assert_eq!(
            Timestamp::from_millis(i64::MAX)
                .plus(Duration::from_secs(1))
                .as_millis(),
            i64::MAX
        );
        // Absurd stored values still format instead of failing a reply.
        assert_eq!(Timestamp::from_millis(i64::MAX).vn_date(), "01/01/1970");
    }

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = ManualClock::at(Timestamp::from_millis(5));
        assert_eq!(clock.now().as_millis(), 5);
        clock.advance(Duration::from_millis(10));
        assert_eq!(clock.now().as_millis(), 15);
        clock.set(Timestamp::from_millis(1));
        assert_eq!(clock.now().as_millis(), 1);
    }
}
