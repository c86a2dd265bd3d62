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
    decode_html_tld(body, content_type, forced, None).map(|d| (d.text, d.encoding))
}

/// A decoded body.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The charset used.
    pub encoding: &'static Encoding,
    /// Set when the declared charset did not fit the bytes and UTF-8 was
    /// used instead.
    pub note: Option<CharsetNote>,
}

/// A declared charset that did not fit the bytes: UTF-8 was used instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharsetNote {
    /// The charset the page declared.
    pub declared: &'static Encoding,
    /// Where: `the Content-Type header` or `<meta>`.
    pub place: &'static str,
}

impl std::fmt::Display for CharsetNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the charset {} declared in {} does not fit the bytes (valid UTF-8 that it turns into mojibake); decoded as UTF-8",
            self.declared.name(),
            self.place
        )
    }
}

/// Fewest multi-byte UTF-8 sequences before bytes count as "full of" them.
const MIN_UTF8_SEQUENCES: usize = 4;

/// The declared charset does not fit `body` when the bytes are valid UTF-8
/// with multi-byte sequences and the declared decoder makes replacement
/// characters of them or, for the GBK family, mostly characters outside the
/// common level 1 of GB2312 (UTF-8 Chinese read as GBK lands in the rare
/// level-2 block: `衡阳` becomes `琛￠槼`); a single-byte charset always
/// turns such bytes into mojibake (`Ã©`).
fn misdeclared_utf8(body: &[u8], declared: &'static Encoding, decoded: &str) -> bool {
    if declared == UTF_8 || !declared.is_ascii_compatible() || std::str::from_utf8(body).is_err() {
        return false;
    }
    let multi = body.iter().filter(|b| (0xC2..=0xF4).contains(*b)).count();
    if multi < MIN_UTF8_SEQUENCES {
        return false;
    }
    if decoded.contains(char::REPLACEMENT_CHARACTER) || declared.is_single_byte() {
        return true;
    }
    if declared == GB18030 || declared == GBK {
        let (mut pairs, mut rare) = (0usize, 0usize);
        let mut i = 0;
        while i + 1 < body.len() {
            let lead = body[i];
            if lead < 0x80 {
                i += 1;
                continue;
            }
            pairs += 1;
            // GB2312 level 1 (the 3755 common characters): lead B0..=D7,
            // trail A1..=FE; punctuation rows A1..=A9 count as common too.
            let trail = body[i + 1];
            let common = ((0xB0..=0xD7).contains(&lead) || (0xA1..=0xA9).contains(&lead))
                && (0xA1..=0xFE).contains(&trail);
            if !common {
                rare += 1;
            }
            i += 2;
        }
        return pairs > 0 && rare * 2 > pairs;
    }
    false
}

/// [`decode_html`] with the page's top-level domain (`b"cn"`) as a hint
/// for the sniffer.
pub(crate) fn decode_html_tld(
    body: &[u8],
    content_type: Option<&str>,
    forced: Option<&'static Encoding>,
    tld: Option<&[u8]>,
) -> Option<Decoded> {
    let mut note = None;
    let (text, enc) = if let Some(enc) = forced {
        let enc = widen(enc);
        let (text, _) = enc.decode_with_bom_removal(body);
        (text, enc)
    } else if let Some((enc, bom_len)) = Encoding::for_bom(body) {
        let (text, _) = enc.decode_without_bom_handling(&body[bom_len..]);
        (text, enc)
    } else {
        let declared = header_charset(content_type)
            .map(|e| (e, "the Content-Type header"))
            .or_else(|| meta_charset(body).map(|e| (from_meta(e), "<meta>")));
        let enc = widen(declared.map_or_else(|| sniff(body, tld), |(e, _)| e));
        let (text, _) = enc.decode_without_bom_handling(body);
        match declared {
            Some((label, place)) if misdeclared_utf8(body, enc, &text) => {
                note = Some(CharsetNote {
                    declared: label,
                    place,
                });
                let (text, _) = UTF_8.decode_without_bom_handling(body);
                (text, UTF_8)
            }
            _ => (text, enc),
        }
    };
    looks_like_text(&text).then(|| Decoded {
        text: text.into_owned(),
        encoding: enc,
        note,
    })
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
        let decoded = decode_html_tld(&body, None, None, Some(b"cn")).expect("decodes");
        assert_eq!(decoded.encoding, GB18030);
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
    fn utf8_behind_a_gb2312_label_is_read_as_utf8_with_a_note() {
        let body = format!("<meta charset=\"gb2312\">{ZH}");
        let decoded = decode_html_tld(body.as_bytes(), None, None, None).expect("decodes");
        assert_eq!(decoded.encoding, UTF_8);
        assert!(decoded.text.contains("衡阳市人民政府"), "{}", decoded.text);
        let note = decoded.note.expect("a note").to_string();
        assert!(note.contains("GBK") && note.contains("<meta>"), "{note}");
        // The same from the header, and with a single-byte label.
        let decoded = decode_html_tld(ZH.as_bytes(), Some("text/html; charset=gb2312"), None, None)
            .expect("decodes");
        assert_eq!(decoded.encoding, UTF_8);
        assert!(
            decoded
                .note
                .expect("note")
                .to_string()
                .contains("Content-Type")
        );
        let latin = "<p>Straße, Bürgerbüro, Öffnungszeiten, Gebühren</p>";
        let decoded = decode_html_tld(
            latin.as_bytes(),
            Some("text/html; charset=iso-8859-1"),
            None,
            None,
        )
        .expect("decodes");
        assert_eq!((decoded.text.as_str(), decoded.encoding), (latin, UTF_8));
    }

    #[test]
    fn real_gbk_stays_exact_labelled_or_not() {
        for label in [
            Some("text/html; charset=gb2312"),
            Some("text/html; charset=gbk"),
            None,
        ] {
            let body = gbk(ZH);
            let decoded = decode_html_tld(&body, label, None, Some(b"cn")).expect("decodes");
            assert_eq!(decoded.encoding, GB18030, "{label:?}");
            assert_eq!(decoded.text, ZH, "{label:?}");
            assert_eq!(decoded.note, None, "{label:?}");
        }
        let body = gbk(&format!("<meta charset=gb2312>{ZH}"));
        let decoded = decode_html_tld(&body, None, None, None).expect("decodes");
        assert_eq!((decoded.encoding, decoded.note), (GB18030, None));
        // A forced charset is obeyed even when it does not fit.
        let decoded = decode_html_tld(ZH.as_bytes(), None, Some(GBK), None).expect("decodes");
        assert_eq!((decoded.encoding, decoded.note), (GB18030, None));
        // A few UTF-8 characters (a copyright sign) behind a latin1 label are not enough.
        let decoded = decode_html_tld(
            "<p>© 2024</p>".as_bytes(),
            Some("text/html; charset=iso-8859-1"),
            None,
            None,
        )
        .expect("decodes");
        assert_eq!(decoded.note, None);
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
