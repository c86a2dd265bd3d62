//! Canonical article URLs: resolved, http(s) only, no fragment, no tracking
//! parameters, so two list links to one article give one store key.

use url::Url;
use url::form_urlencoded;

/// Query parameters that only say where a click came from, never which page
/// it is, dropped from every canonical URL (compared ASCII case-insensitively).
/// Any parameter starting with [`TRACKING_PREFIXES`] is dropped too.
///
/// - `spm`, `from`, `scene`, `share_source`, `isappinstalled`: Alibaba,
///   WeChat and Chinese portal share links;
/// - `fbclid`, `gclid`, `yclid`, `dclid`, `igshid`: Facebook, Google, Yandex,
///   DoubleClick and Instagram click ids;
/// - `mc_cid`, `mc_eid`: Mailchimp; `_hsenc`, `_hsmi`: HubSpot.
pub const TRACKING_PARAMS: &[&str] = &[
    "spm",
    "from",
    "fbclid",
    "gclid",
    "yclid",
    "dclid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "igshid",
    "share_source",
    "scene",
    "isappinstalled",
];

/// Prefixes of tracking parameter names (`utm_source`, `utm_medium`, …).
pub const TRACKING_PREFIXES: &[&str] = &["utm_"];

/// Resolves `href` against `base` and canonicalizes it: the fragment and the
/// tracking parameters ([`TRACKING_PARAMS`], [`TRACKING_PREFIXES`]) are
/// dropped, the other parameters kept in their order, and an empty query
/// leaves no `?`. `None` for an empty href and for anything that does not
/// resolve to an http(s) URL with a host (`javascript:`, `mailto:`, `data:`,
/// garbage).
pub fn canonical_url(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let mut url = base.join(href).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    let kept = url.query().map(|query| {
        query
            .split('&')
            .filter(|pair| !pair.is_empty() && !is_tracking(pair))
            .collect::<Vec<_>>()
            .join("&")
    });
    match kept {
        Some(query) if !query.is_empty() => url.set_query(Some(&query)),
        _ => url.set_query(None),
    }
    Some(url)
}

/// Whether one raw `name=value` pair of a query is a tracking parameter.
fn is_tracking(pair: &str) -> bool {
    let Some((name, _)) = form_urlencoded::parse(pair.as_bytes()).next() else {
        return false;
    };
    let name = name.to_ascii_lowercase();
    TRACKING_PARAMS.contains(&name.as_str())
        || TRACKING_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://eng.hengyang.gov.cn/news/local/index.html").expect("test base")
    }

    fn canon(href: &str) -> Option<String> {
        canonical_url(&base(), href).map(String::from)
    }

    #[test]
    fn resolves_relative_absolute_and_protocol_relative() {
        assert_eq!(
            canon("201905/t20190513_1.html").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/201905/t20190513_1.html")
        );
        assert_eq!(
            canon("/news/a.html").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/a.html")
        );
        assert_eq!(
            canon("./a.html").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.html")
        );
        assert_eq!(
            canon("../../a.html").as_deref(),
            Some("http://eng.hengyang.gov.cn/a.html")
        );
        assert_eq!(
            canon("../../../../a.html").as_deref(),
            Some("http://eng.hengyang.gov.cn/a.html")
        );
        assert_eq!(
            canon("https://other.example/x?id=3").as_deref(),
            Some("https://other.example/x?id=3")
        );
        assert_eq!(
            canon("//cdn.example.com/a.html").as_deref(),
            Some("http://cdn.example.com/a.html")
        );
        let https = Url::parse("https://www.example.gov.cn/list/").expect("test base");
        assert_eq!(
            canonical_url(&https, "//cdn.example.com/a.html")
                .map(String::from)
                .as_deref(),
            Some("https://cdn.example.com/a.html")
        );
        assert_eq!(
            canon("HTTP://Eng.HengYang.gov.cn:80/a.html").as_deref(),
            Some("http://eng.hengyang.gov.cn/a.html")
        );
    }

    #[test]
    fn drops_fragments() {
        assert_eq!(
            canon("a.html#top").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.html")
        );
        assert_eq!(
            canon("a.html?id=1#c2").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.html?id=1")
        );
        assert_eq!(
            canon("a.html#").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.html")
        );
    }

    #[test]
    fn drops_every_tracking_param() {
        let mut names: Vec<&str> = TRACKING_PARAMS.to_vec();
        names.extend([
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
            "UTM_Source",
            "FROM",
        ]);
        for name in names {
            let href = format!("a.html?id=7&{name}=x&page=2");
            assert_eq!(
                canon(&href).as_deref(),
                Some("http://eng.hengyang.gov.cn/news/local/a.html?id=7&page=2"),
                "{name}"
            );
            let only = format!("a.html?{name}=timeline");
            assert_eq!(
                canon(&only).as_deref(),
                Some("http://eng.hengyang.gov.cn/news/local/a.html"),
                "{name}"
            );
        }
    }

    #[test]
    fn keeps_other_params_in_order() {
        assert_eq!(
            canon("a.do?z=1&utm_source=wx&a=2&fbclid=abc&m=&flag").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.do?z=1&a=2&m=&flag")
        );
        // Names that merely contain a tracking name are kept.
        assert_eq!(
            canon("a.do?fromdate=2019&spmx=1&utm=3").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.do?fromdate=2019&spmx=1&utm=3")
        );
        assert_eq!(
            canon("a.do?&&id=1&&").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.do?id=1")
        );
    }

    #[test]
    fn no_dangling_question_mark() {
        assert_eq!(
            canon("a.html?").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.html")
        );
        assert_eq!(
            canon("a.html?#x").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.html")
        );
        assert_eq!(
            canon("a.html?utm_source=x&spm=1.2").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.html")
        );
    }

    #[test]
    fn two_links_to_one_article_agree() {
        let a = canon("/news/a.html?id=9&utm_source=weibo#comments");
        let b = canon(
            "http://eng.hengyang.gov.cn/news/a.html?spm=a1.b2&id=9&from=timeline&isappinstalled=0",
        );
        let c = canon("  ../a.html?id=9&scene=1&share_source=qq#top \n");
        assert_eq!(
            a.as_deref(),
            Some("http://eng.hengyang.gov.cn/news/a.html?id=9")
        );
        assert_eq!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn rejects_non_http() {
        for href in [
            "javascript:void(0)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\nscript:alert(1)",
            "mailto:office@hengyang.gov.cn",
            "tel:+867348888888",
            "data:text/html,<script>alert(1)</script>",
            "ftp://files.example/a",
            "file:///etc/passwd",
            "",
            "   ",
            "\n\t",
            "http://",
            "http://[::1",
            "https:// /x",
        ] {
            assert_eq!(canon(href), None, "{href:?}");
        }
        let file_base = Url::parse("file:///tmp/list.html").expect("test base");
        assert_eq!(canonical_url(&file_base, "a.html"), None);
    }

    #[test]
    fn whitespace_around_href_is_ignored() {
        assert_eq!(
            canon("\n\t  a.html?id=1  \r\n").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.html?id=1")
        );
        assert_eq!(
            canon("\u{a0}a.html\u{3000}").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.html")
        );
    }

    #[test]
    fn percent_encoding_and_idn_not_mangled() {
        // Already-encoded stays as it is (no double encoding), raw non-ASCII
        // is encoded once, encoded query values survive the filtering.
        assert_eq!(
            canon("/%E6%96%B0%E9%97%BB/a.html?q=%E8%A1%A1%E9%98%B3&utm_source=x").as_deref(),
            Some("http://eng.hengyang.gov.cn/%E6%96%B0%E9%97%BB/a.html?q=%E8%A1%A1%E9%98%B3")
        );
        assert_eq!(
            canon("/新闻/a.html?q=衡阳").as_deref(),
            Some("http://eng.hengyang.gov.cn/%E6%96%B0%E9%97%BB/a.html?q=%E8%A1%A1%E9%98%B3")
        );
        assert_eq!(
            canon("http://衡阳.中国/a.html").as_deref(),
            Some("http://xn--4n2a06z.xn--fiqs8s/a.html")
        );
        assert_eq!(
            canon("http://xn--4n2a06z.xn--fiqs8s/a.html"),
            canon("http://衡阳.中国/a.html")
        );
        // An encoded tracking name is still recognized; `+` and `%26` in values kept.
        assert_eq!(
            canon("a.html?utm%5Fsource=x&q=a+b%26c").as_deref(),
            Some("http://eng.hengyang.gov.cn/news/local/a.html?q=a+b%26c")
        );
    }
}
