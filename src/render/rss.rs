//! RSS 2.0 with the `content`, `dc` and `atom` extensions.

use std::collections::BTreeMap;

use rss::extension::dublincore::DublinCoreExtension;
use rss::extension::{Extension, ExtensionMap};
use rss::{Category, Channel, Item};

use super::{FeedMeta, Format, GENERATOR, feed_updated, xml_safe, xml_string};
use crate::model::Entry;

const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";
const ATOM_NS: &str = "http://www.w3.org/2005/Atom";

/// Writes the RSS 2.0 document for `entries` into `out`.
pub(super) fn write(meta: &FeedMeta, entries: &[Entry], out: &mut Vec<u8>) {
    let updated = feed_updated(meta, entries);
    // The channel's pubDate is the newest publication; with no entries it is
    // the build date.
    let published = entries
        .iter()
        .map(Entry::date)
        .max()
        .map_or_else(|| updated.to_rfc2822(), |d| d.to_rfc2822());
    let namespaces = BTreeMap::from([
        ("atom".to_owned(), ATOM_NS.to_owned()),
        ("content".to_owned(), CONTENT_NS.to_owned()),
        (
            "dc".to_owned(),
            rss::extension::dublincore::NAMESPACE.to_owned(),
        ),
    ]);
    // `<atom:link rel="self">` as a plain extension element: the rss crate's
    // `atom` feature would build atom_syndication's derive_builder macros
    // for this one element.
    let self_link = Extension {
        name: "atom:link".to_owned(),
        attrs: BTreeMap::from([
            ("href".to_owned(), xml_string(&meta.self_url(Format::Rss))),
            ("rel".to_owned(), "self".to_owned()),
            ("type".to_owned(), "application/rss+xml".to_owned()),
        ]),
        ..Extension::default()
    };
    let channel = Channel {
        title: xml_string(&meta.title),
        link: xml_string(&meta.home_url),
        description: xml_string(&meta.description),
        language: meta.language.as_deref().map(xml_string),
        generator: Some(GENERATOR.to_owned()),
        ttl: Some(meta.ttl_minutes.to_string()),
        pub_date: Some(published),
        last_build_date: Some(updated.to_rfc2822()),
        extensions: ExtensionMap::from([(
            "atom".to_owned(),
            BTreeMap::from([("link".to_owned(), vec![self_link])]),
        )]),
        items: entries.iter().map(item).collect(),
        namespaces,
        ..Channel::default()
    };
    // The writer only fails on I/O errors and writing into a Vec cannot fail;
    // should it ever, the feed is logged as broken rather than panicking.
    if let Err(e) = channel.write_to(out) {
        tracing::error!(error = %e, "RSS feed not rendered");
    }
}

/// One `<item>`.
fn item(entry: &Entry) -> Item {
    let creators = entry
        .author
        .as_deref()
        .map(xml_string)
        .into_iter()
        .collect();
    Item {
        title: Some(xml_string(&entry.title)),
        link: Some(xml_string(&entry.url)),
        // `description` is HTML: escape the plain-text summary so a reader
        // shows it as written (the rss crate wraps it in CDATA).
        description: entry.summary.as_deref().map(|s| escape_html(&xml_safe(s))),
        categories: entry
            .categories
            .iter()
            .map(|name| Category {
                name: xml_string(name),
                domain: None,
            })
            .collect(),
        pub_date: Some(entry.date().to_rfc2822()),
        content: entry.content_html.as_deref().map(xml_string),
        dublin_core_ext: Some(DublinCoreExtension {
            creators,
            ..DublinCoreExtension::default()
        }),
        extensions: permalink_guid(entry.id.as_str()),
        ..Item::default()
    }
}

/// `<guid isPermaLink="true">`: the rss crate's `Guid` leaves the attribute
/// out when it is true (the default), but the feed contract spells it out,
/// so the element goes in as an extension element, which is written verbatim
/// with its attributes escaped.
fn permalink_guid(id: &str) -> ExtensionMap {
    let guid = Extension {
        name: "guid".to_owned(),
        value: Some(xml_string(id)),
        attrs: BTreeMap::from([("isPermaLink".to_owned(), "true".to_owned())]),
        children: BTreeMap::new(),
    };
    BTreeMap::from([(
        String::new(),
        BTreeMap::from([("guid".to_owned(), vec![guid])]),
    )])
}

/// Escapes `&`, `<` and `>` so plain text reads as itself inside HTML.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_html_escapes_markup_only() {
        assert_eq!(
            escape_html("R&D <b> 衡阳 \"q\""),
            "R&amp;D &lt;b&gt; 衡阳 \"q\""
        );
    }
}
