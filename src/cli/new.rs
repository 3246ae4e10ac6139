//! `lrb new`: scaffold a runbook that passes `lrb check`, ready to fill in.

use super::error::CliError;
use crate::exit::Exit;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The runbook's name: lowercase letters, digits and `_`, starting with a letter
    /// (`api_outage`). It names the file and the runbook.
    pub name: String,
    /// Directory to write `NAME.rb` into.
    #[arg(long, default_value = "runbooks")]
    pub dir: PathBuf,
}

pub fn run(args: NewArgs) -> Exit {
    let valid = args.name.starts_with(|c: char| c.is_ascii_lowercase())
        && args
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        CliError::new(format!("`{}` is not a runbook name", args.name)).help("Use lowercase letters, digits and `_`, starting with a letter, such as `api_outage`.").print();
        return Exit::Usage;
    }
    let path = args.dir.join(format!("{}.rb", args.name));
    match super::create_new(&path, &scaffold(&args.name)) {
        Ok(()) => {
            println!("created {}", path.display());
            println!(
                "next: fill in the TODOs, then run `lrb check {}`",
                path.display()
            );
            Exit::Ok
        }
        Err(e) => {
            CliError::new(e.to_string()).print();
            Exit::Usage
        }
    }
}

/// A small complete runbook: one check, one branch, a confirm and a follow-up.
pub fn scaffold(name: &str) -> String {
    let title: Vec<String> = name
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    let title = title.join(" ");
    format!(
        r#"# {title}: TODO say in one line what goes wrong.

target :api, http: env("API_URL", "http://127.0.0.1:3000"), timeout: 5s

runbook :{name} do
  title "{title}"
  severity :high
  owner "TODO: the team that is paged"
  description "TODO: what goes wrong, and who notices first."

  symptom "TODO: what the on-call engineer sees"

  check :live, "the service answers" do
    api.get "/health", status: 200
  end

  when failed(:live) do
    mitigate "Restart the service" do
      step "TODO: say how to restart the service"
    end
  end

  confirm within: 2m, every: 5s do
    api.get "/health", status: 200
  end

  followup do
    todo "Write down what caused the incident"
  end
end
"#
    )
}
