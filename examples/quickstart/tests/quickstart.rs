//! The README's first command, run as a user runs it: the quickstart binary.

use std::process::Command;

fn quickstart() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_mgc-quickstart"));
    for var in ["MGC_API_KEY", "MGC_JWT", "MGC_REGION", "MGC_BASE_URL"] {
        command.env_remove(var);
    }
    command
}

#[test]
fn without_credentials_it_runs_the_whole_lifecycle_on_the_emulator() {
    let out = quickstart().output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("built-in emulator"), "{stdout}");
    for step in [
        "create quickstart-",
        "snapshot",
        "restore snapshot",
        "retype",
        "delete instance",
    ] {
        assert!(
            stdout.contains(&format!("✓ {step}")),
            "no ✓ {step} in:\n{stdout}"
        );
    }
    assert!(!stdout.contains('✗'), "{stdout}");
}

#[test]
fn a_failed_step_is_marked_failed_with_its_cause_and_the_exit_code_is_1() {
    // A closed loopback port: every call is refused, nothing is created anywhere.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/br-se1", closed.local_addr().unwrap());
    drop(closed);
    let out = quickstart()
        .env("MGC_API_KEY", "quickstart-test")
        .env("MGC_BASE_URL", &url)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let line = stdout
        .lines()
        .find(|l| l.contains("list machine types"))
        .unwrap_or_else(|| panic!("no line for the first step:\n{stdout}"));
    assert!(line.trim_start().starts_with('✗'), "{line}");
    assert!(!stdout.contains('✓'), "nothing succeeded:\n{stdout}");
    assert!(
        line.to_ascii_lowercase().contains("connection refused"),
        "the cause is shown: {line}"
    );
}

#[test]
fn a_custom_layer_built_from_mgcs_re_exports_sees_every_call() {
    let out = Command::new(env!("CARGO_BIN_EXE_custom_layer"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("#1 GET /br-se1/compute/v1/instances -> 200 OK"),
        "{stdout}"
    );
    assert!(stdout.contains("-> 404 Not Found"), "{stdout}");
    assert!(stdout.contains("not found, as expected"), "{stdout}");
}
