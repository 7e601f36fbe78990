//! The pre-bound libnode (tools/prebind.py) binds every symbol exactly as the unmodified
//! one does: `LD_DEBUG=bindings` of the same run with each library shows that every
//! lookup left binds as before, and that every lookup pre-binding removed bound libnode
//! to its own definition. It keeps BIND_NOW and RELRO.
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_minideno");
const LIB: &str = "../third_party/libnode/usr/lib/x86_64-linux-gnu/libnode.so.108";
const UNMODIFIED: &str = "../third_party/libnode/unmodified";

/// (file, bound to, symbol) of every lookup the loader reports for `minideno run
/// hello.ts`, with the unmodified library first on the loader's path if asked.
fn bindings(unmodified: bool) -> (BTreeSet<(String, String, String)>, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // An empty DENO_DIR each time: both runs compile hello.ts (the transpiler's thread
    // makes lookups of its own), neither reads it from the other's cache.
    let deno_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("prebind-{unmodified}"));
    let _ = std::fs::remove_dir_all(&deno_dir);
    let mut cmd = Command::new(BIN);
    cmd.args(["run", "tests/testdata/hello.ts"])
        .current_dir(root)
        .env("LD_DEBUG", "bindings")
        .env("DENO_DIR", deno_dir);
    if unmodified {
        cmd.env("LD_LIBRARY_PATH", root.join(UNMODIFIED));
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success());
    let file = |s: &str| s.rsplit('/').next().unwrap().to_string();
    let mut found = BTreeSet::new();
    for line in String::from_utf8_lossy(&out.stderr).lines() {
        // "<pid>: binding file <a> [0] to <b> [0]: normal symbol `<name>' [<version>]"
        let Some(rest) = line.split_once("binding file ").map(|(_, r)| r) else {
            continue;
        };
        let (from, rest) = rest.split_once(" [").unwrap();
        let (_, rest) = rest.split_once(" to ").unwrap();
        let (to, rest) = rest.split_once(" [").unwrap();
        let symbol = rest.split_once('`').unwrap().1.split_once('\'').unwrap().0;
        found.insert((file(from), file(to), symbol.to_string()));
    }
    (found, String::from_utf8(out.stdout).unwrap())
}

#[test]
fn every_symbol_binds_as_with_the_unmodified_library() {
    let (before, out_before) = bindings(true);
    let (after, out_after) = bindings(false);
    assert_eq!(out_before, out_after);
    assert!(
        before.len() > 10_000,
        "LD_DEBUG=bindings reported {} lookups",
        before.len()
    );
    let changed: Vec<_> = after.difference(&before).collect();
    assert!(
        changed.is_empty(),
        "bound otherwise than before: {changed:?}"
    );
    let removed: Vec<_> = before.difference(&after).collect();
    let foreign: Vec<_> = removed
        .iter()
        .filter(|(from, to, _)| from != "libnode.so.108" || to != "libnode.so.108")
        .collect();
    assert!(
        foreign.is_empty(),
        "pre-bound, though bound elsewhere: {foreign:?}"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let prebound = std::fs::read(root.join(LIB)).unwrap()
        != std::fs::read(root.join(UNMODIFIED).join("libnode.so.108")).unwrap();
    if prebound {
        assert!(
            removed.len() > 30_000,
            "only {} lookups pre-bound",
            removed.len()
        );
    }
}

#[test]
fn the_library_keeps_bind_now_and_relro() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readelf = |arg: &str| {
        let out = Command::new("readelf")
            .args([arg, LIB])
            .current_dir(root)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(readelf("-d").contains("BIND_NOW"));
    assert!(readelf("-lW").contains("GNU_RELRO"));
}
