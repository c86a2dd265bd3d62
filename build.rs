//! The fixture portal and the demo config are embedded in the binary
//! (`src/demo.rs`); a change to them must rebuild it. (`include_dir!` cannot
//! tell cargo on stable Rust, `include_str!` can, but not for new files.)
//!
//! The release executable is also linked for a small resident size
//! (docs/BENCHMARKS.md, "Idle memory of demo"):
//! - relative relocations packed (`DT_RELR`): 70,000 of them in 0.03 MB
//!   instead of 1.6 MB that the loader reads at every start. It needs
//!   glibc 2.36 at run time, so it is only asked for when the glibc the
//!   binary is built against has it.
//! - the functions a running service executes placed first, from
//!   `link/hot-symbols.txt` (`scripts/hot-symbols.py` writes it), so they
//!   share a few megabytes of pages instead of touching nearly every one.
//!   Exact names go to the linker as a symbol ordering file; names with a
//!   `.llvm.*` suffix (renamed by ThinLTO, the suffix changing with each
//!   edit) as section patterns of a `.text.hot` section placed before
//!   `.text`. Only rust-lld, the default linker of x86_64 Linux since Rust
//!   1.90, takes both; elsewhere the link is left as it is. (A linker set
//!   in a cargo config file is not visible here: set
//!   `PORTALFEED_NO_HOT_ORDER=1` with one that is not lld.)

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const HOT_SYMBOLS: &str = "link/hot-symbols.txt";

fn main() {
    println!("cargo::rerun-if-changed=fixtures/portal");
    println!("cargo::rerun-if-changed=config/demo.toml");
    println!("cargo::rerun-if-changed={HOT_SYMBOLS}");
    println!("cargo::rerun-if-env-changed=CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER");
    println!("cargo::rerun-if-env-changed=PORTALFEED_NO_HOT_ORDER");

    let var = |name: &str| env::var(name).unwrap_or_default();
    let native_linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && var("TARGET") == var("HOST");
    if var("PROFILE") != "release" || !native_linux_gnu {
        return;
    }
    if glibc_has_relr() {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    if env::var_os("PORTALFEED_NO_HOT_ORDER").is_none() && links_with_rust_lld() {
        hot_order(&Path::new(&var("CARGO_MANIFEST_DIR")).join(HOT_SYMBOLS));
    }
}

/// The link arguments that place the functions of `list` first.
fn hot_order(list: &Path) {
    let Ok(text) = std::fs::read_to_string(list) else {
        return; // a checkout without the list (the Dockerfile's dependency layer)
    };
    let (mut exact, mut patterns) = (String::new(), String::new());
    // Symbol names as rustc and C compilers write them; anything else (a
    // hand edit) would break the linker script, so it is left out.
    let symbol = |n: &&str| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_$.".contains(&b))
    };
    for name in text.lines().map(str::trim).filter(|n| !n.is_empty()) {
        match name.strip_suffix(".llvm.*") {
            Some(base) if symbol(&base) => {
                let _ = writeln!(patterns, "    *(.text.{base}.llvm.*)");
            }
            None if symbol(&name) => {
                let _ = writeln!(exact, "{name}");
            }
            _ => println!("cargo::warning={HOT_SYMBOLS}: not a symbol name: {name}"),
        }
    }
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default());
    let order = out.join("hot-symbols.order");
    let script = out.join("hot-text.ld");
    let script_text =
        format!("SECTIONS {{\n  .text.hot : {{\n{patterns}  }}\n}} INSERT BEFORE .text;\n");
    if std::fs::write(&order, exact).is_err() || std::fs::write(&script, script_text).is_err() {
        println!(
            "cargo::warning=cannot write the hot function order to {}",
            out.display()
        );
        return;
    }
    let arg = "cargo::rustc-link-arg-bins";
    println!("{arg}=-Wl,--symbol-ordering-file={}", order.display());
    // Names of functions that a change since the list was written removed
    // or renamed are skipped without a warning each.
    println!("{arg}=-Wl,--no-warn-symbol-ordering");
    if !patterns.is_empty() {
        println!("{arg}=-Wl,-T,{}", script.display());
    }
}

/// glibc 2.36 or newer (`getconf GNU_LIBC_VERSION` prints `glibc 2.36`).
fn glibc_has_relr() -> bool {
    let Some(version) = output("getconf", &["GNU_LIBC_VERSION"]) else {
        return false;
    };
    let mut numbers = version
        .trim()
        .trim_start_matches("glibc ")
        .split('.')
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let (major, minor) = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    (major, minor) >= (2, 36)
}

/// rustc 1.90 or newer on x86_64 Linux, with no other linker configured.
fn links_with_rust_lld() -> bool {
    if env::var("TARGET").as_deref() != Ok("x86_64-unknown-linux-gnu")
        || env::var_os("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER").is_some()
    {
        return false;
    }
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if flags.contains("linker") || flags.contains("link-self-contained") {
        return false;
    }
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let Some(version) = output(&rustc, &["--version"]) else {
        return false;
    };
    // `rustc 1.95.0 (59807616e 2026-04-14)`
    let minor = version
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.split('.').nth(1))
        .and_then(|m| m.parse::<u32>().ok());
    minor.is_some_and(|m| m >= 90)
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
