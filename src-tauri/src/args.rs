//! Command-line flags of the desktop app.
//!
//! `matter-signer-desktop [--sandbox] [mattermode://…]`. The link is untrusted:
//! it is only ever handed to the engine's parser, never to a shell, a file path or
//! a window URL.

/// The parsed command line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Args {
    /// Run against an embedded sandbox with demo data instead of the Matter API.
    pub sandbox: bool,
    /// A `mattermode://` link to open at start.
    pub link: Option<String>,
}

/// The action the command line requests.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    Run(Args),
    Help,
    Version,
}

/// Usage text for `--help`.
pub const USAGE: &str = "\
Usage: matter-signer-desktop [--sandbox] [mattermode://LINK]

Opens the Matter Signer window. A mattermode:// link as the argument opens that
signing request; nothing is signed until you review it and click Sign.

Options:
  --sandbox   Run against an embedded local sandbox with demo data (nothing is binding)
  --help      Print this help
  --version   Print the version
";

impl Args {
    /// Parses the arguments after the program name.
    pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Parsed, String> {
        let mut parsed = Args::default();
        for arg in args {
            match arg.as_str() {
                "--sandbox" => parsed.sandbox = true,
                "--help" | "-h" => return Ok(Parsed::Help),
                "--version" | "-V" => return Ok(Parsed::Version),
                _ if is_link(&arg) => {
                    if parsed.link.is_some() {
                        return Err(
                            "more than one mattermode:// link was given; pass one link".into()
                        );
                    }
                    parsed.link = Some(arg);
                }
                _ => {
                    return Err(format!(
                        "unexpected argument {:?}; expected --sandbox or a mattermode:// link",
                        truncate(&arg)
                    ))
                }
            }
        }
        Ok(Parsed::Run(parsed))
    }
}

/// Finds the link in the argv a second launch forwarded (program name first).
pub fn forwarded_link(argv: &[String]) -> Option<&str> {
    argv.iter()
        .skip(1)
        .map(String::as_str)
        .find(|arg| is_link(arg))
}

/// Returns whether an argument is meant as a link, because it starts with the app's
/// scheme (in any case).
fn is_link(arg: &str) -> bool {
    arg.get(..11)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("mattermode:"))
}

/// Shortens an argument for an error message.
fn truncate(arg: &str) -> String {
    arg.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Parsed, String> {
        Args::parse(args.iter().map(|arg| arg.to_string()))
    }

    #[test]
    fn parse_sandbox_and_link() {
        let parsed = parse(&["--sandbox", "mattermode://sign?document_id=doc_a"]).unwrap();
        let Parsed::Run(args) = parsed else {
            panic!("expected Run, got {parsed:?}")
        };
        assert!(args.sandbox);
        assert_eq!(
            args.link.as_deref(),
            Some("mattermode://sign?document_id=doc_a")
        );
    }

    #[test]
    fn parse_rejects_unknown_flag() {
        let error = parse(&["--sandbx"]).unwrap_err();
        assert!(error.contains("--sandbx"), "{error}");
    }

    #[test]
    fn parse_rejects_two_links() {
        let error = parse(&["mattermode://a", "mattermode://b"]).unwrap_err();
        assert!(error.contains("more than one"), "{error}");
    }

    #[test]
    fn parse_rejects_other_scheme() {
        assert!(parse(&["https://example.test/"]).is_err());
    }

    #[test]
    fn forwarded_link_skips_flags() {
        let argv = ["/usr/bin/app", "--sandbox", "MatterMode://sign"].map(String::from);
        assert_eq!(forwarded_link(&argv), Some("MatterMode://sign"));
    }

    #[test]
    fn forwarded_link_ignores_program_name() {
        let argv = ["mattermode://odd-program-name"].map(String::from);
        assert_eq!(forwarded_link(&argv), None);
    }
}
