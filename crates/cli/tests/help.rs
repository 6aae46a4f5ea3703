//! `--help` is complete on every command, and usage errors exit with code 2.

mod common;

use common::TestEnv;

const COMMANDS: &[&[&str]] = &[
    &[],
    &["demo"],
    &["sign"],
    &["login"],
    &["logout"],
    &["whoami"],
    &["receipts"],
    &["receipts", "list"],
    &["receipts", "show"],
    &["receipts", "verify"],
    &["receipts", "export"],
    &["receipts", "export-all"],
    &["receipts", "import"],
];

#[test]
fn help_succeeds_for_every_command() {
    let env = TestEnv::new();
    for command in COMMANDS {
        let mut args = command.to_vec();
        args.push("--help");
        let run = env.run(&args);
        run.assert_code(0);
        assert!(
            run.stdout.contains("Usage: matter-signer"),
            "{args:?}: {}",
            run.stdout
        );
    }
}

#[test]
fn top_level_help_lists_exit_codes() {
    let run = TestEnv::new().run(&["--help"]);
    run.assert_code(0);
    for row in [
        "    0    success",
        "    2    invalid usage",
        "    7    verification failed",
        "    8    verification: the receipt is intact",
        "    130  cancelled",
    ] {
        assert!(
            run.stdout.contains(row),
            "missing {row:?} in\n{}",
            run.stdout
        );
    }
}

#[test]
fn help_states_units_and_defaults() {
    let run = TestEnv::new().run(&["sign", "--help"]);
    run.assert_code(0);
    assert!(
        run.stdout.contains("in seconds [default: 300]"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("MATTER_API_BASE"), "{}", run.stdout);
    assert!(run.stdout.contains("--typed-name"), "{}", run.stdout);
}

#[test]
fn sign_help_documents_sandbox_auto_login() {
    let run = TestEnv::new().run(&["sign", "--help"]);
    assert!(
        run.stdout.contains("--sandbox-auto-login"),
        "{}",
        run.stdout
    );
}

#[test]
fn unknown_flag_exits_2() {
    let run = TestEnv::new().run(&["whoami", "--no-such-flag"]);
    run.assert_code(2);
    assert!(run.stderr.contains("--no-such-flag"), "{}", run.stderr);
}

#[test]
fn missing_link_exits_2() {
    let run = TestEnv::new().run(&["sign"]);
    run.assert_code(2);
    assert!(run.stderr.contains("<LINK>"), "{}", run.stderr);
}

#[test]
fn auto_login_without_sandbox_exits_2() {
    let run = TestEnv::new().run(&["login", "--sandbox-auto-login"]);
    run.assert_code(2);
    assert!(run.stderr.contains("--sandbox"), "{}", run.stderr);
}
