//! Site settings read off the list page: ids, titles, `timezone` from the
//! page's language and host, `language` from `<html lang>`, whether the
//! address is private.

use std::net::IpAddr;
use std::sync::LazyLock;

use scraper::{Html, Selector};
use url::{Host, Url};

use super::dom;

/// `<title>`, compiled once.
static TITLE: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("title").expect("valid selector") // ok: a constant selector, covered by the tests
});

/// `html[lang]`, compiled once.
static LANG: LazyLock<Selector> = LazyLock::new(|| {
    Selector::parse("html[lang]").expect("valid selector") // ok: a constant selector, covered by the tests
});

/// What separates the parts of a page title: " - ", "|", "_", "—", "»".
static SEPARATORS: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"\s+[-–—>»·]\s+|[|_｜丨－—]").expect("valid regex") // ok: a constant regex, covered by the tests
});

/// Second-level labels under a country domain (`gov.cn`, `com.cn`).
const SECOND_LEVEL: &[&str] = &["gov", "com", "edu", "org", "net", "ac", "co"];

/// The registrable part of a host: `hengyang.gov.cn` for
/// `www.hengyang.gov.cn`, the whole address for an IP.
pub fn base_domain(host: &str) -> String {
    if host.parse::<IpAddr>().is_ok() {
        return host.to_owned();
    }
    let labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
    let n = labels.len();
    let keep = if n >= 3 && labels[n - 1].len() == 2 && SECOND_LEVEL.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    labels[n.saturating_sub(keep)..].join(".")
}

/// Whether two URLs belong to one site (same registrable domain).
pub fn same_site(a: &Url, b: &Url) -> bool {
    match (a.host_str(), b.host_str()) {
        (Some(x), Some(y)) => base_domain(x) == base_domain(y),
        _ => false,
    }
}

/// Whether the URL's host is a loopback, private or link-local address (or
/// `localhost`).
pub fn is_private(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => {
            ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified()
        }
        Some(Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.is_unspecified() || (ip.segments()[0] & 0xfe00) == 0xfc00
        }
        Some(Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        None => false,
    }
}

/// A slug (`[a-z0-9-]+`) from any text; `fallback` when nothing is left.
pub fn slug(text: &str, fallback: &str) -> String {
    let mut s = String::new();
    for c in text.to_ascii_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let s = s.trim_matches('-').chars().take(40).collect::<String>();
    let s = s.trim_matches('-').to_owned();
    if s.is_empty() { fallback.to_owned() } else { s }
}

/// The site id from the host: `hengyang` for `www.hengyang.gov.cn`.
pub fn site_id(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    if host.parse::<IpAddr>().is_ok() || host == "localhost" {
        return "portal".to_owned();
    }
    let base = base_domain(host);
    slug(base.split('.').next().unwrap_or_default(), "portal")
}

/// The section id from the URL's last path segment (`bendixinwen3`).
pub fn section_id(url: &Url) -> String {
    let seg = url
        .path_segments()
        .and_then(|mut s| s.rfind(|p| !p.is_empty() && !p.starts_with("index")))
        .map(|s| s.rsplit_once('.').map_or(s, |(stem, _)| stem).to_owned())
        .unwrap_or_default();
    slug(&seg, "news")
}

/// `(section title, site title)` from `<title>`: "Local - Hengyang" gives
/// ("Local", "Hengyang"); one part serves as both.
pub fn titles(doc: &Html) -> (String, String) {
    let t = doc.select(&TITLE).next().map(dom::text).unwrap_or_default();
    // Chinese titles join their parts with a bare "-" (`工作动态-某某政府`).
    let t = if t.chars().any(dom::is_cjk) {
        t.replace('-', " - ")
    } else {
        t
    };
    let parts: Vec<&str> = SEPARATORS
        .split(&t)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [] => ("News".to_owned(), "Portal".to_owned()),
        [one] => ((*one).to_owned(), (*one).to_owned()),
        [first, .., last] => ((*first).to_owned(), (*last).to_owned()),
    }
}

/// `<html lang>`, if the page says.
pub fn language(doc: &Html) -> Option<String> {
    doc.select(&LANG)
        .next()
        .and_then(|e| e.value().attr("lang"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
}

/// The zone of the portal's dates and why: a Chinese page or host (`.cn`,
/// `lang="zh…"`, an ICP licence number in the footer) is `Asia/Shanghai`;
/// a few other languages and country domains have one zone; otherwise UTC
/// with a note to check.
pub fn timezone(url: &Url, lang: Option<&str>, doc: &Html) -> (&'static str, String) {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let lang = lang.unwrap_or_default().to_ascii_lowercase();
    let tld = host.rsplit('.').next().unwrap_or_default();
    let by_lang = |prefix: &str| lang == prefix || lang.starts_with(&format!("{prefix}-"));
    if lang == "zh-tw" || tld == "tw" {
        return ("Asia/Taipei", "a Taiwanese page or host".to_owned());
    }
    if lang == "zh-hk" || tld == "hk" {
        return ("Asia/Hong_Kong", "a Hong Kong page or host".to_owned());
    }
    if tld == "cn" {
        return ("Asia/Shanghai", format!("a .cn host ({host})"));
    }
    if by_lang("zh") {
        return ("Asia/Shanghai", format!("the page's language is {lang}"));
    }
    let text: String = dom::text(doc.root_element())
        .chars()
        .take(200_000)
        .collect();
    if text.contains("ICP备")
        || text.contains("ICP NO")
        || text.contains("ICP No")
        || text.contains("ICP证")
    {
        return (
            "Asia/Shanghai",
            "the page shows a Chinese ICP licence number".to_owned(),
        );
    }
    let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
    let cjk = text.chars().filter(|c| dom::is_cjk(*c)).count();
    if letters > 0 && cjk * 10 >= letters * 3 && lang.is_empty() {
        return (
            "Asia/Shanghai",
            "the page is written in Chinese (no <html lang>); CHECK if not mainland China"
                .to_owned(),
        );
    }
    let table: &[(&str, &str, &str)] = &[
        ("ja", "jp", "Asia/Tokyo"),
        ("ko", "kr", "Asia/Seoul"),
        ("ru", "ru", "Europe/Moscow"),
        ("de", "de", "Europe/Berlin"),
        ("fr", "fr", "Europe/Paris"),
        ("it", "it", "Europe/Rome"),
        ("nl", "nl", "Europe/Amsterdam"),
        ("pl", "pl", "Europe/Warsaw"),
    ];
    for (l, t, zone) in table {
        if by_lang(l) || tld == *t {
            return (zone, format!("the page's language or host ({lang} {host})"));
        }
    }
    (
        "UTC",
        "CHECK: nothing on the page says its zone; set the portal's own zone".to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_domains_keep_gov_cn() {
        assert_eq!(base_domain("www.hengyang.gov.cn"), "hengyang.gov.cn");
        assert_eq!(base_domain("news.example.com"), "example.com");
        assert_eq!(base_domain("127.0.0.1"), "127.0.0.1");
    }

    #[test]
    fn ids_from_urls() {
        let u = Url::parse("http://www.hengyang.gov.cn/news/bendixinwen3/index.html").expect("url");
        assert_eq!(site_id(&u), "hengyang");
        assert_eq!(section_id(&u), "bendixinwen3");
        let root = Url::parse("http://127.0.0.1:8080/").expect("url");
        assert_eq!(site_id(&root), "portal");
        assert_eq!(section_id(&root), "news");
    }

    #[test]
    fn zones_from_host_language_and_licence() {
        let doc = Html::parse_document("<p>hello</p>");
        let cn = Url::parse("http://www.hengyang.gov.cn/").expect("url");
        assert_eq!(timezone(&cn, None, &doc).0, "Asia/Shanghai");
        let other = Url::parse("http://example.org/").expect("url");
        assert_eq!(timezone(&other, Some("zh-CN"), &doc).0, "Asia/Shanghai");
        assert_eq!(timezone(&other, None, &doc).0, "UTC");
        let icp = Html::parse_document("<p>ICP NO: 05000000</p>");
        assert_eq!(timezone(&other, Some("en"), &icp).0, "Asia/Shanghai");
    }

    #[test]
    fn private_addresses() {
        assert!(is_private(
            &Url::parse("http://127.0.0.1:3000/").expect("url")
        ));
        assert!(is_private(&Url::parse("http://10.1.2.3/").expect("url")));
        assert!(!is_private(
            &Url::parse("http://www.example.gov.cn/").expect("url")
        ));
    }
}
