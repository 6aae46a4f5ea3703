//! Reading `$BROWSER` the same way in both front ends.
//!
//! `$BROWSER` is a colon-separated list of commands, tried in order until one starts
//! (the convention of xdg-utils and Python's `webbrowser`). An entry that names an
//! existing file is run as that program, so its path may contain spaces; any other
//! entry is split on whitespace into a program and its arguments. A `%s` in an
//! argument is replaced by the URL; without one, the URL is appended as the last
//! argument. The front ends run the result directly, never through a shell, and only
//! ever pass the engine's authorize URL (nothing from a deep link).

/// One command from `$BROWSER`, with the URL already in its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserCommand {
    pub program: String,
    pub args: Vec<String>,
}

/// Parses the value of `$BROWSER` into the commands to try, in order, for `url`.
/// `is_file` returns whether a whole entry names an existing file. Empty entries are
/// skipped, so an empty or blank value gives no command.
pub fn browser_commands(
    value: &str,
    url: &str,
    is_file: impl Fn(&str) -> bool,
) -> Vec<BrowserCommand> {
    value
        .split(':')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (program, mut args) = if is_file(entry) {
                (entry.to_owned(), Vec::new())
            } else {
                let mut words = entry.split_whitespace().map(str::to_owned);
                let program = words.next().unwrap_or_default();
                (program, words.collect::<Vec<_>>())
            };
            if args.iter().any(|arg| arg.contains("%s")) {
                for arg in &mut args {
                    *arg = arg.replace("%s", url);
                }
            } else {
                args.push(url.to_owned());
            }
            BrowserCommand { program, args }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://127.0.0.1:4010/oauth/authorize?state=abcdefgh";

    fn no_files(_: &str) -> bool {
        false
    }

    #[test]
    fn single_program_gets_url_last() {
        let commands = browser_commands("firefox", URL, no_files);
        assert_eq!(
            commands,
            [BrowserCommand {
                program: "firefox".into(),
                args: vec![URL.into()],
            }]
        );
    }

    #[test]
    fn list_is_tried_in_order() {
        let commands = browser_commands("firefox:chromium --incognito", URL, no_files);
        let programs: Vec<_> = commands.iter().map(|c| c.program.as_str()).collect();
        assert_eq!(programs, ["firefox", "chromium"]);
        assert_eq!(commands[1].args, ["--incognito", URL]);
    }

    #[test]
    fn percent_s_is_replaced() {
        let commands = browser_commands("w3m -o x %s --no-cookie", URL, no_files);
        assert_eq!(commands[0].args, ["-o", "x", URL, "--no-cookie"]);
    }

    #[test]
    fn existing_path_with_spaces_is_one_program() {
        let path = "/opt/My Browser/browser";
        let commands = browser_commands(path, URL, |entry| entry == path);
        assert_eq!(commands[0].program, path);
        assert_eq!(commands[0].args, [URL]);
    }

    #[test]
    fn empty_entries_are_skipped() {
        assert!(browser_commands("", URL, no_files).is_empty());
        assert!(browser_commands(" : :", URL, no_files).is_empty());
        let commands = browser_commands("::firefox:", URL, no_files);
        assert_eq!(commands.len(), 1);
    }

    #[test]
    fn url_is_never_split_into_words() {
        let url = "http://127.0.0.1:1/a b";
        let commands = browser_commands("open", url, no_files);
        assert_eq!(commands[0].args, [url]);
    }
}
