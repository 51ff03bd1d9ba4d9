//! The order of dates in a timeline: chronological, with the order written
//! deciding where one date contains another.

use std::cmp::Ordering;

use super::{Date, days_from_civil};

impl Date {
    /// Orders events chronologically. A less precise date sorts before the more precise
    /// dates inside it ("januar 2022" before "5. januar 2022"); times of day are
    /// compared as moments, in UTC, whatever their offsets.
    pub fn chronological(&self, other: &Date) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }

    fn sort_key(&self) -> (i64, u8, i64) {
        let precision = match (self.month, self.day, self.time) {
            (None, _, _) => 0,
            (Some(_), None, _) => 1,
            (_, Some(_), None) => 2,
            _ => 3,
        };
        let days = days_from_civil(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1));
        match self.time {
            // A key, not a comparator, so the order is total whatever the mix of precisions.
            Some(t) => {
                let moment = days * 24 * 60 + i64::from(t.hour) * 60 + i64::from(t.minute)
                    - i64::from(t.offset_minutes.unwrap_or(0));
                let seconds = i64::from(t.second.unwrap_or(0));
                (
                    moment.div_euclid(24 * 60),
                    precision,
                    moment.rem_euclid(24 * 60) * 60 + seconds,
                )
            }
            None => (days, precision, 0),
        }
    }
}

/// How two dates of a timeline stand to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Before,
    After,
    /// One contains the other (January and 5 January; 5 January and 5 January
    /// at 14.00) or they are the same: only the writer knows which came first.
    Within,
}

impl Date {
    /// The days the date covers, as written: `[first, end)` in days since 1970.
    fn day_span(&self) -> (i64, i64) {
        let start = days_from_civil(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1));
        let end = match (self.month, self.day) {
            (None, _) => days_from_civil(self.year + 1, 1, 1),
            (Some(12), None) => days_from_civil(self.year + 1, 1, 1),
            (Some(month), None) => days_from_civil(self.year, month + 1, 1),
            (Some(_), Some(_)) => start + 1,
        };
        (start, end)
    }

    /// The moment in minutes since 1970 (UTC), for a date with a time of day.
    pub(super) fn moment(&self) -> Option<(i64, u8)> {
        let t = self.time?;
        let days = days_from_civil(self.year, self.month?, self.day?);
        let minutes = days * 24 * 60 + i64::from(t.hour) * 60 + i64::from(t.minute)
            - i64::from(t.offset_minutes.unwrap_or(0));
        Some((minutes, t.second.unwrap_or(0)))
    }

    /// Where this date stands to `other`: two times of day compare as moments;
    /// otherwise the days as written, and a date that contains the other (or
    /// equals it) is [`Placement::Within`].
    pub fn placement(&self, other: &Date) -> Placement {
        if let (Some(a), Some(b)) = (self.moment(), other.moment()) {
            return match a.cmp(&b) {
                Ordering::Less => Placement::Before,
                Ordering::Greater => Placement::After,
                Ordering::Equal => Placement::Within,
            };
        }
        let (a, b) = (self.day_span(), other.day_span());
        if a.1 <= b.0 {
            Placement::Before
        } else if b.1 <= a.0 {
            Placement::After
        } else {
            Placement::Within
        }
    }
}

/// The order a timeline shows its dates in, as indices into `dates` (given in
/// the order written): by time; and where a day contains times of that day, or
/// a month days of that month, the order written decides where the day or the
/// month goes among them. A year stays first among the dates in it.
pub fn timeline_order(dates: &[Date]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..dates.len()).collect();
    // Stable: equal dates keep the order written.
    order.sort_by(|&a, &b| dates[a].chronological(&dates[b]));
    let precision = |d: &Date| match (d.month, d.day, d.time) {
        (None, _, _) => 0,
        (Some(_), None, _) => 1,
        (_, Some(_), None) => 2,
        _ => 3,
    };
    // Days first, then months, so a month places itself among days already placed.
    for level in [2, 1] {
        for container in 0..dates.len() {
            let date = &dates[container];
            if precision(date) != level {
                continue;
            }
            let inside = |j: usize| {
                precision(&dates[j]) > level && date.placement(&dates[j]) == Placement::Within
            };
            if !order.iter().any(|&j| inside(j)) {
                continue;
            }
            order.retain(|&j| j != container);
            let after_written = order
                .iter()
                .rposition(|&j| inside(j) && j < container)
                .map(|at| at + 1);
            let mut at = after_written
                .unwrap_or_else(|| order.iter().position(|&j| inside(j)).unwrap_or(order.len()));
            // A month does not split the events of one day.
            let day = |j: usize| dates[j].day.map(|_| dates[j].day_span().0);
            while at > 0
                && at < order.len()
                && day(order[at]).is_some()
                && day(order[at]) == day(order[at - 1])
            {
                at += 1;
            }
            order.insert(at, container);
        }
    }
    order
}
