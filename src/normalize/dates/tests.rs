use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use chrono_tz::America::New_York;
use chrono_tz::Asia::Shanghai;
use chrono_tz::Tz;
use chrono_tz::UTC;

use super::{DateRules, day_first_language, find_date, parse_date};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 20, 12, 0, 0)
        .single()
        .expect("test now")
}

fn at(text: &str, tz: Tz) -> Option<String> {
    parse_date(text, tz, &[], now()).map(|d| d.to_rfc3339())
}

fn with_formats(
    text: &str,
    tz: Tz,
    formats: &[&str],
    now: DateTime<Utc>,
) -> Option<DateTime<FixedOffset>> {
    let formats: Vec<String> = formats.iter().map(|f| (*f).to_owned()).collect();
    parse_date(text, tz, &formats, now)
}

/// (text, local time it means without its own offset, or the full RFC 3339 when it has one)
const LOCAL_FORMS: &[(&str, &str)] = &[
    ("2019-05-13 14:01:05", "2019-05-13T14:01:05"),
    ("2019-05-13 14:01", "2019-05-13T14:01:00"),
    ("2019-05-13", "2019-05-13T00:00:00"),
    ("2019-5-13", "2019-05-13T00:00:00"),
    ("2019-5-3 9:05", "2019-05-03T09:05:00"),
    ("2019/05/13", "2019-05-13T00:00:00"),
    ("2019/05/13 14:01:05", "2019-05-13T14:01:05"),
    ("2019.05.13", "2019-05-13T00:00:00"),
    ("2019.05.13 14:01", "2019-05-13T14:01:00"),
    ("2019年5月13日", "2019-05-13T00:00:00"),
    ("2019年05月13日 14:01", "2019-05-13T14:01:00"),
    ("2019年05月13日14:01:05", "2019-05-13T14:01:05"),
    ("2019年05月13日 14时01分", "2019-05-13T14:01:00"),
    ("2019年05月13日 14时01分05秒", "2019-05-13T14:01:05"),
    ("2019年5月13日 下午2:30", "2019-05-13T14:30:00"),
    ("２０１９年０５月１３日　１４：０１", "2019-05-13T14:01:00"),
    ("May 13, 2019", "2019-05-13T00:00:00"),
    ("May 13 2019", "2019-05-13T00:00:00"),
    ("September 3rd, 2019 2:30 PM", "2019-09-03T14:30:00"),
    ("Sept. 3, 2019", "2019-09-03T00:00:00"),
    ("13 May 2019", "2019-05-13T00:00:00"),
    ("13 May 2019 14:01", "2019-05-13T14:01:00"),
    ("13-May-2019", "2019-05-13T00:00:00"),
    ("Monday, 13 May 2019", "2019-05-13T00:00:00"),
    ("2019-05-13T14:01:05", "2019-05-13T14:01:05"),
    ("发布时间：2024-05-13 09:30", "2024-05-13T09:30:00"),
    ("(2019-05-13)", "2019-05-13T00:00:00"),
    (
        "From:衡阳新闻网 | Date Add in:2019-05-13 14:01:05 [A  A]",
        "2019-05-13T14:01:05",
    ),
    ("[2019-05-13]Hengyang news", "2019-05-13T00:00:00"),
    (
        "来源：衡阳日报 2019年5月13日 浏览次数：123",
        "2019-05-13T00:00:00",
    ),
    ("Posted on May 13, 2019 by admin", "2019-05-13T00:00:00"),
    ("13th of May, 2019", "2019-05-13T00:00:00"),
    ("2019年5月13日14点", "2019-05-13T14:00:00"),
    ("2019-05-13 2:01 pm", "2019-05-13T14:01:00"),
    ("2019-05-13 12:00 AM", "2019-05-13T00:00:00"),
    ("2019-05-13 14:01 Amsterdam", "2019-05-13T14:01:00"),
    ("date 2019.5.13.", "2019-05-13T00:00:00"),
    // Drupal's default formats: the time after " - ".
    ("05/13/2019 - 14:01", "2019-05-13T14:01:00"),
    ("Mon, 05/13/2019 - 14:01", "2019-05-13T14:01:00"),
    ("Monday, May 13, 2019 - 14:01", "2019-05-13T14:01:00"),
    ("13.05.2019 | 14:01 Uhr", "2019-05-13T14:01:00"),
    ("2019-05-13 | 14:01", "2019-05-13T14:01:00"),
    ("13 May 2019 · 2:01 pm", "2019-05-13T14:01:00"),
    // Two-digit years, zero-padded day and month.
    ("Pressemitteilung vom 13.05.19", "2019-05-13T00:00:00"),
    ("05/13/19 2:01 PM", "2019-05-13T14:01:00"),
    ("13.05.95", "1995-05-13T00:00:00"),
];

#[test]
fn every_local_form_in_shanghai_and_utc() {
    for (text, local) in LOCAL_FORMS {
        assert_eq!(
            at(text, Shanghai),
            Some(format!("{local}+08:00")),
            "{text} in Shanghai"
        );
        assert_eq!(
            at(text, UTC),
            Some(format!("{local}+00:00")),
            "{text} in UTC"
        );
    }
}

#[test]
fn seed_date() {
    let d = parse_date(
        "From:衡阳新闻网 | Date Add in:2019-05-13 14:01:05 [A  A]",
        Shanghai,
        &[],
        now(),
    );
    assert_eq!(
        d.map(|d| d.to_rfc3339()).as_deref(),
        Some("2019-05-13T14:01:05+08:00")
    );
}

#[test]
fn explicit_offsets_are_kept_in_any_zone() {
    for tz in [Shanghai, UTC, New_York] {
        assert_eq!(
            at("2019-05-13T14:01:05+08:00", tz).as_deref(),
            Some("2019-05-13T14:01:05+08:00")
        );
        assert_eq!(
            at("2019-05-13T06:01:05Z", tz).as_deref(),
            Some("2019-05-13T06:01:05+00:00")
        );
        assert_eq!(
            at("2019-05-13T14:01:05.123+08:00", tz).as_deref(),
            Some("2019-05-13T14:01:05+08:00")
        );
        assert_eq!(
            at("Mon, 13 May 2019 14:01:05 +0800", tz).as_deref(),
            Some("2019-05-13T14:01:05+08:00")
        );
        assert_eq!(
            at("Mon, 13 May 2019 06:01:05 GMT", tz).as_deref(),
            Some("2019-05-13T06:01:05+00:00")
        );
        assert_eq!(
            at("Mon, 13 May 2019 14:01:05 -0430", tz).as_deref(),
            Some("2019-05-13T14:01:05-04:30")
        );
        assert_eq!(
            at("2019-05-13 14:01 GMT+8", tz).as_deref(),
            Some("2019-05-13T14:01:00+08:00")
        );
    }
    assert_eq!(at("2019-05-13 14:01 +2500", UTC), None);
    // A word starting with Z or UT is not a zone.
    assert_eq!(
        at("2019-05-13 14:01Zhang", Shanghai).as_deref(),
        Some("2019-05-13T14:01:00+08:00")
    );
    assert_eq!(
        at("2019-05-13 14:01 UTah", Shanghai).as_deref(),
        Some("2019-05-13T14:01:00+08:00")
    );
}

#[test]
fn rfc2822_with_zone_name_reads_local_time() {
    // US zone names are ambiguous (CST is also China Standard Time): local.
    assert_eq!(
        at("Mon, 13 May 2019 14:01:05 CST", Shanghai).as_deref(),
        Some("2019-05-13T14:01:05+08:00")
    );
}

#[test]
fn the_most_precise_match_at_one_place_wins() {
    assert_eq!(
        at("2019-05-13 14:01:05 and later", UTC).as_deref(),
        Some("2019-05-13T14:01:05+00:00")
    );
    assert_eq!(
        at("13 May 2019 14:01:05 +0800", UTC).as_deref(),
        Some("2019-05-13T14:01:05+08:00")
    );
    // The earliest date wins over a later, more precise one.
    assert_eq!(
        at("发布 2024-05-13 更新 2024-05-14 10:00", UTC).as_deref(),
        Some("2024-05-13T00:00:00+00:00")
    );
    // A year-less form earlier in the text does not beat a full date.
    assert_eq!(
        at("第3-4版 2019-05-13", UTC).as_deref(),
        Some("2019-05-13T00:00:00+00:00")
    );
}

#[test]
fn explicit_formats_are_tried_first() {
    let now = now();
    // A format decides an order detection would read the other way.
    assert_eq!(
        at("05/06/2019", Shanghai).as_deref(),
        Some("2019-05-06T00:00:00+08:00")
    );
    let d = with_formats("05/06/2019", Shanghai, &["%d/%m/%Y"], now);
    assert_eq!(
        d.map(|d| d.to_rfc3339()).as_deref(),
        Some("2019-06-05T00:00:00+08:00")
    );
    let d = with_formats("13/05/2019", Shanghai, &["%d/%m/%Y"], now);
    assert_eq!(
        d.map(|d| d.to_rfc3339()).as_deref(),
        Some("2019-05-13T00:00:00+08:00")
    );
    // Inside text, with a time.
    let d = with_formats(
        "Published 13/05/2019 14:01 by admin",
        Shanghai,
        &["%d/%m/%Y %H:%M"],
        now,
    );
    assert_eq!(
        d.map(|d| d.to_rfc3339()).as_deref(),
        Some("2019-05-13T14:01:00+08:00")
    );
    // The format wins over a form detection would find earlier.
    let d = with_formats("2019-01-02 updated 13/05/2019", UTC, &["%d/%m/%Y"], now);
    assert_eq!(
        d.map(|d| d.to_rfc3339()).as_deref(),
        Some("2019-05-13T00:00:00+00:00")
    );
    // %z keeps its offset; the first format that reads wins.
    let d = with_formats(
        "13.05.2019 14:01 -0300",
        Shanghai,
        &["%Y", "%d.%m.%Y %H:%M %z", "%d.%m.%Y"],
        now,
    );
    assert_eq!(
        d.map(|d| d.to_rfc3339()).as_deref(),
        Some("2019-05-13T14:01:00-03:00")
    );
    // A format that reads nothing falls back to detection; a broken one is skipped.
    let d = with_formats("2019-05-13", UTC, &["%d/%m/%Y", "%Q%", "%"], now);
    assert_eq!(
        d.map(|d| d.to_rfc3339()).as_deref(),
        Some("2019-05-13T00:00:00+00:00")
    );
    // A format without a year follows the month-day rule.
    let d = with_formats(
        "12/30",
        UTC,
        &["%m/%d"],
        Utc.with_ymd_and_hms(2026, 1, 3, 0, 0, 0)
            .single()
            .expect("now"),
    );
    assert_eq!(
        d.map(|d| d.to_rfc3339()).as_deref(),
        Some("2025-12-30T00:00:00+00:00")
    );
    // Impossible dates are rejected by formats too.
    assert_eq!(with_formats("30/02/2019", UTC, &["%d/%m/%Y"], now), None);
}

#[test]
fn month_day_takes_the_latest_year_not_in_the_future() {
    let new_year = Utc
        .with_ymd_and_hms(2026, 1, 3, 4, 0, 0)
        .single()
        .expect("now");
    let md = |text: &str, tz: Tz| parse_date(text, tz, &[], new_year).map(|d| d.to_rfc3339());
    for tz in [Shanghai, UTC] {
        let off = if tz == Shanghai { "+08:00" } else { "+00:00" };
        assert_eq!(md("12-30", tz), Some(format!("2025-12-30T00:00:00{off}")));
        assert_eq!(md("01-02", tz), Some(format!("2026-01-02T00:00:00{off}")));
        assert_eq!(md("1-3", tz), Some(format!("2026-01-03T00:00:00{off}")));
        assert_eq!(
            md("12月30日", tz),
            Some(format!("2025-12-30T00:00:00{off}"))
        );
        assert_eq!(md("5月13日", tz), Some(format!("2025-05-13T00:00:00{off}")));
        assert_eq!(
            md("[12-30 09:15]", tz),
            Some(format!("2025-12-30T09:15:00{off}"))
        );
    }
    // Later today in the zone is still after now: last year.
    assert_eq!(
        md("01-03 23:00", Shanghai).as_deref(),
        Some("2025-01-03T23:00:00+08:00")
    );
    // New Year has come in Shanghai (08:00 local) but "01-03" is today there.
    assert_eq!(
        md("01-03", Shanghai).as_deref(),
        Some("2026-01-03T00:00:00+08:00")
    );
    // Feb 29 takes the latest leap year.
    assert_eq!(
        md("02-29", UTC).as_deref(),
        Some("2024-02-29T00:00:00+00:00")
    );
    // Not month-days: US dates (full dates), tails of rejected full dates, impossible.
    assert_eq!(
        md("05-13-2019", UTC).as_deref(),
        Some("2019-05-13T00:00:00+00:00")
    );
    assert_eq!(md("1960-05-13", UTC), None);
    assert_eq!(md("1960年5月13日", UTC), None);
    assert_eq!(md("13-45", UTC), None);
    assert_eq!(md("0734-8888888", UTC), None);
}

#[test]
fn impossible_and_out_of_range_dates_are_rejected() {
    for text in [
        "2019-02-30",
        "2019-13-01",
        "2019-00-10",
        "2019-05-13 25:00",
        "2019-05-13 14:61",
        "2019年2月30日",
        "Feb 30, 2019",
        "1969-12-31",
        "2028-01-01",
        "12019-05-13",
        "2019-05-130",
        "2019-05/13",
    ] {
        assert_eq!(at(text, UTC), None, "{text}");
    }
    // Next year is still accepted (portals announcing events).
    assert_eq!(
        at("2027-01-01", UTC).as_deref(),
        Some("2027-01-01T00:00:00+00:00")
    );
    assert_eq!(
        at("1970-01-01", UTC).as_deref(),
        Some("1970-01-01T00:00:00+00:00")
    );
}

#[test]
fn garbage_is_none() {
    for text in [
        "",
        "   ",
        "no date here",
        "[A  A]",
        "12345678",
        "2019",
        "Mayor 13, said",
        "13:01",
        "中华人民共和国",
        "--//..",
        "📅",
    ] {
        assert_eq!(at(text, Shanghai), None, "{text:?}");
    }
}

#[test]
fn dst_gap_and_ambiguity_do_not_panic() {
    // 2019-03-10 02:30 does not exist in New York: read with the EST offset.
    assert_eq!(
        at("2019-03-10 02:30", New_York).as_deref(),
        Some("2019-03-10T03:30:00-04:00")
    );
    // 2019-11-03 01:30 happens twice: the earlier one (EDT).
    assert_eq!(
        at("2019-11-03 01:30", New_York).as_deref(),
        Some("2019-11-03T01:30:00-04:00")
    );
    assert_eq!(
        at("2019-07-01 12:00", New_York).as_deref(),
        Some("2019-07-01T12:00:00-04:00")
    );
    assert_eq!(
        at("2019-01-01", New_York).as_deref(),
        Some("2019-01-01T00:00:00-05:00")
    );
}

#[test]
fn odd_input_never_panics() {
    let pieces = [
        "2019",
        "-",
        "05",
        "/",
        ".",
        "13",
        " ",
        "14",
        ":",
        "01",
        "年",
        "月",
        "日",
        "时",
        "分",
        "秒",
        "T",
        "Z",
        "+08:00",
        "May",
        "Sept",
        "ſep",
        "Mon,",
        "GMT",
        "PM",
        "下午",
        "０",
        "９",
        "：",
        "\u{a0}",
        "\u{3000}",
        "é",
        "👨\u{200d}👩",
        "\u{0}",
        "\u{feff}",
        "99",
        "2",
        "+",
        "st",
        "of",
        "衡阳",
        "ß",
        "K",
    ];
    let formats: Vec<String> = [
        "%Y-%m-%d",
        "%d/%m/%Y %H:%M %z",
        "%m-%d",
        "%",
        "%Q",
        "%s",
        "%Y年%m月%d日",
        "",
    ]
    .iter()
    .map(|f| (*f).to_owned())
    .collect();
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..3000 {
        let n = rng.usize(0..12);
        let text: String = (0..n).map(|_| pieces[rng.usize(0..pieces.len())]).collect();
        for tz in [Shanghai, New_York] {
            let _ = parse_date(&text, tz, &[], now());
            let _ = parse_date(&text, tz, &formats, now());
        }
    }
    let long = "2019-05-13 ".repeat(2000) + &"年月日".repeat(3000);
    assert!(parse_date(&long, Shanghai, &formats, now()).is_some());
}

/// Reads `text` as the site `language` would, in a date field or free text.
fn read_as(text: &str, language: &str, field: bool) -> Option<String> {
    let rules = DateRules {
        tz: UTC,
        formats: &[],
        day_first: day_first_language(Some(language)),
        compact: field,
    };
    find_date(text, &rules, now())
        .and_then(|d| d.place(UTC, now()))
        .map(|d| d.to_rfc3339())
}

#[test]
fn day_first_numeric_forms() {
    let cases = [
        ("27.01.2020", "en", "2020-01-27T00:00:00+00:00"),
        ("27.01.2020", "de", "2020-01-27T00:00:00+00:00"),
        // The dotted form with the year last is day-first in any language.
        ("01.02.2020", "en", "2020-02-01T00:00:00+00:00"),
        ("09.10.2017, 01:40 Uhr", "de", "2017-10-09T01:40:00+00:00"),
        (
            "Stand: 9.10.2017 um 14:05 Uhr",
            "de",
            "2017-10-09T14:05:00+00:00",
        ),
        ("13/05/2019", "fr", "2019-05-13T00:00:00+00:00"),
        ("13/05/2019", "en", "2019-05-13T00:00:00+00:00"),
        // Ambiguous slashed forms follow the language.
        ("05/06/2019", "de", "2019-06-05T00:00:00+00:00"),
        ("05/06/2019", "en-GB", "2019-06-05T00:00:00+00:00"),
        ("05/06/2019", "es", "2019-06-05T00:00:00+00:00"),
        ("05/06/2019", "en", "2019-05-06T00:00:00+00:00"),
        ("05/06/2019", "en-US", "2019-05-06T00:00:00+00:00"),
        ("05/06/2019 2:30 PM", "en", "2019-05-06T14:30:00+00:00"),
    ];
    for (text, language, want) in cases {
        assert_eq!(
            read_as(text, language, false).as_deref(),
            Some(want),
            "{text} ({language})"
        );
    }
    assert!(!day_first_language(None));
    assert!(!day_first_language(Some("zh-CN")));
    assert!(day_first_language(Some("de-DE")));
    assert!(day_first_language(Some("pt_BR")));
    assert_eq!(read_as("31.02.2020", "de", false), None);
    assert_eq!(read_as("13/13/2019", "de", false), None);
}

#[test]
fn month_names_in_four_languages() {
    let cases = [
        ("Nov 12, 2025", "en", "2025-11-12T00:00:00+00:00"),
        (
            "November 12, 2025 at 3:15 pm",
            "en",
            "2025-11-12T15:15:00+00:00",
        ),
        ("28. September 2017", "de", "2017-09-28T00:00:00+00:00"),
        ("3. Juli 2018", "de", "2018-07-03T00:00:00+00:00"),
        (
            "Mittwoch, 3. März 2021, 10:30 Uhr",
            "de",
            "2021-03-03T10:30:00+00:00",
        ),
        ("12 novembre 2025", "fr", "2025-11-12T00:00:00+00:00"),
        ("1er mars 2024 à 14:30", "fr", "2024-03-01T14:30:00+00:00"),
        ("Publié le 3 août 2023", "fr", "2023-08-03T00:00:00+00:00"),
        ("12 de noviembre de 2025", "es", "2025-11-12T00:00:00+00:00"),
        (
            "5 de enero de 2024, 09:15",
            "es",
            "2024-01-05T09:15:00+00:00",
        ),
        ("22 dic. 2023", "es", "2023-12-22T00:00:00+00:00"),
    ];
    for (text, language, want) in cases {
        assert_eq!(
            read_as(text, language, false).as_deref(),
            Some(want),
            "{text} ({language})"
        );
    }
    // Without a year: the latest year not in the future (now is 2026-05-20).
    let yearless = [
        ("November 12", "2025-11-12T00:00:00+00:00"),
        ("12 Nov", "2025-11-12T00:00:00+00:00"),
        ("3. Juli", "2025-07-03T00:00:00+00:00"),
        ("12 mai", "2026-05-12T00:00:00+00:00"),
        (
            "November 12 @ 11:00 am - 1:00 pm",
            "2025-11-12T11:00:00+00:00",
        ),
        ("May 1 @ 8:00 pm", "2026-05-01T20:00:00+00:00"),
    ];
    for (text, want) in yearless {
        assert_eq!(read_as(text, "en", false).as_deref(), Some(want), "{text}");
    }
    // Words that only start like a month are not months.
    for text in ["Mayor 13, said", "3 settings", "2 mayors", "Marketing 5"] {
        assert_eq!(read_as(text, "en", false), None, "{text}");
    }
}

#[test]
fn compact_form_only_in_a_date_field() {
    assert_eq!(
        read_as("20171020", "zh-CN", true).as_deref(),
        Some("2017-10-20T00:00:00+00:00")
    );
    assert_eq!(read_as("20171020", "zh-CN", false), None);
    assert_eq!(read_as("20171320", "zh-CN", true), None);
    assert_eq!(read_as("201710201", "zh-CN", true), None);
    // A real date form in the field wins over a compact number before it.
    assert_eq!(
        read_as("No. 20170101 of 2017-10-20", "zh-CN", true).as_deref(),
        Some("2017-10-20T00:00:00+00:00")
    );
}

#[test]
fn parts_say_year_and_time() {
    let rules = DateRules::text(UTC, &[]);
    let d = find_date("11-22 09:53", &rules, now()).expect("month-day");
    assert!(!d.has_year());
    assert!(d.has_time());
    assert_eq!(
        d.in_year(2016, UTC).map(|d| d.to_rfc3339()).as_deref(),
        Some("2016-11-22T09:53:00+00:00")
    );
    let d = find_date("2016-11-22", &rules, now()).expect("full");
    assert!(d.has_year());
    assert!(!d.has_time());
    // A full date keeps its own year.
    assert_eq!(
        d.in_year(2001, UTC).map(|d| d.to_rfc3339()).as_deref(),
        Some("2016-11-22T00:00:00+00:00")
    );
    let feb = find_date("02-29", &rules, now()).expect("leap day");
    assert_eq!(feb.in_year(2023, UTC), None);
}

#[test]
fn two_digit_years_need_a_padded_day_and_month_and_a_plausible_century() {
    // A version number, not a date.
    assert_eq!(at("Version 2.1.24", Shanghai), None);
    // 1960 is before 1970; 13/13 is no date in either order.
    assert_eq!(at("13.05.60", UTC), None);
    assert_eq!(at("13/13/19", UTC), None);
    // Inside a four-digit year the short form is not read.
    assert_eq!(
        at("13.05.2019", UTC).as_deref(),
        Some("2019-05-13T00:00:00+00:00")
    );
    // "2019-05-13 - 14:01 Uhr": the dash joins; a dash without spaces does not.
    assert_eq!(
        at("2019-05-13-14:01", UTC).as_deref(),
        Some("2019-05-13T00:00:00+00:00")
    );
}
