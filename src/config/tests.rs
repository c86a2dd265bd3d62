//! Tests of the whole layer: TOML text in, `Config` or error lines out.

use std::time::Duration;

use super::spec::{Config, Settings};
use super::{parse, parse_raw};

fn ok(text: &str) -> Config {
    match parse(text, "t.toml") {
        Ok(c) => c,
        Err(e) => panic!("expected a valid config, got:\n{e}"),
    }
}

fn errors(text: &str) -> Vec<String> {
    match parse(text, "t.toml") {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

const SITE: &str = "[[sites]]\nid = \"a\"\ntitle = \"A\"\nurl = \"http://a.test/\"\n";
const SECTION: &str = "[[sites.sections]]\nid = \"s\"\ntitle = \"S\"\nurl = \"http://a.test/s/\"\nlist = { item = \"li\", link = \"a\", title = \"a\" }\n";

#[test]
fn an_empty_file_is_a_valid_config() {
    let c = ok("");
    assert_eq!(c.server.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(c.server.public_url.as_str(), "http://127.0.0.1:8080/");
    assert_eq!(c.server.max_concurrent_fetches, 8);
    assert_eq!(c.server.cache_size, 64 * 1024 * 1024);
    assert!(c.server.data_dir.is_none());
    assert_eq!(c.summary(), "0 sites, 0 sections (0 scraped, 0 groups)");
}

#[test]
fn settings_inherit_defaults_then_site_then_section() {
    let text = format!(
        "[defaults]\ninterval = \"1h\"\nmax_items = 20\nmin_delay = \"0s\"\n\
         {SITE}max_items = 30\nobey_robots = false\nmax_body = \"1MiB\"\n\
         {SECTION}timeout = \"5s\"\nmax_items = 40\n\
         [[sites.sections]]\nid = \"g\"\ntitle = \"G\"\n"
    );
    let c = ok(&text);
    let site = &c.sites[0];
    let base = Settings::default();
    assert_eq!(site.settings.interval, Duration::from_secs(3600));
    assert_eq!(site.settings.max_items, 30);
    assert_eq!(site.settings.min_delay, Duration::ZERO);
    assert!(!site.settings.obey_robots);
    assert_eq!(site.settings.max_body, 1 << 20);
    assert_eq!(site.settings.timeout, base.timeout);
    let s = &site.sections[0].settings;
    assert_eq!(s.interval, Duration::from_secs(3600), "from defaults");
    assert_eq!(s.max_items, 40, "own");
    assert_eq!(s.timeout, Duration::from_secs(5), "own");
    assert!(!s.obey_robots, "from the site");
    assert_eq!(s.max_body, 1 << 20, "from the site");
    assert_eq!(s.user_agent, base.user_agent, "built-in default");
    assert!(!s.allow_private, "private addresses are refused by default");
    assert_eq!(s.parse_deadline(), Duration::from_secs(20), "4 × timeout");
    assert_eq!(s.max_content, 1 << 20, "1 MiB by default");
    assert_eq!(
        site.sections[1].settings.max_items, 30,
        "a group inherits too"
    );
    assert_eq!(c.summary(), "1 site, 2 sections (1 scraped, 1 group)");
}

#[test]
fn sections_use_their_own_article_else_the_sites() {
    let text = format!(
        "{SITE}article = {{ content = \".site\" }}\n{SECTION}\
         [[sites.sections]]\nid = \"t\"\ntitle = \"T\"\nurl = \"http://a.test/t/\"\n\
         list = {{ item = \"li\", link = \"a\", title = \"a\" }}\narticle = {{ content = \".own\", remove = [\"script\"] }}\n"
    );
    let c = ok(&text);
    let content = |i: usize| {
        c.sites[0].sections[i]
            .article
            .as_ref()
            .and_then(|a| a.content.as_ref())
            .map(|f| f.css.source.clone())
    };
    assert_eq!(content(0).as_deref(), Some(".site"));
    assert_eq!(content(1).as_deref(), Some(".own"));
}

#[test]
fn compiled_list_and_paging() {
    let text = format!(
        "{SITE}[[sites.sections]]\nid = \"s\"\ntitle = \"S\"\nurl = \"http://a.test/s/\"\npages = 3\nnext_page = \"a.next\"\n\
         [sites.sections.list]\nitem = \"ul > li\"\nlink = {{ css = \"a\", attr = \"data-href\" }}\ntitle = \"a\"\n\
         date = {{ css = \"span\", regex = \"(\\\\d+-\\\\d+-\\\\d+)\", format = \"%Y-%m-%d\" }}\n"
    );
    let c = ok(&text);
    let src = c.sites[0].sections[0].source.as_ref().expect("scraped");
    assert_eq!(src.pages, 3);
    assert_eq!(
        src.next_page.as_ref().and_then(|f| f.attr.as_deref()),
        Some("href")
    );
    assert_eq!(src.list.link.attr.as_deref(), Some("data-href"));
    assert_eq!(src.list.title.attr, None);
    let date = src.list.date.as_ref().expect("date");
    assert_eq!(date.formats, vec!["%Y-%m-%d".to_owned()]);
    assert!(
        date.regex
            .as_ref()
            .is_some_and(|r| r.is_match("on 2019-05-13"))
    );
}

#[test]
fn site_keys_compile() {
    let text = "[[sites]]\nid = \"a\"\ntitle = \"A\"\nurl = \"http://a.test/\"\ntimezone = \"Asia/Shanghai\"\n\
                language = \"zh-CN\"\nencoding = \"gbk\"\n";
    let c = ok(text);
    let s = &c.sites[0];
    assert_eq!(s.timezone, chrono_tz::Asia::Shanghai);
    assert_eq!(s.language.as_deref(), Some("zh-CN"));
    assert_eq!(s.encoding, Some(encoding_rs::GB18030));
    assert!(s.article.is_none());
}

#[test]
fn server_keys() {
    let c = ok(
        "[server]\nlisten = \"0.0.0.0:9000\"\npublic_url = \"https://feeds.test/pf\"\ndata_dir = \"data\"\n\
                admin_token_env = \"PF_TOKEN\"\nmax_concurrent_fetches = 2\ncache_size = \"16MiB\"\n",
    );
    assert_eq!(c.server.cache_size, 16 * 1024 * 1024);
    assert_eq!(c.server.listen.port(), 9000);
    assert_eq!(c.server.public_url.as_str(), "https://feeds.test/pf");
    assert_eq!(
        c.server.data_dir.as_deref(),
        Some(std::path::Path::new("data"))
    );
    assert_eq!(c.server.admin_token_env.as_deref(), Some("PF_TOKEN"));
    assert_eq!(c.server.max_concurrent_fetches, 2);
    assert_eq!(
        errors(
            "[server]\nlisten = \"localhost\"\npublic_url = \"feeds\"\nadmin_token_env = \"A B\"\nmax_concurrent_fetches = 0\ncache_size = 10\n"
        ),
        vec![
            "t.toml:2:1: server.listen: invalid socket address `localhost` (hint: an IP address and a port, e.g. `127.0.0.1:8080` or `[::]:8080`)",
            "t.toml:3:1: server.public_url: invalid URL `feeds`: relative URL without a base (hint: an absolute http(s) URL like `http://www.example.gov.cn/news/`)",
            "t.toml:4:1: server.admin_token_env: invalid variable name `A B` (hint: the name of an environment variable, e.g. `PORTALFEED_ADMIN_TOKEN`)",
            "t.toml:5:1: server.max_concurrent_fetches: 0 is out of range: 1..=65535",
            "t.toml:6:1: server.cache_size: 10 is too small: at least 1024 bytes (hint: a number of bytes, or a size like \"10MiB\" or \"512KiB\")",
        ]
    );
}

#[test]
fn missing_required_keys_point_at_the_table_header() {
    let text = "[[sites]]\n[[sites.sections]]\nurl = \"http://a.test/\"\n  [sites.sections.list]\n  summary = \"p\"\n";
    assert_eq!(
        errors(text),
        vec![
            "t.toml:1:1: sites[0].id: required key is missing (hint: a slug used in feed URLs, e.g. `hengyang`)",
            "t.toml:1:1: sites[0].title: required key is missing (hint: the site's name, shown in feed titles)",
            "t.toml:1:1: sites[0].url: required key is missing (hint: the portal's home page, e.g. `http://www.example.gov.cn/`)",
            "t.toml:2:1: sites[0].sections[0].id: required key is missing (hint: a slug used in feed URLs, e.g. `local-news`)",
            "t.toml:2:1: sites[0].sections[0].title: required key is missing (hint: the section's name, also the entries' category)",
            "t.toml:4:3: sites[0].sections[0].list.item: required key is missing (hint: the CSS selector of one entry, e.g. `ul.list > li`)",
            "t.toml:4:3: sites[0].sections[0].list.link: required key is missing (hint: the entry's link inside the item, e.g. `a`)",
            "t.toml:4:3: sites[0].sections[0].list.title: required key is missing (hint: the entry's title inside the item, e.g. `a`)",
        ]
    );
}

#[test]
fn duplicate_ids() {
    let text = format!("{SITE}{SECTION}{SECTION}{SITE}");
    assert_eq!(
        errors(&text),
        vec![
            "t.toml:11:1: sites[0].sections[1].id: duplicate section id `s` (hint: sections[0] already uses it; section ids must be unique within a site)",
            "t.toml:16:1: sites[1].id: duplicate site id `a` (hint: sites[0] already uses it; site ids must be unique)",
        ]
    );
    // The same section id in two sites is fine.
    ok(&format!(
        "{SITE}{SECTION}[[sites]]\nid = \"b\"\ntitle = \"B\"\nurl = \"http://b.test/\"\n{SECTION}"
    ));
}

#[test]
fn bad_slugs() {
    let text = "[[sites]]\nid = \"My Site\"\ntitle = \"A\"\nurl = \"http://a.test/\"\n\
                [[sites.sections]]\nid = \"\"\ntitle = \"G\"\n";
    assert_eq!(
        errors(text),
        vec![
            "t.toml:2:1: sites[0].id: invalid id `My Site`: use only lowercase letters, digits and `-` (hint: e.g. `my-site`)",
            "t.toml:6:1: sites[0].sections[0].id: invalid id ``: use only lowercase letters, digits and `-`",
        ]
    );
}

#[test]
fn parents_must_exist_and_not_loop() {
    let group = |id: &str, parent: &str| {
        format!("[[sites.sections]]\nid = \"{id}\"\ntitle = \"X\"\nparent = \"{parent}\"\n")
    };
    let text = format!(
        "{SITE}{}{}{}{}{}",
        group("a", "b"),
        group("b", "c"),
        group("c", "a"),
        group("d", "a"),
        group("e", "nope")
    );
    assert_eq!(
        errors(&text),
        vec![
            "t.toml:8:1: sites[0].sections[0].parent: parent cycle: `a` -> `b` -> `c` -> `a` (hint: a section cannot be its own ancestor; remove one of these `parent` keys)",
            "t.toml:24:1: sites[0].sections[4].parent: unknown parent `nope` (hint: sections of this site: `a`, `b`, `c`, `d`)",
        ]
    );
    let own = format!("{SITE}{}", group("a", "a"));
    assert_eq!(
        errors(&own),
        vec![
            "t.toml:8:1: sites[0].sections[0].parent: parent cycle: `a` -> `a` (hint: a section cannot be its own ancestor; remove one of these `parent` keys)"
        ]
    );
    // A valid tree.
    let c = ok(&format!(
        "{SITE}{}{SECTION}parent = \"g\"\n",
        "[[sites.sections]]\nid = \"g\"\ntitle = \"G\"\n"
    ));
    let site = &c.sites[0];
    let g = &site.sections[0].id;
    assert_eq!(site.children(g).count(), 1);
    assert_eq!(site.scraped_sections_under(g).len(), 1);
}

#[test]
fn groups_and_scraped_sections() {
    let text = format!(
        "{SITE}[[sites.sections]]\nid = \"g\"\ntitle = \"G\"\npages = 2\nlist = {{ item = \"li\", link = \"a\", title = \"a\" }}\n\
         [[sites.sections]]\nid = \"n\"\ntitle = \"N\"\nnext_page = \"a\"\n\
         [[sites.sections]]\nid = \"s\"\ntitle = \"S\"\nurl = \"http://a.test/s\"\n"
    );
    assert_eq!(
        errors(&text),
        vec![
            "t.toml:9:1: sites[0].sections[0].list: a group (a section without `url`) cannot have `list`, `pages` (hint: add `url` or remove them)",
            "t.toml:13:1: sites[0].sections[1].next_page: a group (a section without `url`) cannot have `next_page` (hint: add `url` or remove it)",
            "t.toml:14:1: sites[0].sections[2].list: a section with `url` needs a `list` table (hint: add `[sites.sections.list]` with `item`, `link` and `title`, or remove `url` to make a group)",
        ]
    );
}

#[test]
fn values_out_of_range_and_malformed() {
    let text = format!(
        "[defaults]\ninterval = \"5s\"\nmax_items = 0\ntimeout = \"soon\"\nmax_body = 10\n\
         {SITE}timezone = \"Mars/Base\"\nencoding = \"klingon\"\nlanguage = \"english please\"\nmax_items = 10001\n\
         [[sites.sections]]\nid = \"s\"\ntitle = \"S\"\npages = 101\nurl = \"ftp://a.test/\"\n\
         list = {{ item = \"li\", link = \"a\", title = \"a\" }}\n"
    );
    let errs = errors(&text);
    let paths: Vec<&str> = errs
        .iter()
        .map(|e| e.split(": ").nth(1).unwrap_or_default())
        .collect();
    assert_eq!(
        paths,
        vec![
            "defaults.interval",
            "defaults.max_items",
            "defaults.timeout",
            "defaults.max_body",
            "sites[0].timezone",
            "sites[0].encoding",
            "sites[0].language",
            "sites[0].max_items",
            "sites[0].sections[0].pages",
            "sites[0].sections[0].url",
        ],
        "{errs:#?}"
    );
}

#[test]
fn a_wrong_url_type_does_not_also_make_a_group() {
    let text = format!(
        "{SITE}[[sites.sections]]\nid = \"s\"\ntitle = \"S\"\nurl = 5\nlist = {{ item = \"li\", link = \"a\", title = \"a\" }}\n"
    );
    assert_eq!(
        errors(&text),
        vec![
            "t.toml:8:1: sites[0].sections[0].url: expected a string, found an integer \
             (hint: an absolute http(s) URL in quotes)"
        ]
    );
}

#[test]
fn an_error_in_one_section_hides_none_in_others() {
    let text = format!(
        "{SITE}{SECTION}pages = \"two\"\nbogus = 1\n\
         [[sites.sections]]\nid = \"t\"\ntitle = \"T\"\nurl = \"http://a.test/t\"\nlist = {{ item = \"li >\", link = \"a\", title = \"a\" }}\n"
    );
    assert_eq!(
        errors(&text),
        vec![
            "t.toml:10:1: sites[0].sections[0].pages: expected an integer, found a string",
            "t.toml:11:1: sites[0].sections[0].bogus: unknown key `bogus` (hint: known keys here: `id`, `title`, `parent`, `url`, `pages`, `next_page`, `page_url`, `list`, `article`, `interval`, `max_items`, `timeout`, `user_agent`, `min_delay`, `fetch_articles`, `obey_robots`, `max_body`, `allow_private`, `scrape_deadline`, `max_content`)",
            "t.toml:16:10: sites[0].sections[1].list.item: invalid CSS selector `li >`: dangling combinator (hint: a CSS selector like `ul.list > li` or `a[href]`)",
        ]
    );
}

#[test]
fn syntax_errors_are_one_error_at_the_parser_position() {
    let errs = errors("[server]\nlisten = \"127.0.0.1:8080\n");
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0],
        "t.toml:2:25: TOML syntax error: invalid basic string, expected `\"`"
    );
}

#[test]
fn parse_raw_checks_types_only() {
    let raw =
        parse_raw(&format!("{SITE}{SECTION}max_items = 0\n"), "t.toml").expect("types are right");
    assert_eq!(raw.sites[0].sections[0].max_items, Some(0));
    let err = parse_raw("[server]\nlisten = 1\n", "t.toml").expect_err("wrong type");
    assert_eq!(
        err.to_string(),
        "t.toml:2:1: server.listen: expected a string, found an integer (hint: an address like \"127.0.0.1:8080\")"
    );
}

#[test]
fn compile_accepts_raw_from_json() {
    let mut raw = parse_raw(SITE, "t.toml").expect("valid");
    let section: super::raw::RawSection = serde_json::from_str(
        r#"{"id":"n","title":"N","url":"http://a.test/n","list":{"item":"li","link":"a","title":{"css":"a","regex":"("}}}"#,
    )
    .expect("valid JSON");
    raw.sites[0].sections.push(section);
    let problems = super::compile(&raw).expect_err("bad regex");
    assert_eq!(problems.len(), 1);
    assert_eq!(
        problems[0].path.to_string(),
        "sites[0].sections[0].list.title.regex"
    );
    assert!(
        problems[0].message.starts_with("invalid regex `(`"),
        "{}",
        problems[0].message
    );
}

#[test]
fn raw_config_round_trips_through_toml() {
    let text = std::fs::read_to_string("fixtures/configs/valid-full.toml").expect("fixture");
    let raw = parse_raw(&text, "valid-full.toml").expect("valid");
    let written = toml::to_string(&raw).expect("serializable");
    let again = parse_raw(&written, "written.toml").expect("still valid");
    assert_eq!(raw, again);
    ok(&written);
}

#[test]
fn the_store_table_names_a_postgres_url_and_a_lease() {
    let c = ok("");
    assert_eq!(c.store.url, None);
    assert_eq!(c.store.lease, Duration::from_secs(60));
    let c = ok("[store]\nurl = \"postgres://pf:secret@db:5432/portalfeed\"\nlease = \"5s\"\n");
    assert_eq!(
        c.store.url.as_deref(),
        Some("postgres://pf:secret@db:5432/portalfeed")
    );
    assert_eq!(c.store.lease, Duration::from_secs(5));
    let errs = errors("[store]\nurl = \"mysql://db/pf\"\nlease = \"10ms\"\nmax_connections = 3\n");
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(
        errs[0].starts_with("t.toml:2:1: store.url: not a PostgreSQL URL"),
        "{errs:?}"
    );
    assert!(
        errs[1].starts_with("t.toml:3:1: store.lease: `10ms` is too short"),
        "{errs:?}"
    );
    assert!(errs[2].contains("max_connections"), "{errs:?}");
    let errs = errors("[store]\nurl = \"postgres://pf:secret@db:notaport/pf\"\n");
    assert!(
        errs[0].contains("store.url: invalid PostgreSQL URL"),
        "{errs:?}"
    );
    assert!(
        !errs[0].contains("secret"),
        "the password is never shown: {errs:?}"
    );
}
