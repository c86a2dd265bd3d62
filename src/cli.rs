//! The command line: `serve`, `demo`, `check`, `scrape`.
