//! A command's failure as the operator reads it on stderr: `error: what went wrong`, then
//! `help: what to do`. Every command reports its failures through [`CliError::print`], so
//! they look the same everywhere.

use std::fmt;

#[derive(Debug)]
pub struct CliError {
    message: String,
    help: Option<String>,
}

impl CliError {
    pub fn new(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The one place a command's error reaches stderr.
    pub fn print(&self) {
        eprintln!("{self}");
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}
