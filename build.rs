//! The fixture portal and the demo config are embedded in the binary
//! (`src/demo.rs`); a change to them must rebuild it. (`include_dir!` cannot
//! tell cargo on stable Rust, `include_str!` can, but not for new files.)

fn main() {
    println!("cargo::rerun-if-changed=fixtures/portal");
    println!("cargo::rerun-if-changed=config/demo.toml");
}
