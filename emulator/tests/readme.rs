//! Every command of the README's `sh` blocks, run as written (curl, in
//! order) against the real binary started as the README says, with the
//! README's `127.0.0.1:8080` pointed at the port it got. Each command is
//! followed in the README by `# => STATUS` or `# => exit N` (curl's exit
//! code), which is checked.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const README: &str = include_str!("../README.md");
const README_URL: &str = "http://127.0.0.1:8080";

/// One command and what it should give.
#[derive(Debug)]
struct Step {
    command: String,
    expect: Expect,
}

#[derive(Debug, PartialEq)]
enum Expect {
    Status(u16),
    Exit(i32),
}

fn steps(readme: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut in_sh = false;
    let mut pending: Option<String> = None;
    let mut current = String::new();
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            in_sh = !in_sh && line.trim() == "```sh";
            assert!(
                pending.is_none(),
                "a command without `# =>` before a block ends: {pending:?}"
            );
            continue;
        }
        if !in_sh {
            continue;
        }
        let line = line.trim();
        if let Some(expect) = line.strip_prefix("# =>") {
            let command = pending.take().expect("`# =>` after a command");
            let expect = expect.trim();
            let expect = match expect.strip_prefix("exit ") {
                Some(code) => Expect::Exit(code.parse().expect("exit code")),
                None => Expect::Status(expect.parse().expect("a status")),
            };
            steps.push(Step { command, expect });
            continue;
        }
        assert!(pending.is_none(), "a command without `# =>`: {pending:?}");
        current.push_str(line.trim_end_matches('\\'));
        current.push(' ');
        if !line.ends_with('\\') {
            let command = std::mem::take(&mut current).trim().to_string();
            assert!(
                command.starts_with("curl "),
                "the README's sh blocks hold curl commands only (others are `text`): {command}"
            );
            pending = Some(command);
        }
    }
    steps
}

/// The binary, stopped (and reaped) when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_binary() -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mgc-emulator"))
        .args(["--port", "0", "--transition-ms", "300"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the emulator binary starts");
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut lines = BufReader::new(stdout);
    let mut first = String::new();
    lines.read_line(&mut first).unwrap();
    // Keep reading what it prints, until it exits.
    std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in the first line: {first}"))
        .to_string();
    (running, url)
}

#[test]
fn the_readme_parses_into_commands() {
    let steps = steps(README);
    assert!(steps.len() >= 25, "{}", steps.len());
    for kind in [
        "fail",
        "drop",
        "act_then_drop",
        "act_then_fail",
        "delay",
        "cut",
    ] {
        assert!(
            steps
                .iter()
                .any(|s| s.command.contains(&format!("\"fault\": \"{kind}\""))),
            "the README shows the `{kind}` fault"
        );
    }
    for path in [
        "/_emulator/requests",
        "/_emulator/reset",
        "/_emulator/faults",
    ] {
        assert!(steps.iter().any(|s| s.command.contains(path)), "{path}");
    }
}

#[test]
fn every_curl_command_of_the_readme_works_as_written() {
    assert!(
        Command::new("curl").arg("--version").output().is_ok(),
        "curl is needed to run the README's commands"
    );
    let (_server, url) = start_binary();
    let snapshots = || {
        let out = Command::new("curl")
            .args(["-sS", "-H", "X-API-Key: any"])
            .arg(format!("{url}/br-se1/compute/v1/snapshots"))
            .output()
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        body["meta"]["page"]["total"].as_u64().unwrap()
    };
    let mut trap_checked = false;
    for step in steps(README) {
        let command = step.command.replace(README_URL, &url);
        // Keep the command as written; only where its output goes is added.
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("{command} -o /dev/null -w '%{{http_code}}'"))
            .output()
            .expect("sh runs");
        let status = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let got = match out.status.code() {
            Some(0) => Expect::Status(status.parse().unwrap_or(0)),
            Some(code) => Expect::Exit(code),
            None => Expect::Exit(-1),
        };
        assert_eq!(
            got,
            step.expect,
            "{}\nstderr: {}",
            step.command,
            String::from_utf8_lossy(&out.stderr)
        );
        if step.command.contains("snapshots?name=snap-2") {
            // What the README says: both creates were carried out, unanswered.
            assert_eq!(snapshots(), 2);
            trap_checked = true;
        }
    }
    assert!(trap_checked);
    // The README ends with a reset: back to the catalogue.
    assert_eq!(snapshots(), 0);
}
