//! The REPL: a session fed through a pipe (every answer checked), and one in a real
//! terminal under tmux (prompts, multi-line input, history, Ctrl-D, Tab completion), and
//! the permissions a session starts with.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_minideno");

fn deno_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("repl")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_piped_session_evaluates_in_one_context() {
    let input = "\
1 + 2
let x: number = 40
x + 2
function twice(n: number) {
  return n * 2;
}
twice(21)
{ a: 1, b: \"s\" }
\"text\"
const v = await Promise.resolve(6)
v * 7
await new Promise((r) => setTimeout(() => r(\"later\"), 5))
throw new RangeError(\"boom\")
x
import { leaf } from \"./tests/testdata/modules/leaf.ts\"
leaf
let broken = ;
Deno.readTextFileSync(\"/etc/hostname\")
close()
\"never evaluated\"
";
    let mut child = Command::new(BIN)
        .args(["repl", "--allow-read=tests/testdata/modules"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DENO_DIR", deno_dir("piped"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stdout,
        "3\nundefined\n42\nundefined\n42\n{ a: 1, b: \"s\" }\n\"text\"\nundefined\n42\n\"later\"\n40\nleaf evaluated\nundefined\n\"leaf\"\n"
    );
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("Uncaught"))
        .collect();
    assert_eq!(errors.len(), 3, "{stderr}");
    assert_eq!(errors[0], "Uncaught RangeError: boom");
    assert!(errors[1].starts_with("Uncaught SyntaxError"), "{stderr}");
    assert!(
        errors[2].starts_with("Uncaught PermissionDenied: Requires read access"),
        "{stderr}"
    );
}

/// The visible text of tmux pane `session`.
fn capture(session: &str) -> String {
    let out = Command::new("tmux")
        .args(["capture-pane", "-p", "-t", session])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn wait_for(session: &str, what: &str) -> String {
    let start = Instant::now();
    loop {
        let screen = capture(session);
        if screen.contains(what) {
            return screen;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "waited for {what:?}; screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn keys(session: &str, keys: &[&str]) {
    let status = Command::new("tmux")
        .args(["send-keys", "-t", session])
        .args(keys)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_terminal_session_under_tmux() {
    let dir = deno_dir("tmux");
    let command = format!(
        "DENO_DIR={} NO_COLOR=1 {BIN}; echo REPL-EXITED-$?; sleep 30",
        dir.display()
    );
    in_tmux("repl", &command, |session| {
        wait_for(session, "exit using ctrl+d or close()");
        keys(session, &["const o = { n: 6 * 7,", "Enter"]);
        // Not complete yet: a continuation prompt.
        wait_for(session, "\n...");
        keys(session, &["s: 'ok' }", "Enter"]);
        // The next prompt first: keys typed before it are echoed by the terminal too.
        wait_for(session, "\nundefined\n>");
        keys(session, &["o", "Enter"]);
        let screen = wait_for(session, "{ n: 42, s: \"ok\" }\n>");
        assert!(
            screen.contains("> const o = { n: 6 * 7,\n... s: 'ok' }\nundefined\n> o\n"),
            "{screen}"
        );
        // History: Up brings back the last entry.
        keys(session, &["Up", "Enter"]);
        let start = Instant::now();
        while capture(session).matches("{ n: 42, s: \"ok\" }").count() < 2 {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{}",
                capture(session)
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        keys(session, &["C-d"]);
        wait_for(session, "REPL-EXITED-0");
        let history = std::fs::read_to_string(dir.join("deno_history.txt")).unwrap();
        assert!(
            history.contains("const o = { n: 6 * 7,") && history.ends_with("o\n"),
            "{history}"
        );
    });
}

#[test]
fn the_repl_has_every_permission_unless_flags_name_some() {
    let session = |args: &[&str]| {
        let mut child = Command::new(BIN)
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DENO_DIR", deno_dir("permissions"))
            .env("NO_COLOR", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let input = "Deno.readTextFileSync(\"tests/testdata/args.ts\").length > 0\nDeno.env.get(\"HOME\") !== undefined\n";
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    for args in [&["repl"][..], &[]] {
        let (stdout, stderr) = session(args);
        assert_eq!(stdout, "true\ntrue\n", "minideno {args:?}: {stderr}");
    }
    // A flag narrows it to what it names.
    let (stdout, stderr) = session(&["repl", "--allow-read"]);
    assert_eq!(stdout, "true\n", "{stderr}");
    assert!(
        stderr.contains("Uncaught PermissionDenied: Requires env access"),
        "{stderr}"
    );
}

#[test]
fn tab_completes_globals_and_properties_under_tmux() {
    let dir = deno_dir("tmux-tab");
    let command = format!(
        "cd {} && DENO_DIR={} NO_COLOR=1 {BIN}; sleep 30",
        env!("CARGO_MANIFEST_DIR"),
        dir.display()
    );
    in_tmux("tab", &command, |session| {
        wait_for(session, "exit using ctrl+d or close()");
        // One candidate: completed in place.
        keys(session, &["Deno.myP", "Tab"]);
        wait_for(session, "> Deno.myPid");
        keys(session, &["() === Deno.pid", "Enter"]);
        wait_for(session, "\ntrue\n>");
        // A global, and a name an earlier entry defined.
        keys(session, &["let answerToAll = 42", "Enter"]);
        wait_for(session, "\nundefined\n>");
        keys(session, &["answerTo", "Tab"]);
        wait_for(session, "> answerToAll");
        keys(session, &[" + 0", "Enter"]);
        wait_for(session, "\n42\n>");
        // Several: a second Tab lists them.
        keys(session, &["Deno.readTextF", "Tab", "Tab"]);
        wait_for(session, "readTextFile      readTextFileSync");
        keys(session, &["C-u"]);
        // A local module imports with no flag: the REPL has every permission.
        keys(
            session,
            &[
                "import { leaf } from \"./tests/testdata/modules/leaf.ts\"",
                "Enter",
            ],
        );
        wait_for(session, "leaf evaluated");
        keys(session, &["le", "Tab"]);
        wait_for(session, "> leaf");
        keys(session, &["Enter"]);
        wait_for(session, "\n\"leaf\"\n>");
    });
}

/// Runs `command` in a detached tmux session of 100x30 named after `name`, then `test`
/// with the session's name; the session is killed afterwards, whatever happened.
fn in_tmux(name: &str, command: &str, test: impl FnOnce(&str) + std::panic::UnwindSafe) {
    let session = format!("minideno-{name}-{}", std::process::id());
    let status = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-x",
            "100",
            "-y",
            "30",
            "-s",
            &session,
            command,
        ])
        .status()
        .expect("tmux");
    assert!(status.success());
    let result = std::panic::catch_unwind(|| test(&session));
    let _ = Command::new("tmux")
        .args(["kill-session", "-t", &session])
        .status();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
