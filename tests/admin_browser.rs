//! The admin page driven in headless Chromium (Debian's `chromium` and
//! `chromedriver`, through fantoccini): log in, open a section, change its
//! selectors, preview, save, and see the feed and the config file change.
//!
//! Skips with a message when Chromium or chromedriver is not installed,
//! except when `CI` is set: then it fails (`.ci/run` installs both).
//!
//! The admin token is read from an env var the service names in its config;
//! setting env vars in-process needs `unsafe` (forbidden in this crate), so
//! the test runs itself again as a child process with the var set.

mod common;

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail, ensure};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;
use portalfeed::app::Service;
use portalfeed::demo::FixturePortal;
use serde_json::json;

/// The env var that carries the admin token (unique to this test).
const TOKEN_VAR: &str = "PORTALFEED_ADMIN_BROWSER_TEST_TOKEN";
/// This test's name, to run it again as a child.
const TEST_NAME: &str = "admin_page_fixes_a_section_end_to_end";
/// How long the page may take to show something.
const WAIT: Duration = Duration::from_secs(20);
/// The whole browser part.
const SCENARIO_LIMIT: Duration = Duration::from_secs(240);

#[test]
fn admin_page_fixes_a_section_end_to_end() {
    let Some(tools) = Tools::find_or_skip() else {
        return;
    };
    match std::env::var(TOKEN_VAR) {
        Ok(token) if !token.is_empty() => run_scenario(&tools, &token),
        _ => rerun_with_token(),
    }
}

/// Runs this test again in a child process with the token var set.
fn rerun_with_token() {
    let token = format!(
        "browser-{:016x}{:016x}",
        fastrand::u64(..),
        fastrand::u64(..)
    );
    let exe = std::env::current_exe().expect("path of the test binary");
    let out = Command::new(exe)
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env(TOKEN_VAR, &token)
        .output()
        .expect("run the test binary again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "the browser scenario failed (its output is above)"
    );
    assert!(
        stdout.contains("1 passed"),
        "the child ran no test (output above)"
    );
}

fn run_scenario(tools: &Tools, token: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    if let Err(e) = rt.block_on(scenario(tools, token)) {
        panic!("admin page scenario failed: {e:#}");
    }
}

/// Where Chromium and chromedriver are.
#[derive(Debug)]
struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
}

impl Tools {
    /// Both tools, or `None` after saying why (a failure under CI).
    fn find_or_skip() -> Option<Self> {
        let chromium = find_program(&["chromium", "chromium-browser"]);
        let chromedriver = find_program(&["chromedriver"]);
        match (chromium, chromedriver) {
            (Some(chromium), Some(chromedriver)) => Some(Self {
                chromium,
                chromedriver,
            }),
            (chromium, driver) => {
                let missing = [
                    ("chromium", chromium.is_none()),
                    ("chromedriver", driver.is_none()),
                ]
                .iter()
                .filter(|(_, gone)| *gone)
                .map(|(name, _)| *name)
                .collect::<Vec<_>>()
                .join(" and ");
                assert!(
                    std::env::var_os("CI").is_none(),
                    "CI is set but {missing} is not installed: the admin page test must run in CI (.ci/run installs chromium and chromium-driver)"
                );
                eprintln!(
                    "skipping: chromium/chromedriver not installed ({missing} missing); .ci/run installs them"
                );
                None
            }
        }
    }
}

/// The first of `names` found in `PATH` or `/usr/bin`.
fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .collect();
    names
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// chromedriver on a free loopback port; killed when dropped (also when the
/// test fails).
struct Chromedriver {
    child: Child,
    url: String,
}

impl Chromedriver {
    fn start(path: &Path, log: &Path) -> anyhow::Result<Self> {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
            .local_addr()?
            .port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {}", path.display()))?;
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + WAIT;
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
            ensure!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port} within {WAIT:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium session with a fresh profile.
async fn connect(driver: &Chromedriver, chromium: &Path, profile: &Path) -> anyhow::Result<Client> {
    let options = json!({
        "binary": chromium.display().to_string(),
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync",
            format!("--user-data-dir={}", profile.display()),
            "--window-size=1280,900",
        ],
    });
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".to_owned(), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .context("cannot open a Chromium session through chromedriver")
}

/// The demo config pointed at `portal`, on an ephemeral port, scraped
/// rarely (nothing scrapes behind the test's back), admin on.
fn config_text(portal: &FixturePortal) -> anyhow::Result<String> {
    let mut text = portal.demo_config_text()?;
    for (from, to) in [
        (r#"listen = "127.0.0.1:8080""#, r#"listen = "127.0.0.1:0""#),
        (
            r#"public_url = "http://127.0.0.1:8080""#,
            r#"public_url = "http://127.0.0.1:0""#,
        ),
        (r#"interval = "5m""#, r#"interval = "6h""#),
        (r#"interval = "30m""#, r#"interval = "6h""#),
        (
            r#"admin_token_env = "PORTALFEED_ADMIN_TOKEN""#,
            &format!(r#"admin_token_env = "{TOKEN_VAR}""#),
        ),
    ] {
        ensure!(text.contains(from), "config/demo.toml has no `{from}`");
        text = text.replace(from, to);
    }
    Ok(text)
}

async fn scenario(tools: &Tools, token: &str) -> anyhow::Result<()> {
    let portal = FixturePortal::start().await.context("fixture portal")?;
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("portalfeed.toml");
    std::fs::write(&path, config_text(&portal)?)?;
    let config = portalfeed::config::load(&path).map_err(|e| anyhow!("{e}"))?;
    let service = Service::start(config, Some(path.clone())).await?;
    common::wait_scraped(&service, 1).await;
    let base = service.base_url();

    let profile = tempfile::tempdir()?;
    let log = dir.path().join("chromedriver.log");
    let driver = Chromedriver::start(&tools.chromedriver, &log)?;
    let browser = connect(&driver, &tools.chromium, profile.path()).await?;
    let page = Page {
        browser: &browser,
        base: &base,
    };
    let outcome = AssertUnwindSafe(tokio::time::timeout(
        SCENARIO_LIMIT,
        drive(&page, token, &path),
    ))
    .catch_unwind()
    .await;
    let failed = !matches!(outcome, Ok(Ok(Ok(()))));
    if failed {
        page.failure_context().await;
        eprintln!("chromedriver log: {}", log.display());
    }
    let _ = browser.close().await;
    drop(driver);
    service.shutdown().await?;
    if failed {
        // Keep the log for a look (the temp dir goes away otherwise).
        let _ = std::fs::copy(&log, target_dir().join("admin-chromedriver.log"));
    }
    match outcome {
        Err(panic) => std::panic::resume_unwind(panic),
        Ok(Err(_)) => bail!("the browser scenario took longer than {SCENARIO_LIMIT:?}"),
        Ok(Ok(result)) => result,
    }
}

/// The browser steps.
async fn drive(page: &Page<'_>, token: &str, config_path: &Path) -> anyhow::Result<()> {
    let http = common::client();
    let feed_url = format!("{}/feeds/demo/local.atom", page.base);
    let before = atom(&http, &feed_url).await?;
    let bridge_before = bridge_summary(&before)?;
    ensure!(
        bridge_before.starts_with("The six-lane bridge"),
        "unexpected summary before the edit: {bridge_before:?}"
    );
    let file_before = std::fs::read_to_string(config_path)?;

    log_in(page, token).await?;
    sections_table(page).await?;

    // Open the section: the editor shows its config.
    page.click(r#"#sections button[data-site="demo"][data-section="local"]"#)
        .await?;
    page.wait_value("#field-list-item", "ul.list > li").await?;
    ensure!(page.find("#editor").await?.is_displayed().await?);
    ensure!(page.value("#field-list-summary").await? == "p");
    ensure!(page.value("#field-pages").await? == "2");
    let local_url = page.value("#field-url").await?;
    ensure!(local_url.ends_with("/bendixinwen3/"));

    // Preview a narrower item selector with a date selector that matches
    // nothing: two items on each of the two pages (the second of each is the
    // bridge again, a duplicate that is not published), every date of a
    // published item a problem that says why.
    page.set("#field-list-item", "ul.list > li:nth-child(-n+2)")
        .await?;
    page.set("#field-list-date", "em").await?;
    page.click("#preview").await?;
    page.wait_count("#preview-results tbody tr", 4).await?;
    page.wait_count("#preview-results tbody tr.skipped", 2)
        .await?;
    let problems = page
        .find_all(r#"#preview-results tbody td.problem[data-field="date"]"#)
        .await?;
    ensure!(
        problems.len() == 2,
        "expected the 2 published items' dates highlighted, found {}",
        problems.len()
    );
    for cell in problems {
        let why = cell.text().await?;
        ensure!(
            why.contains("matched nothing"),
            "a problem cell says why: {why:?}"
        );
    }
    ensure!(
        std::fs::read_to_string(config_path)? == file_before,
        "preview changed the config file"
    );

    // Save an invalid selector: 422, shown next to the field, nothing written.
    page.set("#field-list-item", "ul.list >>> li").await?;
    page.click("#save").await?;
    page.wait_css(r#"#field-list-item[aria-invalid="true"]"#)
        .await?;
    let message = page
        .text(r#".field[data-field="list.item"] .field-error"#)
        .await?;
    ensure!(!message.is_empty(), "the 422 error is shown at list.item");
    ensure!(
        std::fs::read_to_string(config_path)? == file_before,
        "a refused save changed the config file"
    );

    // A preview that matches nothing, then Save: the page asks first,
    // naming what will happen; declining saves nothing.
    page.set("#field-list-item", "ul.no-such-list > li").await?;
    page.click("#preview").await?;
    page.wait_css("#preview-results p.summary.bad").await?;
    page.click("#save").await?;
    let question = page
        .browser
        .get_alert_text()
        .await
        .context("Save after an empty preview asks (confirm())")?;
    ensure!(
        question.contains("matched nothing")
            && question.contains("demo/local turns failing")
            && question.contains("entries stay served"),
        "the confirmation names what will happen: {question:?}"
    );
    page.browser.dismiss_alert().await?;
    page.wait_status("keeps its current config").await?;
    ensure!(
        std::fs::read_to_string(config_path)? == file_before,
        "a declined save changed the config file"
    );

    // The real fix: back to every item, and the date as the summary.
    page.set("#field-list-item", "ul.list > li").await?;
    page.set("#field-list-date", "span").await?;
    page.set("#field-list-summary", "span").await?;
    page.click("#preview").await?;
    page.wait_count("#preview-results tbody tr", 9).await?;
    let first_row = page.text("#preview-results tbody tr").await?;
    ensure!(
        first_row.contains("Xiangjiang River Bridge"),
        "the first preview row is the bridge: {first_row:?}"
    );
    let summary = page
        .text(r#"#preview-results tbody tr:first-child td[data-field="summary"]"#)
        .await?;
    ensure!(
        summary == "2019-05-13",
        "the bridge's summary is now its date: {summary:?}"
    );
    let skipped = page.find_all("#preview-results tbody tr.skipped").await?;
    ensure!(
        skipped.len() == 2,
        "the bridge's two duplicates are not published, found {} skipped rows",
        skipped.len()
    );
    desktop(page).await?;
    page.click("#save").await?;
    page.wait_status("Saved").await?;

    // The feed changes (the section is scraped again with the new selector).
    let deadline = Instant::now() + WAIT;
    loop {
        let feed = atom(&http, &feed_url).await?;
        if bridge_summary(&feed)? == "2019-05-13" {
            ensure!(
                feed.entries.len() == before.entries.len(),
                "the edit kept every entry"
            );
            break;
        }
        ensure!(
            Instant::now() < deadline,
            "the feed did not change within {WAIT:?} after Save"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The config file has the new selector and still has its comments.
    let file = std::fs::read_to_string(config_path)?;
    let local = file
        .split("[[sites.sections]]")
        .find(|s| s.contains(r#"id = "local""#))
        .context("the local section is still in the file")?;
    ensure!(
        local.contains(r#"summary = "span""#) && !local.contains(r#"summary = "p""#),
        "the file has the new selector:\n{local}"
    );
    for comment in [
        "# portalfeed demo config: the bundled fixture portal",
        "# ---- Hot News ----",
        "# ---- Special Report ----",
        "# the portal's top-news column",
        "# one match per entry",
    ] {
        ensure!(
            file.contains(comment),
            "the file lost the comment {comment:?}"
        );
    }
    portalfeed::config::load(config_path).map_err(|e| anyhow!("saved file invalid: {e}"))?;

    // Deleting a group that still has sections is refused (409), after a confirm().
    page.click(r#"#sections button[data-site="demo"][data-section="hot-news"]"#)
        .await?;
    page.wait_value("#field-id", "hot-news").await?;
    page.click("#delete").await?;
    page.browser.accept_alert().await.context("no confirm()")?;
    page.wait_css("#status .error").await?;
    ensure!(
        std::fs::read_to_string(config_path)?.contains(r#"id = "hot-news""#),
        "the group was not deleted"
    );

    detect(
        page,
        config_path,
        &local_url.replace("bendixinwen3", "guojixinwen3"),
    )
    .await?;
    phone(page).await
}

/// New section, Detect from URL: the form fills in from the list page and
/// the preview runs at once; nothing is saved.
async fn detect(page: &Page<'_>, config_path: &Path, url: &str) -> anyhow::Result<()> {
    let file_before = std::fs::read_to_string(config_path)?;
    page.click("#new-section").await?;
    ensure!(
        page.find("#detect").await?.is_displayed().await?,
        "Detect from URL is shown for a new section"
    );
    page.set("#detect-url", url).await?;
    page.click("#detect-run").await?;
    page.wait_value("#field-list-item", "ul.list > li").await?;
    ensure!(page.value("#field-site").await? == "demo");
    ensure!(page.value("#field-url").await? == url);
    ensure!(page.value("#field-id").await? == "guojixinwen3");
    page.wait_css("#preview-results tbody tr").await?;
    let first_row = page.text("#preview-results tbody tr").await?;
    ensure!(
        !first_row.is_empty(),
        "the preview shows the detected entries"
    );
    ensure!(
        std::fs::read_to_string(config_path)? == file_before,
        "Detect changed the config file"
    );
    // An existing section shows no Detect.
    page.click(r#"#sections button[data-site="demo"][data-section="local"]"#)
        .await?;
    page.wait_value("#field-id", "local").await?;
    ensure!(!page.find("#detect").await?.is_displayed().await?);
    page.click("#close-editor").await
}

async fn log_in(page: &Page<'_>, token: &str) -> anyhow::Result<()> {
    page.browser.goto(&format!("{}/admin", page.base)).await?;
    page.wait_css("#token")
        .await?
        .send_keys("not-the-token")
        .await?;
    page.click("#login").await?;
    // The login page answering the POST replaces the one the form was on;
    // read the error only from the new one (an element of the old page
    // would go stale under our feet).
    let start = std::time::Instant::now();
    let error = loop {
        let on_answer = page
            .browser
            .current_url()
            .await
            .is_ok_and(|u| u.path().ends_with("/admin/login"));
        if on_answer {
            if let Ok(el) = page.find(".login-box .error").await {
                if let Ok(text) = el.text().await {
                    if !text.trim().is_empty() {
                        break text;
                    }
                }
            }
        }
        ensure!(
            start.elapsed() < WAIT,
            "no error shown for a wrong token within {WAIT:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    ensure!(!error.trim().is_empty(), "a wrong token shows an error");
    page.wait_css("#token").await?.send_keys(token).await?;
    page.click("#login").await?;
    page.wait_css(r#"#sections tr[data-key="demo/local"]"#)
        .await?;
    Ok(())
}

/// The table lists every section with its state and feeds, groups as groups.
async fn sections_table(page: &Page<'_>) -> anyhow::Result<()> {
    let row = r#"#sections tr[data-key="demo/local"]"#;
    ensure!(page.text(&format!("{row} .badge")).await? == "ok");
    let links = page.find_all(&format!("{row} .feeds a")).await?;
    let mut hrefs = Vec::new();
    for link in links {
        hrefs.push(link.attr("href").await?.unwrap_or_default());
    }
    ensure!(
        hrefs.iter().any(|h| h.ends_with("/feeds/demo/local.atom")),
        "the row links the section's feeds: {hrefs:?}"
    );
    page.find(r#"#sections tr.group-row[data-key="demo/hot-news"]"#)
        .await
        .context("the Hot News group has a group row")?;
    ensure!(
        page.find_all("#sections tbody tr.section-row").await?.len() == 7,
        "every scraped section has a row"
    );
    Ok(())
}

/// At 1280 px the preview table fits without sideways scrolling: one
/// column per field with distinct names, dates that wrap only between date
/// and time, the raw text behind a "raw" toggle.
async fn desktop(page: &Page<'_>) -> anyhow::Result<()> {
    page.browser.set_window_size(1280, 900).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    page.fits_width(1280).await?;
    let js = "const w = document.querySelector('#preview-results .table-wrap'); \
              return [w.scrollWidth, w.clientWidth];";
    let sizes = page.browser.execute(js, vec![]).await?;
    let sizes: Vec<i64> = serde_json::from_value(sizes)?;
    ensure!(
        sizes[0] <= sizes[1],
        "the preview table scrolls sideways at 1280 px: {sizes:?}"
    );
    let mut names = Vec::new();
    for th in page.find_all("#preview-results thead th").await? {
        names.push(th.text().await?);
    }
    let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
    ensure!(
        distinct.len() == names.len(),
        "column names are distinct: {names:?}"
    );
    ensure!(
        names.iter().any(|n| n == "date") && names.iter().any(|n| n == "title"),
        "{names:?}"
    );
    // A time with its offset is on one line.
    let js = "return [...document.querySelectorAll('#preview-results .time')] \
              .map((e) => e.getClientRects().length);";
    let lines: Vec<i64> = serde_json::from_value(page.browser.execute(js, vec![]).await?)?;
    ensure!(!lines.is_empty(), "dates with a time are shown");
    ensure!(
        lines.iter().all(|n| *n == 1),
        "a time wrapped inside its offset: {lines:?}"
    );
    // Raw on demand: closed, then open.
    let raw = page.find("#preview-results details.raw").await?;
    ensure!(
        !page
            .find("#preview-results details.raw .raw-text")
            .await?
            .is_displayed()
            .await?,
        "the raw text is hidden until asked for"
    );
    raw.find(Locator::Css("summary")).await?.click().await?;
    ensure!(
        page.find("#preview-results details.raw .raw-text")
            .await?
            .is_displayed()
            .await?,
        "the raw text shows on demand"
    );
    page.screenshot("admin-desktop-preview.png").await?;
    Ok(())
}

/// At 375 px the page fits the screen (no sideways scrolling of the page
/// itself); screenshots for a human to look at.
async fn phone(page: &Page<'_>) -> anyhow::Result<()> {
    page.browser.set_window_size(375, 812).await?;
    page.browser.goto(&format!("{}/admin", page.base)).await?;
    page.wait_css(r#"#sections tr[data-key="demo/local"]"#)
        .await?;
    page.fits_width(375).await?;
    page.screenshot("admin-phone.png").await?;
    page.click(r#"#sections button[data-site="demo"][data-section="local"]"#)
        .await?;
    page.wait_value("#field-list-item", "ul.list > li").await?;
    page.click("#preview").await?;
    page.wait_count("#preview-results tbody tr", 9).await?;
    page.fits_width(375).await?;
    page.screenshot("admin-phone-editor.png").await?;
    Ok(())
}

/// The browser and the service's base URL, with the steps the test needs.
struct Page<'a> {
    browser: &'a Client,
    base: &'a str,
}

impl Page<'_> {
    async fn find(&self, css: &str) -> anyhow::Result<Element> {
        self.browser
            .find(Locator::Css(css))
            .await
            .with_context(|| format!("no element {css}"))
    }

    async fn find_all(&self, css: &str) -> anyhow::Result<Vec<Element>> {
        Ok(self.browser.find_all(Locator::Css(css)).await?)
    }

    async fn wait_css(&self, css: &str) -> anyhow::Result<Element> {
        self.browser
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("{css} did not appear within {WAIT:?}"))
    }

    async fn click(&self, css: &str) -> anyhow::Result<()> {
        self.wait_css(css).await?.click().await?;
        Ok(())
    }

    async fn text(&self, css: &str) -> anyhow::Result<String> {
        Ok(self.find(css).await?.text().await?.trim().to_owned())
    }

    async fn value(&self, css: &str) -> anyhow::Result<String> {
        Ok(self
            .find(css)
            .await?
            .prop("value")
            .await?
            .unwrap_or_default())
    }

    async fn set(&self, css: &str, value: &str) -> anyhow::Result<()> {
        let input = self.find(css).await?;
        input.clear().await?;
        input.send_keys(value).await?;
        let now = input.prop("value").await?.unwrap_or_default();
        ensure!(now == value, "{css} holds {now:?} after typing {value:?}");
        Ok(())
    }

    /// Polls `check` until it answers `Some`, or fails saying `what`.
    async fn until<T, F, Fut>(&self, what: &str, mut check: F) -> anyhow::Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = anyhow::Result<Option<T>>>,
    {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(v) = check().await? {
                return Ok(v);
            }
            if Instant::now() > deadline {
                let status = self.text("#status").await.unwrap_or_default();
                bail!("{what} did not happen within {WAIT:?} (status: {status:?})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn wait_value(&self, css: &str, want: &str) -> anyhow::Result<()> {
        self.until(&format!("{css} = {want:?}"), move || async move {
            let found = self.browser.find_all(Locator::Css(css)).await?;
            Ok(match found.first() {
                Some(e) if e.prop("value").await?.as_deref() == Some(want) => Some(()),
                _ => None,
            })
        })
        .await
    }

    async fn wait_count(&self, css: &str, want: usize) -> anyhow::Result<()> {
        let last = std::cell::Cell::new(0);
        let last = &last;
        self.until(&format!("{want} × {css}"), move || async move {
            last.set(self.browser.find_all(Locator::Css(css)).await?.len());
            Ok((last.get() == want).then_some(()))
        })
        .await
        .with_context(|| format!("found {} × {css}, wanted {want}", last.get()))
    }

    async fn wait_status(&self, needle: &str) -> anyhow::Result<()> {
        self.until(&format!("#status saying {needle:?}"), move || async move {
            Ok(self.text("#status").await?.contains(needle).then_some(()))
        })
        .await
    }

    /// The viewport is `width` px wide and the page does not scroll
    /// sideways (wide tables scroll inside their own box).
    async fn fits_width(&self, width: i64) -> anyhow::Result<()> {
        let js = "return [window.innerWidth, document.documentElement.scrollWidth];";
        let sizes = self.browser.execute(js, vec![]).await?;
        let inner = sizes[0].as_i64().unwrap_or_default();
        let scroll = sizes[1].as_i64().unwrap_or_default();
        ensure!(
            inner == width,
            "the viewport is {inner} px wide, not {width}"
        );
        ensure!(
            scroll <= inner,
            "at {inner} px the page scrolls sideways ({scroll} px wide)"
        );
        Ok(())
    }

    async fn screenshot(&self, name: &str) -> anyhow::Result<()> {
        let png = self.browser.screenshot().await?;
        let path = target_dir().join(name);
        std::fs::write(&path, png).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("screenshot: {}", path.display());
        Ok(())
    }

    /// What a failing run leaves behind: the status line and a screenshot.
    async fn failure_context(&self) {
        if let Ok(status) = self.text("#status").await {
            eprintln!("page status at failure: {status:?}");
        }
        if let Ok(url) = self.browser.current_url().await {
            eprintln!("page URL at failure: {url}");
        }
        let _ = self.screenshot("admin-failure.png").await;
    }
}

/// `target/` of this build (screenshots go there, never into git).
fn target_dir() -> PathBuf {
    option_env!("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    )
}

async fn atom(http: &reqwest::Client, url: &str) -> anyhow::Result<feed_rs::model::Feed> {
    let resp = http.get(url).send().await?;
    ensure!(resp.status().is_success(), "{url}: {}", resp.status());
    let bytes = resp.bytes().await?;
    Ok(common::parse_feed(&bytes))
}

/// The summary of the Xiangjiang River Bridge entry.
fn bridge_summary(feed: &feed_rs::model::Feed) -> anyhow::Result<String> {
    let entry = feed
        .entries
        .iter()
        .find(|e| {
            e.title
                .as_ref()
                .is_some_and(|t| t.content.contains("Xiangjiang River Bridge"))
        })
        .context("the feed has the bridge entry")?;
    Ok(entry
        .summary
        .as_ref()
        .map(|s| s.content.trim().to_owned())
        .unwrap_or_default())
}
