//! Decoding a body to UTF-8: forced charset, BOM, HTTP `charset=`,
//! `<meta>`, then a sniffer; and refusing bytes that are not text at all.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{
    Encoding, GB18030, GBK, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED,
};

use super::prescan::{charset_from_content, meta_charset};

/// How many bytes the sniffer reads at most.
const SNIFF_LEN: usize = 1 << 20;
/// How many decoded characters are checked for NUL.
const NUL_WINDOW: usize = 1024;

/// Decodes `body` to UTF-8. `content_type` is the HTTP header, `forced`
/// the site's `encoding`. Returns the text and the encoding used, or `None`
/// when the bytes are not text (NUL in the first KiB, or more than 10 %
/// undecodable characters).
///
/// The charset comes from, in order: `forced`, a byte order mark, the
/// header's `charset=`, a `<meta>` in the first 1024 bytes, a sniff.
/// `gb2312` and `gbk` decode as GB18030 (its superset).
pub fn decode_html(
    body: &[u8],
    content_type: Option<&str>,
    forced: Option<&'static Encoding>,
) -> Option<(String, &'static Encoding)> {
    decode_html_tld(body, content_type, forced, None)
}

/// [`decode_html`] with the page's top-level domain (`b"cn"`) as a hint
/// for the sniffer.
pub(crate) fn decode_html_tld(
    body: &[u8],
    content_type: Option<&str>,
    forced: Option<&'static Encoding>,
    tld: Option<&[u8]>,
) -> Option<(String, &'static Encoding)> {
    let (text, enc) = if let Some(enc) = forced {
        let enc = widen(enc);
        let (text, _) = enc.decode_with_bom_removal(body);
        (text, enc)
    } else if let Some((enc, bom_len)) = Encoding::for_bom(body) {
        let (text, _) = enc.decode_without_bom_handling(&body[bom_len..]);
        (text, enc)
    } else {
        let enc = header_charset(content_type)
            .or_else(|| meta_charset(body).map(from_meta))
            .unwrap_or_else(|| sniff(body, tld));
        let enc = widen(enc);
        let (text, _) = enc.decode_without_bom_handling(body);
        (text, enc)
    };
    if looks_like_text(&text) {
        Some((text.into_owned(), enc))
    } else {
        None
    }
}

/// The encoding named by the `charset=` parameter of a `Content-Type`.
fn header_charset(content_type: Option<&str>) -> Option<&'static Encoding> {
    let label = charset_from_content(content_type?)?;
    Encoding::for_label(label.as_bytes()).filter(|e| *e != REPLACEMENT)
}

/// What the HTML standard does with a `<meta>` label: a page cannot be
/// UTF-16 if its ASCII `<meta>` was readable, and x-user-defined means 1252.
fn from_meta(enc: &'static Encoding) -> &'static Encoding {
    if enc == UTF_16BE || enc == UTF_16LE {
        UTF_8
    } else if enc == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        enc
    }
}

/// GBK (what `gb2312` and `gbk` map to) decodes as GB18030, its superset;
/// portals labelled gb2312 routinely use characters beyond it.
fn widen(enc: &'static Encoding) -> &'static Encoding {
    if enc == GBK { GB18030 } else { enc }
}

/// Guesses the encoding of undeclared bytes.
fn sniff(body: &[u8], tld: Option<&[u8]>) -> &'static Encoding {
    if std::str::from_utf8(body).is_ok() {
        return UTF_8;
    }
    let sample = &body[..body.len().min(SNIFF_LEN)];
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(sample, sample.len() == body.len());
    detector.guess(tld.filter(|t| valid_tld(t)), Utf8Detection::Allow)
}

/// chardetng panics on a TLD with upper case, a period or non-ASCII.
fn valid_tld(tld: &[u8]) -> bool {
    !tld.is_empty()
        && tld
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// False for binary junk: NUL in the first KiB, or over 10 % U+FFFD.
fn looks_like_text(text: &str) -> bool {
    if text.chars().take(NUL_WINDOW).any(|c| c == '\0') {
        return false;
    }
    let (mut total, mut bad) = (0usize, 0usize);
    for c in text.chars() {
        total += 1;
        if c == char::REPLACEMENT_CHARACTER {
            bad += 1;
        }
    }
    bad * 10 <= total
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZH: &str = "<html><head><title>衡阳市人民政府</title></head><body>\
        <p>衡阳市人民政府门户网站今日发布最新政务信息，市委书记主持召开会议，研究部署经济社会发展工作。</p>\
        <p>会议强调，要坚持以人民为中心的发展思想，扎实做好民生保障，推动高质量发展取得新成效。</p>\
        </body></html>";

    fn gbk(s: &str) -> Vec<u8> {
        GBK.encode(s).0.into_owned()
    }

    #[test]
    fn header_charset_wins_over_meta() {
        let body = gbk("<meta charset=utf-8><p>新闻</p>");
        let (text, enc) =
            decode_html(&body, Some("text/html; charset=GBK"), None).expect("decodes");
        assert_eq!(enc, GB18030);
        assert!(text.contains("新闻"), "{text}");
    }

    #[test]
    fn bom_utf8_and_utf16() {
        let mut body = vec![0xEF, 0xBB, 0xBF];
        body.extend_from_slice("<p>新闻</p>".as_bytes());
        let (text, enc) =
            decode_html(&body, Some("text/html; charset=iso-8859-1"), None).expect("decodes");
        assert_eq!(enc, UTF_8);
        assert_eq!(text, "<p>新闻</p>");

        let mut body = vec![0xFF, 0xFE];
        for u in "<p>新闻 news</p>".encode_utf16() {
            body.extend_from_slice(&u.to_le_bytes());
        }
        let (text, enc) = decode_html(&body, None, None).expect("decodes");
        assert_eq!(enc, UTF_16LE);
        assert_eq!(text, "<p>新闻 news</p>");

        let mut body = vec![0xFE, 0xFF];
        for u in "<p>ok</p>".encode_utf16() {
            body.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode_html(&body, None, None).map(|p| p.1), Some(UTF_16BE));
    }

    #[test]
    fn meta_charset_and_http_equiv() {
        let body = gbk("<html><head><meta charset=\"gbk\"></head><p>新闻</p>");
        let (text, enc) = decode_html(&body, Some("text/html"), None).expect("decodes");
        assert_eq!(enc, GB18030);
        assert!(text.contains("新闻"));

        let body = gbk(
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><p>新闻</p>",
        );
        let (text, enc) = decode_html(&body, None, None).expect("decodes");
        assert_eq!(enc, GB18030);
        assert!(text.contains("新闻"));
    }

    #[test]
    fn meta_utf16_means_utf8() {
        let body = "<meta charset=utf-16><p>é</p>".as_bytes();
        assert_eq!(decode_html(body, None, None).map(|p| p.1), Some(UTF_8));
    }

    #[test]
    fn sniffs_undeclared_gbk() {
        let body = gbk(ZH);
        assert!(std::str::from_utf8(&body).is_err());
        let (text, enc) = decode_html(&body, None, None).expect("decodes");
        assert_eq!(enc, GB18030);
        assert_eq!(text, ZH);
        // The TLD hint path gives the same.
        let (_, enc) = decode_html_tld(&body, None, None, Some(b"cn")).expect("decodes");
        assert_eq!(enc, GB18030);
        // An invalid TLD is ignored instead of panicking chardetng.
        assert!(decode_html_tld(&body, None, None, Some(b"C.N")).is_some());
    }

    #[test]
    fn undeclared_utf8_and_ascii() {
        let (text, enc) = decode_html(ZH.as_bytes(), None, None).expect("decodes");
        assert_eq!((text.as_str(), enc), (ZH, UTF_8));
        assert_eq!(
            decode_html(b"<p>hi</p>", None, None).map(|p| p.1),
            Some(UTF_8)
        );
        assert_eq!(
            decode_html(b"", None, None).map(|p| p.0),
            Some(String::new())
        );
    }

    #[test]
    fn gb2312_and_gbk_labels_decode_as_gb18030() {
        // U+2E81 is in GB18030 two-byte space but not in GB2312.
        let body = GB18030.encode("<p>新闻 ⺁</p>").0.into_owned();
        for label in ["gb2312", "GBK", "x-gbk", "gb18030"] {
            let ct = format!("text/html; charset={label}");
            let (text, enc) = decode_html(&body, Some(&ct), None).expect("decodes");
            assert_eq!(enc, GB18030, "{label}");
            assert_eq!(text, "<p>新闻 ⺁</p>", "{label}");
        }
    }

    #[test]
    fn forced_overrides_everything_but_keeps_text_check() {
        let body = gbk("<meta charset=utf-8><p>新闻</p>");
        let (text, enc) =
            decode_html(&body, Some("text/html; charset=utf-8"), Some(GBK)).expect("decodes");
        assert_eq!(enc, GB18030);
        assert!(text.contains("新闻"));
        let (text, enc) =
            decode_html("<p>é</p>".as_bytes(), None, Some(WINDOWS_1252)).expect("decodes");
        assert_eq!(enc, WINDOWS_1252);
        assert_eq!(text, "<p>Ã©</p>");
    }

    #[test]
    fn garbage_is_none() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0";
        assert_eq!(decode_html(png, None, None), None);
        // No NUL, but mostly invalid UTF-8 declared as UTF-8.
        let junk: Vec<u8> = (0..400u32).map(|i| 0x80 + (i % 0x40) as u8).collect();
        assert_eq!(
            decode_html(&junk, Some("text/html; charset=utf-8"), None),
            None
        );
        // A few bad bytes in a big page are fine.
        let mut mostly = "<p>ok</p>".repeat(50).into_bytes();
        mostly.extend_from_slice(&[0xFF, 0xFE, 0xFD]);
        assert!(decode_html(&mostly, Some("text/html; charset=utf-8"), None).is_some());
    }
}
