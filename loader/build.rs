//! Build: the oxc version this crate pins, for the compile cache's key and
//! `minideno --version`.
use std::fs;

fn main() {
    println!("cargo:rerun-if-changed=Cargo.toml");
    let manifest = fs::read_to_string("Cargo.toml").unwrap();
    let oxc = manifest
        .lines()
        .find_map(|l| l.strip_prefix("oxc = { version = \"="))
        .and_then(|rest| rest.split('"').next())
        .expect("Cargo.toml pins oxc = { version = \"=X.Y.Z\", ... }");
    println!("cargo:rustc-env=OXC_VERSION={oxc}");
}
