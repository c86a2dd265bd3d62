use super::*;
use scraper::Node;

fn base() -> Url {
    Url::parse("http://eng.hengyang.gov.cn/news/local/201905/t20190513_1.html").expect("test base")
}

/// Payloads that must come out harmless.
const XSS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" OnError=\"alert(1)\" onload='alert(2)'>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"java\tscript:alert(1)\">x</a>",
    "<a href=\"java\nscript:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"&#0000106avascript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<div style=\"width: expression(alert(1))\">x</div>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<form><button formaction=\"javascript:alert(1)\">x</button></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<math href=\"javascript:alert(1)\">CLICK</math>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<!-- --!><script>alert(1)</script> -->",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<a href=\"https://ok.example/\" onclick=\"alert(1)\" onmouseover=alert(2)>x</a>",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "<img srcset=\"javascript:alert(1) 1x\" src=\"/ok.png\">",
    "<xmp><script>alert(1)</script></xmp>",
    "<template><script>alert(1)</script></template>",
    "<a href=\"\u{0}javascript:alert(1)\">x</a>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<img src=`javascript:alert(1)`>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
];

/// Every attribute of every element of `html`, parsed as a feed reader would.
fn attributes(html: &str) -> Vec<(String, String, String)> {
    let doc = Html::parse_fragment(html);
    doc.tree
        .nodes()
        .filter_map(|n| match n.value() {
            Node::Element(el) => Some(el),
            _ => None,
        })
        .flat_map(|el| {
            el.attrs()
                .map(|(k, v)| (el.name().to_owned(), k.to_owned(), v.to_owned()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn element_names(html: &str) -> Vec<String> {
    let doc = Html::parse_fragment(html);
    doc.tree
        .nodes()
        .filter_map(|n| n.value().as_element().map(|el| el.name().to_owned()))
        .collect()
}

fn assert_harmless(input: &str, out: &str) {
    let lower = out.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{input:?} -> {out:?}");
    for name in element_names(out) {
        assert!(
            ![
                "script", "style", "iframe", "object", "embed", "form", "svg", "math", "meta",
                "base", "link", "input", "button"
            ]
            .contains(&name.as_str()),
            "{input:?} -> {out:?}: <{name}>"
        );
    }
    for (el, name, value) in attributes(out) {
        let name_l = name.to_ascii_lowercase();
        assert!(
            !name_l.starts_with("on"),
            "{input:?} -> {out:?}: {el}[{name}]"
        );
        assert!(
            ![
                "style",
                "class",
                "id",
                "srcset",
                "background",
                "formaction",
                "action"
            ]
            .contains(&name_l.as_str()),
            "{input:?} -> {out:?}: {el}[{name}]"
        );
        let squeezed: String = value
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect::<String>()
            .to_ascii_lowercase();
        for scheme in ["javascript:", "vbscript:", "data:"] {
            assert!(
                !squeezed.starts_with(scheme),
                "{input:?} -> {out:?}: {el}[{name}={value}]"
            );
        }
        if name_l == "href" || name_l == "src" {
            let url =
                Url::parse(&value).unwrap_or_else(|e| panic!("{input:?} -> {out:?}: {value}: {e}"));
            assert!(
                ["http", "https", "mailto", "tel"].contains(&url.scheme()),
                "{input:?} -> {out:?}"
            );
        }
    }
}

#[test]
fn xss_vectors_come_out_harmless() {
    assert!(XSS.len() >= 25);
    for input in XSS {
        let out = sanitize_html(input, &base());
        assert_harmless(input, &out);
        // Sanitizing is stable: a second pass finds nothing more to remove.
        assert_eq!(sanitize_html(&out, &base()), out, "{input:?}");
    }
}

#[test]
fn script_and_style_content_is_dropped_not_shown() {
    let out = sanitize_html(
        "<p>a</p><script>alert('x')</script><style>.x{color:red}</style><iframe>frame text</iframe><p>b</p>",
        &base(),
    );
    assert_eq!(out, "<p>a</p><p>b</p>");
}

#[test]
fn relative_links_and_images_become_absolute() {
    let out = sanitize_html(
        "<p><a href=\"../t2.html\">next</a> <a href=\"/index.html\" title=\"Home\">home</a> <a href=\"//cdn.example/x\">cdn</a></p><img src=\"W020190513.jpg\" alt=\"Park\" width=\"600\" height=\"400\" class=\"big\" style=\"border:0\">",
        &base(),
    );
    assert_eq!(
        out,
        "<p><a href=\"http://eng.hengyang.gov.cn/news/local/t2.html\" rel=\"noopener noreferrer\">next</a> \
<a href=\"http://eng.hengyang.gov.cn/index.html\" title=\"Home\" rel=\"noopener noreferrer\">home</a> \
<a href=\"http://cdn.example/x\" rel=\"noopener noreferrer\">cdn</a></p>\
<img src=\"http://eng.hengyang.gov.cn/news/local/201905/W020190513.jpg\" alt=\"Park\" width=\"600\" height=\"400\">"
    );
}

#[test]
fn keeps_structure_drops_presentation() {
    let input = "<h2 id=\"t\" class=\"title\">Head</h2><font color=red><center>Text</center></font>\
<ul><li>one</li></ul><table border=1><tr><td colspan=\"2\" style=\"x\">c</td></tr></table>\
<figure><img src=\"/a.png\"><figcaption>Cap</figcaption></figure><blockquote>q</blockquote><pre>x  y</pre>";
    let out = sanitize_html(input, &base());
    assert_eq!(
        out,
        "<h2>Head</h2>Text<ul><li>one</li></ul><table><tbody><tr><td colspan=\"2\">c</td></tr></tbody></table>\
<figure><img src=\"http://eng.hengyang.gov.cn/a.png\"><figcaption>Cap</figcaption></figure><blockquote>q</blockquote><pre>x  y</pre>"
    );
}

#[test]
fn empty_paragraphs_removed() {
    let out = sanitize_html(
        "<p>a</p><p>&nbsp;</p><p> </p><p><br></p><p><span></span></p><p>\u{a0}\u{a0}</p><p>b</p>",
        &base(),
    );
    assert_eq!(out, "<p>a</p><p><span></span></p><p>b</p>");
}

#[test]
fn entities_are_not_decoded_twice() {
    let out = sanitize_html(
        "<p>&amp;lt;b&amp;gt; Tom &amp; Jerry &lt;i&gt;</p>",
        &base(),
    );
    let doc = Html::parse_fragment(&out);
    let text: String = doc.root_element().text().collect();
    assert_eq!(text, "&lt;b&gt; Tom & Jerry <i>");
    assert!(!element_names(&out).contains(&"b".to_owned()));
    assert!(!element_names(&out).contains(&"i".to_owned()));
}

#[test]
fn mailto_links_survive() {
    let out = sanitize_html(
        "<a href=\"mailto:office@hengyang.gov.cn\">mail</a>",
        &base(),
    );
    assert_eq!(
        out,
        "<a href=\"mailto:office@hengyang.gov.cn\" rel=\"noopener noreferrer\">mail</a>"
    );
}

#[test]
fn first_image_is_the_first_img_with_a_src() {
    assert_eq!(
        first_image("<p>x</p><img alt=\"no src\"><img src=\"\"><img src=\" http://a.example/1.jpg \"><img src=\"http://a.example/2.jpg\">").as_deref(),
        Some("http://a.example/1.jpg")
    );
    assert_eq!(first_image("<p>no images</p>"), None);
    assert_eq!(first_image(""), None);
    let clean = sanitize_html("<p><img src=\"pic/1.png\"></p>", &base());
    assert_eq!(
        first_image(&clean).as_deref(),
        Some("http://eng.hengyang.gov.cn/news/local/201905/pic/1.png")
    );
}

#[test]
fn lazy_images_get_their_real_address() {
    let base = Url::parse("http://portal.example/news/2019/a.html").expect("base");
    let out = sanitize_html(
        r#"<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="pic/a.jpg" alt="a"></p>
           <p><img data-original='../b.png'></p>
           <p><img src="/img/blank.gif" data-src="/c.jpg"></p>
           <p><img src="real.jpg" data-src="other.jpg"></p>
           <p><img src="x.gif" data-src="javascript:alert(1)"></p>
           <p><img src="loading.gif" data-src="javascript:alert(1)"></p>"#,
        &base,
    );
    assert!(
        out.contains(r#"src="http://portal.example/news/2019/pic/a.jpg""#),
        "{out}"
    );
    assert!(
        out.contains(r#"src="http://portal.example/news/b.png""#),
        "{out}"
    );
    assert!(
        out.contains(r#"src="http://portal.example/c.jpg""#),
        "{out}"
    );
    assert!(
        out.contains(r#"src="http://portal.example/news/2019/real.jpg""#),
        "{out}"
    );
    assert!(!out.contains("other.jpg"), "a real src is kept: {out}");
    assert!(!out.to_lowercase().contains("javascript"), "{out}");
    assert!(!out.contains("data:image"), "{out}");
    assert!(!out.contains("data-src"), "{out}");
}
