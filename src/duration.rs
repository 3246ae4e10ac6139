//! `Duration`: a length of time in milliseconds, read and written as the language writes it
//! (`500ms`, `5s`, `2m`, `1h`). The one parser of duration literals and the one way every
//! stage (formatter, exporters, checker messages, prompts, reports) shows a duration.

use serde::Serialize;
use std::fmt;

/// A whole number of milliseconds.
/// Serialized as the bare number of milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Duration {
    ms: u64,
}

/// Why a text is not a duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationError {
    /// Not digits followed by `ms`, `s`, `m` or `h`.
    Malformed,
    /// More milliseconds than a `u64` holds.
    TooLong,
}

/// Each unit with its length, largest first: the order `Display` tries them in.
const UNITS: [(&str, u64); 4] = [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)];

impl Duration {
    pub const fn from_ms(ms: u64) -> Duration {
        Duration { ms }
    }

    pub const fn from_secs(secs: u64) -> Duration {
        Duration { ms: secs * 1_000 }
    }

    pub const fn as_ms(self) -> u64 {
        self.ms
    }

    /// Reads a literal: digits, then `ms`, `s`, `m` or `h`, nothing around them.
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .ok_or(DurationError::Malformed)?;
        let (digits, unit) = text.split_at(split);
        let size = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, size)| *size)
            .ok_or(DurationError::Malformed)?;
        if digits.is_empty() {
            return Err(DurationError::Malformed);
        }
        // Only digits are left, so the one way to fail is a number too large to count.
        let n: u64 = digits.parse().map_err(|_| DurationError::TooLong)?;
        n.checked_mul(size)
            .map(Duration::from_ms)
            .ok_or(DurationError::TooLong)
    }

    /// A measured time, such as how long a check took: `250ms`, `2s`, `1.5s`. Whole
    /// durations read as `Display` writes them; the rest to a tenth of a second.
    pub fn rounded(self) -> Rounded {
        Rounded(self)
    }
}

impl fmt::Display for Duration {
    /// The largest unit that divides the duration exactly; zero is `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ms == 0 {
            return f.write_str("0s");
        }
        let (unit, size) = UNITS
            .iter()
            .find(|(_, size)| self.ms.is_multiple_of(*size))
            .expect("every duration is a whole number of milliseconds");
        write!(f, "{}{unit}", self.ms / size)
    }
}

/// [`Duration::rounded`]'s form.
pub struct Rounded(Duration);

impl fmt::Display for Rounded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.ms;
        if ms < 1_000 {
            write!(f, "{ms}ms")
        } else if ms.is_multiple_of(1_000) {
            self.0.fmt(f)
        } else {
            write!(f, "{:.1}s", ms as f64 / 1_000.0)
        }
    }
}

impl From<std::time::Duration> for Duration {
    /// Whole milliseconds; a time too long to count in them is the longest one.
    fn from(d: std::time::Duration) -> Duration {
        Duration::from_ms(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

impl From<Duration> for std::time::Duration {
    fn from(d: Duration) -> std::time::Duration {
        std::time::Duration::from_millis(d.ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_read_in_each_unit() {
        assert_eq!(Duration::parse("500ms"), Ok(Duration::from_ms(500)));
        assert_eq!(Duration::parse("5s"), Ok(Duration::from_ms(5_000)));
        assert_eq!(Duration::parse("2m"), Ok(Duration::from_ms(120_000)));
        assert_eq!(Duration::parse("1h"), Ok(Duration::from_ms(3_600_000)));
    }

    #[test]
    fn other_text_is_not_a_duration() {
        for text in ["", "5", "s", "5x", "5 s", " 5s", "1.5s", "-1s", "5sec"] {
            assert_eq!(
                Duration::parse(text),
                Err(DurationError::Malformed),
                "{text}"
            );
        }
    }

    #[test]
    fn too_long_to_count_is_an_error() {
        assert_eq!(
            Duration::parse("99999999999999999h"),
            Err(DurationError::TooLong)
        );
        assert_eq!(
            Duration::parse("99999999999999999999999ms"),
            Err(DurationError::TooLong)
        );
        assert_eq!(
            Duration::parse(&format!("{}ms", u64::MAX)),
            Ok(Duration::from_ms(u64::MAX))
        );
    }

    #[test]
    fn written_in_the_largest_exact_unit() {
        let shown = |ms| Duration::from_ms(ms).to_string();
        assert_eq!(shown(0), "0s");
        assert_eq!(shown(250), "250ms");
        assert_eq!(shown(1_500), "1500ms");
        assert_eq!(shown(5_000), "5s");
        assert_eq!(shown(90_000), "90s");
        assert_eq!(shown(120_000), "2m");
        assert_eq!(shown(3_600_000), "1h");
        assert_eq!(shown(5_400_000), "90m");
    }

    #[test]
    fn what_is_written_reads_back() {
        for ms in [1, 999, 1_000, 61_000, 3_600_000, 7_260_000, u64::MAX] {
            let d = Duration::from_ms(ms);
            assert_eq!(Duration::parse(&d.to_string()), Ok(d));
        }
    }

    #[test]
    fn measured_times_round_to_a_tenth_of_a_second() {
        let shown = |ms| Duration::from_ms(ms).rounded().to_string();
        assert_eq!(shown(0), "0ms");
        assert_eq!(shown(250), "250ms");
        assert_eq!(shown(1_500), "1.5s");
        assert_eq!(shown(2_000), "2s");
        assert_eq!(shown(120_000), "2m");
        assert_eq!(shown(61_234), "61.2s");
    }
}
