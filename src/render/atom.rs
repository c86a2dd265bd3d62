//! Atom 1.0 (RFC 4287).

use atom_syndication::{
    Category, Content, Entry as AtomEntry, Feed, Generator, Link, Person, Text, WriteConfig,
};

use super::{FeedMeta, Format, entry_updated, feed_updated, xml_string};
use crate::model::Entry;

/// Writes the Atom document for `entries` into `out`.
pub(super) fn write(meta: &FeedMeta, entries: &[Entry], out: &mut Vec<u8>) {
    let links = vec![
        link("self", &meta.self_url(Format::Atom), "application/atom+xml"),
        link("alternate", &meta.home_url, "text/html"),
    ];
    let feed = Feed {
        title: Text::plain(xml_string(&meta.title)),
        id: xml_string(&meta.feed_id()),
        updated: feed_updated(meta, entries).fixed_offset(),
        authors: vec![person(&meta.author)],
        generator: Some(Generator {
            value: "portalfeed".to_owned(),
            uri: None,
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
        links,
        subtitle: (!meta.description.is_empty())
            .then(|| Text::plain(xml_string(&meta.description))),
        lang: meta.language.as_deref().map(xml_string),
        entries: entries.iter().map(|e| entry(meta, e)).collect(),
        ..Feed::default()
    };
    let config = WriteConfig {
        write_document_declaration: true,
        indent_size: None,
    };
    // The writer only fails on I/O errors and writing into a Vec cannot fail;
    // should it ever, the feed is logged as broken rather than panicking.
    if let Err(e) = feed.write_with_config(out, config) {
        tracing::error!(error = %e, "Atom feed not rendered");
    }
}

/// One `<entry>`. Atom requires an author: the entry's, else the feed's.
fn entry(meta: &FeedMeta, entry: &Entry) -> AtomEntry {
    AtomEntry {
        title: Text::plain(xml_string(&entry.title)),
        id: xml_string(entry.id.as_str()),
        updated: entry_updated(entry),
        published: Some(entry.date()),
        authors: vec![person(entry.author.as_deref().unwrap_or(&meta.author))],
        categories: entry
            .categories
            .iter()
            .map(|term| Category {
                term: xml_string(term),
                scheme: None,
                label: None,
            })
            .collect(),
        links: vec![link("alternate", &entry.url, "text/html")],
        summary: entry.summary.as_deref().map(|s| Text::plain(xml_string(s))),
        content: entry.content_html.as_deref().map(|html| Content {
            value: Some(xml_string(html)),
            content_type: Some("html".to_owned()),
            ..Content::default()
        }),
        ..AtomEntry::default()
    }
}

fn link(rel: &str, href: &str, mime_type: &str) -> Link {
    Link {
        href: xml_string(href),
        rel: rel.to_owned(),
        mime_type: Some(mime_type.to_owned()),
        ..Link::default()
    }
}

fn person(name: &str) -> Person {
    Person {
        name: xml_string(name),
        ..Person::default()
    }
}
